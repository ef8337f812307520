"""One definition per statistic: every figure of a dashboard (and, later, of a PDF
report) is one function here of a `Scope` (organisation, themegroup, region, or the
whole platform for the public home page), a `Period` and, where names could appear, the
reader. Each function is a fixed number of set-based aggregate queries, however many
rows the scope holds.

Confidentiality (domain.md §2): no function here reads an estimated value, a supplier or
internal notes, so no figure can show them to anyone. Trajectories of other
organisations are counted; they are named (title only) only when
`Trajectory.objects.visible_to(reader)` lets the reader see them.

Trajectories "of the period" are those that existed by its end and were not closed
before its start; their phase and status are the current ones (the portal keeps no
per-day snapshot). New figures (commitments, maturity) are added as a function plus an
entry in `FIGURES`, which is what dashboards and reports iterate over.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from community.models import (
    Attendance,
    Meeting,
    Membership,
    Organisation,
    Region,
    Themegroup,
    ThemegroupMembership,
)
from procurement.models import KpiExample, KpiMeasurement, Phase, RLevel, Trajectory

# --- scope and period -------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a figure is about: one organisation, one themegroup, one region, or the whole
    platform (`Scope.platform()`, only for public figures). `obj` is the model instance."""

    ORGANISATION = "organisatie"
    THEMEGROUP = "themagroep"
    REGION = "regio"
    PLATFORM = "platform"

    kind: str
    obj: models.Model | None = None

    @classmethod
    def of(cls, obj) -> Scope:
        if isinstance(obj, Organisation):
            return cls(cls.ORGANISATION, obj)
        if isinstance(obj, Themegroup):
            return cls(cls.THEMEGROUP, obj)
        if isinstance(obj, Region):
            return cls(cls.REGION, obj)
        raise TypeError(f"No scope for {obj!r}")

    @classmethod
    def platform(cls) -> Scope:
        return cls(cls.PLATFORM)

    @property
    def name(self) -> str:
        return (
            str(_("Het hele platform"))
            if self.obj is None
            else str(self.obj.name if self.kind != self.THEMEGROUP else self.obj)
        )

    @property
    def kind_label(self) -> str:
        return {
            self.ORGANISATION: _("Organisatie"),
            self.THEMEGROUP: _("Themagroep"),
            self.REGION: _("Regio"),
            self.PLATFORM: _("Platform"),
        }[self.kind]

    def get_absolute_url(self) -> str:
        if self.kind == self.ORGANISATION:
            return reverse("reports:dashboard_organisation", args=[self.obj.slug])
        if self.kind == self.THEMEGROUP:
            return reverse(
                "reports:dashboard_themegroup", args=[self.obj.region.slug, self.obj.slug]
            )
        if self.kind == self.REGION:
            return reverse("reports:dashboard_region", args=[self.obj.slug])
        return reverse("reports:dashboard_index")

    # The rows of each app that belong to the scope, as querysets (not yet evaluated).

    def trajectories(self):
        qs = Trajectory.objects.order_by()
        if self.kind == self.ORGANISATION:
            # Owned and joined as one UNION of two index lookups: an OR of the owner and
            # a subquery hides from the planner how few rows the scope has, and at
            # 100,000 trajectories it then scans whole tables for one organisation.
            owned = Trajectory.objects.filter(organisation=self.obj).values("pk")
            joined = Trajectory.participating_organisations.through.objects.filter(
                organisation=self.obj
            ).values("trajectory")
            return qs.filter(pk__in=owned.union(joined))
        if self.kind == self.THEMEGROUP:
            return qs.filter(themegroup=self.obj)
        if self.kind == self.REGION:
            return qs.filter(organisation__region=self.obj)
        return qs

    def cases(self):
        qs = Case.objects.order_by()
        if self.kind == self.ORGANISATION:
            return qs.filter(
                pk__in=Case.organisations.through.objects.filter(organisation=self.obj).values(
                    "case"
                )
            )
        if self.kind == self.THEMEGROUP:
            return qs.filter(themegroup=self.obj)
        if self.kind == self.REGION:
            return qs.filter(region=self.obj)
        return qs

    def themegroups(self):
        qs = Themegroup.objects.order_by()
        if self.kind == self.ORGANISATION:
            return qs.filter(
                pk__in=ThemegroupMembership.objects.filter(
                    user__in=self._people(),
                ).values("themegroup")
            )
        if self.kind == self.THEMEGROUP:
            return qs.filter(pk=self.obj.pk)
        if self.kind == self.REGION:
            return qs.filter(region=self.obj)
        return qs

    def _people(self):
        """The users with an active membership of the scope's organisation."""
        return (
            Membership.objects.active().filter(organisation=self.obj).values("user")
            if self.kind == self.ORGANISATION
            else None
        )


