"""The knowledge base (kennisbank): public, filterable, every item with its source."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import KnowledgeItem
from procurement.models import Phase
from tests.cases.factories import KnowledgeItemFactory, SourceFactory
from tests.cases.html import soup

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
        item.select_one("h3").get_text() for item in page.select("[data-testid=knowledge-item]")
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
        item.select_one("h3").get_text(): item
        for item in page.select("[data-testid=knowledge-item]")
    }

    source = by_title[items["draagvlak"].title].select_one(".portal-source")
    assert "Handreiking circulair inkopen" in source.get_text()
    assert "Hoofdstuk 3" in source.get_text()
    assert by_title[items["conclusie"].title].select_one(".portal-source") is None


def test_an_unknown_filter_value_does_not_break_the_page(client, items):
    assert client.get(URL, {"fase": "99", "r": "x"}).status_code == 200


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
