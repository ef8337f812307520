"""The role predicates of community.permissions."""

import pytest
from django.contrib.auth.models import AnonymousUser

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
def test_membership_of_an_organisation(alice, alfa, beta):
    assert permissions.is_member_of(alice, alfa)
    assert not permissions.is_member_of(alice, beta)


@pytest.mark.django_db
def test_only_active_staff_use_the_admin(staff, alice):
    assert permissions.can_use_admin(staff)
    assert not permissions.can_use_admin(alice)
    staff.is_active = False
    assert not permissions.can_use_admin(staff)
