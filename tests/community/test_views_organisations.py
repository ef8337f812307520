"""The organisation pages: the index per region, the profile and the maturity page.

Persona matrix per page (tests/test_isolation.py holds the full one), the anonymity
threshold of the region's distribution, this year against last year, the form that
keeps what was typed, and query counts that do not grow with the rows."""

from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from community.models import OrganisationMaturity, ThemegroupMembership
from tests.cases.factories import CaseFactory
from tests.community.maturity_helpers import (
    GEBORGD,
    IN_ONTWIKKELING,
    INGERICHT,
    NIET_GESTART,
    assess,
    make_aspects,
    region_organisations,
)
from tests.procurement.factories import TrajectoryFactory


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def detail(organisation):
    return reverse("community:organisation_detail", args=[organisation.slug])


def maturity_url(organisation):
    return reverse("community:organisation_maturity", args=[organisation.slug])


@pytest.fixture
def aspects(db):
    return make_aspects()


# --- the profile ---------------------------------------------------------------------


def test_it_shows_the_profile_to_its_own_inkoper(client, alice, alfa, aspects):
    assess(alfa, aspects[0], INGERICHT, actor=alice)
    client.force_login(alice)

    page = soup(client.get(detail(alfa)))

    assert page.select_one("h1").get_text(strip=True) == "Gemeente Alfa"
    rows = page.select("[data-testid=maturity-profile] [data-testid=maturity-row]")
    assert [row["data-aspect"] for row in rows] == [a.key for a in aspects]
    assert rows[0].select_one("[data-testid=this-year]")["data-status"] == INGERICHT
    assert page.select_one("[data-testid=maturity-distribution]") is None


def test_another_organisation_of_the_region_sees_no_named_answers(client, bob, alfa, aspects):
    assess(alfa, aspects[0], GEBORGD)
    client.force_login(bob)

    response = client.get(detail(alfa))

    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("[data-testid=maturity-profile]") is None
    assert page.select_one("[data-testid=maturity-distribution]") is not None
    assert page.select_one("[data-testid=maturity-link]") is None


def test_the_profile_is_not_found_from_another_region(client, charlie, alfa):
    client.force_login(charlie)
    assert client.get(detail(alfa)).status_code == 404


def test_the_profile_asks_an_anonymous_visitor_to_log_in(client, alfa):
    response = client.get(detail(alfa))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_profile_refuses_a_post(client, alice, alfa):
    client.force_login(alice)
    assert client.post(detail(alfa)).status_code == 405


def test_the_profile_lists_the_region_themegroups_and_what_the_reader_may_see(
    client, bob, alice, alfa, gww, zwolle_gww
):
    """The GWW group of its region; the Zwolle group an Alfa member joined is not for bob
    (another region's group he is not in). Trajectories through the hook: no
    confidential field; published cases, never drafts."""
    ThemegroupMembership.objects.create(themegroup=zwolle_gww, user=alice)
    trajectory = TrajectoryFactory(organisation=alfa, supplier="Geheime Leverancier B.V.")
    published = CaseFactory(organisations=[alfa], published=True)
    draft = CaseFactory(organisations=[alfa])
    client.force_login(bob)

    response = client.get(detail(alfa))

    page = soup(response)
    names = [li.get_text(" ", strip=True) for li in page.select("[data-testid=themegroup]")]
    assert len(names) == 1
    assert names[0].startswith("GWW")
    rows = page.select("[data-testid=section-trajecten] [data-testid=trajectory-row]")
    assert [int(row["data-id"]) for row in rows] == [trajectory.pk]
    assert b"Geheime Leverancier" not in response.content
    assert b"250" not in page.select_one("[data-testid=section-trajecten]").encode()
    links = [a["href"] for a in page.select("[data-testid=case-item] a")]
    assert links == [published.get_absolute_url()]
    assert draft.get_absolute_url() not in response.content.decode()


def test_the_profile_shows_no_trajectory_to_a_member_of_another_region_who_joined_it(
    client, charlie, charlie_org, alfa
):
    """charlie sees his own organisation's profile, with its trajectories."""
    own = TrajectoryFactory(organisation=charlie_org)
    TrajectoryFactory(organisation=alfa)
    client.force_login(charlie)

    page = soup(client.get(detail(charlie_org)))

    rows = page.select("[data-testid=section-trajecten] [data-testid=trajectory-row]")
    assert [int(row["data-id"]) for row in rows] == [own.pk]


def _profile_queries(client, organisation, extra):
    for _ in range(extra):
        TrajectoryFactory(organisation=organisation)
        CaseFactory(organisations=[organisation], published=True)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail(organisation))
    assert response.status_code == 200
    return len(queries)


def test_the_profile_query_count_does_not_grow_with_its_rows(client, alice, alfa, aspects):
    client.force_login(alice)
    few = _profile_queries(client, alfa, 1)
    many = _profile_queries(client, alfa, 5)
    assert few == many
    assert Case.objects.count() == 6


