"""Forms of procurement: a trajectory, its phase progress, answers to guiding questions,
team, KPIs, documents and closing. Field mapping and validation only; saving goes
through `procurement.services`. These forms are shown to editors only, who may read the
confidential fields (`procurement.permissions`)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community import permissions as community_permissions
from community.models import Membership, Organisation, Themegroup
from procurement.models import (
    Kpi,
    KpiExample,
    KpiMeasurement,
    RStrategy,
    TeamMember,
    Trajectory,
    TrajectoryDocument,
)
from procurement.permissions import EDITOR_ROLES, participant_ids


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


TRAJECTORY_FIELDS = [
    "organisation",
    "title",
    "need_description",
    "procurement_type",
    "product_category",
    "themegroup",
    "participating_organisations",
    "r_level_target",
    "estimated_value",
    "procedure",
    "special_method",
    "award_basis",
    "value_based_award",
    "circular_weight",
    "tender_fee",
    "contract_start",
    "contract_end",
    "supplier",
    "tenderned_id",
    "notes",
    "share_confidential",
]


class TrajectoryForm(forms.ModelForm):
    """A trajectory's own fields. On creation the organisation is one in which the user
    may edit trajectories; afterwards it stays."""

    class Meta:
        model = Trajectory
        fields = TRAJECTORY_FIELDS
        widgets = {
            "need_description": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "participating_organisations": forms.CheckboxSelectMultiple,
            "contract_start": DateInput(),
            "contract_end": DateInput(),
            "tender_fee": forms.NullBooleanSelect,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        editable = community_permissions.organisation_ids(user, roles=EDITOR_ROLES)
        if self.instance.pk:
            del self.fields["organisation"]
            owner = self.instance.organisation
        else:
            field = self.fields["organisation"]
            field.queryset = (
                Organisation.objects.all()
                if user.is_staff
                else Organisation.objects.filter(pk__in=editable)
            ).order_by("name")
            field.empty_label = None
            owner = field.queryset.first()
        region_id = owner.region_id if owner else None
        self.fields["themegroup"].queryset = Themegroup.objects.filter(region_id=region_id)
        # The organisations of the owner's region, and those already taking part (a
        # joint tender may reach beyond the region).
        current = (
            list(self.instance.participating_organisations.values_list("pk", flat=True))
            if self.instance.pk
            else []
        )
        in_region = Q(region_id=region_id) if region_id else Q(pk__in=[])
        self.fields["participating_organisations"].queryset = (
            Organisation.objects.filter(in_region | Q(pk__in=current))
            .exclude(pk=owner.pk if owner else None)
            .order_by("name")
        )
        self.fields["participating_organisations"].help_text = _(
            "Bij een gezamenlijke aanbesteding: de andere organisaties uit de regio. Zij "
            "zien het traject als hun eigen traject."
        )
        self.fields["r_level_target"].queryset = RStrategy.objects.order_by("level")
        self.fields["estimated_value"].help_text = _(
            "Vertrouwelijk: alleen zichtbaar binnen uw organisatie (en deelnemers)."
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("contract_start"), data.get("contract_end")
        if start and end and end <= start:
            self.add_error("contract_end", _("Het contract eindigt na de startdatum."))
        return data


class PhaseStartForm(forms.Form):
    started_on = forms.DateField(label=_("Gestart op"), widget=DateInput())
    planned_end_on = forms.DateField(
        label=_("Geplande einddatum"),
        required=False,
        widget=DateInput(),
        help_text=_("Het team krijgt een herinnering als de fase dan nog loopt."),
    )


class PhaseCompleteForm(forms.Form):
    completed_on = forms.DateField(label=_("Afgerond op"), widget=DateInput())


class PhasePlanForm(forms.Form):
    planned_end_on = forms.DateField(
        label=_("Geplande einddatum"), required=False, widget=DateInput()
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Antwoord"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_done = forms.BooleanField(label=_("Afgevinkt"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("answer", "").strip() and not data.get("is_done"):
            self.add_error("answer", _("Schrijf een antwoord of vink de hulpvraag af."))
        return data


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["role", "user", "name"]

    def __init__(self, *args, trajectory, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = [
            trajectory.organisation_id,
            *participant_ids(trajectory),
        ]
        self.fields["user"].queryset = (
            self.fields["user"]
            .queryset.filter(
                pk__in=Membership.objects.active()
                .filter(organisation__in=organisations)
                .values("user")
            )
            .order_by("full_name", "email")
        )
        self.fields["user"].label = _("Collega met een account")
        self.fields["name"].label = _("Of naam (zonder account)")
        self.instance.trajectory = trajectory

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("name") or "").strip():
            self.add_error("user", _("Kies een collega of vul een naam in."))
        return data


class KpiForm(forms.ModelForm):
    class Meta:
        model = Kpi
        fields = ["name", "unit", "direction", "r_level", "example"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["example"].queryset = KpiExample.objects.order_by("name")
        self.fields["r_level"].queryset = RStrategy.objects.order_by("level")


class MeasurementForm(forms.ModelForm):
    class Meta:
        model = KpiMeasurement
        fields = ["label", "period_start", "period_end", "target", "actual"]
        widgets = {"period_start": DateInput(), "period_end": DateInput()}

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", _("Een periode eindigt na het begin."))
        if data.get("target") is None and data.get("actual") is None:
            self.add_error("target", _("Vul een doel of een gerealiseerde waarde in."))
        return data

    def validate_unique(self):
        # kpi_measurement_record replaces the measurement of the same period start.
        pass


class DocumentForm(forms.ModelForm):
    class Meta:
        model = TrajectoryDocument
        fields = ["file", "title", "is_confidential"]
        help_texts = {"file": _("PDF, PNG of JPEG, hoogstens 10 MB.")}


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Hoe eindigt het traject?"),
        choices=[
            (Trajectory.Status.AFGEROND, _("Afgerond: het contract loopt of is uitgevoerd")),
            (Trajectory.Status.GESTOPT, _("Gestopt: het traject gaat niet door")),
        ],
        widget=forms.RadioSelect,
    )
    closed_on = forms.DateField(label=_("Afgesloten op"), widget=DateInput())
    r_level_achieved = forms.ModelChoiceField(
        label=_("Behaald R-niveau"),
        queryset=RStrategy.objects.order_by("level"),
        required=False,
    )
    supplier = forms.CharField(label=_("Leverancier"), required=False, max_length=200)
    outcome = forms.CharField(
        label=_("Resultaat"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    lessons = forms.CharField(
        label=_("Lessen"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wat zou u een collega-inkoper meegeven? Daar leert de regio van."),
    )


class KpiImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand met KPI-metingen"),
        help_text=_(
            "Het CSV- of Excelbestand dat u eerder downloadde, met dezelfde kolommen "
            "(hoogstens 2 MB en 5.000 regels)."
        ),
    )
