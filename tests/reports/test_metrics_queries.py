"""The community figures come from one query for every kind of scope, whatever the
number of groups, members, meetings and registrations; and they equal the figures of
tests/reports/test_metrics.py for a themegroup too."""

import datetime

import pytest
from django.utils import timezone

from community.models import Attendance, Meeting, ThemegroupMembership
from procurement.models import Trajectory
from reports import metrics
from reports.metrics import Scope
from tests import factories
from tests.reports.conftest import PERIOD, make_trajectory


def test_a_themegroups_community_figures(world, gww):
    figure = metrics.community_activity(Scope.of(gww), PERIOD)

    # Members: alice and bob (charlie is a guest); the region's figures of test_metrics.
    assert figure == metrics.CommunityFigure(
        themegroups=1, members=2, meetings_held=2, registrations=5, attended=3
    )


def test_a_platform_without_themegroups_counts_nothing(db):
    assert metrics.community_activity(Scope.platform(), PERIOD) == metrics.CommunityFigure(
        themegroups=0, members=0, meetings_held=0, registrations=0, attended=0
    )


@pytest.mark.parametrize("which", ["alfa", "groene_hart", "gww"])
def test_the_community_figures_take_one_query_however_many_rows(
    world, alfa, groene_hart, gww, alice, which, request, django_assert_num_queries
):
    scope = Scope.of(request.getfixturevalue(which))
    before = metrics.community_activity(scope, PERIOD)
    for day in range(3):
        meeting = Meeting.objects.create(
            themegroup=gww,
            title="Nog een bijeenkomst",
            starts_at=timezone.make_aware(datetime.datetime(2026, 4, 10 + day, 14)),
            location="Gouda",
        )
        user = factories.UserFactory()
        factories.MembershipFactory(user=user, organisation=alfa)
        ThemegroupMembership.objects.create(
            themegroup=gww, user=user, role=ThemegroupMembership.Role.LID
        )
        for person in (user, alice):
            Attendance.objects.create(
                meeting=meeting, user=person, status=Attendance.Status.AANWEZIG
            )

    with django_assert_num_queries(1):
        after = metrics.community_activity(scope, PERIOD)

    assert after.meetings_held == before.meetings_held + 3
    assert after.registrations == before.registrations + 6
    assert after.attended == before.attended + 6
    assert after.members == before.members + 3


def test_an_organisations_highlights_are_the_latest_of_its_own_and_joined_trajectories(
    world, alfa, beta, alice
):
    joined = make_trajectory(
        beta, status="afgerond", closed_on=datetime.date(2026, 11, 30), title="Samen"
    )
    joined.participating_organisations.add(alfa)
    for day in range(1, 7):
        make_trajectory(
            alfa, status="afgerond", closed_on=datetime.date(2026, 10, day), title=f"Eigen {day}"
        )
    make_trajectory(beta, status="afgerond", closed_on=datetime.date(2026, 12, 1), title="Beta")
    expected = sorted(
        (
            (t.closed_on, t.pk, t.title)
            for t in Trajectory.objects.filter(
                pk__in=Scope.of(alfa).trajectories().values("pk"),
                status="afgerond",
                closed_on__year=2026,
            )
        ),
        reverse=True,
    )[: metrics.HIGHLIGHTS]

    figure = metrics.highlights(Scope.of(alfa), PERIOD, alice)

    assert [item.title for item in figure.completed] == [title for _d, _pk, title in expected]
    assert figure.completed[0].title == "Samen"
    assert "Beta" not in [item.title for item in figure.completed]