# --- the index and the region's distribution -------------------------------------------


def test_the_index_lists_the_organisations_of_the_readers_region(
    client, bob, alfa, beta, charlie_org
):
    client.force_login(bob)

    page = soup(client.get(reverse("community:organisation_list")))

    regions = [s["data-region"] for s in page.select("[data-testid=region]")]
    assert regions == ["groene-hart"]
    links = [a["href"] for a in page.select("[data-testid=organisation-link]")]
    assert links == [alfa.get_absolute_url(), beta.get_absolute_url()]


def _distribution(response) -> dict:
    """{aspect key: {status: count}} or {aspect key: None} where it is not shown."""
    table = soup(response).select_one("[data-testid=maturity-distribution]")
    result = {}
    for row in table.select("[data-testid=distribution-row]"):
        cells = row.select("[data-testid=distribution-count]")
        result[row["data-aspect"]] = (
            {cell["data-status"]: int(cell.get_text()) for cell in cells} if cells else None
        )
    return result


def test_two_organisations_give_no_distribution(client, bob, groene_hart, aspects):
    first, second = region_organisations(groene_hart, 2)
    assess(first, aspects[0], GEBORGD)
    assess(second, aspects[0], NIET_GESTART)
    client.force_login(bob)

    shown = _distribution(client.get(reverse("community:organisation_list")))

    assert shown == {a.key: None for a in aspects}


def test_three_organisations_give_a_distribution_without_names(
    client, bob, groene_hart, zwolle, aspects
):
    organisations = region_organisations(groene_hart, 3)
    for organisation, status in zip(
        organisations, (GEBORGD, GEBORGD, IN_ONTWIKKELING), strict=True
    ):
        assess(organisation, aspects[0], status)
    assess(organisations[0], aspects[1], INGERICHT)  # one answer: still hidden
    # Another region's answers are not counted here.
    for organisation in region_organisations(zwolle, 3):
        assess(organisation, aspects[0], NIET_GESTART)
    client.force_login(bob)

    response = client.get(reverse("community:organisation_list"))

    shown = _distribution(response)
    assert shown[aspects[0].key] == {
        NIET_GESTART: 0,
        IN_ONTWIKKELING: 1,
        INGERICHT: 0,
        GEBORGD: 2,
    }
    assert shown[aspects[1].key] is None
    table = soup(response).select_one("[data-testid=maturity-distribution]").get_text()
    assert not any(organisation.name in table for organisation in organisations)


def test_the_profile_of_another_organisation_shows_the_distribution_at_three(
    client, bob, alfa, groene_hart, aspects
):
    assess(alfa, aspects[0], GEBORGD, note="Wethouder tekende het manifest.")
    for organisation in region_organisations(groene_hart, 2):
        assess(organisation, aspects[0], INGERICHT)
    client.force_login(bob)

    response = client.get(detail(alfa))

    assert _distribution(response)[aspects[0].key][GEBORGD] == 1
    assert b"Wethouder tekende" not in response.content


