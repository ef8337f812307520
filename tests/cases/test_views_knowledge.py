"""The knowledge base (kennisbank): public, filterable, every item with its source."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import KnowledgeItem
from procurement.models import Phase
from tests.cases.factories import KnowledgeItemFactory, SourceFactory
from tests.cases.html import facet_counts, soup

URL = "/kennisbank/"
Kind, Audience = KnowledgeItem.Kind, KnowledgeItem.Audience


@pytest.fixture
def phases(db):
    # Created last-to-first, so a phase's id differs from its number.
    created = [
        Phase.objects.create(number=n, slug=f"fase-{n}", name=f"Fase {n}", goal="Doel")
        for n in range(6, 0, -1)
    ]
    return {phase.number: phase for phase in created}


@pytest.fixture
def items(r_ladder, phases):
    source = SourceFactory(title="Handreiking circulair inkopen", publisher="PIANOo")
    return {
        "draagvlak": KnowledgeItemFactory(
            slug="draagvlak",
            kind=Kind.SUCCESFACTOR,
            audience=Audience.AANBESTEDENDE_DIENST,
            phases=[phases[1], phases[2]],
            r_levels=[0, 1],
            source=source,
            source_section="Hoofdstuk 3",
        ),
        "marktdialoog": KnowledgeItemFactory(
            slug="marktdialoog",
            kind=Kind.AANBEVELING,
            audience=Audience.LEVERANCIER,
            phases=[phases[3]],
            r_levels=[3],
            source=source,
        ),
        "terugname": KnowledgeItemFactory(
            slug="terugname",
            kind=Kind.AANBEVELING,
            audience=Audience.BEIDE,
            phases=[phases[5]],
            r_levels=[3, 8],
        ),
        "conclusie": KnowledgeItemFactory(
            slug="conclusie",
            kind=Kind.CONCLUSIE,
            audience=Audience.LEARNING_COMMUNITY,
        ),
    }


def titles(response) -> set[str]:
    page = soup(response)
    return {
        item.select_one("h3").get_text(strip=True)
        for item in page.select("[data-testid=knowledge-item]")
    }


def shown_count(response) -> int:
    heading = soup(response).select_one("[data-testid=result-count]")
    return int(heading.get_text().split()[0])


def _titles_of(items, *slugs):
    return {items[slug].title for slug in slugs}


def test_the_knowledge_base_is_public(client, items):
    response = client.get(URL)
    assert response.status_code == 200
    assert titles(response) == _titles_of(items, *items)
    assert shown_count(response) == 4


def test_the_knowledge_base_answers_post_with_405(client, db):
    assert client.post(URL).status_code == 405


FILTERS = [
    ({"fase": "2"}, ["draagvlak"]),
    ({"fase": ["3", "5"]}, ["marktdialoog", "terugname"]),
    ({"fase": "1"}, ["draagvlak"]),
    ({"r": "3"}, ["marktdialoog", "terugname"]),
    ({"r": ["0", "8"]}, ["draagvlak", "terugname"]),
    ({"doelgroep": "leverancier"}, ["marktdialoog"]),
    ({"soort": "aanbeveling"}, ["marktdialoog", "terugname"]),
    ({"soort": "aanbeveling", "r": "8"}, ["terugname"]),
    ({"soort": "conclusie", "fase": "1"}, []),
]


@pytest.mark.parametrize(
    ("params", "expected"), FILTERS, ids=["-".join(f"{k}" for k in p) for p, _e in FILTERS]
)
def test_filters_give_exactly_their_items_and_count(client, items, params, expected):
    response = client.get(URL, params)

    assert response.status_code == 200
    assert titles(response) == _titles_of(items, *expected)
    assert shown_count(response) == len(expected)


def test_an_item_in_two_chosen_phases_is_listed_once(client, items):
    response = client.get(URL, {"fase": ["1", "2"]})
    assert len(soup(response).select("[data-testid=knowledge-item]")) == 1
    assert shown_count(response) == 1


def test_each_item_shows_its_source(client, items):
    page = soup(client.get(URL))
    by_title = {
        item.select_one("h3").get_text(strip=True): item
        for item in page.select("[data-testid=knowledge-item]")
    }

    source = by_title[items["draagvlak"].title].select_one(".portal-source")
    assert "Handreiking circulair inkopen" in source.get_text()
    assert "Hoofdstuk 3" in source.get_text()
    assert by_title[items["conclusie"].title].select_one(".portal-source") is None


def test_an_unknown_filter_value_is_named_and_left_out(client, items):
    response = client.get(URL, {"fase": "99", "r": "x", "soort": "aanbeveling"})

    # As the case list: 400, the refused values named, the rest applied.
    assert response.status_code == 400
    page = soup(response)
    assert len(page.select("[data-testid=refused-values] li")) == 2
    assert page.select_one("[data-testid=list-without]")["href"].endswith("?soort=aanbeveling")
    assert titles(response) == _titles_of(items, "marktdialoog", "terugname")


def test_the_query_count_does_not_grow_with_the_items(
    client, r_ladder, phases, django_assert_max_num_queries
):
    source = SourceFactory()

    def make(n):
        KnowledgeItemFactory.create_batch(
            n, phases=[phases[1], phases[2]], r_levels=[0, 3], source=source
        )

    make(3)
    client.get(URL)
    with CaptureQueriesContext(connection) as baseline:
        client.get(URL)
    make(9)
    with django_assert_max_num_queries(len(baseline)):
        assert shown_count(client.get(URL)) == 12


# --- search -------------------------------------------------------------------------------


@pytest.fixture
def texts(db, r_ladder, phases):
    return {
        "dialoog": KnowledgeItemFactory(
            title="Ga vroeg in gesprek", text="Een marktconsultatie voor elke aanbesteding."
        ),
        "stoelen": KnowledgeItemFactory(
            title="Hergebruik meubilair", text="Gebruikte stoelen gaan een tweede leven in."
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("marktconsultatie", {"dialoog"}),
        ("MARKTCONSULTATIE", {"dialoog"}),
        ("meubilair", {"stoelen"}),  # a word of the title
        ("stoelen aanbesteding", set()),  # every word must match
        ("", {"dialoog", "stoelen"}),
        ("&|!():*", {"dialoog", "stoelen"}),  # no words: no search
    ],
)
def test_search_finds_items_by_title_and_text(client, texts, query, expected):
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert titles(response) == {texts[key].title for key in expected}
    assert soup(response).select_one("#id_q")["value"] == query


def test_search_stems_dutch_words_on_postgresql(client, texts):
    assert connection.vendor == "postgresql"  # the suite runs on PostgreSQL
    response = client.get(URL, {"q": "aanbestedingen"})
    assert titles(response) == {texts["dialoog"].title}


def test_a_search_longer_than_allowed_is_named(client, texts):
    response = client.get(URL, {"q": "stoel " * 60})
    assert response.status_code == 400
    assert soup(response).select("[data-testid=refused-values] li")
    assert titles(response) == {item.title for item in texts.values()}


ODD = [
    "\x00",
    "a\x00b",
    "'",
    '"',
    "\\",
    "%",
    "_",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "&",
    "!",
    ":*",
    "a:*&!b",
    "(((",
    "\u202e",
    "\ud7ff",
    "😀",
    "ﬁ",
    "é" * 199,
    "x" * 201,
    " ",
    "\n\t",
]


@pytest.mark.parametrize("value", ODD)
@pytest.mark.parametrize("name", ["q", "fase", "soort", "bron", "doelgroep", "r", "pagina"])
def test_odd_input_never_fails(client, items, name, value):
    assert client.get(URL, {name: value}).status_code in (200, 400)


FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["q", "fase", "soort", "bron", "doelgroep", "r", "pagina"]),
        st.lists(st.text(max_size=30), min_size=1, max_size=3),
        max_size=4,
    )
)
def test_no_query_string_gives_a_server_error(client, items, params):
    assert client.get(URL, params).status_code in (200, 400)


# --- counts per filter option ----------------------------------------------------------


def test_each_option_counts_its_items_with_the_other_filters(client, items):
    response = client.get(URL)
    assert facet_counts(response, "fase") == {"1": 1, "2": 1, "3": 1, "5": 1}
    assert facet_counts(response, "soort") == {"succesfactor": 1, "aanbeveling": 2, "conclusie": 1}
    assert facet_counts(response, "r") == {"0": 1, "1": 1, "3": 2, "8": 1}
    source_key = items["draagvlak"].source.key
    assert facet_counts(response, "bron") == {source_key: 2}

    # A chosen kind narrows the other facets, not its own (an option is an "or").
    chosen = client.get(URL, {"soort": "aanbeveling"})
    assert facet_counts(chosen, "soort") == {"succesfactor": 1, "aanbeveling": 2, "conclusie": 1}
    assert facet_counts(chosen, "fase") == {"3": 1, "5": 1}
    assert facet_counts(chosen, "bron") == {source_key: 1}
    assert soup(chosen).select_one("#f-soort-aanbeveling").has_attr("checked")


def test_counts_follow_the_search(client, texts):
    response = client.get(URL, {"q": "stoelen"})
    assert facet_counts(response, "soort") == {"succesfactor": 1}


# --- paging -----------------------------------------------------------------------------


def test_the_list_is_paged(client, db):
    KnowledgeItemFactory.create_batch(45, text="Hergebruik werkt.")

    first = client.get(URL, {"q": "hergebruik"})
    assert len(soup(first).select("[data-testid=knowledge-item]")) == 20
    assert shown_count(first) == 45
    following = soup(first).select_one("[data-testid=pagination] a[rel=next]")["href"]
    assert following == "?q=hergebruik&pagina=2"

    last = client.get(URL + following)
    assert len(soup(last).select("[data-testid=knowledge-item]")) == 20
    last = client.get(URL, {"q": "hergebruik", "pagina": "3"})
    assert len(soup(last).select("[data-testid=knowledge-item]")) == 5
    assert soup(last).select_one("[data-testid=pagination] a[rel=next]") is None
    assert soup(last).select_one("[data-testid=pagination] a[rel=prev]") is not None

    everything = set()
    for number in (1, 2, 3):
        everything |= titles(client.get(URL, {"pagina": number}))
    assert len(everything) == 45


# --- a page per item and per source ------------------------------------------------------


def test_each_item_has_a_page_with_its_phases_and_source(client, items):
    item = items["draagvlak"]
    item.source.url = "https://example.org/handreiking"
    item.source.save()
    listed = soup(client.get(URL))
    assert listed.select_one(f"[data-slug={item.slug}] h3 a")["href"] == f"/kennisbank/{item.slug}/"

    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("h1").get_text(strip=True) == item.title
    assert page.select_one("[data-testid=knowledge-text]").get_text(strip=True) == item.text
    phase_links = [a["href"] for a in page.select("[data-testid=phases] a")]
    assert phase_links == ["/kennisbank/?fase=1", "/kennisbank/?fase=2"]
    source = page.select_one("[data-testid=source]")
    assert source.select_one("a")["href"] == f"/kennisbank/bronnen/{item.source.key}/"
    assert "Hoofdstuk 3" in source.get_text()
    assert source.select_one("[data-testid=source-document]")["href"] == item.source.url


def test_a_phase_link_lists_the_items_of_that_phase(client, items):
    response = client.get(URL, {"fase": "3"})
    assert titles(response) == _titles_of(items, "marktdialoog")


def test_an_item_without_a_source_has_a_page_too(client, items):
    page = soup(client.get(items["conclusie"].get_absolute_url()))
    assert page.select_one("[data-testid=source]") is None


def test_an_unknown_item_is_not_found(client, items):
    assert client.get("/kennisbank/bestaat-niet/").status_code == 404


def test_the_item_page_answers_post_with_405(client, items):
    assert client.post(items["draagvlak"].get_absolute_url()).status_code == 405


def test_the_source_page_lists_its_items(client, items):
    source = items["draagvlak"].source
    response = client.get(f"/kennisbank/bronnen/{source.key}/")
    assert response.status_code == 200
    page = soup(response)
    links = {a["href"] for a in page.select("[data-testid=source-items] a")}
    assert links == {
        items["draagvlak"].get_absolute_url(),
        items["marktdialoog"].get_absolute_url(),
    }
    assert page.select_one("[data-testid=source-document]") is None  # no address known


def test_a_source_without_items_is_not_found(client, items):
    other = SourceFactory()
    assert client.get(f"/kennisbank/bronnen/{other.key}/").status_code == 404
    assert client.get("/kennisbank/bronnen/bestaat-niet/").status_code == 404


def test_the_source_page_answers_post_with_405(client, items):
    key = items["draagvlak"].source.key
    assert client.post(f"/kennisbank/bronnen/{key}/").status_code == 405


def test_the_pages_are_public_for_signed_in_members_too(client, items, alice):
    client.force_login(alice)
    assert client.get(URL).status_code == 200
    assert client.get(items["draagvlak"].get_absolute_url()).status_code == 200


def test_the_item_page_query_count_does_not_grow_with_phases(
    client, r_ladder, phases, django_assert_max_num_queries
):
    source = SourceFactory()
    few = KnowledgeItemFactory(phases=[phases[1]], r_levels=[0], source=source)
    many = KnowledgeItemFactory(phases=list(phases.values()), r_levels=[0, 1, 2, 3], source=source)
    with CaptureQueriesContext(connection) as baseline:
        client.get(few.get_absolute_url())
    with django_assert_max_num_queries(len(baseline)):
        client.get(many.get_absolute_url())
