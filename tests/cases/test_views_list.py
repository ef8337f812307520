"""The case list: what each visitor may browse, facets with counts, paging, htmx."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseStrategy
from cases.services import case_changed
from community.models import Organisation, Themegroup
from tests import factories
from tests.cases.factories import CaseFactory, ProductCategoryFactory
from tests.cases.html import card_slugs, facet_counts, soup

URL = "/praktijkvoorbeelden/"


@pytest.fixture
def library(r_ladder, alfa, beta, charlie_org, groene_hart, zwolle, alice):
    """Four public cases, one community case, a draft and a submitted case, spread over
    every facet so that each filter picks a different subset."""
    province = factories.OrganisationFactory(
        name="Provincie Overijssel", type=Organisation.Type.PROVINCIE, cbs_code="", region=zwolle
    )
    water_board = factories.OrganisationFactory(
        name="Waterschap Rijnland",
        type=Organisation.Type.WATERSCHAP,
        cbs_code="",
        region=groene_hart,
    )
    furniture = ProductCategoryFactory(name="Meubilair", slug="meubilair")
    civil = ProductCategoryFactory(name="GWW-materialen", slug="gww-materialen")
    CaseFactory(
        public=True,
        slug="stoelen",
        strategies=[0, 3],
        sector="facilitair",
        organisations=[alfa],
        region=groene_hart,
        obstacles=["juridisch", "economisch"],
        year=2021,
        procedure="openbaar",
        product_category=furniture,
    )
    CaseFactory(
        public=True,
        slug="kunstgras",
        strategies=[8],
        sector="groen",
        organisations=[province],
        region=zwolle,
        obstacles=["technologisch"],
        year=2022,
        procedure="niet_openbaar",
        product_category=civil,
    )
    CaseFactory(
        public=True,
        slug="laptops",
        strategies=[3, 4],
        sector="ict",
        organisations=[beta, water_board],
        region=groene_hart,
        obstacles=["juridisch"],
        year=2022,
        procedure="openbaar",
    )
    CaseFactory(
        public=True,
        slug="bruggen",
        strategies=[6],
        sector="gww",
        organisations=[charlie_org],
        region=zwolle,
        year=2021,
        procedure="concurrentiegerichte_dialoog",
        product_category=civil,
    )
    CaseFactory(
        published=True,
        slug="alleen-community",
        strategies=[0, 3],
        sector="facilitair",
        organisations=[alfa],
        region=groene_hart,
        obstacles=["sociaal-cultureel"],
        year=2023,
        procedure="openbaar",
        product_category=furniture,
    )
    CaseFactory(
        slug="concept",
        author=alice,
        strategies=[0, 3],
        sector="facilitair",
        organisations=[alfa],
        region=groene_hart,
        obstacles=["juridisch"],
        year=2021,
        procedure="openbaar",
        product_category=furniture,
    )
    CaseFactory(
        submitted=True,
        slug="ingediend",
        author=alice,
        strategies=[3],
        sector="ict",
        organisations=[alfa],
        region=groene_hart,
        year=2022,
        procedure="openbaar",
    )


PUBLIC = {"stoelen", "kunstgras", "laptops", "bruggen"}


# --- who browses what --------------------------------------------------------------


def test_anonymous_visitors_see_only_public_published_cases(client, library):
    assert set(card_slugs(client.get(URL))) == PUBLIC


def test_members_also_see_published_community_cases(client, library, alice):
    client.force_login(alice)
    assert set(card_slugs(client.get(URL))) == PUBLIC | {"alleen-community"}


def test_an_account_without_membership_sees_only_public_cases(client, library, outsider):
    client.force_login(outsider)
    assert set(card_slugs(client.get(URL))) == PUBLIC


def test_drafts_and_submitted_cases_are_never_cards_even_for_their_author(client, library, alice):
    client.force_login(alice)
    response = client.get(URL)
    assert not {"concept", "ingediend"} & set(card_slugs(response))
    # They are listed apart, as work in progress.
    in_progress = soup(response).select("[data-testid=in-progress] a")
    assert {a["href"] for a in in_progress} == {
        "/praktijkvoorbeelden/concept/",
        "/praktijkvoorbeelden/ingediend/",
    }


def test_the_list_answers_post_with_405(client, library):
    assert client.post(URL).status_code == 405


# --- one count test per filter ------------------------------------------------------


def _params_with(params: dict, facet: str, value: str) -> dict:
    return {**{k: v for k, v in params.items() if k != facet}, facet: [value]}


def assert_counts_match_results(client, params: dict, facet: str):
    """Every option of a facet shows the number of cards that choosing it would give."""
    shown = facet_counts(client.get(URL, params), facet)
    assert shown, f"the {facet} facet shows no options"
    would_give = {
        value: len(card_slugs(client.get(URL, _params_with(params, facet, value))))
        for value in shown
    }
    assert shown == would_give


FILTERS = [
    ("r", "3", {"stoelen", "laptops"}),
    ("sector", "groen", {"kunstgras"}),
    ("soort", "gemeente", {"stoelen", "laptops", "bruggen"}),
    ("regio", "regio-zwolle", {"kunstgras", "bruggen"}),
    ("dimensie", "juridisch", {"stoelen", "laptops"}),
    ("jaar", "2022", {"kunstgras", "laptops"}),
    ("procedure", "openbaar", {"stoelen", "laptops"}),
    ("categorie", "gww-materialen", {"kunstgras", "bruggen"}),
]


@pytest.mark.parametrize(
    ("facet", "value", "expected"), FILTERS, ids=[facet for facet, _v, _e in FILTERS]
)
def test_each_filter_gives_exactly_its_cases_and_the_count_shown(
    client, library, facet, value, expected
):
    response = client.get(URL, {facet: value})

    assert set(card_slugs(response)) == expected
    chosen = soup(response).select_one(f"[data-facet={facet}] input[value='{value}']")
    assert chosen.has_attr("checked")
    assert facet_counts(response, facet)[value] == len(expected)
    assert_counts_match_results(client, {facet: value}, facet)


def test_a_type_shared_by_two_organisations_of_one_case_counts_that_case_once(client, library):
    # "laptops" belongs to a gemeente and a waterschap; "stoelen" to one gemeente.
    counts = facet_counts(client.get(URL), "soort")
    assert counts == {"gemeente": 3, "provincie": 1, "waterschap": 1}


@pytest.mark.parametrize("facet", ["r", "sector", "soort", "regio", "dimensie", "jaar"])
def test_facet_counts_respect_the_other_filters(client, library, facet):
    params = {"procedure": ["openbaar"], "r": ["3"]}
    assert_counts_match_results(client, params, facet)


def test_members_get_counts_that_include_community_cases(client, library, alice):
    # Anonymous first, so a cache shared between audiences would leak its counts.
    assert facet_counts(client.get(URL), "jaar") == {"2022": 2, "2021": 2}
    client.force_login(alice)
    assert facet_counts(client.get(URL), "jaar") == {"2023": 1, "2022": 2, "2021": 2}
    client.logout()
    assert facet_counts(client.get(URL), "jaar") == {"2022": 2, "2021": 2}


def test_an_invalid_filter_value_is_left_out_named_and_the_others_apply(client, library):
    response = client.get(URL, {"r": ["99"], "sector": "groen"})
    assert response.status_code == 400  # as the export (tests/cases/test_limits.py)
    assert card_slugs(response) == ["kunstgras"]
    assert len(soup(response).select("[data-testid=refused-values] li")) == 1


def _publish(client, bob, case, django_capture_on_commit_callbacks):
    client.force_login(factories.give_totp(bob))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/praktijkvoorbeelden/{case.slug}/publiceren/",
            {
                "visibility": "openbaar",
                "no_contract_values": "on",
                "no_running_tender_suppliers": "on",
                "no_personal_data": "on",
            },
        )
    assert response.status_code == 302
    client.logout()


def test_right_after_a_publication_the_list_and_its_counts_show_it(
    client, library, alice, bob, groene_hart, django_capture_on_commit_callbacks
):
    case = CaseFactory(submitted=True, author=alice, strategies=[9], region=groene_hart)
    assert "9" not in facet_counts(client.get(URL), "r")

    _publish(client, bob, case, django_capture_on_commit_callbacks)

    response = client.get(URL)
    assert case.slug in card_slugs(response)
    assert facet_counts(response, "r")["9"] == 1
    assert card_slugs(client.get(URL, {"r": "9"})) == [case.slug]


def test_unknown_parameters_leave_the_cache_as_it_is(client, library):
    """Nothing is stored per address: junk parameters cannot grow the cache."""
    client.get(URL)
    keys_before = _cache_keys()
    for n in range(25):
        assert (
            client.get(URL, {f"junk{n}": n, "sector": "groen", "q": f"woord{n}"}).status_code == 200
        )
    assert _cache_keys() == keys_before


def _cache_keys() -> set[bytes]:
    """Every key in the cache (Redis under make test)."""
    return set(cache._cache.get_client().keys("*"))


# --- keyset paging --------------------------------------------------------------------


def _next_href(response):
    link = soup(response).select_one("a[rel=next]")
    return link["href"] if link else None


def test_keyset_paging_shows_twenty_then_the_rest_without_overlap(client, db):
    cases = CaseFactory.create_batch(25, public=True)
    newest_first = [c.slug for c in sorted(cases, key=lambda c: (c.published_at, c.pk))][::-1]

    first = client.get(URL)
    first_slugs = card_slugs(first)
    assert first_slugs == newest_first[:20]
    href = _next_href(first)
    assert href is not None

    second = client.get(URL + href)
    assert card_slugs(second) == newest_first[20:]
    assert _next_href(second) is None


def test_keyset_paging_is_stable_when_cases_share_a_publication_time(client, db):
    moment = timezone.now()
    cases = CaseFactory.create_batch(25, public=True, published_at=moment)

    first = client.get(URL)
    second = client.get(URL + _next_href(first))

    slugs = card_slugs(first) + card_slugs(second)
    assert len(slugs) == 25
    assert set(slugs) == {c.slug for c in cases}


def test_the_next_page_link_keeps_the_filters(client, db):
    CaseFactory.create_batch(22, public=True, sector="ict")
    others = CaseFactory.create_batch(5, public=True, sector="groen")

    first = client.get(URL, {"sector": "ict"})
    second = client.get(URL + _next_href(first))

    assert len(card_slugs(first)) == 20
    assert len(card_slugs(second)) == 2
    assert not {c.slug for c in others} & set(card_slugs(first) + card_slugs(second))


@pytest.mark.parametrize("cursor", ["rommel", "!!!", "MjAyNHxhYmM", "YXxifGM"])
def test_a_broken_cursor_shows_the_first_page(client, db, cursor):
    CaseFactory.create_batch(3, public=True)
    response = client.get(URL, {"na": cursor})
    assert response.status_code == 200
    assert len(card_slugs(response)) == 3


# --- htmx --------------------------------------------------------------------------


def test_an_htmx_request_gets_only_the_results_and_the_out_of_band_facets(client, library):
    response = client.get(URL, {"sector": "groen"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    page = soup(response)
    first, *out_of_band = page.find_all(recursive=False)
    assert (first.name, first.get("id")) == ("section", "resultaten")
    assert "facetten" in [element.get("id") for element in out_of_band]
    # Whatever else comes along is swapped out of band, never a second page.
    assert all(element.has_attr("hx-swap-oob") for element in out_of_band)
    assert page.select_one("html, body, h1, form, header, footer") is None
    assert card_slugs(response) == ["kunstgras"]
    assert facet_counts(response, "sector")["groen"] == 1


def test_a_full_page_renders_the_facets_once_inside_the_filter_form(client, library):
    page = soup(client.get(URL))
    assert len(page.select("#facetten")) == 1
    assert page.select_one("form[role=search] #facetten") is not None
    assert page.select_one("h1") is not None


# --- query count ------------------------------------------------------------------


def _make_cases(n, alfa, groene_hart):
    for _ in range(n):
        CaseFactory(
            public=True,
            strategies=[0, 3],
            sector="facilitair",
            organisations=[alfa],
            region=groene_hart,
            obstacles=["juridisch"],
            year=2022,
            procedure="openbaar",
        )


@pytest.mark.parametrize("as_member", [False, True], ids=["anonymous", "alice"])
def test_the_query_count_does_not_grow_with_the_cases(
    client, r_ladder, alfa, groene_hart, alice, as_member, django_assert_max_num_queries
):
    if as_member:
        client.force_login(alice)
        CaseFactory(author=alice, organisations=[alfa], region=groene_hart)  # in progress
    params = {"sector": "facilitair", "r": "3"}
    _make_cases(3, alfa, groene_hart)
    client.get(URL, params)  # warm up one-off lookups
    cache.clear()
    with CaptureQueriesContext(connection) as baseline:
        assert len(card_slugs(client.get(URL, params))) == 3

    _make_cases(12, alfa, groene_hart)
    cache.clear()
    with django_assert_max_num_queries(len(baseline)):
        assert len(card_slugs(client.get(URL, params))) == 15


def test_cached_facet_counts_save_queries_on_the_next_request(client, library):
    with CaptureQueriesContext(connection) as cold:
        client.get(URL, {"sector": "ict"})
    with CaptureQueriesContext(connection) as warm:
        client.get(URL, {"sector": "ict"})
    assert len(warm) < len(cold)


def test_published_cases_appear_with_newest_first(client, db):
    old = CaseFactory(public=True, published_at=timezone.now() - timedelta(days=9))
    new = CaseFactory(public=True, published_at=timezone.now())
    assert card_slugs(client.get(URL)) == [new.slug, old.slug]


def test_facet_labels_follow_the_language_when_the_counts_are_shared(client, library):
    """Counts are cached per audience and filters only; the labels come per language."""

    def labels(response):
        options = soup(response).select("[data-facet=dimensie] .portal-facet__option label")
        return {option.get_text(" ", strip=True).split(" ")[0] for option in options}

    assert "Juridisch" in labels(client.get(URL))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the visitor's choice
    english = labels(client.get(URL))
    assert "Legal" in english
    assert "Juridisch" not in english


def test_a_strategy_considered_but_not_applicable_is_no_r_badge_and_not_counted(
    client, r_ladder, alfa, groene_hart
):
    """The stembiljetten case considered R0 but could not apply it (issue 12, bug 10)."""
    case = CaseFactory(public=True, organisations=[alfa], region=groene_hart, title="Stembiljetten")
    CaseStrategy.objects.create(
        case=case, r_level_id=0, explanation="Wettelijk verplicht.", applied=False
    )
    CaseStrategy.objects.create(case=case, r_level_id=3, explanation="Hergebruik.")
    case_changed(case_ids=[case.pk])
    page = soup(client.get(reverse("cases:case_list")))
    card = page.select_one(f"[data-testid=case-card][data-slug={case.slug}]")
    assert [tag.get_text().split()[0] for tag in card.select(".portal-tag")] == ["R3"]
    options = {box["value"] for box in page.select("[data-facet=r] input")}
    assert options == {"3"}
    assert client.get(reverse("cases:case_list"), {"r": "0"}).context["total"] == 0
    detail = soup(client.get(case.get_absolute_url()))
    assert [dt["data-level"] for dt in detail.select("[data-testid=strategies] dt")] == ["3"]
    assert [dt["data-level"] for dt in detail.select("[data-testid=considered] dt")] == ["0"]


def test_the_themegroup_of_a_case_is_shown_and_filtered_on(client, alfa, groene_hart):
    """Issue 12, bug 11: the themegroup chosen on a case was shown nowhere."""
    gww = Themegroup.objects.create(
        region=groene_hart, sector="gww", name="GWW Groene Hart", slug="gww"
    )
    with_group = CaseFactory(
        public=True, organisations=[alfa], region=groene_hart, themegroup=gww, title="Kades"
    )
    CaseFactory(public=True, organisations=[alfa], region=groene_hart, title="Stoelen")
    assert facet_counts(client.get(reverse("cases:case_list")), "themagroep") == {str(gww.pk): 1}
    filtered = client.get(reverse("cases:case_list"), {"themagroep": gww.pk})
    assert card_slugs(filtered) == [with_group.slug]
    detail = soup(client.get(with_group.get_absolute_url()))
    assert detail.select_one("[data-testid=themegroup]").get_text() == "GWW Groene Hart"
