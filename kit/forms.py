"""How every form of the portal is rendered: the project's templates
(`templates/django/forms/`), and with each text field its length limit, so that a limit
is shown the same way wherever it applies (and enforced by the field's own validator)."""

from django.forms import BoundField, Textarea, TextInput
from django.forms.renderers import TemplatesSetting
from django.forms.utils import ErrorDict, ErrorList
from django.utils.formats import number_format
from django.utils.translation import ngettext


def limit_text(limit: int) -> str:
    """“Hoogstens 1.000 tekens.”"""
    return ngettext("Hoogstens %(limit)s teken.", "Hoogstens %(limit)s tekens.", limit) % {
        "limit": number_format(limit, force_grouping=True)
    }


class LimitedBoundField(BoundField):
    """A field whose help text ends with its length limit (text boxes and text areas
    with a max_length); the browser gets the limit as `maxlength` from Django."""

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        limit = getattr(field, "max_length", None)
        # Exactly these widgets: e-mail, URL and password boxes have technical limits
        # that would only distract.
        if limit and type(field.widget) in (TextInput, Textarea):
            self.help_text = f"{self.help_text} {limit_text(limit)}".strip()


class PortalFormRenderer(TemplatesSetting):
    bound_field_class = LimitedBoundField


def shown_unchecked(form) -> None:
    """Show a bound form or formset as it was typed without checking it: a form sent back
    for another reason than saving (a row added) names no error the user did not ask for
    (a required field left empty so far). Setting the error store marks it as checked."""
    if hasattr(form, "management_form"):
        form._errors = []
        form._non_form_errors = ErrorList()
        for sub in form.forms:
            shown_unchecked(sub)
    else:
        form._errors = ErrorDict()
