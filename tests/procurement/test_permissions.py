"""Who may read a trajectory's confidential fields and who may change it (domain.md §4).

One table per predicate, every persona, for a trajectory of Gemeente Alfa (Groene Hart)
that is not shared and one whose confidential fields are shared with the region.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from community import permissions as community_permissions
from procurement import permissions
from procurement.models import Trajectory
from tests.procurement.factories import TrajectoryFactory

# persona: (sees confidential, not shared), (sees confidential, shared with the region)
CONFIDENTIAL = {
    "anonymous": (False, False),
    "alice": (True, True),  # inkoper of Alfa
    "dora": (True, True),  # bestuurder of Alfa
    "bob": (False, True),  # coordinator of Beta, same region
    "charlie": (False, False),  # inkoper in another region
    "former": (False, False),  # left Alfa, now in another region
    "suspended": (False, False),  # suspended at Alfa
    "staff": (True, True),
}
EDITORS = {"alice", "staff"}  # bob coordinates the region, but Alfa is not his organisation


def _user(request, persona):
    return AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)


@pytest.fixture
def trajectory(alfa):
    return TrajectoryFactory(organisation=alfa, title="Kantoormeubilair")


@pytest.mark.django_db
@pytest.mark.parametrize("shared", [False, True], ids=["not-shared", "shared"])
@pytest.mark.parametrize("persona", CONFIDENTIAL)
def test_who_sees_the_confidential_fields(request, trajectory, persona, shared):
    trajectory.share_confidential = shared
    trajectory.save()
    expected = CONFIDENTIAL[persona][shared]
    assert permissions.can_see_confidential(_user(request, persona), trajectory) is expected


@pytest.mark.django_db
@pytest.mark.parametrize("shared", [False, True], ids=["not-shared", "shared"])
@pytest.mark.parametrize("persona", CONFIDENTIAL)
def test_who_edits_the_trajectory(request, trajectory, persona, shared):
    trajectory.share_confidential = shared  # sharing gives no right to change anything
    trajectory.save()
    expected = persona in EDITORS
    assert permissions.can_edit_trajectory(_user(request, persona), trajectory) is expected


@pytest.mark.django_db
def test_a_coordinator_edits_the_trajectories_of_their_own_organisation(bob, beta):
    assert permissions.can_edit_trajectory(bob, TrajectoryFactory(organisation=beta))


@pytest.mark.django_db
def test_a_shared_trajectory_of_an_organisation_without_region_stays_in_it(bob):
    trajectory = TrajectoryFactory(organisation__region=None, share_confidential=True)
    assert not permissions.can_see_confidential(bob, trajectory)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", CONFIDENTIAL)
def test_who_opens_a_trajectory_is_who_the_scoping_lists(
    request, persona, alfa, beta, charlie_org, django_assert_num_queries
):
    """`can_see_trajectory` (the page's check on one trajectory) and
    `Trajectory.objects.visible_to` (the lists) give the same answer for every persona
    and every kind of trajectory: own, same region, other region, without a region, and
    a joint tender owned elsewhere in which the reader's organisation takes part."""
    joint = TrajectoryFactory(organisation=charlie_org, title="Gezamenlijk")
    joint.participating_organisations.add(alfa)
    cases = [
        TrajectoryFactory(organisation=alfa, title="Eigen"),
        TrajectoryFactory(organisation=beta, title="Zelfde regio"),
        TrajectoryFactory(organisation=charlie_org, title="Andere regio"),
        TrajectoryFactory(organisation__region=None, title="Zonder regio"),
        joint,
    ]
    user = _user(request, persona)
    listed = set(Trajectory.objects.visible_to(user).values_list("pk", flat=True))
    trajectories = Trajectory.objects.select_related("organisation").prefetch_related(
        "participating_organisations"
    )
    trajectories = list(trajectories.filter(pk__in=[t.pk for t in cases]))
    if user.is_authenticated:
        community_permissions.organisation_ids(user)  # the memberships, read once
    with django_assert_num_queries(0):
        opened = {t.pk for t in trajectories if permissions.can_see_trajectory(user, t)}
        # The same rule for a trajectory read as plain values (the dashboards' highlights).
        opened_from_values = {
            t.pk
            for t in trajectories
            if permissions.can_see_trajectory_of(
                user,
                owner_id=t.organisation_id,
                region_id=t.organisation.region_id,
                participant_ids=[o.pk for o in t.participating_organisations.all()],
            )
        }
    assert opened == listed & {t.pk for t in cases}
    assert opened_from_values == opened
    # Owned in Regio Zwolle (charlie, former), joined by Alfa (alice, dora).
    assert (joint.pk in opened) is (persona in {"alice", "dora", "charlie", "former", "staff"})