@dataclass(frozen=True)
class Period:
    """A closed range of days, start and end included."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("A period ends on or after its start.")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first_month = 3 * (quarter - 1) + 1
        start = datetime.date(year, first_month, 1)
        end = (
            datetime.date(year + 1, 1, 1)
            if quarter == 4
            else datetime.date(year, first_month + 3, 1)
        ) - datetime.timedelta(days=1)
        return cls(start, end)

    def start_moment(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    def end_moment(self) -> datetime.datetime:
        """The first moment after the period (an exclusive bound)."""
        next_day = self.end + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))


def _trajectories_of_period(scope: Scope, period: Period):
    """Trajectories that existed by the end of the period and were not closed before it."""
    return scope.trajectories().filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=period.start),
        created_at__lt=period.end_moment(),
    )


# --- the figures ------------------------------------------------------------------------


@dataclass
class PhaseRow:
    number: int | None
    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class PhaseFigure:
    """Trajectories per current phase and status."""

    rows: list[PhaseRow]
    statuses: list[tuple[str, str]]  # (value, label) in column order

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    def status_total(self, status: str) -> int:
        return sum(row.counts[status] for row in self.rows)


def trajectories_by_phase(scope: Scope, period: Period, reader=None) -> PhaseFigure:
    """How many trajectories stand in each phase, split by status (lopend, afgerond,
    gestopt); a row "Nog geen fase" for those not started. Two queries."""
    statuses = list(Trajectory.Status.choices)
    counts = {
        (row["current_phase__number"], row["status"]): row["n"]
        for row in _trajectories_of_period(scope, period)
        .values("current_phase__number", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows = [
        PhaseRow(
            number=phase.number,
            name=str(phase),
            counts={value: counts.get((phase.number, value), 0) for value, _label in statuses},
        )
        for phase in Phase.objects.order_by("number")
    ]
    unphased = {value: counts.get((None, value), 0) for value, _label in statuses}
    if any(unphased.values()):
        rows.insert(0, PhaseRow(number=None, name=str(_("Nog geen fase")), counts=unphased))
    return PhaseFigure(rows=rows, statuses=[(v, str(label)) for v, label in statuses])


HIGHEST_R = 2  # R0–R2: the "hoogste R-strategieën" (NAMI)


@dataclass
class RLadderFigure:
    """R-ambition against R-achieved: how many trajectories aim at / reached each rung."""

    levels: list[tuple[int, str]]
    target: dict[int, int]
    achieved: dict[int, int]
    total: int
    with_target: int
    aimed_high: int  # R-ambition R0–R2
    achieved_high: int  # reached R0–R2
    met: int  # reached the ambition or better (lower number)

    @property
    def aimed_high_share(self) -> int | None:
        return round(100 * self.aimed_high / self.with_target) if self.with_target else None


def r_ladder(scope: Scope, period: Period, reader=None) -> RLadderFigure:
    """The distribution of R-ambition and R-achieved over R0–R9, with how many aimed at
    the highest rungs (R0–R2). One query of conditional aggregates."""
    levels = list(RLevel.choices)
    aggregates = {}
    for level, _label in levels:
        aggregates[f"t{level}"] = Count("pk", filter=Q(r_level_target_id=level))
        aggregates[f"a{level}"] = Count("pk", filter=Q(r_level_achieved_id=level))
    result = _trajectories_of_period(scope, period).aggregate(
        total=Count("pk"),
        with_target=Count("pk", filter=Q(r_level_target__isnull=False)),
        aimed_high=Count("pk", filter=Q(r_level_target_id__lte=HIGHEST_R)),
        achieved_high=Count("pk", filter=Q(r_level_achieved_id__lte=HIGHEST_R)),
        met=Count("pk", filter=Q(r_level_achieved_id__lte=F("r_level_target_id"))),
        **aggregates,
    )
    return RLadderFigure(
        levels=[(level, str(label)) for level, label in levels],
        target={level: result[f"t{level}"] for level, _label in levels},
        achieved={level: result[f"a{level}"] for level, _label in levels},
        total=result["total"],
        with_target=result["with_target"],
        aimed_high=result["aimed_high"],
        achieved_high=result["achieved_high"],
        met=result["met"],
    )


@dataclass
class KpiRow:
    label: str
    measurements: int  # measurements of the period with a target
    measured: int  # ... and an actual
    met: int  # ... meeting the target in the KPI's direction

    @property
    def met_share(self) -> int | None:
        return round(100 * self.met / self.measured) if self.measured else None


def kpi_progress(scope: Scope, period: Period, reader=None) -> list[KpiRow]:
    """KPI progress against target per growth-model period (the measurement's label,
    e.g. "Contractjaar 1"): of the measurements overlapping the period that have a
    target, how many have an actual and how many meet the target (higher or lower is
    better, as the KPI says). One query."""
    better = Q(kpi__direction=KpiExample.Direction.HOGER, actual__gte=F("target")) | Q(
        kpi__direction=KpiExample.Direction.LAGER, actual__lte=F("target")
    )
    rows = (
        KpiMeasurement.objects.filter(
            kpi__trajectory__in=scope.trajectories().values("pk"),
            period_start__lte=period.end,
            period_end__gte=period.start,
            target__isnull=False,
        )
        .values("label")
        .annotate(
            measurements=Count("pk"),
            measured=Count("pk", filter=Q(actual__isnull=False)),
            met=Count("pk", filter=Q(actual__isnull=False) & better),
        )
        .order_by("label")
    )
    return [
        KpiRow(
            label=row["label"],
            measurements=row["measurements"],
            measured=row["measured"],
            met=row["met"],
        )
        for row in rows
    ]


@dataclass
class CaseFigure:
    published_in_period: int
    public_in_period: int
    published_total: int  # published by the end of the period
    public_total: int
    in_review: int  # submitted, waiting for a coordinator (now)


def cases_shared(scope: Scope, period: Period, reader=None) -> CaseFigure:
    """Praktijkvoorbeelden shared: published (and of those public) in the period and in
    all, and how many wait for review. One query."""
    published = Q(status=Case.Status.GEPUBLICEERD)
    public = published & Q(visibility=Case.Visibility.OPENBAAR)
    in_period = Q(published_at__gte=period.start_moment(), published_at__lt=period.end_moment())
    by_end = Q(published_at__lt=period.end_moment())
    result = scope.cases().aggregate(
        published_in_period=Count("pk", filter=published & in_period),
        public_in_period=Count("pk", filter=public & in_period),
        published_total=Count("pk", filter=published & by_end),
        public_total=Count("pk", filter=public & by_end),
        in_review=Count("pk", filter=Q(status=Case.Status.INGEDIEND)),
    )
    return CaseFigure(**result)


@dataclass
class CommunityFigure:
    themegroups: int
    members: int  # places as coordinator or member (not guests)
    meetings_held: int
    registrations: int  # people on the lists of the meetings held
    attended: int  # of whom marked present

    @property
    def attendance_share(self) -> int | None:
        return round(100 * self.attended / self.registrations) if self.registrations else None


def community_activity(scope: Scope, period: Period, reader=None) -> CommunityFigure:
    """Themegroups, their members, the meetings held in the period and their attendance.
    For an organisation: the groups its people take part in, and its people's presence.
    Four queries."""
    groups = scope.themegroups()
    members = ThemegroupMembership.objects.filter(themegroup__in=groups.values("pk")).exclude(
        role=ThemegroupMembership.Role.GAST
    )
    held = Meeting.objects.filter(
        themegroup__in=groups.values("pk"),
        starts_at__gte=period.start_moment(),
        starts_at__lt=min(period.end_moment(), timezone.now()),
    )
    attendances = Attendance.objects.filter(meeting__in=held.values("pk"))
    people = scope._people()
    if people is not None:
        members = members.filter(user__in=people)
        attendances = attendances.filter(user__in=people)
    group_counts = groups.aggregate(themegroups=Count("pk"))
    member_counts = members.aggregate(members=Count("user", distinct=True))
    attendance = attendances.aggregate(
        registrations=Count("pk"),
        attended=Count("pk", filter=Q(status=Attendance.Status.AANWEZIG)),
        meetings_held=Count("meeting", distinct=True),
    )
    if people is None:
        attendance["meetings_held"] = held.count()
    return CommunityFigure(
        themegroups=group_counts["themegroups"],
        members=member_counts["members"],
        meetings_held=attendance["meetings_held"],
        registrations=attendance["registrations"],
        attended=attendance["attended"],
    )


@dataclass
class Highlight:
    """A completed trajectory: named (and linked) only if the reader may see it."""

    closed_on: datetime.date
    phase: str
    title: str | None = None
    organisation: str | None = None
    url: str | None = None


@dataclass
class Highlights:
    completed: list[Highlight] = field(default_factory=list)
    public_cases: list[Case] = field(default_factory=list)


HIGHLIGHTS = 5


def highlights(scope: Scope, period: Period, reader=None) -> Highlights:
    """The latest trajectories completed in the period and the latest cases made public
    in it. A trajectory the reader may not see is counted, not named. Three queries."""
    completed = list(
        scope.trajectories()
        .filter(
            status=Trajectory.Status.AFGEROND,
            closed_on__gte=period.start,
            closed_on__lte=period.end,
        )
        .select_related("organisation", "current_phase")
        .only(
            "pk",
            "title",
            "closed_on",
            "organisation__name",
            "current_phase__name",
            "current_phase__name_en",
            "current_phase__number",
        )
        .order_by("-closed_on", "-pk")[:HIGHLIGHTS]
    )
    visible = set()
    if reader is not None and reader.is_authenticated and completed:
        visible = set(
            Trajectory.objects.visible_to(reader)
            .filter(pk__in=[t.pk for t in completed])
            .values_list("pk", flat=True)
        )
    items = []
    for trajectory in completed:
        item = Highlight(
            closed_on=trajectory.closed_on,
            phase=str(trajectory.current_phase) if trajectory.current_phase_id else "",
        )
        if trajectory.pk in visible:
            item.title = trajectory.title
            item.organisation = trajectory.organisation.name
            item.url = trajectory.get_absolute_url()
        items.append(item)
    cases = list(
        scope.cases()
        .filter(
            status=Case.Status.GEPUBLICEERD,
            visibility=Case.Visibility.OPENBAAR,
            published_at__gte=period.start_moment(),
            published_at__lt=period.end_moment(),
        )
        .only("pk", "title", "slug", "published_at")
        .order_by("-published_at", "-pk")[:HIGHLIGHTS]
    )
    return Highlights(completed=items, public_cases=cases)


@dataclass
class PublicFigure:
    """What the home page tells anonymous visitors: nothing confidential, no names."""

    public_cases: int
    themegroups: int
    municipalities: int
    phases: PhaseFigure


def public_figures(scope: Scope, period: Period) -> PublicFigure:
    """Public cases, themegroups, participating municipalities and trajectories per phase
    (counts only). Five queries."""
    municipalities = Organisation.objects.filter(type=Organisation.Type.GEMEENTE)
    if scope.kind == Scope.REGION:
        municipalities = municipalities.filter(region=scope.obj)
    else:
        municipalities = municipalities.filter(region__isnull=False)
    return PublicFigure(
        public_cases=scope.cases()
        .filter(status=Case.Status.GEPUBLICEERD, visibility=Case.Visibility.OPENBAAR)
        .count(),
        themegroups=scope.themegroups().count(),
        municipalities=municipalities.count(),
        phases=trajectories_by_phase(scope, period),
    )


MAP_FIGURES = {
    "trajecten": _("Trajecten in de periode"),
    "hoog": _("Trajecten met ambitie R0–R2"),
    "afgerond": _("Afgeronde trajecten"),
}


def organisation_figures(scope: Scope, period: Period, reader=None) -> dict[int, dict[str, int]]:
    """{organisation id: {figure: value}} over the organisations owning trajectories of
    the period in a region (or the platform): what a map is shaded by (`MAP_FIGURES`).
    One query of conditional aggregates."""
    rows = (
        _trajectories_of_period(scope, period)
        .values("organisation")
        .annotate(
            trajecten=Count("pk"),
            hoog=Count("pk", filter=Q(r_level_target_id__lte=HIGHEST_R)),
            afgerond=Count(
                "pk",
                filter=Q(
                    status=Trajectory.Status.AFGEROND,
                    closed_on__gte=period.start,
                    closed_on__lte=period.end,
                ),
            ),
        )
        .order_by()
    )
    return {row["organisation"]: {key: row[key] for key in MAP_FIGURES} for row in rows}


def public_cases_per_organisation(scope: Scope) -> dict[int, int]:
    """{organisation id: public cases}: what the public map is shaded by. One query."""
    public = scope.cases().filter(
        status=Case.Status.GEPUBLICEERD, visibility=Case.Visibility.OPENBAAR
    )
    return dict(
        Case.organisations.through.objects.filter(case__in=public.values("pk"))
        .values("organisation")
        .annotate(n=Count("case"))
        .values_list("organisation", "n")
        .order_by()
    )


# The figures of a dashboard (and of a report), in order. Part B and the next figures
# (commitments, maturity) add an entry here; a figure is a function of (scope, period,
# reader).
FIGURES: list[tuple[str, Callable]] = [
    ("phases", trajectories_by_phase),
    ("r_ladder", r_ladder),
    ("kpis", kpi_progress),
    ("cases", cases_shared),
    ("community", community_activity),
    ("highlights", highlights),
]


def figures(scope: Scope, period: Period, reader) -> dict:
    """Every figure of `FIGURES` for this scope, period and reader."""
    return {name: function(scope, period, reader) for name, function in FIGURES}
