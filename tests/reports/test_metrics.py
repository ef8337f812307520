"""Each metric against the hand-computed data set of tests/reports/conftest.py."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import ThemegroupMembership
from procurement.models import Phase, Trajectory
from reports import metrics
from reports.metrics import Period, Scope
from tests.factories import ThemegroupMembershipFactory
from tests.reports.conftest import PERIOD, make_trajectory


def _phase_counts(figure):
    return {row.number: {k: v for k, v in row.counts.items() if v} for row in figure.rows}


def test_it_counts_trajectories_per_phase_and_status_of_an_organisation(world, alfa):
    figure = metrics.trajectories_by_phase(Scope.of(alfa), PERIOD)

    # T1, T2, T3, T5 and the joint C1; not T4 (closed in 2025) nor T7 (made in 2027).
    assert _phase_counts(figure) == {
        None: {"lopend": 1},
        1: {"lopend": 1},
        2: {"lopend": 1},
        3: {"lopend": 1},
        4: {},
        5: {},
        6: {"afgerond": 1},
    }
    assert figure.total == 5
    assert figure.status_total("lopend") == 4


def test_it_counts_a_region_without_other_regions_joint_tenders(world, groene_hart):
    figure = metrics.trajectories_by_phase(Scope.of(groene_hart), PERIOD)

    assert _phase_counts(figure)[3] == {"lopend": 2}
    assert _phase_counts(figure)[6] == {"afgerond": 2}
    assert figure.total == 6  # Alfa's four own, B1, B2; not C1 (owned in Zwolle)


def test_it_leaves_out_the_no_phase_row_when_every_trajectory_has_a_phase(world, gww):
    figure = metrics.trajectories_by_phase(Scope.of(gww), PERIOD)

    assert [row.number for row in figure.rows] == [1, 2, 3, 4, 5, 6]
    assert figure.total == 1


def test_it_sets_r_ambition_against_r_achieved(world, alfa, groene_hart):
    alfa_figure = metrics.r_ladder(Scope.of(alfa), PERIOD)
    region = metrics.r_ladder(Scope.of(groene_hart), PERIOD)

    assert {k: v for k, v in alfa_figure.target.items() if v} == {0: 2, 1: 1, 2: 1, 5: 1}
    assert {k: v for k, v in alfa_figure.achieved.items() if v} == {1: 1, 3: 1}
    assert (alfa_figure.with_target, alfa_figure.aimed_high, alfa_figure.achieved_high) == (5, 4, 1)
    assert alfa_figure.met == 1  # T3 reached R1; T2 aimed at R2 and reached R3
    assert alfa_figure.aimed_high_share == 80
    assert (region.total, region.with_target, region.aimed_high) == (6, 6, 4)
    assert (region.achieved_high, region.met) == (2, 3)  # T3, B2; T3, B1, B2


def test_it_measures_kpis_against_their_target_per_growth_model_period(world, alfa, groene_hart):
    rows = metrics.kpi_progress(Scope.of(alfa), PERIOD)
    region_rows = metrics.kpi_progress(Scope.of(groene_hart), PERIOD)

    assert [(r.label, r.measurements, r.measured, r.met) for r in rows] == [
        ("Contractjaar 1", 3, 2, 1)
    ]
    assert rows[0].met_share == 50
    assert [(r.label, r.met) for r in region_rows] == [("Contractjaar 1", 1), ("Jaar 1", 1)]


def test_it_counts_cases_shared_and_published(world, alfa):
    figure = metrics.cases_shared(Scope.of(alfa), PERIOD)

    assert figure == metrics.CaseFigure(
        published_in_period=2, public_in_period=1, published_total=3, public_total=2, in_review=1
    )


def test_it_counts_community_activity_of_a_region(world, groene_hart):
    figure = metrics.community_activity(Scope.of(groene_hart), PERIOD)

    assert figure == metrics.CommunityFigure(
        themegroups=1, members=2, meetings_held=2, registrations=5, attended=3
    )
    assert figure.attendance_share == 60


def test_it_counts_an_organisations_people_in_the_community(world, alfa):
    figure = metrics.community_activity(Scope.of(alfa), PERIOD)

    # alice is a member of GWW; she was at the March meeting and missed the May one.
    assert figure == metrics.CommunityFigure(
        themegroups=1, members=1, meetings_held=2, registrations=2, attended=1
    )


def test_it_names_completed_trajectories_only_for_readers_who_may_see_them(
    world, groene_hart, bob, charlie
):
    for_bob = metrics.highlights(Scope.of(groene_hart), PERIOD, bob)
    for_charlie = metrics.highlights(Scope.of(groene_hart), PERIOD, charlie)

    assert [h.title for h in for_bob.completed] == [
        "Beta circulair asfalt",
        "Alfa hergebruikte stoelen",
    ]
    assert [h.title for h in for_charlie.completed] == [None, None]
    assert [h.closed_on for h in for_charlie.completed] == [
        datetime.date(2026, 11, 1),
        datetime.date(2026, 6, 15),
    ]
    assert [c.slug for c in for_bob.public_cases] == ["alfa-openbaar"]


def test_the_community_figure_counts_the_scopes_themegroups_once(
    world, alfa, beta, groene_hart, gww, dora
):
    """Two people of Alfa in the same group count it once; every scope counts the groups
    `Scope.themegroups` holds."""
    ThemegroupMembershipFactory(themegroup=gww, user=dora, role=ThemegroupMembership.Role.LID)
    for obj in (alfa, beta, groene_hart, gww):
        scope = Scope.of(obj)
        figure = metrics.community_activity(scope, PERIOD)
        assert figure.themegroups == scope.themegroups().count(), obj
    assert metrics.community_activity(Scope.of(alfa), PERIOD).themegroups == 1
    assert metrics.community_activity(Scope.of(alfa), PERIOD).members == 2  # alice, dora


def test_an_organisations_highlights_hold_the_joint_tenders_it_takes_part_in(
    world, alfa, charlie_org, alice, bob
):
    """Alfa's completed trajectories: its own T3 and Charlie's joint tender with Alfa,
    newest first; the joint tender is named for Alfa's inkoper (a participant), not for
    Beta's coordinator (same region as Alfa, not as the owner)."""
    Trajectory.objects.filter(pk=world.trajectories["C1"].pk).update(
        status="afgerond", closed_on=datetime.date(2026, 9, 1)
    )
    for_alice = metrics.highlights(Scope.of(alfa), PERIOD, alice)
    for_bob = metrics.highlights(Scope.of(alfa), PERIOD, bob)

    assert [(h.title, h.organisation) for h in for_alice.completed] == [
        ("Zwolle werkkleding", charlie_org.name),
        ("Alfa hergebruikte stoelen", alfa.name),
    ]
    assert for_alice.completed[0].url == world.trajectories["C1"].get_absolute_url()
    assert [h.title for h in for_bob.completed] == [None, "Alfa hergebruikte stoelen"]
    phases = [str(Phase.objects.get(number=number)) for number in (2, 6)]
    assert [h.phase for h in for_bob.completed] == phases


