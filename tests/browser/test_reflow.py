"""Reflow (WCAG 1.4.10, issue 12 bug 2): at 320 and 390 px wide no page scrolls sideways:
wide tables scroll inside a labelled, focusable region, long words break. axe finds no
violation at these widths either."""

import pytest

from cases import services as case_services
from tests.browser.axe import assert_accessible
from tests.cases.factories import CaseFactory
from tests.procurement.factories import TrajectoryFactory, load_guidance

pytestmark = pytest.mark.browser

LONG_WORD = "Kantoormeubilairhergebruiksovereenkomstenonderzoeksrapportage"
WIDTHS = [320, 390]


@pytest.fixture
def pages(db, alice, alfa, groene_hart):
    """The pages of the issue, with long words and a change history (a table)."""
    load_guidance()
    CaseFactory.create_batch(3, public=True, title=f"{LONG_WORD} in de regio")
    case = CaseFactory(
        author=alice,
        organisations=[alfa],
        region=groene_hart,
        title=f"Stoelen {LONG_WORD}",
        summary=f"Een samenvatting met {LONG_WORD} en https://example.org/{LONG_WORD}/{LONG_WORD}.",
        strategies=[(3, f"Hergebruikt: {LONG_WORD}")],
        obstacles=[("juridisch", LONG_WORD, LONG_WORD)],
        lessons=[LONG_WORD],
    )
    case_services.case_update(
        actor=alice,
        case=case,
        content=case_services.CaseContent(
            fields={"title": f"Stoelen {LONG_WORD}", "summary": "Korter."}, organisations=[alfa]
        ),
    )
    trajectory = TrajectoryFactory(organisation=alfa, title=f"Traject {LONG_WORD}")
    case.refresh_from_db()
    return {
        "case list": "/praktijkvoorbeelden/",
        "case page": case.get_absolute_url(),
        "start page": "/",
        "trajectory list": "/trajecten/",
        "trajectory page": trajectory.get_absolute_url(),
    }


def _horizontal_overflow(page) -> dict:
    return page.evaluate(
        """() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
            // The innermost elements that stick out (where to look when this fails).
            wide: [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                    && !e.closest('.portal-table-wrapper')
                    && ![...e.children].some(
                        c => c.getBoundingClientRect().right > window.innerWidth + 1))
                .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
                .slice(0, 6)
                .map(e => e.tagName + '.' + e.className + ' ' + Math.round(
                    e.getBoundingClientRect().right)),
        })"""
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(page, login_as, alice, pages, width):
    page.set_viewport_size({"width": width, "height": 800})
    login_as(alice)
    for name, url in pages.items():
        page.goto(url)
        overflow = _horizontal_overflow(page)
        assert overflow["scrollWidth"] <= overflow["innerWidth"], (name, overflow)
        assert_accessible(page)


def test_a_wide_table_scrolls_in_a_labelled_focusable_region(page, login_as, alice, pages):
    page.set_viewport_size({"width": 320, "height": 800})
    login_as(alice)
    page.goto(pages["case page"])
    region = page.locator(".portal-table-wrapper").first
    assert region.get_attribute("tabindex") == "0"
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("aria-labelledby") or region.get_attribute("aria-label")
