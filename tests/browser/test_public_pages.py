"""Journeys through the public pages: keyboard use, statements, language switch."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser

MAIN_NAV = 'nav[aria-label="Hoofdmenu"]'
MAX_TABS = 30

# What the keyboard user sees of the focused element: its outline and box-shadow.
FOCUSED_ELEMENT_JS = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        html: el.outerHTML.slice(0, 120),
        inMainNav: el.closest('nav[aria-label="Hoofdmenu"]') !== null,
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth) || 0,
        boxShadow: style.boxShadow,
    };
}"""


def has_visible_focus_indicator(focused: dict) -> bool:
    outline = focused["outlineStyle"] != "none" and focused["outlineWidth"] > 0
    shadow = focused["boxShadow"] not in ("", "none")
    return outline or shadow


def press_tab(page) -> dict:
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED_ELEMENT_JS)
    assert has_visible_focus_indicator(focused), f"no visible focus indicator on {focused}"
    return focused


def choose_language(page, code):
    """Use the header's language form as a user would: pick, then press the button."""
    language_form = page.locator("form.portal-language")
    language_form.locator("select#taalkeuze").select_option(code)
    with page.expect_navigation():
        language_form.locator("button[type=submit]").click()


def test_anonymous_home_is_accessible(page):
    page.goto("/")

    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("main#inhoud")).to_be_visible()
    assert_accessible(page)


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto("/")

    focused = press_tab(page)

    skip_link = page.locator('a.utrecht-skip-link[href="#inhoud"]')
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    assert focused["tag"] == "a"

    page.keyboard.press("Enter")

    page.wait_for_function("document.activeElement.id === 'inhoud'")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"


def test_keyboard_reaches_main_navigation_with_visible_focus(page):
    page.goto("/")

    visited = []
    for _ in range(MAX_TABS):
        focused = press_tab(page)
        visited.append(focused["html"])
        if focused["inMainNav"]:
            break
    else:
        pytest.fail(f"no link in {MAIN_NAV} got keyboard focus; focus went to: {visited}")

    focused_link = page.locator(f"{MAIN_NAV} a:focus")
    expect(focused_link).to_have_count(1)
    expect(focused_link).to_have_attribute("href", "/")


@pytest.mark.parametrize("path", ["/toegankelijkheid/", "/privacy/"])
def test_statement_pages_are_accessible(page, path):
    response = page.goto(path)

    assert response.status == 200
    expect(page.locator("main h1")).to_have_count(1)
    assert_accessible(page)


def test_language_switch_to_english_without_javascript(browser, live_server):
    # The switch is a plain form that must work with scripts off. axe needs scripts,
    # so the English page is checked for accessibility in the next test.
    context = browser.new_context(
        locale="nl-NL", base_url=live_server.url, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto("/")
        expect(page.locator("html")).to_have_attribute("lang", "nl")

        choose_language(page, "en")

        expect(page).to_have_url(f"{live_server.url}/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("select#taalkeuze")).to_have_value("en")
    finally:
        context.close()


def test_english_home_is_accessible(page):
    page.goto("/")
    choose_language(page, "en")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)
