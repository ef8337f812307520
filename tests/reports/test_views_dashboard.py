"""The dashboards: who may open which scope (persona × scope), the period selector, the
map, the public home page, query counts and confidentiality."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.reports.conftest import SECRET_SUPPLIER, SECRET_VALUE_TEXTS, make_trajectory

SCOPES = {
    "alfa": ("reports:dashboard_organisation", ["gemeente-alfa"]),
    "beta": ("reports:dashboard_organisation", ["gemeente-beta"]),
    "charlie": ("reports:dashboard_organisation", ["gemeente-charlie"]),
    "groene-hart": ("reports:dashboard_region", ["groene-hart"]),
    "zwolle": ("reports:dashboard_region", ["regio-zwolle"]),
    "gww": ("reports:dashboard_themegroup", ["groene-hart", "gww"]),
}
# Who gets 200 (everyone else with a login: 404). alice: inkoper Alfa; dora: bestuurder
# Alfa (and the Groene Hart in aggregate); bob: coordinator of the Groene Hart (its
# organisations and themegroups); charlie: inkoper in Zwolle.
VIEWERS = {
    "alice": {"alfa"},
    "dora": {"alfa", "groene-hart"},
    "bob": {"alfa", "beta", "groene-hart", "gww"},
    "charlie": {"charlie"},
    "staff_mfa": set(SCOPES),
    "former": {"charlie"},
    "suspended": set(),
}


def _url(scope):
    name, args = SCOPES[scope]
    return reverse(name, args=args)


@pytest.fixture
def scopes(world, zwolle):
    return world


@pytest.mark.parametrize("persona", sorted(VIEWERS))
@pytest.mark.parametrize("scope", sorted(SCOPES))
def test_each_persona_sees_only_their_scopes(scopes, client, request, persona, scope):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(_url(scope))

    assert response.status_code == (200 if scope in VIEWERS[persona] else 404)


@pytest.mark.parametrize("scope", sorted(SCOPES))
def test_anonymous_visitors_are_sent_to_log_in(scopes, client, scope):
    response = client.get(_url(scope))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("scope", ["alfa", "groene-hart", "gww"])
def test_a_dashboard_takes_no_post(scopes, client, staff_mfa, scope):
    client.force_login(staff_mfa)

    assert client.post(_url(scope)).status_code == 405


def test_an_unknown_scope_is_not_found(scopes, client, staff_mfa):
    client.force_login(staff_mfa)

    unknown = reverse("reports:dashboard_organisation", args=["bestaat-niet"])
    elsewhere = reverse("reports:dashboard_themegroup", args=["regio-zwolle", "gww"])
    assert client.get(unknown).status_code == 404
    assert client.get(elsewhere).status_code == 404


def test_the_overview_lists_the_readers_scopes(scopes, client, dora):
    client.force_login(dora)

    page = BeautifulSoup(client.get(reverse("reports:dashboard_index")).content, "html.parser")

    links = {a["href"] for a in page.select("[data-testid^=scopes-] a")}
    assert links == {_url("alfa"), _url("groene-hart")}


def test_the_overview_tells_an_unlinked_user_there_is_nothing(db, client, suspended):
    client.force_login(suspended)

    response = client.get(reverse("reports:dashboard_index"))

    assert response.status_code == 200
    assert not BeautifulSoup(response.content, "html.parser").select("[data-testid^=scopes-]")


def _page(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_the_dashboard_draws_charts_with_title_summary_and_table(scopes, client, dora):
    client.force_login(dora)

    page = _page(client.get(_url("alfa"), {"periode": "jaar-2026"}))

    figures = page.select("figure[data-chart]")
    assert [f["data-chart"] for f in figures] == ["fasen", "r-ladder", "kpis"]
    for figure in figures:
        svg = figure.find("svg", attrs={"role": "img"})
        labelled_by = svg["aria-labelledby"].split()
        assert all(page.find(id=i) is not None for i in labelled_by)
        table = figure.find("table")
        assert table.caption is not None
        assert table.find_parent(attrs={"tabindex": "0"}) is not None
    phases = page.select_one("table[data-chart-table=fasen]")
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in phases.tbody.find_all("tr")
    }
    assert rows["Nog geen fase"] == ["1", "0", "0", "1"]
    assert rows["6. Intern evalueren"] == ["0", "1", "0", "1"]


def test_the_period_selector_takes_a_quarter_and_custom_dates(scopes, client, dora):
    client.force_login(dora)

    quarter = _page(client.get(_url("alfa"), {"periode": "kwartaal-2026-2"}))
    custom = _page(
        client.get(_url("alfa"), {"periode": "aangepast", "van": "2026-06-01", "tot": "2026-06-30"})
    )

    # T3 was completed on 15 June 2026: in the second quarter and in June.
    assert [li.a.get_text() for li in quarter.select("[data-testid=completed] li")] == [
        "Alfa hergebruikte stoelen"
    ]
    assert len(custom.select("[data-testid=completed] li")) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"periode": "jaar-1066"},
        {"periode": "kwartaal-2026-9"},
        {"periode": "aangepast"},
        {"periode": "aangepast", "van": "2026-06-30", "tot": "2026-06-01"},
        {"periode": "aangepast", "van": "morgen", "tot": "2026-06-01"},
        {"periode": "aangepast", "van": "1900-01-01", "tot": "2026-06-01"},
        {"periode": "aangepast", "van": "2000-01-01", "tot": "2026-06-01"},
        {"periode": "aangepast", "van": "99999-01-01", "tot": "2026-06-01"},
        {"kaart": "geheim"},
        {"periode": ["jaar-2026", "\x00"]},
    ],
)
def test_bad_period_input_gets_a_dutch_message_and_the_default_period(scopes, client, dora, params):
    client.force_login(dora)

    page = _page(client.get(_url("groene-hart"), params))

    summary = page.select_one("[data-testid=error-summary]")
    assert summary is not None
    assert all(a["href"].startswith("#id_") for a in summary.select("a"))
    assert page.select("figure[data-chart]")  # the figures of the default period


def test_no_confidential_value_reaches_another_organisations_dashboard(scopes, client, bob, dora):
    for user, scope in ((bob, "groene-hart"), (bob, "gww"), (bob, "beta"), (dora, "groene-hart")):
        client.force_login(user)
        content = client.get(_url(scope), {"periode": "jaar-2026"}).content.decode()
        for secret in (*SECRET_VALUE_TEXTS, SECRET_SUPPLIER):
            assert secret not in content


def test_other_organisations_trajectories_are_counted_not_named(scopes, client, dora):
    """Dora (bestuurder of Alfa) sees the region's completed trajectories; those of the
    Groene Hart are visible to her (non-confidential fields), so they are named."""
    client.force_login(dora)

    page = _page(client.get(_url("groene-hart"), {"periode": "jaar-2026"}))

    assert [li.a.get_text() for li in page.select("[data-testid=completed] li")] == [
        "Beta circulair asfalt",
        "Alfa hergebruikte stoelen",
    ]


def test_a_reader_outside_the_region_gets_no_names(scopes, client, staff_mfa, charlie):
    """Charlie's organisation takes part in nothing of the Groene Hart: even where her
    dashboard (Charlie) counts the joint tender, the Alfa trajectories are not named."""
    client.force_login(charlie)

    page = _page(client.get(_url("charlie"), {"periode": "jaar-2026"}))

    assert "Alfa" not in page.select_one("main").get_text()


@pytest.fixture
def mapped(scopes, alfa, beta):
    """Alfa and Beta as two municipalities of the drawing (Alphen aan den Rijn, Gouda)."""
    alfa.cbs_code, beta.cbs_code = "GM0484", "GM0513"
    alfa.save()
    beta.save()
    return scopes


def test_the_region_map_links_each_municipality_it_may_open(mapped, client, dora):
    client.force_login(dora)

    page = _page(client.get(_url("groene-hart"), {"periode": "jaar-2026", "kaart": "hoog"}))

    svg = page.select_one("figure[data-map] svg")
    areas = svg.select(".portal-map__area")
    assert len(areas) == 19
    assert all(area.find("path") and area.find("title").get_text(strip=True) for area in areas)
    links = {a["data-code"]: a for a in svg.find_all("a")}
    assert set(links) == {"GM0484"}  # Alfa: her own; Beta: not hers
    assert links["GM0484"]["href"] == _url("alfa")
    assert links["GM0484"]["aria-label"].startswith("Alphen aan den Rijn")
    row = page.select_one("table[data-map-table] tr[data-code=GM0484]")
    assert row.find_all("td")[-1].get_text(strip=True) == "3"  # R0–R2 ambitions of Alfa


def test_a_coordinator_reaches_every_organisation_of_the_region_from_the_map(mapped, client, bob):
    client.force_login(bob)

    page = _page(client.get(_url("groene-hart")))

    assert {a["data-code"] for a in page.select("figure[data-map] svg a")} == {"GM0484", "GM0513"}


def test_a_region_outside_the_drawing_has_no_map(scopes, client, staff_mfa):
    client.force_login(staff_mfa)

    assert not _page(client.get(_url("zwolle"))).select("figure[data-map]")


@pytest.mark.parametrize("scope", ["alfa", "groene-hart"])
def test_the_dashboard_takes_as_many_queries_for_many_rows_as_for_few(
    mapped, client, bob, alfa, gww, django_assert_num_queries, scope
):
    client.force_login(bob)
    client.get(_url(scope))  # the session and memberships are warm
    with CaptureQueriesContext(connection) as few:
        client.get(_url(scope))
    for n in range(10):
        org = factories.OrganisationFactory(region=alfa.region)
        make_trajectory(org, phase=(n % 6) + 1, target=n % 10, themegroup=gww)
        make_trajectory(alfa, phase=6, status="afgerond", target=1, achieved=1)

    with django_assert_num_queries(len(few.captured_queries)):
        client.get(_url(scope))


def test_the_public_home_page_shows_the_map_and_public_figures(mapped, client):
    page = _page(client.get(reverse("portal:home")))

    figures = {
        div.dt.get_text(strip=True): div.dd.get_text(strip=True)
        for div in page.select("[data-testid=public-figures] div")
    }
    assert figures["Deelnemende gemeenten"] == "3"
    assert figures["Openbare praktijkvoorbeelden"] == "2"
    svg = page.select_one("figure[data-map] svg")
    assert len(svg.select(".portal-map__area")) == 19
    assert not svg.find_all("a")  # anonymous visitors may open no dashboard
    assert page.select_one("figure[data-chart=fasen] table") is not None
    text = page.get_text()
    assert "Alfa hergebruikte stoelen" not in text
    for secret in (*SECRET_VALUE_TEXTS, SECRET_SUPPLIER):
        assert secret not in page.decode()
