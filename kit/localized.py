"""Seeded reference names (R-levels, phases, product categories, basisingrediënten) in
the reader's language.

Such a row keeps its Dutch name in `<field>` (or `<field>_nl`) and its English one in
`<field>_en`, both filled by the seed. Every place that shows one asks `localized()`
(templates through the `localized` filter of `portal`, and the models' `__str__`), so a
page, a facet, a form's options and an export all name it in the language the reader
chose. A row without an English name (one added later in the admin) shows its Dutch."""

from django.utils.translation import get_language


def english() -> bool:
    """Whether the active language is English."""
    return (get_language() or "").startswith("en")


def localized(obj, field: str = "name") -> str:
    """`obj.<field>` in the active language: `<field>_en` when English is active and it
    is filled, else the Dutch (`<field>_nl` where the model names it so)."""
    if obj is None:
        return ""
    if english():
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    dutch = getattr(obj, f"{field}_nl", None)
    return dutch if dutch is not None else getattr(obj, field)
