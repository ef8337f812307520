"""Forms of the community app."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from community import permissions, services
from community.models import (
    Attendance,
    Commitment,
    LearningGoal,
    Meeting,
    MeetingAction,
    Membership,
    MembershipRequest,
    Organisation,
    OrganisationMaturity,
    ParticipantType,
    Region,
    ThemegroupMembership,
    User,
)


def grouped_organisation_choices(organisations, empty_label):
    """Choices for a select of organisations grouped by region (an <optgroup> each)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for organisation in organisations:
        groups.setdefault(organisation.region.name, []).append((organisation.pk, organisation.name))
    return [("", empty_label), *groups.items()]


class OrganisationRequestFields(forms.Form):
    """The organisation a person asks to be linked to, and the role they ask for. A
    coordinator role is given only by staff, so it is not offered."""

    organisation = forms.ModelChoiceField(
        label=_("Organisatie"), queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(
        label=_("Gevraagde rol"),
        choices=MembershipRequest.Role.choices,
        initial=MembershipRequest.Role.INKOPER,
        widget=forms.RadioSelect,
        help_text=_(
            "Inkopers werken aan trajecten en praktijkvoorbeelden; bestuurders volgen de voortgang."
        ),
    )
    empty_label = _("Kies uw organisatie")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = services.requestable_organisations()
        field = self.fields["organisation"]
        field.queryset = organisations
        field.choices = grouped_organisation_choices(organisations, self.empty_label)


class SignupForm(OrganisationRequestFields):
    """Extra fields on allauth's sign-up form: the person's full name and, optionally,
    the organisation they ask to be linked to. The request is made here and waits for a
    coordinator of the organisation's region; it grants nothing until approved."""

    full_name = forms.CharField(
        label=_("Volledige naam"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    empty_label = _("Nog geen organisatie (later aanvragen)")

    field_order = ["full_name", "email", "password1", "password2", "organisation", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].required = False
        self.fields["role"].required = False  # inkoper unless chosen otherwise
        self.fields["organisation"].help_text = _(
            "Een coördinator van de regio van uw organisatie keurt de koppeling goed. Tot "
            "dan ziet u alleen wat openbaar is."
        )

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])
        if organisation := self.cleaned_data.get("organisation"):
            services.membership_request_create(
                actor=user,
                organisation=organisation,
                role=self.cleaned_data.get("role") or MembershipRequest.Role.INKOPER,
            )


class MembershipRequestForm(OrganisationRequestFields):
    """Ask to be linked to an organisation (the page "Organisatie aanvragen")."""

    motivation = forms.CharField(
        label=_("Toelichting (niet verplicht)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld uw functie of afdeling: dat helpt de coördinator."),
    )


class MembershipRequestDecisionForm(forms.Form):
    """Approve or decline a request; a decline needs a reason, which the applicant reads.
    Each request in the queue has its own form (prefix), so ids stay unique."""

    decision = forms.ChoiceField(
        choices=[("goedkeuren", _("Goedkeuren")), ("afwijzen", _("Afwijzen"))]
    )
    decline_reason = forms.CharField(
        label=_("Reden bij afwijzen"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "afwijzen" and not data.get("decline_reason", "").strip():
            self.add_error(
                "decline_reason",
                _("Geef de reden van de afwijzing; de aanvrager leest die."),
            )
        return data


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


class MaturityForm(forms.Form):
    """The self-assessment of an organisation: a level and a short explanation for each
    basisingrediënt. Fields are named after the ingredient's key."""

    NOTE_LENGTH = 1000

    def __init__(self, *args, aspects, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.aspects = list(aspects)
        for aspect in self.aspects:
            now = current.get(aspect.pk)
            self.fields[f"{aspect.key}-status"] = forms.ChoiceField(
                label=format_lazy(_("Niveau van {name}"), name=aspect),
                choices=[("", _("Kies een niveau")), *OrganisationMaturity.Status.choices],
                initial=now.status if now else "",
            )
            self.fields[f"{aspect.key}-note"] = forms.CharField(
                label=format_lazy(_("Toelichting bij {name}"), name=aspect),
                required=False,
                max_length=self.NOTE_LENGTH,
                initial=now.note if now else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        """(aspect, level field, note field) per basisingrediënt, for the template."""
        return [(a, self[f"{a.key}-status"], self[f"{a.key}-note"]) for a in self.aspects]

    def answers(self) -> dict:
        """{aspect: (status, note)} of a valid form, for `services.maturity_assess`."""
        return {
            a: (self.cleaned_data[f"{a.key}-status"], self.cleaned_data[f"{a.key}-note"])
            for a in self.aspects
        }


PARTICIPANT_FIELDS = {
    ParticipantType.INKOPENDE_DEELNEMER: "inkopende_deelnemers",
    ParticipantType.KENNISPARTNER: "kennispartners",
    ParticipantType.FACILITERENDE_PARTNER: "faciliterende_partners",
    ParticipantType.RIJKSOVERHEID: "rijksoverheid",
}


class AgreementForm(forms.Form):
    """A new agreement with its participants by type and a first commitment. A
    coordinator chooses among the regions they coordinate and the organisations there;
    staff any region (or none: a national agreement) and any organisation."""

    name = forms.CharField(label=_("Naam"), max_length=200)
    description = forms.CharField(
        label=_("Beschrijving"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    region = forms.ModelChoiceField(label=_("Regio"), queryset=Region.objects.none())
    starts_on = forms.DateField(label=_("Begindatum"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Einddatum"), required=False, widget=DateInput())
    inkopende_deelnemers = forms.ModelMultipleChoiceField(
        label=_("Inkopende deelnemers"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kennispartners = forms.ModelMultipleChoiceField(
        label=_("Kennispartners"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    faciliterende_partners = forms.ModelMultipleChoiceField(
        label=_("Faciliterende partners"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rijksoverheid = forms.ModelMultipleChoiceField(
        label=_("Rijksoverheid"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    commitment_description = forms.CharField(
        label=_("Toezegging"),
        required=False,
        help_text=_("Bijvoorbeeld: iedere deelnemer start ten minste twee circulaire trajecten."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    commitment_applies_to = forms.ChoiceField(
        label=_("Geldt voor"),
        required=False,
        choices=[("", _("Alle deelnemers")), *ParticipantType.choices],
    )
    commitment_metric = forms.ChoiceField(
        label=_("Meetwijze"),
        required=False,
        choices=[("", _("Kies een meetwijze")), *Commitment.Metric.choices],
    )
    commitment_target = forms.IntegerField(
        label=_("Doel per deelnemer"), required=False, min_value=1, max_value=1000
    )
    commitment_unit = forms.CharField(label=_("Eenheid"), required=False, max_length=50)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_staff:
            regions = Region.objects.all()
            organisations = Organisation.objects.all()
            self.fields["region"].required = False
            self.fields["region"].empty_label = _("Geen: een landelijke afspraak")
        else:
            coordinated = permissions.coordinated_region_ids(user)
            regions = Region.objects.filter(pk__in=coordinated)
            organisations = Organisation.objects.filter(region__in=coordinated)
        self.fields["region"].queryset = regions.order_by("name")
        for name in PARTICIPANT_FIELDS.values():
            self.fields[name].queryset = organisations.order_by("name")

    def clean(self):
        data = super().clean()
        seen = set()
        for name in PARTICIPANT_FIELDS.values():
            for organisation in data.get(name) or ():
                if organisation.pk in seen:
                    self.add_error(
                        name,
                        _("%(name)s staat al bij een ander soort deelnemer.")
                        % {"name": organisation.name},
                    )
                seen.add(organisation.pk)
        if data.get("commitment_description") and not data.get("commitment_metric"):
            self.add_error("commitment_metric", _("Kies hoe de toezegging wordt gemeten."))
        if not data.get("commitment_description") and data.get("commitment_metric"):
            self.add_error("commitment_description", _("Beschrijf de toezegging."))
        return data

    def participants(self) -> list:
        """[(organisation, participant type)] of a valid form."""
        return [
            (organisation, participant_type)
            for participant_type, name in PARTICIPANT_FIELDS.items()
            for organisation in self.cleaned_data[name]
        ]

    def commitments(self) -> list[dict]:
        data = self.cleaned_data
        if not data["commitment_description"]:
            return []
        return [
            {
                "key": "toezegging-1",
                "description": data["commitment_description"],
                "applies_to": data["commitment_applies_to"],
                "metric": data["commitment_metric"],
                "target": data["commitment_target"],
                "unit": data["commitment_unit"],
            }
        ]


class DigestSettingsForm(forms.Form):
    """Per themegroup: no mail, a daily or a weekly digest. One field per place the
    person holds as member or coordinator, named after the place."""

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = {}
        for place in places:
            name = f"groep_{place.pk}"
            self.places[name] = place
            self.fields[name] = forms.ChoiceField(
                label=f"{place.themegroup.name} ({place.themegroup.region.name})",
                choices=ThemegroupMembership.Digest.choices,
                initial=place.digest,
                widget=forms.RadioSelect,
            )

    def changes(self):
        """(place, frequency) for each field whose value differs from the stored one."""
        return [
            (self.places[name], value)
            for name, value in self.cleaned_data.items()
            if self.places[name].digest != value
        ]
