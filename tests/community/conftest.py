"""The people of the themegroup tests, around the Groene Hart GWW group (`gww`):

- bob coordinates it, alice is a member;
- gina is a guest (a market party without a region);
- olga (inkoper of Gemeente Beta) coordinates the Groene Hart Vastgoed group, not GWW;
- dora (bestuurder of Alfa) is in the region but not in the group;
- charlie is in another region.
"""

import pytest

from community.models import Membership, Organisation, ThemegroupMembership
from tests import factories


@pytest.fixture
def group(gww, alice, bob):
    factories.ThemegroupMembershipFactory(
        themegroup=gww, user=bob, role=ThemegroupMembership.Role.COORDINATOR
    )
    factories.ThemegroupMembershipFactory(
        themegroup=gww, user=alice, role=ThemegroupMembership.Role.LID
    )
    return gww


@pytest.fixture
def gina(group):
    market = factories.OrganisationFactory(
        name="Grondbank B.V.",
        slug="grondbank",
        type=Organisation.Type.MARKTPARTIJ,
        region=None,
        cbs_code="",
    )
    user = factories.UserFactory(email="gina@grondbank.example", full_name="Gina Gast")
    factories.MembershipFactory(user=user, organisation=market, role=Membership.Role.INKOPER)
    factories.ThemegroupMembershipFactory(
        themegroup=group, user=user, role=ThemegroupMembership.Role.GAST
    )
    return user


@pytest.fixture
def vastgoed(groene_hart):
    return factories.ThemegroupFactory(
        region=groene_hart, sector="vastgoed", name="Vastgoed", slug="vastgoed"
    )


@pytest.fixture
def olga(beta, vastgoed):
    user = factories.UserFactory(email="olga@beta.example", full_name="Olga Overbeek")
    factories.MembershipFactory(user=user, organisation=beta, role=Membership.Role.INKOPER)
    factories.ThemegroupMembershipFactory(
        themegroup=vastgoed, user=user, role=ThemegroupMembership.Role.COORDINATOR
    )
    return user


PERSONAS = ("anonymous", "alice", "gina", "bob", "olga", "dora", "charlie", "staff_mfa")


@pytest.fixture
def as_persona(client, request, group):
    """Sign the test client in as a persona of PERSONAS (anonymous: nobody)."""

    def sign_in(persona):
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        return client

    return sign_in
