"""At phone width (390 px) the results come first: the filters of the case list and of the
knowledge base sit behind a closed disclosure, which opens on a tap; on a wide screen
it is open. The knowledge base's item and source pages pass axe at that width too."""

import pytest
from playwright.sync_api import expect

from cases import services
from cases.models import KnowledgeItem
from community.models import Source
from procurement.models import Phase
from tests.browser.axe import assert_accessible
from tests.cases.factories import CaseFactory, KnowledgeItemFactory, create_r_ladder

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 800}


@pytest.fixture
def library(db):
    create_r_ladder()
    for case in CaseFactory.create_batch(3, public=True, strategies=[1]):
        services.case_search_index(case=case)
    source = Source.objects.create(
        key="handreiking",
        title="Handreiking circulair inkopen",
        publisher="PIANOo",
        url="https://example.org/handreiking",
    )
    phase = Phase.objects.create(number=2, slug="markt", name="Marktconsultatie", goal="Doel.")
    items = KnowledgeItemFactory.create_batch(
        25, source=source, phases=[phase], kind=KnowledgeItem.Kind.LES, text="Begin **klein**."
    )
    return {"source": source, "item": items[0]}


@pytest.mark.parametrize(
    ("url", "results"),
    [
        ("/praktijkvoorbeelden/", "[data-testid=case-card]"),
        ("/kennisbank/", "[data-testid=knowledge-item]"),
    ],
)
def test_on_a_phone_the_results_come_before_the_filters(page, library, url, results):
    page.set_viewport_size(PHONE)
    page.goto(url)
    filters = page.locator("[data-testid=filters]")
    checkbox = filters.locator("[data-facet] input[type=checkbox]").first

    expect(filters).not_to_have_attribute("open", "")
    expect(checkbox).to_be_hidden()
    first_result = page.locator(results).first
    expect(first_result).to_be_visible()
    # The first result follows the search box, the closed panel and the buttons closely
    # (with the eight facet groups open it was thousands of pixels further down).
    search = page.locator("#id_q").bounding_box()
    assert first_result.bounding_box()["y"] - search["y"] < 400
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)

    filters.locator("summary").click()
    expect(checkbox).to_be_visible()
    assert_accessible(page)


def test_on_a_wide_screen_the_filters_are_open(page, library):
    page.set_viewport_size(WIDE)
    page.goto("/kennisbank/")
    expect(page.locator("[data-testid=filters]")).to_have_attribute("open", "")
    expect(page.locator("[data-facet=fase] input[type=checkbox]").first).to_be_visible()


def test_without_javascript_the_disclosure_opens_with_a_click(browser, live_server, library):
    context = browser.new_context(
        locale="nl-NL", base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    try:
        page.goto("/kennisbank/")
        checkbox = page.locator("[data-facet=fase] input[type=checkbox]").first
        expect(checkbox).to_be_hidden()
        page.locator("[data-testid=filters] summary").click()
        expect(checkbox).to_be_visible()
        checkbox.check()
        page.get_by_role("button", name="Toon resultaten").click()
        expect(page).to_have_url(f"{live_server.url}/kennisbank/?q=&fase=2")
    finally:
        context.close()


def test_an_item_and_its_source_at_phone_width(page, library):
    page.set_viewport_size(PHONE)
    page.goto("/kennisbank/")
    expect(page.locator("[data-testid=pagination]")).to_be_visible()
    assert_accessible(page)

    item = library["item"]
    page.locator(f"[data-slug={item.slug}] h3 a").click()
    expect(page).to_have_url(f"{page.url.split('/kennisbank/')[0]}{item.get_absolute_url()}")
    expect(page.locator("h1")).to_have_text(item.title)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)

    page.locator("[data-testid=source] a").first.click()
    expect(page.locator("h1")).to_have_text(library["source"].title)
    expect(page.locator("[data-testid=source-items] li")).to_have_count(25)
    assert_accessible(page)


def test_the_security_page_from_the_footer(page, db):
    page.set_viewport_size(PHONE)
    page.goto("/privacy/")
    page.locator("footer").get_by_role("link", name="Kwetsbaarheid melden").click()
    expect(page).to_have_url(f"{page.url.split('/beveiliging/')[0]}/beveiliging/")
    expect(page.locator("[data-testid=security-txt]")).to_have_attribute(
        "href", "/.well-known/security.txt"
    )
    assert_accessible(page)
