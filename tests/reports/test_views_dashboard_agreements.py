"""The dashboard's commitments and maturity sections: the figures of
tests/reports/test_metrics_agreements.py as tables (and a chart), evidence linked only for
who may see it, an organisation's own maturity only for its own people, the region's
only anonymously, and query counts that do not grow with rows. Access per persona, the
anonymous visitor and the wrong method are the dashboard's (test_views_dashboard.py)."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.reports.conftest import make_trajectory


def _page(client, name, *args):
    response = client.get(reverse(name, args=args), {"periode": "jaar-2026"})
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _region(client):
    return _page(client, "reports:dashboard_region", "groene-hart")


def _alfa(client):
    return _page(client, "reports:dashboard_organisation", "gemeente-alfa")


def _commitments(page):
    """{caption: {participant: (count, met)}} of the commitment tables."""
    section = page.select_one("[data-testid=commitments]")
    return {
        " ".join(table.caption.get_text().split()): {
            tr.th.get_text(strip=True): (
                tr.find_all("td")[0].get_text(strip=True),
                tr["data-met"],
            )
            for tr in table.select("tbody tr")
        }
        for table in section.select("table[data-testid=commitment]")
    }


def test_the_region_dashboard_lists_commitments_with_their_chart(agreements, client, dora):
    client.force_login(dora)
    page = _region(client)

    tables = _commitments(page)
    drie = next(
        v for k, v in tables.items() if k.startswith("Manifest Groene Hart: Toezegging drie")
    )
    assert drie == {"Gemeente Alfa": ("6", "ja"), "Gemeente Beta": ("2", "nee")}
    assert not any("Zwolle" in caption for caption in tables)
    chart = page.select_one("table[data-chart-table=afspraken]")
    rows = [
        [cell.get_text(strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in chart.tbody.find_all("tr")
    ]
    assert rows == [
        ["Green Deal: Toezegging een", "1", "0", "1"],
        ["Manifest Groene Hart: Toezegging drie", "1", "1", "2"],
    ]
    caption_link = page.select_one("[data-testid=commitments] caption a")
    assert caption_link["href"] == agreements["green-deal"].get_absolute_url()


def test_evidence_is_linked_for_a_reader_who_may_see_it(agreements, client, alice, world):
    client.force_login(alice)
    page = _alfa(client)

    links = {a["href"] for a in page.select("[data-testid=commitment-participant] td a")}
    assert world.trajectories["T1"].get_absolute_url() in links


def test_no_agreements_says_so(world, client, dora):
    client.force_login(dora)
    page = _alfa(client)
    assert page.select_one("[data-testid=no-commitments]") is not None
    assert page.select_one("[data-chart=afspraken]") is None


def test_an_organisation_s_bestuurder_sees_its_own_maturity(maturity_world, client, dora):
    client.force_login(dora)
    section = _alfa(client).select_one("[data-testid=maturity]")

    row = section.select_one("[data-aspect=bestuurlijke-rugdekking]")
    assert row.select_one("[data-testid=last-year]")["data-status"] == "in_ontwikkeling"
    assert row.select_one("[data-testid=this-year]")["data-status"] == "ingericht"
    assert row.select_one("[data-testid=change]")["data-change"] == "up"
    assert section.select_one("[data-chart=volwassenheid]") is None


def test_a_coordinator_of_the_region_sees_only_the_anonymous_distribution(
    maturity_world, client, bob
):
    client.force_login(bob)  # may open Alfa's dashboard, is no member of Alfa
    section = _alfa(client).select_one("[data-testid=maturity]")

    assert section.select_one("[data-testid=maturity-profile]") is None
    table = section.select_one("table[data-chart-table=volwassenheid]")
    assert [tr.th.get_text(strip=True) for tr in table.tbody.find_all("tr")] == [
        "Bestuurlijke rugdekking"
    ]
    assert "Organisatiebrede KPI's" in section.select_one("[data-testid=maturity-hidden]").text
    assert "Gemeente" not in section.get_text()


def test_the_region_dashboard_shows_the_distribution_chart(maturity_world, client, dora):
    client.force_login(dora)
    figure = _region(client).select_one("[data-testid=maturity] figure[data-chart]")

    assert figure["data-chart"] == "volwassenheid"
    assert figure.find("svg", attrs={"role": "img"}) is not None
    cells = [td.get_text(strip=True) for td in figure.select("tbody tr td")]
    assert cells == ["1", "0", "2", "0", "3"]


def test_every_id_on_the_dashboard_is_unique(agreements, maturity_world, client, dora):
    client.force_login(dora)
    for page in (_region(client), _alfa(client)):
        ids = [element["id"] for element in page.select("[id]")]
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_a_themegroup_dashboard_explains_there_is_no_maturity(maturity_world, client, bob):
    client.force_login(bob)
    page = _page(client, "reports:dashboard_themegroup", "groene-hart", "gww")
    assert page.select_one("[data-testid=no-maturity]") is not None


@pytest.mark.parametrize("slug", ["gemeente-alfa", "groene-hart"])
def test_the_sections_take_as_many_queries_for_many_rows_as_for_few(
    agreements, maturity_world, client, dora, alfa, beta, slug, django_assert_num_queries
):
    name = (
        "reports:dashboard_organisation" if slug == "gemeente-alfa" else "reports:dashboard_region"
    )
    url = reverse(name, args=[slug])
    client.force_login(dora)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(6):
        make_trajectory(alfa, phase=1, target=n % 10)
        make_trajectory(beta, phase=2, target=2)
        factories.OrganisationFactory(region=alfa.region)

    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
