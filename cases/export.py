"""The case list as a file: CSV or XLSX of exactly the filtered list. Column headers are
translated when the file is made (lazy labels), so an English export has English headers."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kit import export as tabular

LIMIT = 5000

COLUMNS = [
    (gettext_lazy("Titel"), lambda c: c.title),
    (gettext_lazy("Samenvatting"), lambda c: c.summary),
    (gettext_lazy("Organisaties"), lambda c: ", ".join(o.name for o in c.organisations.all())),
    (gettext_lazy("Regio"), lambda c: c.region.name if c.region else ""),
    (gettext_lazy("Sector"), lambda c: c.get_sector_display()),
    (
        gettext_lazy("Productcategorie"),
        lambda c: str(c.product_category or ""),
    ),
    (gettext_lazy("Jaar"), lambda c: c.year or ""),
    (gettext_lazy("Procedure"), lambda c: c.get_procedure_display()),
    (
        gettext_lazy("R-strategieën"),
        lambda c: ", ".join(f"R{s.r_level_id}" for s in c.applied_strategies()),
    ),
    (gettext_lazy("Zichtbaarheid"), lambda c: c.get_visibility_display()),
    (gettext_lazy("Adres"), lambda c: c.get_absolute_url()),
]


def _table(cases):
    """The header (translated now, in the request's language) and a row per case."""
    header = [str(label) for label, _getter in COLUMNS]
    rows = ([getter(case) for _label, getter in COLUMNS] for case in cases)
    return header, rows


def csv_response(cases):
    return tabular.csv_response(*_table(cases), "praktijkvoorbeelden.csv")


def xlsx_response(cases):
    return tabular.xlsx_response(
        *_table(cases), "praktijkvoorbeelden.xlsx", sheet=_("Praktijkvoorbeelden")
    )
