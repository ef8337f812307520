"""The role predicates of community.permissions."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from community import permissions


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
