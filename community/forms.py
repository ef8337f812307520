"""Forms of the community app."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from community import permissions
from community.models import (
    Commitment,
    Organisation,
    OrganisationMaturity,
    ParticipantType,
    Region,
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


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


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
                label=format_lazy(_("Niveau van {name}"), name=aspect.name),
                choices=[("", _("Kies een niveau")), *OrganisationMaturity.Status.choices],
                initial=now.status if now else "",
            )
            self.fields[f"{aspect.key}-note"] = forms.CharField(
                label=format_lazy(_("Toelichting bij {name}"), name=aspect.name),
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
