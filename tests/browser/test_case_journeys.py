"""Journeys through the case library and the knowledge base.

The story of one case runs as one test, step by step: an inkoper writes it and submits
it, a coordinator of her region publishes it for everyone, an anonymous visitor finds it
by search and facet (with htmx, and again without JavaScript). A failure names its step.
"""

import re
import traceback
from contextlib import contextmanager
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from django.utils.text import slugify
from playwright.sync_api import expect

from cases import services
from cases.models import Case, CaseStrategy, KnowledgeItem
from community.models import Source
from procurement import seeding
from procurement.models import Phase
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

CASE_LIST = "/praktijkvoorbeelden/"
ERROR_SUMMARY = "[data-testid=error-summary]"
MAX_TABS = 60

SEARCH_WORD = "deelfietsen"
CASE = {
    "title": "Deelfietsen in plaats van nieuwe dienstauto's",
    "summary": "Gemeente Alfa kocht geen nieuwe dienstauto's maar deelt elektrische fietsen.",
    "context": (
        "Onze dienstauto's stonden **vooral stil**.\n\n"
        "- veertig auto's\n"
        "- gemiddeld twee ritten per week\n"
    ),
    "strategies": [
        ("1", "We deelden de fietsen tussen afdelingen."),
        ("2", "Er zijn minder voertuigen nodig."),
    ],
    "obstacle": ("juridisch", "Het leasecontract liep nog twee jaar.", "Afkoop bij de verlenging."),
    "lessons": ["Begin met de vraag, niet met het product.", "Meet het gebruik vooraf."],
}


# --- helpers ------------------------------------------------------------------------------


class Story:
    """The steps of one story, each named in the failure it causes.

    A step that later steps build on stops the story when it fails; an independent step
    (`stops=False`) is recorded and the story goes on, so one run shows every failure.
    """

    def __init__(self):
        self.failures = []

    @contextmanager
    def step(self, name, *, stops=True):
        try:
            yield
        except Exception as error:
            self.failures.append(f"step {name!r} failed{_where(error)}: {error}")
            if stops:
                self.end()

    def end(self):
        if self.failures:
            pytest.fail("\n\n".join(self.failures), pytrace=False)


def _where(error) -> str:
    """The line of this module the error came from."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == __file__]
    return f" (line {frames[-1].lineno})" if frames else ""


def case_card(page, slug):
    return page.locator(f'[data-testid=case-card][data-slug="{slug}"]')


def case_status(page):
    return page.locator("[data-testid=case]")


def submit_and_wait(page, button):
    """Press a form's submit button; returns the HTTP status of the page that follows."""
    with page.expect_navigation() as navigation:
        button.click()
    return navigation.value.status


def assert_described_by_existing_elements(page, field_selector):
    field = page.locator(field_selector)
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = field.get_attribute("aria-describedby")
    assert described_by, f"{field_selector} has no aria-describedby"
    for element_id in described_by.split():
        expect(page.locator(f"[id='{element_id}']")).to_have_count(1)


def htmx_results(*fragments):
    """A predicate for page.expect_response: htmx's request for the case list's results."""

    def matches(response):
        return (
            response.request.headers.get("hx-request") == "true"
            and urlparse(response.url).path == CASE_LIST
            and all(fragment in response.url for fragment in fragments)
        )

    return matches


def wait_for_htmx_idle(page):
    """htmx marks the requesting element with .htmx-request until it has swapped."""
    page.wait_for_function("() => document.querySelector('.htmx-request') === null")


