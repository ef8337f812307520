"""Forms of the community app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community import permissions
from community.models import LearningGoal, Membership, Organisation, ThemegroupMembership


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
