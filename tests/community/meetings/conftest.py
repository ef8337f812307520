"""The meeting scenario: the GWW themegroup of the Groene Hart with bob as its
coordinator, alice as a member and gijs as a guest (a market party from Regio Zwolle,
so the region gives him nothing); an upcoming and a past meeting; ottilie coordinates
another Groene Hart group (vastgoed)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import Membership, ThemegroupMembership
from tests import factories

COORDINATOR = ThemegroupMembership.Role.COORDINATOR
LID = ThemegroupMembership.Role.LID
GAST = ThemegroupMembership.Role.GAST


@pytest.fixture
def group(gww, bob, alice):
    factories.ThemegroupMembershipFactory(themegroup=gww, user=bob, role=COORDINATOR)
    factories.ThemegroupMembershipFactory(themegroup=gww, user=alice, role=LID)
    return gww


@pytest.fixture
def market(zwolle):
    return factories.OrganisationFactory(name="Bouwbedrijf Gijsen", slug="gijsen", region=zwolle)


@pytest.fixture
def gijs(group, market):
    """A guest of the GWW group; his organisation is in another region."""
    user = factories.UserFactory(email="gijs@gijsen.example", full_name="Gijs Gast")
    factories.MembershipFactory(user=user, organisation=market, role=Membership.Role.INKOPER)
    factories.ThemegroupMembershipFactory(themegroup=group, user=user, role=GAST)
    return user


@pytest.fixture
def ottilie(groene_hart, beta):
    """Coordinator of the Groene Hart vastgoed group, an inkoper of Beta: reads the GWW
    group's meetings (her region), manages none of them."""
    user = factories.UserFactory(email="ottilie@beta.example", full_name="Ottilie Overig")
    factories.MembershipFactory(user=user, organisation=beta, role=Membership.Role.INKOPER)
    vastgoed = factories.ThemegroupFactory(
        region=groene_hart, sector="vastgoed", name="Vastgoed", slug="vastgoed"
    )
    factories.ThemegroupMembershipFactory(themegroup=vastgoed, user=user, role=COORDINATOR)
    return user


@pytest.fixture
def meeting(group):
    return factories.MeetingFactory(
        themegroup=group,
        title="Circulair asfalt",
        starts_at=timezone.now() + timedelta(days=10),
    )


@pytest.fixture
def past_meeting(group):
    return factories.MeetingFactory(
        themegroup=group,
        title="Kennismaking",
        starts_at=timezone.now() - timedelta(days=60),
        minutes="## Besproken\n\n- **asfalt** hergebruiken\n\n<script>alert(1)</script>",
    )


def meeting_url(meeting, name="community:meeting_detail", **extra):
    group = meeting.themegroup
    return reverse(
        name,
        kwargs={"region_slug": group.region.slug, "slug": group.slug, "pk": meeting.pk, **extra},
    )


def group_url(group, name="community:meeting_list"):
    return reverse(name, kwargs={"region_slug": group.region.slug, "slug": group.slug})
