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
from collections import defaultdict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db import connection, models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from community import extensions, maturity
from community import permissions as community_permissions
from community.models import (
    AgreementParticipant,
    Attendance,
    Commitment,
    Meeting,
    Membership,
    Organisation,
    Region,
    Themegroup,
    ThemegroupMembership,
)
from procurement import permissions as procurement_permissions
from procurement import reference, summaries
from procurement.models import KpiDaySummary, KpiMeasurement, RLevel, Trajectory

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
        """As the KPI summary counts them (`procurement.summaries.trajectories_of`): of
        an organisation those it owns or takes part in, of a region those its
        organisations own, of a themegroup those in it; on the platform all. Made once
        per Scope (a request's), as a region's reads its organisations' ids."""
        return self._trajectories

    @cached_property
    def _trajectories(self):
        if self.kind == self.PLATFORM:
            return Trajectory.objects.order_by()
        return summaries.trajectories_of(self.kind, self.obj.pk)

    @cached_property
    def region_organisation_ids(self) -> list[int]:
        """A region's organisations, read once per Scope as a short list of ids (as
        `summaries.trajectories_of` does: a join on the region makes PostgreSQL scan
        every trajectory of every region)."""
        o = ORGANISATION
        sql = f"SELECT {o.id} FROM {o} WHERE {o.region} = %s"  # noqa: S608 (names from the models)
        return [pk for (pk,) in _fetch(sql, [self.obj.pk])]

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


# --- SQL of the hot figures -------------------------------------------------------------
# The figures every dashboard reads (the tally, KPIs, cases, highlights, the map) are
# written here as SQL text, not built by the ORM on each request: the ORM spends about
# 1 ms of CPU building and compiling one of these queries, the database a fraction of
# that answering it (the tally at 1k: 1.5 ms through the ORM, 0.14 ms as SQL). Table and
# column names come from the models (`_Names`), every value is a parameter, and
# PostgreSQL and SQLite (`make run`) run the same text. Each is held equal to the same
# figure counted by the ORM in the tests.


class _Names:
    """The quoted table name of a model (`str()`) and its columns (attributes)."""

    def __init__(self, model):
        self._model = model

    def __str__(self) -> str:
        return connection.ops.quote_name(self._model._meta.db_table)

    def __getattr__(self, name: str) -> str:
        return connection.ops.quote_name(self._model._meta.get_field(name).column)


TRAJECTORY = _Names(Trajectory)
PARTICIPANT = _Names(Trajectory.participating_organisations.through)
ORGANISATION = _Names(Organisation)
CASE = _Names(Case)
CASE_ORGANISATION = _Names(Case.organisations.through)
KPI_DAY = _Names(KpiDaySummary)
THEMEGROUP = _Names(Themegroup)
MEMBERSHIP_PLACE = _Names(ThemegroupMembership)
MEETING = _Names(Meeting)
ATTENDANCE = _Names(Attendance)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _day(value: datetime.date):
    return connection.ops.adapt_datefield_value(value)


