"""Seeded reference names in the reader's language (issue 12): R-levels, phases, product
categories and basisingrediënten are named in English on English pages, in Dutch on
Dutch ones — in lists, facets, detail pages, forms and exports (`kit.localized`)."""

import csv
import io
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import translation

from community.models import MaturityAspect, ProductCategory
from kit.localized import localized
from procurement import reference
from procurement import services as procurement_services
from procurement.models import Phase, RStrategy
from tests.cases.factories import CaseFactory, KnowledgeItemFactory, SourceFactory
from tests.procurement.factories import TrajectoryFactory, load_guidance

NAMES = {
    # language: (category, phase 1, R0, basisingrediënt)
    "nl": ("Kantoormeubilair", "1. Startoverleg", "R0 Weigeren", "Bestuurlijke rugdekking"),
    "en": ("Office furniture", "1. Kick-off meeting", "R0 Refuse", "Administrative backing"),
}


@pytest.fixture
def world(db, alfa, groene_hart):
    load_guidance()
    category = ProductCategory.objects.create(
        name="Kantoormeubilair", name_en="Office furniture", slug="kantoormeubilair"
    )
    MaturityAspect.objects.create(
        key="bestuurlijke-rugdekking",
        name="Bestuurlijke rugdekking",
        name_en="Administrative backing",
        position=1,
    )
    case = CaseFactory(
        public=True,
        organisations=[alfa],
        region=groene_hart,
        product_category=category,
        strategies=[0],
    )
    trajectory = TrajectoryFactory(
        organisation=alfa, product_category=category, r_level_target_id=0
    )
    KnowledgeItemFactory(
        slug="kennis", source=SourceFactory(), phases=[Phase.objects.get(number=1)], r_levels=[0]
    )
    return {"case": case, "trajectory": trajectory, "category": category}


def _get(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    return BeautifulSoup(response.content, "html.parser")


def _text(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split())


def _facet_label(page, facet: str, value: str) -> str:
    label = page.select_one(f"label[for='f-{facet}-{value}']")
    return _text(label).rsplit(" (", 1)[0]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_case_list_names_categories_and_r_levels_in_the_readers_language(
    client, world, language
):
    category, _phase, r0, _aspect = NAMES[language]
    page = _get(client, "/praktijkvoorbeelden/", language)
    assert _facet_label(page, "categorie", "kantoormeubilair") == category
    card = page.select_one(f"[data-testid='case-card'][data-slug='{world['case'].slug}']")
    assert [_text(tag) for tag in card.select(".portal-tag")] == [r0]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_case_page_and_export_name_the_category_in_the_readers_language(
    client, world, language
):
    category = NAMES[language][0]
    page = _get(client, world["case"].get_absolute_url(), language)
    terms = {_text(dt): _text(dt.find_next_sibling("dd")) for dt in page.select("dl dt")}
    assert category in terms.values()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/praktijkvoorbeelden/export.csv")
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    rows = list(csv.reader(io.StringIO(text.decode().removeprefix("\ufeff")), delimiter=";"))
    column = rows[0].index("Productcategorie" if language == "nl" else "Product category")
    assert [row[column] for row in rows[1:]] == [category]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_trajectory_pages_name_phases_and_r_levels_in_the_readers_language(
    client, alice, world, language
):
    category, phase, r0, _aspect = NAMES[language]
    client.force_login(alice)
    procurement_services.trajectory_phase_start(
        actor=alice, trajectory=world["trajectory"], number=1, started_on=date.today()
    )
    page = _get(client, world["trajectory"].get_absolute_url(), language)
    timeline = [_text(h3) for h3 in page.select("[data-testid='phase'] h3")]
    assert timeline[0].startswith(phase)
    assert phase.split(". ", 1)[1] in _text(page.select_one("#handvatten"))
    ladder = [_text(th) for th in page.select("[data-testid='ladder'] tbody th")]
    assert ladder[0] == r0
    assert category in [_text(dd) for dd in page.select("dl dd")]

    listing = _get(client, "/trajecten/", language)
    assert _facet_label(listing, "fase", "1") == phase
    assert _facet_label(listing, "ambitie", "0") == r0
    assert _facet_label(listing, "categorie", "kantoormeubilair") == category


def test_the_trajectory_page_reads_the_names_from_the_reference_data(
    client, alice, world, django_assert_max_num_queries
):
    """The page names phases from `procurement.reference` (its per-process copy holds
    the English names too), so English costs no extra query."""
    client.force_login(alice)
    url = world["trajectory"].get_absolute_url()
    _get(client, url, "nl")  # fills the reference cache
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    held = reference.reference()
    assert held.phases[0].name_en == "Kick-off meeting"
    with django_assert_max_num_queries(30) as english:
        client.get(url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    with django_assert_max_num_queries(30) as dutch:
        client.get(url)
    assert len(english.captured_queries) == len(dutch.captured_queries)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_knowledge_base_names_phases_in_the_readers_language(client, world, language):
    phase = NAMES[language][1]
    page = _get(client, "/kennisbank/", language)
    assert _facet_label(page, "fase", "1") == phase
    detail = _get(client, "/kennisbank/kennis/", language)
    assert [_text(a) for a in detail.select("[data-testid='phases'] a")] == [phase]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_maturity_page_names_basisingredienten_in_the_readers_language(
    client, alice, alfa, world, language
):
    aspect = NAMES[language][3]
    client.force_login(alice)
    page = _get(client, f"/organisaties/{alfa.slug}/volwassenheid/", language)
    fieldset = page.select_one("fieldset[data-aspect='bestuurlijke-rugdekking']")
    assert _text(fieldset.select_one("legend")) == aspect
    select = fieldset.select_one("select")
    assert aspect in _text(page.select_one(f"label[for='{select['id']}']"))


def test_a_row_without_an_english_name_shows_its_dutch_one(db):
    load_guidance()
    category = ProductCategory.objects.create(name="Bloembakken", slug="bloembakken")
    phase = Phase.objects.get(number=1)
    with translation.override("en"):
        assert str(category) == "Bloembakken"
        assert str(RStrategy.objects.get(level=2)) == "R2 Reduce"
        assert localized(phase) == "Kick-off meeting"
    with translation.override("nl"):
        assert str(phase) == "1. Startoverleg"
        assert str(RStrategy.objects.get(level=2)) == "R2 Verminderen"
