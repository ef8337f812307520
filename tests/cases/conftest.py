"""Fixtures of the case library tests: the R-ladder and two more personas."""

import pytest

from community.models import Membership
from tests import factories
from tests.cases.factories import create_r_ladder


@pytest.fixture
def r_ladder(db):
    return create_r_ladder()


@pytest.fixture
def outsider(db):
    """A self-registered account that no coordinator has linked to an organisation yet."""
    return factories.UserFactory(email="olaf@example.org", full_name="Olaf Outsider")


@pytest.fixture
def zwolle_coordinator(zwolle):
    """Coordinator of Regio Zwolle: a reviewer, but not of the Groene Hart."""
    organisation = factories.OrganisationFactory(name="Gemeente Delta", region=zwolle)
    user = factories.UserFactory(email="zoe@delta.example", full_name="Zoë Zwart")
    factories.MembershipFactory(
        user=user, organisation=organisation, role=Membership.Role.COORDINATOR
    )
    return user
