"""community.services: each write keeps the data valid and, where the model has a
history, records the actor."""

from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.utils import timezone

from community import permissions, services
from community.models import (
    MaturityAspect,
    Membership,
    OrganisationMaturity,
    ThemegroupMembership,
    User,
)


@pytest.fixture
def chef_circulair(db):
    return MaturityAspect.objects.create(key="chef-circulair", name="Chef Circulair", position=1)


@pytest.fixture
def membership(alice):
    return alice.memberships.get()


# --- accounts -----------------------------------------------------------------------


def test_user_create_makes_an_account_that_logs_in_by_its_verified_address(staff):
    user = services.user_create(
        actor=staff,
        email="Eva@Example.ORG",
        full_name=" Eva Mulder ",
        password="een-lang-wachtwoord",
        email_verified=True,
    )
    assert (user.email, user.full_name, user.is_staff) == ("Eva@example.org", "Eva Mulder", False)
    assert user.check_password("een-lang-wachtwoord")
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.primary, address.verified) == (user.email, True, True)


def test_user_create_without_a_password_cannot_log_in_yet(db):
    user = services.user_create(actor=None, email="nieuw@example.org", full_name="Nieuw")
    assert not user.has_usable_password()
    assert not EmailAddress.objects.get(user=user).verified


def test_user_create_refuses_an_address_that_exists_in_other_capitals(alice):
    with pytest.raises(ValidationError):
        services.user_create(actor=None, email="ALICE@alfa.example", full_name="Alice 2")
    assert User.objects.filter(email__iexact="alice@alfa.example").count() == 1


def test_user_create_refuses_an_invalid_address(db):
    with pytest.raises(ValidationError) as error:
        services.user_create(actor=None, email="geen-adres", full_name="Iemand")
    assert "email" in error.value.message_dict


def test_user_password_set_replaces_the_password(staff, alice):
    services.user_password_set(actor=staff, user=alice, password="nieuw-wachtwoord-2026")
    alice.refresh_from_db()
    assert alice.check_password("nieuw-wachtwoord-2026")


def test_user_password_set_refuses_an_empty_password(staff, alice):
    with pytest.raises(ValidationError):
        services.user_password_set(actor=staff, user=alice, password="")


# --- memberships --------------------------------------------------------------------


def test_membership_create_gives_the_role_at_once(staff, alice, beta):
    assert permissions.organisation_ids(alice) == {alice.memberships.get().organisation_id}
    services.membership_create(
        actor=staff, user=alice, organisation=beta, role=Membership.Role.BESTUURDER
    )
    # The roles cached on the user object for this request are read again.
    assert beta.pk in permissions.organisation_ids(alice, roles={"bestuurder"})


def test_membership_create_refuses_the_same_role_twice(staff, alice, alfa):
    with pytest.raises(ValidationError):
        services.membership_create(
            actor=staff, user=alice, organisation=alfa, role=Membership.Role.INKOPER
        )


def test_membership_create_refuses_an_unknown_role(staff, alice, beta):
    with pytest.raises(ValidationError) as error:
        services.membership_create(actor=staff, user=alice, organisation=beta, role="koning")
    assert "role" in error.value.message_dict


def test_membership_end_stops_the_membership_granting_anything(staff, alice, membership):
    services.membership_end(actor=staff, membership=membership)
    assert not Membership.objects.active().filter(pk=membership.pk).exists()
    assert permissions.roles_of(alice) == set()


def test_membership_end_may_be_set_for_later(staff, membership):
    services.membership_end(
        actor=staff, membership=membership, at=timezone.now() + timedelta(days=30)
    )
    assert Membership.objects.active().filter(pk=membership.pk).exists()


def test_membership_end_refuses_an_ended_membership(staff, membership):
    services.membership_end(actor=staff, membership=membership)
    with pytest.raises(ValidationError):
        services.membership_end(actor=staff, membership=membership)


def test_membership_end_refuses_a_moment_before_it_began(staff, membership):
    with pytest.raises(ValidationError):
        services.membership_end(
            actor=staff, membership=membership, at=membership.created_at - timedelta(days=1)
        )


def test_membership_suspend_and_resume(staff, membership):
    services.membership_suspend(actor=staff, membership=membership)
    assert not Membership.objects.active().filter(pk=membership.pk).exists()
    services.membership_resume(actor=staff, membership=membership)
    assert Membership.objects.active().filter(pk=membership.pk).exists()


def test_membership_suspend_refuses_a_suspended_membership(staff, membership):
    services.membership_suspend(actor=staff, membership=membership)
    with pytest.raises(ValidationError):
        services.membership_suspend(actor=staff, membership=membership)


def test_membership_resume_refuses_a_membership_that_is_not_suspended(staff, membership):
    with pytest.raises(ValidationError):
        services.membership_resume(actor=staff, membership=membership)


# --- themegroups --------------------------------------------------------------------


def test_themegroup_member_add_places_the_person_with_their_role(bob, alice, gww):
    place = services.themegroup_member_add(actor=bob, themegroup=gww, user=alice)
    assert place.role == ThemegroupMembership.Role.LID
    coordinator = services.themegroup_member_add(
        actor=bob, themegroup=gww, user=bob, role=ThemegroupMembership.Role.COORDINATOR
    )
    assert set(gww.memberships.values_list("user", "role")) == {
        (alice.pk, "lid"),
        (bob.pk, "coordinator"),
    }
    assert coordinator.pk


def test_themegroup_member_add_refuses_a_second_place(bob, alice, gww):
    services.themegroup_member_add(actor=bob, themegroup=gww, user=alice)
    with pytest.raises(ValidationError):
        services.themegroup_member_add(
            actor=bob, themegroup=gww, user=alice, role=ThemegroupMembership.Role.GAST
        )


def test_themegroup_member_add_refuses_an_unknown_role(bob, alice, gww):
    with pytest.raises(ValidationError):
        services.themegroup_member_add(actor=bob, themegroup=gww, user=alice, role="baas")


# --- maturity -----------------------------------------------------------------------


def test_maturity_set_records_the_status_and_the_actor_in_the_history(
    staff, dora, alfa, chef_circulair
):
    maturity = services.maturity_set(
        actor=staff,
        organisation=alfa,
        aspect=chef_circulair,
        status=OrganisationMaturity.Status.IN_ONTWIKKELING,
        note=" Vacature staat open. ",
    )
    assert (maturity.status, maturity.note, maturity.assessed_on) == (
        "in_ontwikkeling",
        "Vacature staat open.",
        timezone.localdate(),
    )
    services.maturity_set(
        actor=dora,
        organisation=alfa,
        aspect=chef_circulair,
        status=OrganisationMaturity.Status.INGERICHT,
        assessed_on=date(2026, 3, 1),
    )
    assert OrganisationMaturity.objects.get().status == "ingericht"  # one row, changed
    history = maturity.history.order_by("history_date")
    assert [(h.history_type, h.status, h.history_user) for h in history] == [
        ("+", "in_ontwikkeling", staff),
        ("~", "ingericht", dora),
    ]


def test_maturity_set_refuses_an_unknown_status(staff, alfa, chef_circulair):
    with pytest.raises(ValidationError) as error:
        services.maturity_set(
            actor=staff, organisation=alfa, aspect=chef_circulair, status="perfect"
        )
    assert "status" in error.value.message_dict
    assert not OrganisationMaturity.objects.exists()
