"""Forms of the community app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import Attendance, Meeting, MeetingAction, User


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form: the person's full name."""

    full_name = forms.CharField(
        label=_("Volledige naam"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["full_name", "email", "password1", "password2"]

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker; the value is read in Dutch time."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MeetingForm(forms.ModelForm):
    """A meeting's title, time (Dutch time), place or online link."""

    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "location", "online_url"]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}
        help_texts = {
            "starts_at": _("Datum en tijd in Nederlandse tijd."),
            "online_url": _("Bijvoorbeeld de link naar Teams of Zoom."),
        }

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("Een bijeenkomst eindigt na het begin."))
        if (
            not data.get("location")
            and not data.get("online_url")
            and not self.has_error("online_url")
        ):
            self.add_error("location", _("Geef een plaats of een online link op."))
        return data

    def validate_constraints(self):
        """The model's constraints are checked by the service (and by `clean` above, by
        field)."""


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Onderwerp"), max_length=200)
    description = forms.CharField(
        label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AgendaMoveForm(forms.Form):
    direction = forms.ChoiceField(
        choices=[("up", _("Omhoog")), ("down", _("Omlaag"))], widget=forms.HiddenInput
    )


class RegistrationForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Komt u?"),
        choices=[
            (Attendance.Status.AANWEZIG, _("Aanwezig")),
            (Attendance.Status.AFWEZIG, _("Afwezig")),
            (Attendance.Status.MISSCHIEN, _("Misschien")),
        ],
        widget=forms.RadioSelect,
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Verslag"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown mag: **vet**, *cursief*, lijsten met - en koppen met ###."),
    )


class AttendanceForm(forms.Form):
    """Afterwards: who was there, among the group's members and those on the list."""

    present = forms.MultipleChoiceField(
        label=_("Aanwezig"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(user.pk), user.full_name) for user in people]


class GuestInviteForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Gast"), queryset=User.objects.none())

    def __init__(self, *args, guests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = guests


class ActionForm(forms.Form):
    """An action: what, who (a member of the group), by when, how far, and maybe the
    trajectory it follows up (the choices come from procurement through a hook)."""

    title = forms.CharField(label=_("Actie"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Eigenaar"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Uiterlijk op"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=MeetingAction.Status.choices)
    trajectory = forms.TypedChoiceField(
        label=_("Traject"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Het inkooptraject waar deze actie bij hoort (niet verplicht)."),
    )

    def __init__(self, *args, members, trajectories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members
        self.fields["trajectory"].choices = [("", _("Geen traject")), *trajectories]
