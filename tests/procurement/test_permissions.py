"""Who may read a trajectory's confidential fields and who may change it (domain.md §4).

One table per predicate, every persona, for a trajectory of Gemeente Alfa (Groene Hart)
that is not shared and one whose confidential fields are shared with the region.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from procurement import permissions
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
