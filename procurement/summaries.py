"""The KPI summary the dashboards read (`KpiDaySummary`): which trajectories belong to a
scope, how a scope's summary is made again, and the refresh queued after every write.

The writes that change it (a measurement recorded or imported, a trajectory moved to
another themegroup or joint tender) go through `procurement.services`, which calls
`refresh_on_commit` with the trajectory (and the scopes it counted in before a move);
once the transaction commits, one Celery task (`kpi_summaries_refresh`) makes those
scopes' rows again. Making a scope's rows is idempotent (delete and insert under a lock
on the scope's row, which a rebuild takes too), so a redelivered or doubled task does
no harm. Whatever
changes data outside the services (the admin, an organisation moved to another region)
is caught by `rebuild`, which celery beat runs every night and `manage.py
kpi_summaries_rebuild` runs on demand.
"""

from collections import defaultdict
from collections.abc import Iterable

from celery import shared_task
from django.db import connection, transaction
from django.db.models import F, Q

from community.models import Organisation, Region, Themegroup
from procurement.models import (
    Kpi,
    KpiDaySummary,
    KpiExample,
    KpiMeasurement,
    SummaryScope,
    Trajectory,
)

# A scope as the task receives it: (kind, id), JSON-friendly.
ScopeKey = tuple[str, int]

OWNERS = {
    SummaryScope.ORGANISATIE: Organisation,
    SummaryScope.REGIO: Region,
    SummaryScope.THEMAGROEP: Themegroup,
}

# A measurement meets its target when its actual is on the good side (as the KPI says).
MET = Q(actual__isnull=False) & (
    Q(kpi__direction=KpiExample.Direction.HOGER, actual__gte=F("target"))
    | Q(kpi__direction=KpiExample.Direction.LAGER, actual__lte=F("target"))
)


def trajectories_of(kind: str, pk: int):
    """The trajectories of a scope, unevaluated: of an organisation those it owns and the
    joint tenders it takes part in (one UNION of two index lookups: an OR of the owner
    and a subquery hides from the planner how few rows there are); of a region those
    owned by its organisations (their ids are read here, one query); of a themegroup
    those in it. `reports.metrics.Scope` asks this too, so the dashboards and the
    summary count the same trajectories."""
    queryset = Trajectory.objects.order_by()
    if kind == SummaryScope.ORGANISATIE:
        owned = Trajectory.objects.filter(organisation=pk).values("pk")
        joined = Trajectory.participating_organisations.through.objects.filter(
            organisation=pk
        ).values("trajectory")
        return queryset.filter(pk__in=owned.union(joined))
    if kind == SummaryScope.REGIO:
        # The region's organisations read first as a short list of ids: a join on the
        # region makes PostgreSQL scan every trajectory of every region.
        organisations = Organisation.objects.filter(region=pk).values_list("pk", flat=True)
        return queryset.filter(organisation__in=list(organisations))
    if kind == SummaryScope.THEMAGROEP:
        return queryset.filter(themegroup=pk)
    raise ValueError(f"No summary is kept for {kind!r}.")


def scopes_of(trajectory_ids: Iterable[int]) -> set[ScopeKey]:
    """Every scope the trajectories count in now: owner, participants, the owner's
    region and the themegroup. Two queries."""
    ids = list(trajectory_ids)
    scopes: set[ScopeKey] = set()
    rows = Trajectory.objects.filter(pk__in=ids).values_list(
        "organisation_id", "organisation__region_id", "themegroup_id"
    )
    for organisation, region, themegroup in rows:
        scopes.add((SummaryScope.ORGANISATIE.value, organisation))
        if region is not None:
            scopes.add((SummaryScope.REGIO.value, region))
        if themegroup is not None:
            scopes.add((SummaryScope.THEMAGROEP.value, themegroup))
    joined = Trajectory.participating_organisations.through.objects.filter(
        trajectory__in=ids
    ).values_list("organisation_id", flat=True)
    scopes.update((SummaryScope.ORGANISATIE.value, organisation) for organisation in joined)
    return scopes


def _members(kind: str, ids: list[int] | None):
    """(t_id, s_id): every trajectory of the scopes of one kind (`ids`, or all) with its
    scope, as `trajectories_of` counts them."""
    trajectories = Trajectory.objects.order_by()
    if kind == SummaryScope.ORGANISATIE:
        joined = Trajectory.participating_organisations.through.objects.order_by()
        if ids is not None:
            trajectories = trajectories.filter(organisation__in=ids)
            joined = joined.filter(organisation__in=ids)
        return (
            trajectories.values(t_id=F("pk"), s_id=F("organisation_id"))
            .union(joined.values(t_id=F("trajectory_id"), s_id=F("organisation_id")))
            .order_by()
        )
    column = "organisation__region_id" if kind == SummaryScope.REGIO else "themegroup_id"
    trajectories = trajectories.filter(
        **({f"{column}__in": ids} if ids is not None else {f"{column}__isnull": False})
    )
    return trajectories.values(t_id=F("pk"), s_id=F(column))


