"""The search's frequent stems in the facet index (cases.facets): a word whose stem the
index keeps is answered by its bitmap instead of the database, and that answer is always
exactly the database's, also right after a writer commits."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import facets, services
from cases.filters import CaseFilter
from cases.models import COMMUNITY, Case
from tests import factories
from tests.cases.factories import CaseFactory
from tests.cases.html import card_slugs, facet_counts

URL = "/praktijkvoorbeelden/"


@pytest.fixture
def postgresql(db):
    assert connection.vendor == "postgresql", (
        "The search index needs PostgreSQL: run these tests with scripts/with-services.sh"
    )


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a write as if its transaction committed (the on-commit callbacks run)."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


def _case(slug, title, summary, alfa, region, sector="facilitair", **kwargs):
    return CaseFactory(
        public=True,
        slug=slug,
        title=title,
        summary=summary,
        organisations=[alfa],
        region=region,
        sector=sector,
        **kwargs,
    )


@pytest.fixture
def library(postgresql, alfa, groene_hart):
    """Four public cases on circular procurement; one also on furniture."""
    cases = [
        _case(f"circulair-{n}", f"Circulaire inkoop {n}", "Circulair inkopen.", alfa, groene_hart)
        for n in range(3)
    ]
    cases.append(
        _case("meubilair", "Circulair meubilair", "Kasten hergebruikt.", alfa, groene_hart)
    )
    return cases


def _searched(text: str) -> tuple[int, int]:
    """(from the index where it can tell, from the database): the bitmaps of the
    published cases the list's search for `text` matches."""
    queryset = CaseFilter().filter_search(Case.objects.published_to(COMMUNITY), "q", text)
    return facets.search_bitmap(text, queryset), facets.bitmap_of(queryset)


def _stem_matches(stem: str):
    """The published cases the prefix query of a stored stem matches (not stemmed again)."""
    query = SearchQuery(f"{stem}:*", config="simple", search_type="raw")
    return Case.objects.published_to(COMMUNITY).filter(search_vector=query)


def _index_words_are_true() -> bool:
    """Every stem the index keeps has exactly the cases the database matches."""
    index = facets.current()
    return bool(index.words) and all(
        bits == facets.bitmap_of(_stem_matches(stem)) for stem, bits in index.words.items()
    )


@pytest.fixture
def stems(library):
    """The index with the search stems, as the hourly rebuild (or the benchmark) makes it."""
    return facets.rebuild()


def test_the_index_keeps_the_frequent_stems_with_their_cases(library, stems):
    index = facets.current()

    assert "circulair" in index.words
    assert index.words["circulair"] == facets.bitmap(case.pk for case in library)
    assert index.words["meubilair"] == facets.bitmap([library[-1].pk])
    assert _index_words_are_true()


def test_a_stem_in_fewer_cases_than_the_share_is_left_to_the_database(library, monkeypatch):
    monkeypatch.setattr(facets, "WORD_SHARE", 0.5)  # "meubilair" is in one case of four

    index = facets.rebuild()

    assert "circulair" in index.words
    assert "meubilair" not in index.words
    found, expected = _searched("circulaire meubilair")
    assert found == expected == facets.bitmap([library[-1].pk])


def test_only_so_many_stems_are_kept(library, monkeypatch):
    monkeypatch.setattr(facets, "WORD_KEYS", 2)

    assert len(facets.rebuild().words) == 2


@pytest.mark.parametrize(
    "text",
    [
        "circulaire",
        "Circulair inkopen",
        "circ",  # a prefix of a kept stem
        "meubilair circulaire",
        "de circulaire",  # a stopword adds no condition
        "de het een",  # only stopwords
        "circulaire lampen",  # a word no case has
        "co2 circulaire",
        "kasten",
    ],
)
def test_a_search_from_the_index_matches_what_the_database_matches(library, stems, text):
    found, expected = _searched(text)

    assert found == expected


WORDS = st.sampled_from(
    [
        *("circulaire", "circulair", "inkoop", "inkopen", "meubilair", "kasten", "de", "van"),
        *("co2", "hergebruikt", "cir", "in", "lampen", "x", "123", "ä", "Ínkoop"),
    ]
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.lists(WORDS, min_size=1, max_size=4))
def test_any_mix_of_words_gives_the_database_answer(library, stems, words):
    found, expected = _searched(" ".join(words))

    assert found == expected


def test_a_frequent_word_finds_a_just_published_case_at_once(
    client, commit, library, stems, alfa, groene_hart, bob
):
    assert card_slugs(client.get(URL, {"q": "circulaire"}))
    assert "circulair" in facets.current().words
    draft = CaseFactory(
        submitted=True,
        slug="nieuw",
        title="Circulaire bouw",
        summary="Circulair bouwen met hergebruikte materialen.",
        organisations=[alfa],
        region=groene_hart,
        sector="gww",
    )
    commit(
        services.case_publish,
        actor=bob,
        case=Case.objects.get(pk=draft.pk),
        visibility="openbaar",
        checklist_confirmed=True,
    )

    response = client.get(URL, {"q": "circulaire"})
    assert "nieuw" in card_slugs(response)
    assert facet_counts(response, "sector") == {"facilitair": 4, "gww": 1}
    assert _index_words_are_true()


def test_a_case_edited_without_the_word_leaves_its_search_at_once(
    client, commit, library, stems, staff
):
    beheerder = factories.give_totp(staff)
    client.get(URL, {"q": "meubilair"})
    case = library[-1]
    content = services.CaseContent(
        fields={"title": "Lampen", "summary": "Licht als dienst.", "sector": "gww"},
        organisations=list(case.organisations.all()),
    )
    commit(services.case_update, actor=beheerder, case=case, content=content)

    response = client.get(URL, {"q": "meubilair"})
    assert card_slugs(response) == []
    assert facet_counts(client.get(URL, {"q": "circulaire"}), "sector") == {"facilitair": 3}
    assert _index_words_are_true()


def test_a_deleted_case_leaves_the_bitmaps_of_its_stems(client, commit, library, stems):
    client.get(URL, {"q": "circulaire"})
    gone = library[0].pk

    def delete():
        Case.objects.filter(pk=gone).delete()
        services.case_changed(case_ids=[gone])

    commit(delete)

    assert not facets.current().words["circulair"] >> gone & 1
    assert _index_words_are_true()


def test_a_page_that_builds_the_index_leaves_the_stems_to_the_rebuild(client, library):
    response = client.get(URL, {"q": "circulaire"})  # an empty cache: the page builds it

    assert facets.current().words == {}  # the page did not wait for them
    assert len(card_slugs(response)) == 4
    assert "circulair" in facets.rebuild().words


def test_stems_read_while_a_writer_changed_the_index_are_not_kept(
    library, stems, commit, monkeypatch
):
    gone = library[0].pk
    read = facets._stem_bitmaps

    def read_while_a_case_is_deleted():
        words = read()  # read before the delete: still holds the case
        Case.objects.filter(pk=gone).delete()
        commit(services.case_changed, case_ids=[gone])
        return words

    monkeypatch.setattr(facets, "_stem_bitmaps", read_while_a_case_is_deleted)
    index = facets.rebuild()

    assert not index.words["circulair"] >> gone & 1
    assert _index_words_are_true()
