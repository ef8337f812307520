"""The dashboard's commitments and maturity sections in a real browser: dora (bestuurder,
Gemeente Alfa) reads the Groene Hart's commitments and its anonymous maturity chart, and
reaches their tables by keyboard; on her own municipality's dashboard she reads its own
maturity. axe (WCAG 2.1 A/AA) finds no violation on any page visited."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.test_dashboards import focused, has_visible_focus_indicator, tab_until
from tests.reports.conftest import agreements, maturity_world, world  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_bestuurder_reads_commitments_and_maturity(
    page,
    login_as,
    agreements,  # noqa: F811
    maturity_world,  # noqa: F811
    dora,
):
    login_as(dora)
    page.goto("/voortgang/regio/groene-hart/?periode=jaar-2026")
    assert_accessible(page)

    commitments = page.get_by_test_id("commitments")
    expect(commitments.get_by_role("heading", level=2)).to_have_text("Toezeggingen uit afspraken")
    expect(commitments.locator("figure[data-chart=afspraken] svg[role=img]")).to_be_visible()
    drie = commitments.locator("table[data-testid=commitment]").filter(has_text="Toezegging drie")
    expect(drie.locator("tbody tr")).to_have_count(2)

    maturity = page.get_by_test_id("maturity")
    expect(maturity.locator("figure[data-chart=volwassenheid] svg[role=img]")).to_be_visible()
    expect(maturity.get_by_test_id("maturity-hidden")).to_contain_text("Organisatiebrede KPI's")

    # The maturity chart's table is reachable by keyboard, with a visible focus.
    page.locator("#volwassenheid-sectie").scroll_into_view_if_needed()
    page.locator("[data-testid=commitments] table").last.focus()
    region = tab_until(
        page,
        lambda el: el["role"] == "region" and el["labelledby"] == "volwassenheid-tabel",
        "the maturity table",
    )
    assert has_visible_focus_indicator(region), region

    page.goto("/voortgang/organisatie/gemeente-alfa/?periode=jaar-2026")
    assert_accessible(page)
    row = page.get_by_test_id("maturity").locator("[data-aspect=bestuurlijke-rugdekking]")
    expect(row.get_by_test_id("change")).to_have_text("gegroeid")
    assert focused(page)["tag"]
