"""The cases section of a themegroup's page: the latest few as short rows, and a link to
the case list filtered on the group when there are more."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from cases import sections
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def publish(themegroup, count):
    now = timezone.now()
    return [
        CaseFactory(
            published=True,
            published_at=now - timedelta(days=number),
            themegroup=themegroup,
            title=f"Voorbeeld {number}",
        )
        for number in range(count)
    ]


def section(client, user, themegroup):
    client.force_login(user)
    response = client.get(themegroup.get_absolute_url())
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    return page.select("[data-testid=themegroup-cases] [data-testid=case]"), page.select_one(
        "[data-testid=themegroup-cases-all]"
    )


def test_the_latest_cases_and_a_link_to_all_of_the_group(client, alice, gww, zwolle_gww):
    cases = publish(gww, sections.CASES_SHOWN + 2)
    publish(zwolle_gww, 1)

    cards, link = section(client, alice, gww)

    assert [card["data-slug"] for card in cards] == [
        case.slug for case in cases[: sections.CASES_SHOWN]
    ]
    target = urlsplit(link["href"])
    assert target.path == reverse("cases:case_list")
    assert parse_qs(target.query) == {"themagroep": [str(gww.pk)]}
    listed = BeautifulSoup(client.get(link["href"]).content, "html.parser")
    assert {card["data-slug"] for card in listed.select("[data-testid=case-card]")} == {
        case.slug for case in cases
    }


def test_no_link_when_all_cases_are_shown(client, alice, gww):
    publish(gww, sections.CASES_SHOWN)

    cards, link = section(client, alice, gww)

    assert len(cards) == sections.CASES_SHOWN
    assert link is None