# What the keyboard user sees of the focused element: its outline and box-shadow.
FOCUSED_ELEMENT_JS = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        id: el.id,
        type: el.type || "",
        facet: el.closest("[data-facet]")?.dataset.facet || null,
        html: el.outerHTML.slice(0, 120),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth) || 0,
        boxShadow: style.boxShadow,
    };
}"""


def has_visible_focus_indicator(focused: dict) -> bool:
    outline = focused["outlineStyle"] != "none" and focused["outlineWidth"] > 0
    shadow = focused["boxShadow"] not in ("", "none")
    return outline or shadow


def tab_until(page, predicate, what):
    """Press Tab until the focused element matches; returns it, with the elements passed."""
    visited = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_ELEMENT_JS)
        if predicate(focused):
            return focused, visited
        visited.append(focused["html"])
    pytest.fail(f"Tab never reached {what}; focus went to: {visited}")


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def new_page(browser, live_server):
    """A page in a browser of its own (no cookies), e.g. an anonymous visitor's."""
    contexts = []

    def _new_page(**context_options):
        context = browser.new_context(locale="nl-NL", base_url=live_server.url, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def r_ladder(db):
    """The R-ladder R0–R9, as the seed command loads it (it cites its source)."""
    Source.objects.create(
        key=seeding.LADDER_SOURCE,
        title="Handvatten voor de hoogste R-strategieën",
        publisher="PIANOo",
        year=2023,
    )
    Source.objects.create(  # R3–R9 cite the PBL study (procurement.seeding)
        key=seeding.PBL_SOURCE, title="Circulaire economie", publisher="PBL", year=2016
    )
    seeding.load_r_ladder()


def published_case(title, level, organisation):
    case = Case.objects.create(
        title=title,
        slug=slugify(title),
        summary=f"{title}: een eerder gepubliceerd praktijkvoorbeeld.",
        region=organisation.region,
        status=Case.Status.GEPUBLICEERD,
        visibility=Case.Visibility.OPENBAAR,
        published_at=timezone.now(),
    )
    case.organisations.add(organisation)
    CaseStrategy.objects.create(case=case, r_level_id=level, explanation="Zo ging het.")
    services.case_search_index(case=case)
    return case


@pytest.fixture
def other_cases(r_ladder, beta):
    """Published public cases beside the story's: one the search word does not find, one
    it finds but the R1 facet leaves out."""
    return {
        "unrelated": published_case("Tweedehands kantoormeubilair voor het stadhuis", 3, beta),
        "same_word": published_case("Afgedankte deelfietsen als grondstof", 8, beta),
    }


@pytest.fixture
def knowledge_items(db):
    source = Source.objects.create(
        key="leidraad-circulair-inkopen", title="Leidraad circulair inkopen", publisher="PIANOo"
    )
    start, market = (
        Phase.objects.create(number=1, slug="startoverleg", name="Startoverleg", goal="Doel."),
        Phase.objects.create(
            number=2, slug="marktconsultatie", name="Marktconsultatie", goal="Doel."
        ),
    )
    in_start = KnowledgeItem.objects.create(
        kind=KnowledgeItem.Kind.SUCCESFACTOR,
        title="Bestuurlijk commitment vooraf",
        slug="bestuurlijk-commitment",
        text="Zorg dat het bestuur de ambitie draagt.",
        audience=KnowledgeItem.Audience.AANBESTEDENDE_DIENST,
        source=source,
    )
    in_start.phases.add(start)
    in_market = KnowledgeItem.objects.create(
        kind=KnowledgeItem.Kind.AANBEVELING,
        title="Vraag de markt naar functie",
        slug="vraag-naar-functie",
        text="Beschrijf de functie, niet het product.",
        audience=KnowledgeItem.Audience.BEIDE,
        source=source,
    )
    in_market.phases.add(market)
    return {"start": in_start, "market": in_market}


# --- the story of one case ----------------------------------------------------------------


def write_case_with_one_error(page):
    """Fill in the whole case form but the title, and save it."""
    form = page.locator("[data-testid=case-form]")
    form.locator("#id_summary").fill(CASE["summary"])
    form.get_by_role("checkbox", name="Gemeente Alfa").check()
    form.locator("#id_sector").select_option("mobiliteit")
    form.locator("#id_context").fill(CASE["context"])
    for row, (level, explanation) in enumerate(CASE["strategies"]):
        form.locator(f"#id_strategie-{row}-r_level").select_option(level)
        form.locator(f"#id_strategie-{row}-explanation").fill(explanation)
    dimension, obstacle, solution = CASE["obstacle"]
    form.locator("#id_obstakel-0-dimension").select_option(dimension)
    form.locator("#id_obstakel-0-obstacle").fill(obstacle)
    form.locator("#id_obstakel-0-solution").fill(solution)
    for row, lesson in enumerate(CASE["lessons"]):
        form.locator(f"#id_les-{row}-text").fill(lesson)
    return submit_and_wait(page, form.locator("[data-testid=case-save]"))


def assert_case_form_kept_values(page):
    form = page.locator("[data-testid=case-form]")
    expect(form.locator("#id_title")).to_have_value("")
    expect(form.locator("#id_summary")).to_have_value(CASE["summary"])
    expect(form.get_by_role("checkbox", name="Gemeente Alfa")).to_be_checked()
    expect(form.locator("#id_sector")).to_have_value("mobiliteit")
    expect(form.locator("#id_context")).to_have_value(CASE["context"])
    for row, (level, explanation) in enumerate(CASE["strategies"]):
        expect(form.locator(f"#id_strategie-{row}-r_level")).to_have_value(level)
        expect(form.locator(f"#id_strategie-{row}-explanation")).to_have_value(explanation)
    dimension, obstacle, solution = CASE["obstacle"]
    expect(form.locator("#id_obstakel-0-dimension")).to_have_value(dimension)
    expect(form.locator("#id_obstakel-0-obstacle")).to_have_value(obstacle)
    expect(form.locator("#id_obstakel-0-solution")).to_have_value(solution)
    for row, lesson in enumerate(CASE["lessons"]):
        expect(form.locator(f"#id_les-{row}-text")).to_have_value(lesson)


def write_and_submit_case(page, log_in, alice) -> str:
    """Journey 1: alice writes the case, meets one error, saves it and submits it."""
    log_in(alice.email)
    page.goto(CASE_LIST)
    assert_accessible(page)

    page.locator('main a[href="/praktijkvoorbeelden/nieuw/"]').click()
    expect(page).to_have_url(re.compile(r"/praktijkvoorbeelden/nieuw/$"))
    expect(page.locator("main h1")).to_have_text("Praktijkvoorbeeld schrijven")
    assert_accessible(page)

    status = write_case_with_one_error(page)

    assert status == 400, f"a case without a title answered {status}"
    summary = page.locator(ERROR_SUMMARY)
    expect(summary).to_be_visible()
    expect(summary.locator('a[href="#id_title"]')).to_have_count(1)
    assert_described_by_existing_elements(page, "#id_title")
    assert_case_form_kept_values(page)
    assert_accessible(page)
    assert not Case.objects.filter(author=alice).exists(), "a case without a title was saved"

    summary.locator('a[href="#id_title"]').click()
    expect(page.locator("#id_title")).to_be_focused()
    page.locator("#id_title").fill(CASE["title"])
    status = submit_and_wait(page, page.locator("[data-testid=case-form] [data-testid=case-save]"))

    assert status == 200
    case = Case.objects.get(author=alice)
    # The form posts to its own address, so the summary link's #id_title comes along.
    expect(page).to_have_url(re.compile(rf"/praktijkvoorbeelden/{case.slug}/(#id_title)?$"))
    expect(page.locator("main h1")).to_have_text(CASE["title"])
    expect(case_status(page)).to_have_attribute("data-status", "concept")
    strategies = page.locator("[data-testid=strategies]")
    expect(strategies.locator("dt")).to_have_count(2)
    for level, explanation in CASE["strategies"]:
        term = strategies.locator(f'dt[data-level="{level}"]')
        expect(term).to_contain_text(f"R{level}")
        expect(term.locator("xpath=following-sibling::dd[1]")).to_have_text(explanation)
    context = page.locator("[data-testid=context]")
    expect(context.locator("strong")).to_have_text("vooral stil")
    expect(context.locator("li")).to_have_count(2)
    obstacles = page.locator("[data-testid=obstacles]")
    expect(obstacles).to_contain_text("Juridisch")
    for text in CASE["obstacle"][1:]:
        expect(obstacles.locator('[data-dimension="juridisch"]')).to_contain_text(text)
    expect(page.locator("[data-testid=lessons] li")).to_have_text(CASE["lessons"])
    assert_accessible(page)
    assert case.author == alice
    assert case.region.slug == "groene-hart", "the case did not get its organisation's region"

    status = submit_and_wait(page, page.locator("[data-testid=submit-form] button[type=submit]"))

    assert status == 200
    expect(case_status(page)).to_have_attribute("data-status", "ingediend")
    expect(page.locator("[data-testid=submit-form]")).to_have_count(0)
    expect(page.locator(".portal-messages")).to_contain_text("Ingediend")
    assert_accessible(page)
    return case.slug


def log_out(page):
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Uitloggen").click()
    expect(page.locator("header").get_by_role("link", name="Inloggen")).to_be_visible()


def publish_publicly(page, log_in, bob, slug):
    """Journey 2: bob finds the submitted case, forgets the checklist, then publishes."""
    log_in(bob.email)
    page.goto(CASE_LIST)
    in_progress = page.locator("[data-testid=in-progress]")
    expect(in_progress).to_be_visible()
    assert_accessible(page)

    in_progress.get_by_role("link", name=CASE["title"]).click()
    expect(page).to_have_url(re.compile(rf"/praktijkvoorbeelden/{slug}/$"))
    expect(case_status(page)).to_have_attribute("data-status", "ingediend")
    assert_accessible(page)

    publish_form = page.locator("[data-testid=publish-form]")
    status = submit_and_wait(page, publish_form.locator("button[type=submit]"))

    assert status == 400, f"publishing without the checklist answered {status}"
    expect(case_status(page)).to_have_attribute("data-status", "ingediend")
    # The problems stand right under the case title, focused, linked to the fields.
    summary = page.locator(ERROR_SUMMARY)
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    for field in ("no_contract_values", "no_running_tender_suppliers", "no_personal_data"):
        expect(summary.locator(f'a[href="#id_{field}"]')).to_have_count(1)
    assert_accessible(page)

    publish_form.locator('input[name="visibility"][value="openbaar"]').check()
    for field in ("no_contract_values", "no_running_tender_suppliers", "no_personal_data"):
        publish_form.locator(f"#id_{field}").check()
    status = submit_and_wait(page, publish_form.locator("button[type=submit]"))

    assert status == 200
    expect(case_status(page)).to_have_attribute("data-status", "gepubliceerd")
    expect(case_status(page)).to_have_attribute("data-visibility", "openbaar")
    expect(page.locator("[data-testid=publish-form]")).to_have_count(0)
    assert_accessible(page)


def find_by_search_and_facet(page, slug, other_cases):
    """Journey 3: an anonymous visitor narrows the list with htmx, in place."""
    page.goto(CASE_LIST)
    for case in (slug, other_cases["unrelated"].slug, other_cases["same_word"].slug):
        expect(case_card(page, case)).to_be_visible()
    # Survives htmx swaps, not a page load: proves the results were updated in place.
    page.evaluate("() => { window.__sameDocument = true; }")

    with page.expect_response(htmx_results(f"q={SEARCH_WORD}")):
        page.locator("#id_q").fill(SEARCH_WORD)
    wait_for_htmx_idle(page)

    results = page.locator("#resultaten")
    expect(case_card(results, slug)).to_have_count(1)
    expect(case_card(results, other_cases["same_word"].slug)).to_have_count(1)
    expect(case_card(results, other_cases["unrelated"].slug)).to_have_count(0)
    expect(page.locator("[data-testid=result-count]")).to_have_text("2 praktijkvoorbeelden")
    expect(page).to_have_url(re.compile(rf"\?(.*&)?q={SEARCH_WORD}(&|$)"))
    assert page.evaluate("() => window.__sameDocument === true"), "the search reloaded the page"
    assert_accessible(page)

    # A click, as a visitor does it: the search box loses focus (a change event) and the
    # box is ticked (another one). Each asks htmx for new results.
    r1 = '[data-facet="r"] input[type=checkbox][value="1"]'
    with page.expect_response(htmx_results(f"q={SEARCH_WORD}")):
        page.locator(r1).click()
    wait_for_htmx_idle(page)

    # The facets are swapped out of band, so this is a new element: still ticked?
    expect(page.locator(r1), "the R1 tick was lost in the htmx update").to_be_checked()
    expect(page, "the R1 facet is not in the address").to_have_url(re.compile(r"[?&]r=1(&|$)"))
    expect(page).to_have_url(re.compile(rf"[?&]q={SEARCH_WORD}(&|$)"))
    expect(case_card(results, slug)).to_have_count(1)
    expect(case_card(results, other_cases["same_word"].slug)).to_have_count(0)
    expect(page.locator("[data-testid=result-count]")).to_have_text("1 praktijkvoorbeeld")
    assert page.evaluate("() => window.__sameDocument === true"), "the facet reloaded the page"
    assert_accessible(page)


def find_by_search_without_javascript(page, slug, other_cases):
    """Journey 3, again with scripts off: the form is a plain GET form. (axe needs scripts.)"""
    page.goto(CASE_LIST)
    page.locator("#id_q").fill(SEARCH_WORD)
    status = submit_and_wait(page, page.get_by_role("button", name="Toon resultaten"))

    assert status == 200
    expect(page).to_have_url(re.compile(rf"/praktijkvoorbeelden/\?(.*&)?q={SEARCH_WORD}(&|$)"))
    expect(page.locator("#id_q")).to_have_value(SEARCH_WORD)
    expect(case_card(page, slug)).to_have_count(1)
    expect(case_card(page, other_cases["unrelated"].slug)).to_have_count(0)


def test_case_from_draft_to_public_search_result(page, new_page, log_in, alice, bob, other_cases):
    factories.give_totp(bob)  # publishing needs two-factor authentication
    story = Story()
    with story.step("1. alice (inkoper) writes a case and submits it"):
        slug = write_and_submit_case(page, log_in, alice)

    with story.step("2. bob (coordinator) publishes it publicly"):
        log_out(page)
        publish_publicly(page, log_in, bob, slug)

    with story.step("3. an anonymous visitor finds it by search and facet (htmx)", stops=False):
        find_by_search_and_facet(new_page(), slug, other_cases)

    with story.step("3b. an anonymous visitor finds it without JavaScript", stops=False):
        find_by_search_without_javascript(new_page(java_script_enabled=False), slug, other_cases)
    story.end()


# --- the knowledge base -------------------------------------------------------------------


def test_knowledge_base_filtered_by_phase(page, knowledge_items):
    page.goto("/kennisbank/")
    items = page.locator("[data-testid=knowledge-item]")
    expect(items).to_have_count(2)
    assert_accessible(page)

    form = page.locator("main form.portal-filters")
    form.get_by_role("checkbox", name="2. Marktconsultatie").check()
    status = submit_and_wait(page, form.get_by_role("button", name="Toon resultaten"))

    assert status == 200
    expect(page).to_have_url(re.compile(r"/kennisbank/\?(.*&)?fase=2(&|$)"))
    expect(items).to_have_count(1)
    expect(items.locator("h3")).to_have_text(knowledge_items["market"].title)
    expect(page.locator("[data-testid=result-count]")).to_have_text("1 kennisitem")
    expect(form.get_by_role("checkbox", name="2. Marktconsultatie")).to_be_checked()
    assert_accessible(page)


# --- keyboard -----------------------------------------------------------------------------


def test_keyboard_reaches_search_and_facets_with_visible_focus(page, other_cases):
    page.goto(CASE_LIST)
    facet_boxes = page.locator("[data-facet] input[type=checkbox]")
    expect(facet_boxes.first).to_be_visible()
    all_boxes = facet_boxes.evaluate_all("boxes => boxes.map(box => box.id)")

    search, _ = tab_until(page, lambda f: f["id"] == "id_q", "the search box (#id_q)")
    assert has_visible_focus_indicator(search), f"no visible focus indicator on {search}"

    first, _ = tab_until(page, lambda f: f["facet"] and f["type"] == "checkbox", "a facet checkbox")
    assert has_visible_focus_indicator(first), f"no visible focus indicator on {first}"
    reached = [first["id"]]
    for _ in range(len(all_boxes)):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_ELEMENT_JS)
        if not focused["facet"]:
            break
        assert has_visible_focus_indicator(focused), f"no visible focus indicator on {focused}"
        reached.append(focused["id"])
    assert reached == all_boxes, f"Tab reached {reached}, the facets hold {all_boxes}"

    # Ticking a box with the space bar updates the results; focus stays on that box.
    box_id = reached[0]
    page.locator(f"#{box_id}").focus()
    with page.expect_response(htmx_results()):
        page.keyboard.press("Space")
    wait_for_htmx_idle(page)
    expect(page.locator(f"#{box_id}")).to_be_checked()
    expect(page.locator(f"#{box_id}")).to_be_focused()
    focused = page.evaluate(FOCUSED_ELEMENT_JS)
    assert has_visible_focus_indicator(focused), f"no visible focus indicator on {focused}"
