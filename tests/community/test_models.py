"""Organisations, memberships and their constraints and scoping."""

import pytest
from django.core.exceptions import ValidationError

from community.models import Membership, Organisation, User


@pytest.mark.django_db
def test_a_role_is_held_once_per_organisation(alice, alfa):
    duplicate = Membership(user=alice, organisation=alfa, role=Membership.Role.INKOPER)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Deze gebruiker heeft deze rol al in deze organisatie." in str(error.value)


@pytest.mark.django_db
def test_a_user_may_belong_to_several_organisations(alice, beta):
    Membership.objects.create(user=alice, organisation=beta, role=Membership.Role.BESTUURDER)
    assert alice.memberships.count() == 2


@pytest.mark.django_db
def test_only_a_gemeente_has_a_cbs_code(groene_hart):
    provincie = Organisation(
        name="Provincie X",
        slug="provincie-x",
        type=Organisation.Type.PROVINCIE,
        cbs_code="GM0001",
        region=groene_hart,
    )
    with pytest.raises(ValidationError) as error:
        provincie.full_clean()
    assert "Alleen een gemeente heeft een CBS-code." in str(error.value)


@pytest.mark.django_db
def test_a_cbs_code_has_the_cbs_format(groene_hart):
    gemeente = Organisation(
        name="Gemeente X",
        slug="gemeente-x",
        type=Organisation.Type.GEMEENTE,
        cbs_code="0513",
        region=groene_hart,
    )
    with pytest.raises(ValidationError) as error:
        gemeente.full_clean()
    assert "Een CBS-code is GM gevolgd door vier cijfers." in str(error.value)


@pytest.mark.django_db
def test_e_mail_addresses_are_unique_regardless_of_case(alice):
    twin = User(email=alice.email.upper(), full_name="Alice Twee")
    with pytest.raises(ValidationError) as error:
        twin.full_clean(exclude=["password"])
    assert "Er is al een account met dit e-mailadres." in str(error.value)


@pytest.mark.django_db
def test_a_user_sees_only_their_own_memberships(alice, bob, dora, charlie):
    assert list(Membership.objects.visible_to(alice)) == list(alice.memberships.all())
    assert Membership.objects.visible_to(alice).count() == 1


@pytest.mark.django_db
def test_staff_see_all_memberships(staff, alice, bob):
    assert Membership.objects.visible_to(staff).count() == 2


@pytest.mark.django_db
def test_organisations_are_visible_within_the_users_regions(alice, alfa, beta, charlie_org):
    visible = set(Organisation.objects.visible_to(alice))
    assert visible == {alfa, beta}


@pytest.mark.django_db
def test_anonymous_sees_no_organisations(alfa):
    from django.contrib.auth.models import AnonymousUser

    assert not Organisation.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.django_db
def test_a_meeting_has_a_place_or_a_link(groene_hart):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from community.models import Meeting, Themegroup

    group = Themegroup.objects.create(region=groene_hart, sector="gww", name="GWW", slug="gww")
    meeting = Meeting(
        themegroup=group,
        title="Kennissessie",
        starts_at=datetime(2026, 12, 1, 14, tzinfo=ZoneInfo("Europe/Amsterdam")),
    )
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "Geef een plaats of een online link op." in str(error.value)


@pytest.mark.django_db
def test_maturity_changes_are_kept_in_history(alfa):
    from community.models import MaturityAspect, OrganisationMaturity

    aspect = MaturityAspect.objects.create(key="chef-circulair", name="Chef Circulair", position=7)
    maturity = OrganisationMaturity.objects.create(organisation=alfa, aspect=aspect)
    maturity.status = OrganisationMaturity.Status.INGERICHT
    maturity.save()
    assert list(maturity.history.values_list("status", flat=True)) == ["ingericht", "niet_gestart"]
