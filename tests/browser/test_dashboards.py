"""A bestuurder's journey through the dashboards (/voortgang/) in a real browser.

dora (bestuurder, Gemeente Alfa) opens the overview, the Groene Hart dashboard, chooses
a quarter with the period selector, reaches the map by keyboard and follows her own
municipality's link to its dashboard, then reaches a chart's data table by keyboard.
The public home page shows the map to anonymous visitors. axe (WCAG 2.1 A/AA) finds no
violation on any page visited.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.reports.conftest import world  # noqa: F401 (the hand-made data set)

pytestmark = pytest.mark.browser

MAX_TABS = 80

FOCUSED_JS = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        code: el.getAttribute("data-code") || "",
        role: el.getAttribute("role") || "",
        label: el.getAttribute("aria-label") || "",
        labelledby: el.getAttribute("aria-labelledby") || "",
        html: el.outerHTML.slice(0, 120),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth) || 0,
        boxShadow: style.boxShadow,
    };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED_JS)


def has_visible_focus_indicator(element: dict) -> bool:
    outline = element["outlineStyle"] != "none" and element["outlineWidth"] > 0
    return outline or element["boxShadow"] not in ("", "none")


def tab_until(page, predicate, what) -> dict:
    visited = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
        visited.append(element["html"])
    pytest.fail(f"Tab never reached {what}; focus went to: {visited}")


@pytest.fixture
def mapped(world, alfa, beta):  # noqa: F811
    alfa.cbs_code, beta.cbs_code = "GM0484", "GM0513"
    alfa.save()
    beta.save()
    return world


def test_a_bestuurder_reads_the_dashboards_by_keyboard(page, login_as, mapped, dora):
    login_as(dora)
    page.goto("/voortgang/")
    assert_accessible(page)
    page.get_by_test_id("scopes-regio").get_by_role("link", name="Groene Hart").click()
    expect(page).to_have_url(re.compile(r"/voortgang/regio/groene-hart/$"))
    assert_accessible(page)

    form = page.locator("[data-testid=period-form]")
    form.get_by_label("Periode").select_option("kwartaal-2026-2")
    form.get_by_label("Kaart kleurt naar").select_option("afgerond")
    form.get_by_role("button", name="Toon").click()
    expect(page).to_have_url(re.compile(r"periode=kwartaal-2026-2"))
    expect(page.locator("[data-testid=period]")).to_contain_text("1 april 2026")
    assert_accessible(page)

    # From the period form's button the keyboard reaches the map's municipality links.
    form.get_by_role("button", name="Toon").focus()
    link = tab_until(page, lambda e: e["code"] == "GM0484", "Alphen aan den Rijn on the map")
    assert link["tag"] == "a"
    assert link["label"].startswith("Alphen aan den Rijn")
    assert has_visible_focus_indicator(link), link
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/voortgang/organisatie/gemeente-alfa/$"))
    assert_accessible(page)

    # The data table of the first chart is a focusable, named region.
    page.locator("h1").click()
    table = tab_until(
        page, lambda e: e["role"] == "region" and e["labelledby"] == "fasen-tabel", "the table"
    )
    assert has_visible_focus_indicator(table), table
    expect(page.locator("#fasen-tabel")).to_contain_text("Trajecten per fase en status")


def test_the_public_home_page_shows_the_map(page, mapped):
    page.goto("/")
    expect(page.locator("figure[data-map] svg .portal-map__area")).to_have_count(19)
    expect(page.locator("[data-testid=public-figures]")).to_be_visible()
    assert_accessible(page)