def test_public_figures_count_without_names(world):
    figure = metrics.public_figures(Scope.platform(), PERIOD)

    assert figure.public_cases == 2
    assert figure.themegroups == 1
    assert figure.municipalities == 3  # Alfa, Beta, Charlie
    assert figure.phases.total == 7  # everything of the period, in every region


def test_organisation_figures_shade_the_map(world, alfa, beta, groene_hart):
    figures = metrics.organisation_figures(Scope.of(groene_hart), PERIOD)

    assert figures == {
        alfa.pk: {"trajecten": 4, "hoog": 3, "afgerond": 1},
        beta.pk: {"trajecten": 2, "hoog": 1, "afgerond": 1},
    }


def test_a_quarter_is_its_three_months():
    assert Period.quarter(2026, 1) == Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert Period.quarter(2026, 4).end == datetime.date(2026, 12, 31)
    with pytest.raises(ValueError, match="ends on or after"):
        Period(datetime.date(2026, 2, 1), datetime.date(2026, 1, 1))


def _queries(scope, reader):
    with CaptureQueriesContext(connection) as context:
        metrics.figures(scope, PERIOD, reader)
    return len(context.captured_queries)


@pytest.mark.parametrize("kind", ["organisation", "region", "themegroup"])
def test_the_figures_take_as_many_queries_for_many_rows_as_for_few(
    world, kind, alfa, beta, groene_hart, gww, staff
):
    scope = Scope.of({"organisation": alfa, "region": groene_hart, "themegroup": gww}[kind])
    _queries(scope, staff)  # the first reads the phases into the reference cache
    before = _queries(scope, staff)
    for n in range(8):
        make_trajectory(
            alfa,
            phase=6,
            status="afgerond",
            target=n % 10,
            achieved=n % 10,
            closed_on=datetime.date(2026, 7, n + 1),
            themegroup=gww,
        )
        make_trajectory(beta, phase=(n % 6) + 1, target=2, themegroup=gww)

    assert _queries(scope, staff) == before