# --- the maturity page -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 200), ("dora", 200), ("bob", 404), ("charlie", 404), ("suspended", 404)],
)
def test_who_reads_the_named_maturity(client, request, alfa, aspects, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(maturity_url(alfa)).status_code == status


def test_the_maturity_page_asks_an_anonymous_visitor_to_log_in(client, alfa):
    response = client.get(maturity_url(alfa))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_bestuurder_reads_but_may_not_fill_in(client, dora, alfa, aspects):
    client.force_login(dora)
    page = soup(client.get(maturity_url(alfa)))
    assert page.select_one("[data-testid=maturity-form]") is None
    data = {f"{a.key}-status": GEBORGD for a in aspects}
    assert client.post(maturity_url(alfa), data).status_code == 403
    assert not OrganisationMaturity.objects.exists()


def test_another_organisation_may_not_post_either(client, bob, alfa, aspects):
    client.force_login(bob)
    data = {f"{a.key}-status": GEBORGD for a in aspects}
    assert client.post(maturity_url(alfa), data).status_code == 404
    assert not OrganisationMaturity.objects.exists()


def test_an_inkoper_fills_in_the_maturity_and_the_history_names_her(client, alice, alfa, aspects):
    client.force_login(alice)
    data = {}
    for aspect in aspects:
        data[f"{aspect.key}-status"] = INGERICHT
        data[f"{aspect.key}-note"] = f"Toelichting {aspect.key}"

    response = client.post(maturity_url(alfa), data)

    assert response.status_code == 302
    assert response["Location"] == maturity_url(alfa)
    saved = OrganisationMaturity.objects.filter(organisation=alfa)
    assert {m.status for m in saved} == {INGERICHT}
    assert {m.history.first().history_user for m in saved} == {alice}


def test_an_unchanged_answer_of_this_year_is_not_written_again(client, alice, alfa, aspects):
    assess(alfa, aspects[0], INGERICHT, actor=alice, note="Al ingericht")
    client.force_login(alice)
    data = {f"{a.key}-status": NIET_GESTART for a in aspects[1:]}
    data[f"{aspects[0].key}-status"] = INGERICHT
    data[f"{aspects[0].key}-note"] = "Al ingericht"

    client.post(maturity_url(alfa), data)

    assert OrganisationMaturity.history.filter(aspect=aspects[0]).count() == 1


def test_a_form_with_errors_keeps_what_was_typed(client, alice, alfa, aspects):
    client.force_login(alice)
    data = {f"{aspects[0].key}-status": GEBORGD, f"{aspects[1].key}-note": "Nog in overleg"}

    response = client.post(maturity_url(alfa), data)

    assert response.status_code == 400
    page = soup(response)
    links = [a["href"] for a in page.select("[data-testid=error-summary] a")]
    assert links == [f"#id_{aspects[1].key}-status", f"#id_{aspects[2].key}-status"]
    for link in links:
        assert page.select_one(link) is not None
    chosen = page.select_one(f"#id_{aspects[0].key}-status option[selected]")
    assert chosen["value"] == GEBORGD
    assert page.select_one(f"#id_{aspects[1].key}-note").get_text().strip() == "Nog in overleg"
    assert not OrganisationMaturity.objects.exists()


def test_nonsense_input_is_a_form_error_not_a_crash(client, alice, alfa, aspects):
    client.force_login(alice)
    data = {f"{a.key}-status": "uitstekend" for a in aspects}
    data[f"{aspects[0].key}-note"] = "x" * 5000
    response = client.post(maturity_url(alfa), data)
    assert response.status_code == 400


def test_the_page_compares_this_year_with_last_year(client, dora, alice, alfa, aspects):
    this_year = timezone.localdate().year
    assess(alfa, aspects[0], IN_ONTWIKKELING, actor=alice, on=date(this_year - 1, 3, 1))
    assess(alfa, aspects[0], INGERICHT, actor=alice, on=date(this_year - 1, 11, 1))
    assess(alfa, aspects[0], GEBORGD, actor=alice, on=date(this_year, 2, 1))
    assess(alfa, aspects[1], INGERICHT, actor=alice, on=date(this_year - 1, 5, 1))
    assess(alfa, aspects[1], NIET_GESTART, actor=alice, on=date(this_year, 5, 1))
    assess(alfa, aspects[2], INGERICHT, actor=alice, on=date(this_year - 1, 5, 1))
    client.force_login(dora)

    page = soup(client.get(maturity_url(alfa)))

    rows = {r["data-aspect"]: r for r in page.select("[data-testid=maturity-row]")}
    first = rows[aspects[0].key]
    assert first.select_one("[data-testid=last-year]")["data-status"] == INGERICHT
    assert first.select_one("[data-testid=this-year]")["data-status"] == GEBORGD
    assert first.select_one("[data-testid=change]")["data-change"] == "up"
    assert rows[aspects[1].key].select_one("[data-testid=change]")["data-change"] == "down"
    third = rows[aspects[2].key]
    assert third.select_one("[data-testid=this-year]")["data-status"] == ""
    assert third.select_one("[data-testid=change]")["data-change"] == ""


def test_the_maturity_page_query_count_does_not_grow_with_the_history(client, alice, alfa, aspects):
    this_year = timezone.localdate().year
    client.force_login(alice)
    assess(alfa, aspects[0], INGERICHT, on=date(this_year - 1, 1, 1))
    with CaptureQueriesContext(connection) as few:
        client.get(maturity_url(alfa))
    for month in range(2, 8):
        for aspect in aspects:
            assess(alfa, aspect, IN_ONTWIKKELING, on=date(this_year - 1, month, 1))
    with CaptureQueriesContext(connection) as many:
        client.get(maturity_url(alfa))
    assert len(few) == len(many)


def test_staff_fill_in_any_organisation(client, staff_mfa, charlie_org, aspects):
    client.force_login(staff_mfa)
    data = {f"{a.key}-status": GEBORGD for a in aspects}
    assert client.post(maturity_url(charlie_org), data).status_code == 302
    assert OrganisationMaturity.objects.filter(organisation=charlie_org).count() == 3


def test_a_coordinator_of_the_organisation_fills_in(client, beta, bob, aspects):
    client.force_login(bob)
    data = {f"{a.key}-status": GEBORGD for a in aspects}
    assert client.post(maturity_url(beta), data).status_code == 302


def test_suspended_member_does_not_see_the_organisation(client, suspended, alfa):
    client.force_login(suspended)
    assert client.get(detail(alfa)).status_code == 404


def test_ended_membership_loses_the_named_answers(client, former, alfa, aspects):
    client.force_login(former)
    assert client.get(maturity_url(alfa)).status_code == 404
