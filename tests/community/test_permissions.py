"""The role predicates of community.permissions."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from community import permissions
from community.models import Themegroup
from tests import factories


@pytest.mark.django_db
def test_a_coordinator_membership_gives_rights_in_its_region(bob, groene_hart, zwolle):
    assert permissions.is_coordinator_for_region(bob, groene_hart)
    assert not permissions.is_coordinator_for_region(bob, zwolle)


@pytest.mark.django_db
def test_an_inkoper_is_no_coordinator(alice, groene_hart):
    assert not permissions.is_coordinator_for_region(alice, groene_hart)


@pytest.mark.django_db
def test_staff_coordinate_every_region(staff, zwolle):
    assert permissions.is_coordinator_for_region(staff, zwolle)


@pytest.mark.django_db
def test_roles_come_from_memberships(alice, dora):
    assert permissions.roles_of(alice) == {"inkoper"}
    assert permissions.has_role(dora, "bestuurder")
    assert permissions.roles_of(AnonymousUser()) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["ended_at", "suspended_at"])
def test_an_ended_or_suspended_membership_grants_nothing(alice, alfa, field):
    assert permissions.organisation_ids(alice) == {alfa.pk}
    alice.memberships.update(**{field: timezone.now() - timedelta(seconds=1)})
    fresh = type(alice).objects.get(pk=alice.pk)  # the next request
    assert permissions.organisation_ids(fresh) == set()
    assert not permissions.is_linked(fresh)
    assert permissions.roles_of(fresh) == set()


@pytest.mark.django_db
def test_a_membership_ending_later_still_counts(alice, alfa):
    alice.memberships.update(ended_at=timezone.now() + timedelta(days=1))
    assert permissions.organisation_ids(type(alice).objects.get(pk=alice.pk)) == {alfa.pk}


@pytest.mark.django_db
def test_only_active_staff_use_the_admin(staff, alice):
    assert permissions.can_use_admin(staff)
    assert not permissions.can_use_admin(alice)
    staff.is_active = False
    assert not permissions.can_use_admin(staff)


@pytest.mark.django_db
def test_region_ids_come_from_active_memberships_only(bob, former, groene_hart, zwolle):
    assert permissions.region_ids(bob) == {groene_hart.pk}
    assert permissions.region_ids(bob, roles={"inkoper"}) == set()
    assert permissions.region_ids(former) == {zwolle.pk}  # her ended Alfa membership gives none
    assert permissions.region_ids(AnonymousUser()) == set()


# --- themegroups --------------------------------------------------------------------


@pytest.fixture
def gww_places(gww, alice, bob, charlie):
    """bob coordinates the Groene Hart GWW group, alice is a member, charlie a guest."""
    for user, role in ((bob, "coordinator"), (alice, "lid"), (charlie, "gast")):
        factories.ThemegroupMembershipFactory(themegroup=gww, user=user, role=role)
    return gww


@pytest.mark.django_db
def test_themegroups_are_visible_to_their_region_and_their_members(
    gww_places, zwolle_gww, alice, bob, charlie, dora, staff, former, suspended
):
    def visible(user):
        return set(Themegroup.objects.visible_to(user))

    assert visible(alice) == visible(dora) == visible(bob) == {gww_places}
    # charlie (Zwolle) is only a guest of the Groene Hart group: guests see meetings only.
    assert visible(charlie) == {zwolle_gww}
    assert visible(staff) == {gww_places, zwolle_gww}
    assert visible(former) == {zwolle_gww}  # her Alfa membership ended
    factories.ThemegroupMembershipFactory(themegroup=gww_places, user=suspended)
    assert visible(suspended) == set()
    assert visible(AnonymousUser()) == set()


@pytest.mark.django_db
def test_only_the_groups_coordinators_and_staff_manage_it(
    gww_places, zwolle_gww, alice, bob, charlie, staff
):
    assert permissions.can_manage_themegroup(bob, gww_places)
    assert permissions.can_manage_themegroup(staff, zwolle_gww)
    assert not permissions.can_manage_themegroup(bob, zwolle_gww)
    assert not permissions.can_manage_themegroup(alice, gww_places)
    assert not permissions.can_manage_themegroup(charlie, gww_places)
    assert not permissions.can_manage_themegroup(AnonymousUser(), gww_places)


@pytest.mark.django_db
def test_members_and_coordinators_are_members_guests_are_not(gww_places, alice, bob, charlie, dora):
    assert permissions.is_themegroup_member(alice, gww_places)
    assert permissions.is_themegroup_member(bob, gww_places)
    assert not permissions.is_themegroup_member(charlie, gww_places)
    assert not permissions.is_themegroup_member(dora, gww_places)
    assert permissions.themegroup_role(charlie, gww_places) == "gast"


@pytest.mark.django_db
def test_a_suspended_member_keeps_no_place_in_a_themegroup(gww, suspended):
    factories.ThemegroupMembershipFactory(themegroup=gww, user=suspended, role="coordinator")
    assert not permissions.can_manage_themegroup(suspended, gww)
    assert permissions.themegroup_role(suspended, gww) is None
