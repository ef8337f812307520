"""The phase and R-ladder tally (`reports.metrics._tally`) is read from the dashboard
index in parts (an organisation's own trajectories, then those it joins but does not
own): it must equal the plain count over the scope's trajectories for every scope and
period, also when an organisation takes part in a trajectory it owns."""

import datetime
from collections import Counter

import pytest
from django.db.models import Count, Q

from reports import metrics
from reports.metrics import Period, Scope
from tests.reports.conftest import make_trajectory

PERIODS = [
    Period.year(2026),
    Period.year(2025),
    Period.quarter(2026, 2),
    Period(datetime.date(2024, 6, 1), datetime.date(2026, 6, 14)),
    Period(datetime.date(2026, 6, 15), datetime.date(2026, 6, 15)),
    Period(datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)),
]


def _direct(scope, period) -> Counter:
    """The tally counted over the scope's trajectories themselves."""
    rows = (
        scope.trajectories()
        .filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=period.start),
            created_at__lt=period.end_moment(),
        )
        .values_list(*metrics.TALLY_COLUMNS)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter({tuple(row[:-1]): row[-1] for row in rows})


def _tallied(scope, period) -> Counter:
    counted = Counter()
    for *key, n in metrics._tally(scope, period):
        counted[tuple(key)] += n
    return +counted


@pytest.fixture
def joint(world, alfa, beta):
    """Alfa also takes part in its own T2 (counted once) and in Beta's B1."""
    world.trajectories["T2"].participating_organisations.add(alfa)
    world.trajectories["B1"].participating_organisations.add(alfa)
    make_trajectory(beta, phase=2, target=3, created=(2025, 2, 1), closed_on=None)
    return world


@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_the_tally_equals_the_direct_count(
    joint, alfa, beta, charlie_org, groene_hart, gww, period
):
    for obj in (alfa, beta, charlie_org, groene_hart, gww):
        scope = Scope.of(obj)
        assert _tallied(scope, period) == _direct(scope, period), (obj, period)


def test_an_organisation_counts_a_trajectory_it_owns_and_joins_once(joint, alfa):
    figure = metrics.trajectories_by_phase(Scope.of(alfa), Period.year(2026))

    # T1, T2 (owned and joined: once), T3, T5, the joint C1 and Beta's B1.
    assert figure.total == 6
    assert metrics.r_ladder(Scope.of(alfa), Period.year(2026)).total == 6


def test_the_tally_is_one_query(joint, alfa, groene_hart, django_assert_num_queries):
    for obj in (alfa, groene_hart):
        scope = Scope.of(obj)
        if scope.kind == Scope.REGION:
            scope.region_organisation_ids  # noqa: B018 (a region reads them once per scope)
        with django_assert_num_queries(1):
            metrics._tally(scope, Period.year(2026))
