"""Dutch full-text search of the case list (PostgreSQL: stemming, ranking, snippets)."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import services
from cases.models import Case
from kit.search import MAX_QUERY_LENGTH
from tests.cases.factories import CaseFactory
from tests.cases.html import card_slugs, soup

URL = "/praktijkvoorbeelden/"


@pytest.fixture
def postgresql(db):
    """Stemming and snippets are PostgreSQL features: these tests must run against it
    (`make test`, or scripts/with-services.sh), never silently pass without it."""
    assert connection.vendor == "postgresql", (
        "Dutch full-text search needs PostgreSQL: run these tests with "
        "scripts/with-services.sh .venv/bin/python -m pytest tests/cases "
        f"(the database now is {connection.vendor})"
    )


def test_a_singular_word_finds_a_case_that_only_has_the_plural(client, postgresql):
    CaseFactory(
        public=True,
        slug="meervoud",
        title="Samen inkopen",
        summary="Wat wij leerden van drie aanbestedingen voor meubilair.",
    )
    CaseFactory(public=True, slug="ander", title="Kantoorstoelen", summary="Stoelen gerepareerd.")

    assert card_slugs(client.get(URL, {"q": "aanbesteding"})) == ["meervoud"]


def test_the_first_part_of_a_compound_finds_the_compound(client, postgresql):
    CaseFactory(
        public=True,
        slug="velden",
        title="Sportparken",
        summary="De gemeente hergebruikt de rubberkorrels van oude kunstgrasvelden.",
    )
    CaseFactory(public=True, slug="ander", title="Gras maaien", summary="Maaisel gecomposteerd.")

    assert card_slugs(client.get(URL, {"q": "kunstgras"})) == ["velden"]


def test_search_reaches_the_structured_parts_of_a_case(client, r_ladder, postgresql):
    CaseFactory(
        public=True,
        slug="les",
        title="Bureaus",
        lessons=["Betrek de facilitaire dienst vanaf het begin."],
    )
    CaseFactory(
        public=True,
        slug="strategie",
        title="Kasten",
        strategies=[(3, "Archiefkasten uit de kelder opnieuw ingezet.")],
    )
    CaseFactory(public=True, slug="niets", title="Lampen")

    assert card_slugs(client.get(URL, {"q": "facilitaire"})) == ["les"]
    assert card_slugs(client.get(URL, {"q": "archiefkasten"})) == ["strategie"]


def test_a_title_match_ranks_above_a_match_deep_in_the_story(client, postgresql):
    CaseFactory(
        public=True, slug="verhaal", title="Kantoor", context="Daarna volgde nog de matrassen."
    )
    CaseFactory(public=True, slug="titel", title="Matrassen terugnemen")

    assert card_slugs(client.get(URL, {"q": "matras"})) == ["titel", "verhaal"]


def test_search_respects_who_may_see_the_case(client, alice, postgresql):
    CaseFactory(public=True, slug="openbaar", title="Circulaire kantoortuin")
    CaseFactory(published=True, slug="community", title="Circulaire kantoortuin 2")
    CaseFactory(slug="concept", title="Circulaire kantoortuin 3", author=alice)

    assert card_slugs(client.get(URL, {"q": "kantoortuin"})) == ["openbaar"]
    client.force_login(alice)
    assert set(card_slugs(client.get(URL, {"q": "kantoortuin"}))) == {"openbaar", "community"}


def test_results_show_a_snippet_with_the_match_highlighted(client, postgresql):
    CaseFactory(
        public=True,
        slug="snippet",
        title="Wegen",
        summary="Bij het onderhoud van wegen gebruikte de provincie gerecycled asfalt "
        "uit eigen projecten, met een lagere CO2-uitstoot als gevolg.",
    )

    response = client.get(URL, {"q": "asfalt"})

    snippet = soup(response).select_one("[data-testid=case-card] [data-testid=snippet]")
    assert snippet is not None, "a search result shows a snippet"
    marks = [mark.get_text() for mark in snippet.select("mark")]
    assert marks == ["asfalt"], "the matched word is highlighted in the snippet"


def test_a_snippet_never_renders_html_from_the_case_text(client, postgresql):
    CaseFactory(
        public=True,
        slug="xss",
        title="Wegen",
        summary='Asfalt <script>alert(1)</script> <img src=x onerror="alert(1)"> hergebruikt.',
    )

    page = soup(client.get(URL, {"q": "asfalt"}))

    assert page.select_one("[data-testid=snippet]") is not None
    assert page.select("main script, [data-testid=case-card] img") == []
    assert page.select("[onerror]") == []


def _publish(case):
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.GEPUBLICEERD,
        visibility=Case.Visibility.OPENBAAR,
        published_at=case.created_at,
    )


def test_a_case_created_through_the_service_is_found(client, alice, alfa, postgresql):
    content = services.CaseContent(
        fields={
            "title": "Werkkleding",
            "summary": "Wij leasen werkkleding van gerecyclede vezels.",
        },
        organisations=[alfa],
        lessons=["Vraag de leverancier om een terugnamegarantie."],
    )
    case = services.case_create(actor=alice, content=content)
    _publish(case)

    assert card_slugs(client.get(URL, {"q": "vezel"})) == [case.slug]
    assert card_slugs(client.get(URL, {"q": "terugnamegarantie"})) == [case.slug]


def test_an_update_through_the_service_refreshes_the_index(client, alice, alfa, postgresql):
    content = services.CaseContent(
        fields={"title": "Werkkleding", "summary": "Gemaakt van gerecyclede vezels."},
        organisations=[alfa],
    )
    case = services.case_create(actor=alice, content=content)
    content.fields["summary"] = "Gemaakt van biologisch katoen."
    services.case_update(actor=alice, case=case, content=content)
    _publish(case)

    assert card_slugs(client.get(URL, {"q": "katoen"})) == [case.slug]
    assert card_slugs(client.get(URL, {"q": "vezel"})) == []


def test_search_results_are_paged_by_page_number(client, postgresql):
    CaseFactory.create_batch(23, public=True, title="Circulair meubilair")

    first = client.get(URL, {"q": "meubilair"})
    link = soup(first).select_one("a[rel=next]")
    second = client.get(URL + link["href"])

    assert len(card_slugs(first)) == 20
    assert len(card_slugs(second)) == 3
    assert not set(card_slugs(first)) & set(card_slugs(second))


def test_a_search_beyond_the_result_limit_is_not_found(client, postgresql):
    assert client.get(URL, {"q": "meubilair", "pagina": "11"}).status_code == 404


NASTY = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from("&|!():*<>'\"\\-~^ aAéß漢\t\n"), max_size=40),
    st.text(min_size=150, max_size=2000),
    st.sampled_from(["'", '"', "\\", "!!", "a:*", "(", ")", "&&", "||", "<->", "-", '"""', "'a'"]),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=NASTY.filter(lambda text: "\x00" not in text))
def test_no_search_text_makes_the_list_fail(client, postgresql, text):
    response = client.get(URL, {"q": text})
    # A search over the limit is named on the page with 400 (tests/cases/test_limits.py).
    assert response.status_code == (400 if len(text.strip()) > MAX_QUERY_LENGTH else 200)
