"""Forms of the community app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community import permissions
from community.models import (
    Attendance,
    LearningGoal,
    Meeting,
    MeetingAction,
    Membership,
    Organisation,
    ThemegroupMembership,
    User,
)


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


class InvitationForm(forms.Form):
    """Invite an e-mail address to a themegroup. A new member who has no account linked
    to an organisation yet is linked to the organisation chosen here when they accept.
    The organisations offered are those the inviter may vouch for: staff and the
    region's coordinators any organisation of the group's region, a themegroup
    coordinator only their own (vouching for a person gives them that organisation's
    confidential data)."""

    email = forms.EmailField(
        label=_("E-mailadres"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(
        label=_("Rol"),
        choices=[
            (ThemegroupMembership.Role.LID, _("Lid")),
            (
                ThemegroupMembership.Role.GAST,
                _("Gast (alleen de bijeenkomsten waarvoor uitgenodigd)"),
            ),
        ],
        initial=ThemegroupMembership.Role.LID,
        widget=forms.RadioSelect,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_(
            "Alleen nodig voor een lid dat nog geen account bij een organisatie heeft: "
            "hij of zij wordt daar inkoper."
        ),
    )

    def __init__(self, *args, themegroup, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(region=themegroup.region_id)
        if not permissions.is_coordinator_for_region(user, themegroup.region):
            organisations = organisations.filter(pk__in=permissions.organisation_ids(user))
        self.fields["organisation"].queryset = organisations.order_by("name")

    def clean(self):
        data = super().clean()
        email, role = data.get("email"), data.get("role")
        if email and role == ThemegroupMembership.Role.LID and not data.get("organisation"):
            linked = Membership.objects.active().filter(user__emailaddress__email__iexact=email)
            if not linked.exists():
                self.add_error(
                    "organisation",
                    _(
                        "Dit adres hoort nog niet bij een organisatie in het portaal. Kies "
                        "de organisatie waarvoor deze persoon meedoet."
                    ),
                )
        return data


class JoinRequestForm(forms.Form):
    prefix = "aanvraag"  # several forms share the group's page: ids stay unique

    message = forms.CharField(
        label=_("Toelichting (niet verplicht)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rol"), choices=ThemegroupMembership.Role.choices)


class AnnouncementForm(forms.Form):
    prefix = "mededeling"  # several forms share the group's page: ids stay unique

    title = forms.CharField(label=_("Titel"), max_length=200)
    body = forms.CharField(
        label=_("Bericht"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("U kunt Markdown gebruiken: **vet**, *schuin*, lijstjes en links."),
    )


class DocumentForm(forms.Form):
    prefix = "document"  # several forms share the group's page: ids stay unique

    file = forms.FileField(label=_("Bestand"), help_text=_("PDF, PNG of JPEG, hoogstens 10 MB."))
    title = forms.CharField(label=_("Titel"), max_length=200)
    shared_with_guests = forms.BooleanField(
        label=_("Ook gasten van de themagroep mogen dit document openen"), required=False
    )


class LearningGoalForm(forms.Form):
    prefix = "leerdoel"  # several forms share the group's page: ids stay unique

    title = forms.CharField(label=_("Nieuw leerdoel"), max_length=300)


class LearningGoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=LearningGoal.Status.choices)


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