def _fill(kind: str, ids: list[int] | None = None) -> int:
    """Insert the rows of the scopes of one kind (`ids`, or all) in one statement: the
    measurements with a target of their trajectories, counted per scope, label and the
    day they start and the day they end. Rows of these scopes must be gone first.
    Returns the rows written."""
    if ids is not None and not ids:
        return 0
    members, params = _members(kind, ids).query.sql_with_params()
    kpi, measurement = Kpi._meta.db_table, KpiMeasurement._meta.db_table
    summary = KpiDaySummary._meta.db_table
    hoger, lager = KpiExample.Direction.HOGER.value, KpiExample.Direction.LAGER.value
    sql = f"""
        WITH members AS ({members}),
        measured AS (
            SELECT s.s_id AS scope_id, m.label, m.period_start, m.period_end,
                CASE WHEN m.actual IS NULL THEN 0 ELSE 1 END AS measured,
                CASE WHEN m.actual IS NOT NULL AND (
                    (k.direction = %s AND m.actual >= m.target)
                    OR (k.direction = %s AND m.actual <= m.target)
                ) THEN 1 ELSE 0 END AS met
            FROM members s
            JOIN {kpi} k ON k.trajectory_id = s.t_id
            JOIN {measurement} m ON m.kpi_id = k.id
            WHERE m.target IS NOT NULL
        ),
        edges AS (
            SELECT scope_id, label, period_start AS day, 1 AS s, measured AS sm, met AS sme,
                0 AS e, 0 AS em, 0 AS eme FROM measured
            UNION ALL
            SELECT scope_id, label, period_end, 0, 0, 0, 1, measured, met FROM measured
        )
        INSERT INTO {summary} (scope_kind, scope_id, label, day, starting, starting_measured,
            starting_met, ending, ending_measured, ending_met)
        SELECT %s, scope_id, label, day, SUM(s), SUM(sm), SUM(sme), SUM(e), SUM(em), SUM(eme)
        FROM edges GROUP BY scope_id, label, day
    """  # noqa: S608 (table names from the models; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, hoger, lager, kind])
        return cursor.rowcount


@transaction.atomic
def refresh(scopes: Iterable[ScopeKey]) -> int:
    """Make the rows of these scopes again from their measurements (a scope that no
    longer exists loses its rows). Each scope's row is locked first, so two refreshes of
    one scope at once take turns instead of both inserting. Returns the rows written."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, pk in sorted({(str(kind), int(pk)) for kind, pk in scopes}):
        by_kind[SummaryScope(kind).value].append(pk)
    written = 0
    for kind, ids in by_kind.items():
        owner = OWNERS[SummaryScope(kind)]
        existing = list(
            owner.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        KpiDaySummary.objects.filter(scope_kind=kind, scope_id__in=ids).delete()
        written += _fill(kind, existing)
    return written


@transaction.atomic
def rebuild() -> int:
    """Every row again, in one transaction (readers see the old rows until it commits):
    one statement per kind of scope, with every scope's row locked so that a refresh
    waits for it instead of inserting rows it also makes. Returns the rows written."""
    for kind in SummaryScope:  # as refresh locks them: kind by kind, by id
        list(OWNERS[kind].objects.select_for_update().order_by("pk").values_list("pk"))
    KpiDaySummary.objects.all().delete()
    return sum(_fill(kind.value) for kind in SummaryScope)


# --- the refresh after a write -------------------------------------------------------------


@shared_task(name="procurement.tasks.kpi_summaries_refresh")
def kpi_summaries_refresh(scopes: list[list]) -> int:
    """Make the KPI summary of these scopes ([kind, id] pairs) again. Safe to run twice or
    to be redelivered. Returns the rows written."""
    return refresh((kind, pk) for kind, pk in scopes)


@shared_task(name="procurement.tasks.kpi_summaries_rebuild")
def kpi_summaries_rebuild() -> int:
    """The whole KPI summary again (celery beat, every night): catches what changed
    outside the services. Returns the rows written."""
    return rebuild()


def refresh_on_commit(*, trajectories: Iterable[int] = (), scopes: Iterable[ScopeKey] = ()):
    """Queue one refresh once the current transaction commits: of the scopes the
    `trajectories` count in then, and of `scopes` (those they counted in before a
    move). Several writes in one transaction (a KPI import of hundreds of rows) queue a
    single task: they add to the one callback the transaction holds, which a rollback
    drops with everything it gathered."""
    connection = transaction.get_connection()
    pending = next(
        (
            func
            for _ids, func, _robust in connection.run_on_commit
            if isinstance(func, _Refresh) and not func.done
        ),
        None,
    )
    fresh = pending is None
    if fresh:
        pending = _Refresh()
    pending.scopes.update((str(kind), int(pk)) for kind, pk in scopes)
    pending.trajectories.update(int(pk) for pk in trajectories)
    if fresh:  # outside a transaction this runs at once, so only after gathering
        transaction.on_commit(pending, robust=True)


class _Refresh:
    """The callback a transaction holds: what to refresh once it commits."""

    def __init__(self):
        self.scopes: set[ScopeKey] = set()
        self.trajectories: set[int] = set()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        scopes = self.scopes | scopes_of(self.trajectories)
        if scopes:
            kpi_summaries_refresh.delay([list(scope) for scope in sorted(scopes)])