def _moment(value: datetime.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _as_date(value) -> datetime.date:
    """A date column as read by a plain cursor (SQLite gives its text)."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _in(values) -> tuple[str, list]:
    """`IN (%s, …)` for a list of values (never empty: `IN (NULL)` matches nothing)."""
    values = list(values)
    return f"IN ({', '.join(['%s'] * len(values)) or 'NULL'})", values


def _period_condition(alias: str, period: Period) -> tuple[str, list]:
    """`_of_period` in SQL: existed by the end of the period, not closed before it."""
    t = TRAJECTORY
    return (
        f"({alias}.{t.closed_on} IS NULL OR {alias}.{t.closed_on} >= %s) "
        f"AND {alias}.{t.created_at} < %s",
        [_day(period.start), _moment(period.end_moment())],
    )


def _scope_condition(scope: Scope, alias: str) -> tuple[str, list]:
    """The scope's trajectories (`Scope.trajectories`) as a condition on `alias`, for a
    themegroup, a region or the platform (an organisation's are counted in two parts
    where they are read, see `_tally_query`)."""
    t = TRAJECTORY
    if scope.kind == Scope.THEMEGROUP:
        return f"{alias}.{t.themegroup} = %s", [scope.obj.pk]
    if scope.kind == Scope.REGION:
        members, params = _in(scope.region_organisation_ids)
        return f"{alias}.{t.organisation} {members}", params
    if scope.kind == Scope.ORGANISATION:
        raise ValueError("An organisation's trajectories are read in two parts.")
    return "1 = 1", []


def _trajectories_of_period(scope: Scope, period: Period):
    """Trajectories that existed by the end of the period and were not closed before it."""
    return _of_period(scope.trajectories(), period)


# Inside `figures`: the tallies of trajectories already counted for this request.
_tallies: ContextVar[dict | None] = ContextVar("reports_metrics_tallies", default=None)


def _tally(scope: Scope, period: Period) -> list[tuple]:
    """The trajectories of the period counted per (phase id, status, R-ambition,
    R-achieved): a few hundred rows at most, from which the phase and R-ladder figures
    are added up. Read once per `figures` call (never kept between requests)."""
    tallies = _tallies.get()
    key = (scope.kind, scope.obj.pk if scope.obj is not None else None, period)
    if tallies is not None and key in tallies:
        return tallies[key]
    rows = _tally_query(scope, period)
    if tallies is not None:
        tallies[key] = rows
    return rows


TALLY_COLUMNS = ("current_phase_id", "status", "r_level_target_id", "r_level_achieved_id")


def _of_period(trajectories, period: Period):
    """`trajectories` narrowed to those of the period (see `_trajectories_of_period`)."""
    return trajectories.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=period.start),
        created_at__lt=period.end_moment(),
    )


def _tally_query(scope: Scope, period: Period) -> list[tuple]:
    """The one query of `_tally`, counted with COUNT(*) (no column outside the
    dashboard index `procurement_traj_dashboard`), so PostgreSQL answers an
    organisation's or a region's tally from that index alone (an index-only scan over
    the owners' entries of the period) instead of fetching every trajectory's row.

    An organisation's trajectories (`summaries.trajectories_of`: owned or joined) are
    counted as two parts added up by the callers: those it owns, by the index, and those
    it joins but does not own, by the participants (a few). Both are the same set as the
    UNION of the scope, without looking each trajectory up by its id (at 100k
    trajectories: 28 ms → 2 ms for 2,578 trajectories; EXPLAIN ANALYZE in docs/performance.md)."""
    t, p = TRAJECTORY, PARTICIPANT
    columns = ", ".join(f"t.{getattr(t, name.removesuffix('_id'))}" for name in TALLY_COLUMNS)
    period_sql, period_params = _period_condition("t", period)
    count = f"SELECT {columns}, COUNT(*) FROM {t} AS t"  # noqa: S608 (names from the models)
    group = f"GROUP BY {columns}"
    if scope.kind == Scope.ORGANISATION:
        pk = scope.obj.pk
        sql = (
            f"{count} WHERE t.{t.organisation} = %s AND {period_sql} {group} UNION ALL "
            f"{count} INNER JOIN {p} AS p ON p.{p.trajectory} = t.{t.id} "
            f"WHERE p.{p.organisation} = %s AND t.{t.organisation} <> %s AND {period_sql} {group}"
        )
        return _fetch(sql, [pk, *period_params, pk, pk, *period_params])
    scope_sql, scope_params = _scope_condition(scope, "t")
    return _fetch(
        f"{count} WHERE {scope_sql} AND {period_sql} {group}", [*scope_params, *period_params]
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
    gestopt); a row "Nog geen fase" for those not started. One query, shared with
    `r_ladder` inside `figures` (the phases are the cached reference data)."""
    statuses = list(Trajectory.Status.choices)
    phases = reference.reference().phases
    number_of = {phase.pk: phase.number for phase in phases}
    counts: dict[tuple[int | None, str], int] = defaultdict(int)
    for phase_id, status, _aimed, _reached, n in _tally(scope, period):
        counts[(number_of.get(phase_id), status)] += n
    rows = [
        PhaseRow(
            number=phase.number,
            name=str(phase),
            counts={value: counts.get((phase.number, value), 0) for value, _label in statuses},
        )
        for phase in phases
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
    the highest rungs (R0–R2). One query, shared with `trajectories_by_phase` inside
    `figures`, added up here."""
    levels = list(RLevel.choices)
    target = dict.fromkeys((level for level, _label in levels), 0)
    achieved = dict(target)
    total = with_target = aimed_high = achieved_high = met = 0
    for _phase, _status, aimed, reached, n in _tally(scope, period):
        total += n
        if aimed is not None:
            with_target += n
            target[aimed] = target.get(aimed, 0) + n
            aimed_high += n if aimed <= HIGHEST_R else 0
        if reached is not None:
            achieved[reached] = achieved.get(reached, 0) + n
            achieved_high += n if reached <= HIGHEST_R else 0
            met += n if aimed is not None and reached <= aimed else 0
    return RLadderFigure(
        levels=[(level, str(label)) for level, label in levels],
        target={level: target[level] for level, _label in levels},
        achieved={level: achieved[level] for level, _label in levels},
        total=total,
        with_target=with_target,
        aimed_high=aimed_high,
        achieved_high=achieved_high,
        met=met,
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
    better, as the KPI says). One query, over the scope's KPI summary
    (`procurement.models.KpiDaySummary`: a row per label and day, however many
    measurements there are); on the platform, over the measurements themselves."""
    if scope.kind == Scope.PLATFORM:
        return kpi_progress_measured(scope, period)
    k = KPI_DAY
    ended = " - COALESCE(SUM(CASE WHEN {day} < %s THEN {column} END), 0)"
    sums = ", ".join(
        f"SUM({getattr(k, starting)}){ended.format(day=k.day, column=getattr(k, ending))}"
        for starting, ending in (
            ("starting", "ending"),
            ("starting_measured", "ending_measured"),
            ("starting_met", "ending_met"),
        )
    )
    sql = (
        f"SELECT {k.label}, {sums} FROM {k} "  # noqa: S608 (names from the models)
        f"WHERE {k.scope_kind} = %s AND {k.scope_id} = %s AND {k.day} <= %s "
        f"GROUP BY {k.label} ORDER BY {k.label}"
    )
    start = _day(period.start)
    rows = _fetch(sql, [start, start, start, scope.kind, scope.obj.pk, _day(period.end)])
    return [
        KpiRow(label=label, measurements=measurements, measured=measured, met=met)
        for label, measurements, measured, met in rows
        if measurements > 0
    ]


def kpi_progress_measured(scope: Scope, period: Period, reader=None) -> list[KpiRow]:
    """`kpi_progress` counted over the measurements themselves: what the summary must
    equal (the tests hold them side by side). One query."""
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
            met=Count("pk", filter=summaries.MET),
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
    c = CASE
    scope_sql, scope_params = _case_scope_condition(scope, "c")
    published = f"c.{c.status} = %s"
    public = f"{published} AND c.{c.visibility} = %s"
    in_period = f"c.{c.published_at} >= %s AND c.{c.published_at} < %s"
    by_end = f"c.{c.published_at} < %s"
    start, end = _moment(period.start_moment()), _moment(period.end_moment())
    published_params = [Case.Status.GEPUBLICEERD.value]
    public_params = [*published_params, Case.Visibility.OPENBAAR.value]
    counts = [
        (f"{published} AND {in_period}", [*published_params, start, end]),
        (f"{public} AND {in_period}", [*public_params, start, end]),
        (f"{published} AND {by_end}", [*published_params, end]),
        (f"{public} AND {by_end}", [*public_params, end]),
        (f"c.{c.status} = %s", [Case.Status.INGEDIEND.value]),
    ]
    sql = (
        "SELECT "  # noqa: S608 (names from the models)
        + ", ".join(f"COUNT(CASE WHEN {condition} THEN 1 END)" for condition, _p in counts)
        + f" FROM {c} AS c WHERE {scope_sql}"
    )
    params = [value for _condition, values in counts for value in values]
    (row,) = _fetch(sql, [*params, *scope_params])
    return CaseFigure(*row)


def _case_scope_condition(scope: Scope, alias: str) -> tuple[str, list]:
    """The scope's cases (`Scope.cases`) as a condition on `alias`."""
    c, co = CASE, CASE_ORGANISATION
    if scope.kind == Scope.ORGANISATION:
        return (
            f"{alias}.{c.id} IN (SELECT {co.case} FROM {co} WHERE {co.organisation} = %s)",  # noqa: S608
            [scope.obj.pk],
        )
    if scope.kind == Scope.THEMEGROUP:
        return f"{alias}.{c.themegroup} = %s", [scope.obj.pk]
    if scope.kind == Scope.REGION:
        return f"{alias}.{c.region} = %s", [scope.obj.pk]
    return "1 = 1", []


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


def _sql(queryset) -> tuple[str, list]:
    """A queryset as SQL and its parameters, compiled once (to be written into others)."""
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _themegroups_sql(scope: Scope, people_sql: str, people_params: list) -> tuple[str, list]:
    """`Scope.themegroups` as SQL of their ids, written here rather than compiled by the
    ORM (an organisation's: the groups in which its people have a place)."""
    tg, tgm = THEMEGROUP, MEMBERSHIP_PLACE
    if scope.kind == Scope.ORGANISATION:
        sql = f"SELECT DISTINCT {tgm.themegroup} FROM {tgm} WHERE {tgm.user} IN ({people_sql})"  # noqa: S608 (names from the models)
        return sql, list(people_params)
    if scope.kind == Scope.THEMEGROUP:
        return f"SELECT {tg.id} FROM {tg} WHERE {tg.id} = %s", [scope.obj.pk]  # noqa: S608
    if scope.kind == Scope.REGION:
        return f"SELECT {tg.id} FROM {tg} WHERE {tg.region} = %s", [scope.obj.pk]  # noqa: S608
    return f"SELECT {tg.id} FROM {tg}", []  # noqa: S608


def community_activity(scope: Scope, period: Period, reader=None) -> CommunityFigure:
    """Themegroups, their members, the meetings held in the period and their attendance.
    For an organisation: the groups its people take part in, and its people's presence.
    One query of five scalar subqueries. The scope's groups (and an organisation's
    people) are compiled once by the ORM and written into each count as SQL, instead of
    the ORM compiling the same nested subqueries again for every count (at 100k: 24.7k
    → a few thousand Python function calls for an organisation's dashboard). Plain SQL
    that SQLite (`make run`) runs too."""
    people = scope._people()
    people_sql, people_params = _sql(people.order_by()) if people is not None else ("", [])
    groups_sql, groups_params = _themegroups_sql(scope, people_sql, people_params)
    tgm, meeting, attendance = MEMBERSHIP_PLACE, MEETING, ATTENDANCE
    # The meetings of the scope's groups held in the period (up to now).
    held = (
        f"SELECT {meeting.id} FROM {meeting} "  # noqa: S608 (names from the models; values are parameters)
        f"WHERE {meeting.themegroup} IN ({groups_sql}) "
        f"AND {meeting.starts_at} >= %s AND {meeting.starts_at} < %s"
    )
    held_params = [
        *groups_params,
        _moment(period.start_moment()),
        _moment(min(period.end_moment(), timezone.now())),
    ]
    members = (
        f"SELECT COUNT(DISTINCT {tgm.user}) FROM {tgm} "  # noqa: S608
        f"WHERE {tgm.themegroup} IN ({groups_sql}) AND {tgm.role} <> %s"
    )
    members_params = [*groups_params, ThemegroupMembership.Role.GAST.value]
    registrations = f"FROM {attendance} WHERE {attendance.meeting} IN ({held})"
    registrations_params = list(held_params)
    if people is not None:
        members += f" AND {tgm.user} IN ({people_sql})"
        members_params += people_params
        registrations += f" AND {attendance.user} IN ({people_sql})"
        registrations_params += people_params
        # An organisation's meetings held are those its people were on the list of.
        meetings_held = f"SELECT COUNT(DISTINCT {attendance.meeting}) {registrations}"
        meetings_held_params = registrations_params
    else:
        meetings_held = f"SELECT COUNT(*) FROM ({held}) AS held"  # noqa: S608
        meetings_held_params = held_params
    present = f"{registrations} AND {attendance.status} = %s"
    # Table and column names from the models; values are parameters.
    sql = (
        f"SELECT (SELECT COUNT(*) FROM ({groups_sql}) AS scope_groups), ({members}), "  # noqa: S608
        f"({meetings_held}), (SELECT COUNT(*) {registrations}), (SELECT COUNT(*) {present})"
    )
    params = [
        *groups_params,
        *members_params,
        *meetings_held_params,
        *registrations_params,
        *registrations_params,
        Attendance.Status.AANWEZIG.value,
    ]
    ((themegroups, members_count, held_count, registrations_count, attended),) = _fetch(sql, params)
    return CommunityFigure(
        themegroups=themegroups,
        members=members_count,
        meetings_held=held_count,
        registrations=registrations_count,
        attended=attended,
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
class PublicCase:
    """A case made public in the period."""

    slug: str
    title: str

    @property
    def url(self) -> str:
        return Case(slug=self.slug).get_absolute_url()


@dataclass
class Highlights:
    completed: list[Highlight] = field(default_factory=list)
    public_cases: list[PublicCase] = field(default_factory=list)


HIGHLIGHTS = 5


def highlights(scope: Scope, period: Period, reader=None) -> Highlights:
    """The latest trajectories completed in the period and the latest cases made public
    in it. A trajectory the reader may not see is counted, not named (as
    `procurement.permissions.can_see_trajectory_of` decides, from the owner, its region
    and the participants read with it). Three queries (two if none was completed)."""
    t, p, o = TRAJECTORY, PARTICIPANT, ORGANISATION
    latest = f"ORDER BY t.{t.closed_on} DESC, t.{t.id} DESC LIMIT {HIGHLIGHTS}"
    done = f"t.{t.status} = %s AND t.{t.closed_on} >= %s AND t.{t.closed_on} <= %s"
    done_params = [Trajectory.Status.AFGEROND.value, _day(period.start), _day(period.end)]
    if scope.kind == Scope.ORGANISATION:
        # The latest few owned (by the dashboard index, which starts with the owner)
        # and the latest few joined: the scope's UNION would make PostgreSQL walk every
        # organisation's trajectories completed in the period. Each limited list is a
        # derived table, which SQLite (`make run`) takes inside a UNION too.
        pk = scope.obj.pk
        ids = (
            f"SELECT {t.id} FROM (SELECT t.{t.id} FROM {t} AS t "  # noqa: S608 (names from the models)
            f"WHERE t.{t.organisation} = %s AND {done} {latest}) AS owned UNION "
            f"SELECT {t.id} FROM (SELECT t.{t.id} FROM {t} AS t INNER JOIN {p} AS p "
            f"ON p.{p.trajectory} = t.{t.id} WHERE p.{p.organisation} = %s AND {done} "
            f"{latest}) AS joined"
        )
        scope_sql, scope_params = f"t.{t.id} IN ({ids})", [pk, *done_params, pk, *done_params]
    else:
        scope_sql, scope_params = _scope_condition(scope, "t")
        scope_sql, scope_params = f"{scope_sql} AND {done}", [*scope_params, *done_params]
    rows = _fetch(
        f"SELECT t.{t.id}, t.{t.title}, t.{t.closed_on}, t.{t.current_phase}, "  # noqa: S608
        f"t.{t.organisation}, o.{o.name}, o.{o.region} FROM {t} AS t "
        f"INNER JOIN {o} AS o ON o.{o.id} = t.{t.organisation} WHERE {scope_sql} {latest}",
        scope_params,
    )
    participants = defaultdict(list)
    if rows:
        members, member_params = _in(row[0] for row in rows)
        sql = f"SELECT {p.trajectory}, {p.organisation} FROM {p} WHERE {p.trajectory} {members}"  # noqa: S608
        for trajectory_id, organisation_id in _fetch(sql, member_params):
            participants[trajectory_id].append(organisation_id)
    phases = {phase.pk: str(phase) for phase in reference.reference().phases}
    items = []
    for pk, title, closed_on, phase_id, owner_id, owner, region_id in rows:
        item = Highlight(closed_on=_as_date(closed_on), phase=phases.get(phase_id, ""))
        if reader is not None and procurement_permissions.can_see_trajectory_of(
            reader, owner_id=owner_id, region_id=region_id, participant_ids=participants[pk]
        ):
            item.title = title
            item.organisation = owner
            item.url = Trajectory(pk=pk).get_absolute_url()
        items.append(item)
    c = CASE
    case_scope_sql, case_scope_params = _case_scope_condition(scope, "c")
    sql = (
        f"SELECT c.{c.slug}, c.{c.title} FROM {c} AS c "  # noqa: S608 (names from the models)
        f"WHERE {case_scope_sql} AND c.{c.status} = %s AND c.{c.visibility} = %s "
        f"AND c.{c.published_at} >= %s AND c.{c.published_at} < %s "
        f"ORDER BY c.{c.published_at} DESC, c.{c.id} DESC LIMIT {HIGHLIGHTS}"
    )
    params = [
        *case_scope_params,
        Case.Status.GEPUBLICEERD.value,
        Case.Visibility.OPENBAAR.value,
        _moment(period.start_moment()),
        _moment(period.end_moment()),
    ]
    cases = [PublicCase(*row) for row in _fetch(sql, params)]
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
    t = TRAJECTORY
    period_sql, period_params = _period_condition("t", period)
    scope_sql, scope_params = _scope_condition(scope, "t")
    # Counts of columns of the dashboard index (never null where they count), not of
    # the id, so the index alone answers.
    sql = (
        f"SELECT t.{t.organisation}, COUNT(*), "  # noqa: S608 (names from the models)
        f"COUNT(CASE WHEN t.{t.r_level_target} <= %s THEN 1 END), "
        f"COUNT(CASE WHEN t.{t.status} = %s AND t.{t.closed_on} >= %s "
        f"AND t.{t.closed_on} <= %s THEN 1 END) "
        f"FROM {t} AS t WHERE {scope_sql} AND {period_sql} GROUP BY t.{t.organisation}"
    )
    params = [
        HIGHEST_R,
        Trajectory.Status.AFGEROND.value,
        _day(period.start),
        _day(period.end),
        *scope_params,
        *period_params,
    ]
    return {
        organisation: dict(zip(MAP_FIGURES, values, strict=True))
        for organisation, *values in _fetch(sql, params)
    }


def municipalities(scope: Scope) -> list[tuple]:
    """(id, name, slug, CBS code, region id) of the municipalities a map draws: those
    with a CBS code in a region (the scope's region, or every region). One query."""
    o = ORGANISATION
    sql = (
        f"SELECT {o.id}, {o.name}, {o.slug}, {o.cbs_code}, {o.region} FROM {o} "  # noqa: S608 (names from the models)
        f"WHERE {o.type} = %s AND {o.region} IS NOT NULL AND {o.cbs_code} <> ''"
    )
    params = [Organisation.Type.GEMEENTE.value]
    if scope.kind == Scope.REGION:
        sql += f" AND {o.region} = %s"
        params.append(scope.obj.pk)
    return _fetch(sql, params)


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


# --- commitments and maturity ------------------------------------------------------------


def _scope_organisations(scope: Scope):
    """The organisations a scope is about, as a queryset: the organisation itself, the
    organisations of a region, the organisations whose people are (non-guest) members of
    a themegroup, or every organisation."""
    qs = Organisation.objects.order_by()
    if scope.kind == Scope.ORGANISATION:
        return qs.filter(pk=scope.obj.pk)
    if scope.kind == Scope.REGION:
        return qs.filter(region=scope.obj)
    if scope.kind == Scope.THEMEGROUP:
        people = (
            ThemegroupMembership.objects.filter(themegroup=scope.obj)
            .exclude(role=ThemegroupMembership.Role.GAST)
            .values("user")
        )
        return qs.filter(
            pk__in=Membership.objects.active().filter(user__in=people).values("organisation")
        )
    return qs


def _scope_region_id(scope: Scope) -> int | None:
    if scope.kind == Scope.REGION:
        return scope.obj.pk
    if scope.kind in (Scope.ORGANISATION, Scope.THEMEGROUP):
        return scope.obj.region_id
    return None


@dataclass
class CommitmentParticipant:
    """One participant in the scope and its progress on one commitment (`met` None: the
    commitment names no number, or it is not measured by the portal)."""

    organisation: str
    count: int | None
    met: bool | None
    evidence: tuple = ()  # community.extensions.Evidence the reader may see
    hidden: int = 0  # counted items the reader may not see


@dataclass
class CommitmentRow:
    """One commitment of an agreement, over the participants in the scope it applies to."""

    agreement: str
    agreement_url: str
    description: str
    target: int | None
    unit: str
    measured: bool  # computed from the portal's data (else kept by hand, not counted)
    participants: list[CommitmentParticipant] = field(default_factory=list)

    @property
    def met(self) -> int:
        return sum(1 for p in self.participants if p.met is True)

    @property
    def not_met(self) -> int:
        return sum(1 for p in self.participants if p.met is False)

    @property
    def label(self) -> str:
        return f"{self.agreement}: {self.description}"


@dataclass
class CommitmentFigure:
    """Commitments of the agreements (Green Deals, regional manifestos) that the scope's
    organisations take part in: per commitment, how many of those participants met it."""

    rows: list[CommitmentRow]

    @property
    def measured_rows(self) -> list[CommitmentRow]:
        return [row for row in self.rows if row.measured and row.target is not None]

    @property
    def met(self) -> int:
        return sum(row.met for row in self.measured_rows)

    @property
    def not_met(self) -> int:
        return sum(row.not_met for row in self.measured_rows)


def commitments_met(scope: Scope, period: Period, reader=None) -> CommitmentFigure:
    """Per commitment of the agreements that organisations of the scope take part in
    (national ones and those of the scope's region): how many of those participants met it
    and how many not yet, with the evidence the reader may see. Progress is the one
    computation of the agreement page (the `commitment_progress` hook: procurement counts
    trajectories with an R-ambition), as it stands now: like that page, it does not apply
    the period. Two queries plus the hook's (four at most)."""
    participants = AgreementParticipant.objects.filter(
        organisation__in=_scope_organisations(scope).values("pk")
    ).select_related("organisation", "agreement")
    region_id = _scope_region_id(scope)
    if scope.kind != Scope.PLATFORM:
        participants = participants.filter(
            Q(agreement__region__isnull=True) | Q(agreement__region_id=region_id)
        )
    participants = list(participants.order_by("agreement__name", "organisation__name", "pk"))
    if not participants:
        return CommitmentFigure(rows=[])
    commitments = list(
        Commitment.objects.filter(agreement__in={p.agreement_id for p in participants})
        .select_related("agreement")
        .order_by("agreement__name", "key")
    )
    reader = reader if reader is not None else AnonymousUser()
    progress = extensions.merged("commitment_progress", reader, commitments, participants)
    rows = []
    for commitment in commitments:
        row = CommitmentRow(
            agreement=commitment.agreement.name,
            agreement_url=commitment.agreement.get_absolute_url(),
            description=commitment.description,
            target=commitment.target,
            unit=commitment.unit,
            measured=commitment.metric == Commitment.Metric.TRAJECTORIES_STARTED,
        )
        for participant in participants:
            if participant.agreement_id != commitment.agreement_id or (
                commitment.applies_to and commitment.applies_to != participant.participant_type
            ):
                continue
            answer = progress.get((commitment.pk, participant.pk))
            row.participants.append(
                CommitmentParticipant(
                    organisation=participant.organisation.name,
                    count=answer.count if answer else None,
                    met=answer.met if answer else None,
                    evidence=answer.evidence if answer else (),
                    hidden=answer.hidden if answer else 0,
                )
            )
        if row.participants:
            rows.append(row)
    return CommitmentFigure(rows=rows)


@dataclass
class MaturityFigure:
    """Maturity per basisingrediënt. For an organisation whose own profile the reader may
    read (community's `can_read_maturity`): its levels this year against last year
    (`profile`). Otherwise, for an organisation or a region: the anonymous distribution
    over the region's organisations (`distribution`, None per ingredient below the
    anonymity threshold). A themegroup (or the platform) has neither."""

    profile: dict | None = None  # community.maturity.profile()
    organisation: Organisation | None = None  # whose profile it is
    distribution: list | None = None  # [community.maturity.Distribution]
    region: Region | None = None
    min_organisations: int = maturity.MIN_ORGANISATIONS

    @property
    def shown(self) -> list:
        """The ingredients whose distribution may be shown."""
        return [d for d in self.distribution or [] if d.counts is not None]

    @property
    def hidden(self) -> list:
        """The ingredients too few organisations assessed: not shown (anonymity)."""
        return [d for d in self.distribution or [] if d.counts is None]


def maturity_levels(scope: Scope, period: Period, reader=None) -> MaturityFigure:
    """Maturity per basisingrediënt under the anonymity rule of community.maturity: an
    organisation's own levels only to readers allowed to see them, else (and for a
    region) the anonymous distribution, none for fewer than three organisations. It is
    the current assessment (the history keeps last year's), not that of the period.
    Three queries at most."""
    if scope.kind == Scope.ORGANISATION:
        organisation = scope.obj
        if reader is not None and community_permissions.can_read_maturity(reader, organisation):
            return MaturityFigure(profile=maturity.profile(organisation), organisation=organisation)
        region = organisation.region
    elif scope.kind == Scope.REGION:
        region = scope.obj
    else:
        return MaturityFigure()
    if region is None:
        return MaturityFigure()
    return MaturityFigure(distribution=maturity.region_distribution(region), region=region)


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
    ("commitments", commitments_met),
    ("maturity", maturity_levels),
]


def figures(scope: Scope, period: Period, reader) -> dict:
    """Every figure of `FIGURES` for this scope, period and reader (the figures that
    count the same trajectories share one query)."""
    token = _tallies.set({})
    try:
        return {name: function(scope, period, reader) for name, function in FIGURES}
    finally:
        _tallies.reset(token)
