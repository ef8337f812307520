"""Template filters of the portal."""

from django import template

from kit.localized import localized
from kit.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render user text (plain or Markdown) as sanitised HTML."""
    return render_markdown(text)


@register.filter
def error_count(form) -> int:
    """How many messages a form's error summary lists (a field may have several)."""
    return sum(len(messages) for messages in form.errors.values())


@register.filter(name="localized")
def localized_filter(obj, field="name"):
    """A seeded reference row's name (or `field`) in the active language
    (`kit.localized`): `{{ phase|localized }}`, `{{ aspect|localized:"name" }}`."""
    return localized(obj, field)
