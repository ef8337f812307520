"""Reflow (WCAG 1.4.10, issue 12 bug 2): at 320 and 390 px wide no page scrolls sideways:
wide tables scroll inside a labelled, focusable region, long words break. axe finds no
violation at these widths either. Every main page is walked at 320 px in Dutch and in
English (English words are longer, and English pages name reference data in English)."""

import pytest
from django.conf import settings

from cases import services as case_services
from community.models import ThemegroupMembership
from tests import factories
from tests.browser.axe import assert_accessible
from tests.cases.factories import CaseFactory, KnowledgeItemFactory, SourceFactory
from tests.procurement.factories import TrajectoryFactory, load_guidance

pytestmark = pytest.mark.browser

LONG_WORD = "Kantoormeubilairhergebruiksovereenkomstenonderzoeksrapportage"
# (width, language): every page at 320 px in both languages, and at 390 px in Dutch.
WALKS = [(320, "nl"), (320, "en"), (390, "nl")]


@pytest.fixture
def pages(db, alice, dora, alfa, groene_hart, gww):
    """The main pages of the portal, with long words and a change history (a table):
    (persona or None for anonymous, address) by name."""
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
    KnowledgeItemFactory(
        slug="kennis",
        title=f"Kennis over {LONG_WORD}",
        text=f"Een lange tekst met {LONG_WORD}.",
        source=SourceFactory(key="bron", title=f"Rapport {LONG_WORD}"),
        r_levels=[0],
    )
    factories.ThemegroupMembershipFactory(
        themegroup=gww, user=alice, role=ThemegroupMembership.Role.COORDINATOR
    )
    meeting = factories.MeetingFactory(themegroup=gww, title=f"Bijeenkomst {LONG_WORD}")
    group = gww.get_absolute_url()
    return {
        "public home page": (None, "/"),
        "public case list": (None, "/praktijkvoorbeelden/"),
        "login": (None, "/account/login/"),
        "sign-up": (None, "/account/signup/"),
        "start page": (alice, "/"),
        "case list": (alice, "/praktijkvoorbeelden/"),
        "case page": (alice, case.get_absolute_url()),
        "case form": (alice, "/praktijkvoorbeelden/nieuw/"),
        "knowledge base": (alice, "/kennisbank/"),
        "knowledge item": (alice, "/kennisbank/kennis/"),
        "knowledge source": (alice, "/kennisbank/bronnen/bron/"),
        "trajectory list": (alice, "/trajecten/"),
        "trajectory page": (alice, trajectory.get_absolute_url()),
        "trajectory form": (alice, "/trajecten/nieuw/"),
        "themegroup list": (alice, "/themagroepen/"),
        "themegroup page": (alice, group),
        "themegroup members": (alice, f"{group}leden/"),
        "meeting list": (alice, f"{group}bijeenkomsten/"),
        "meeting page": (alice, meeting.get_absolute_url()),
        "organisation list": (alice, "/organisaties/"),
        "organisation page": (alice, alfa.get_absolute_url()),
        "maturity": (alice, f"{alfa.get_absolute_url()}volwassenheid/"),
        "agreements": (alice, "/afspraken/"),
        "dashboards": (alice, "/voortgang/"),
        "organisation dashboard": (alice, f"/voortgang/organisatie/{alfa.slug}/"),
        "region dashboard": (dora, f"/voortgang/regio/{groene_hart.slug}/"),
        "reports": (dora, "/rapportages/"),
        "e-mail addresses": (alice, "/account/email/"),
        "password": (alice, "/account/password/change/"),
        "two-factor authentication": (alice, "/account/2fa/"),
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


@pytest.mark.parametrize(("width", "language"), WALKS)
def test_no_page_scrolls_sideways(
    page, browser_context, live_server, login_as, pages, width, language
):
    page.set_viewport_size({"width": width, "height": 800})
    browser_context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    signed_in = None
    problems = {}  # every page's problem, not only the first one's
    for name, (persona, url) in pages.items():
        if persona != signed_in:
            if persona is None:
                browser_context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
            else:
                login_as(persona)
            signed_in = persona
        response = page.goto(url)
        assert response.status == 200, (name, url, response.status)
        assert page.locator("html").get_attribute("lang") == language, name
        overflow = _horizontal_overflow(page)
        if overflow["scrollWidth"] > width:
            problems[name] = overflow
        try:
            assert_accessible(page)
        except AssertionError as violations:
            problems[f"{name} (axe)"] = str(violations)
    assert problems == {}


def test_a_wide_table_scrolls_in_a_labelled_focusable_region(page, login_as, alice, pages):
    page.set_viewport_size({"width": 320, "height": 800})
    login_as(alice)
    page.goto(pages["case page"][1])
    region = page.locator(".portal-table-wrapper").first
    assert region.get_attribute("tabindex") == "0"
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("aria-labelledby") or region.get_attribute("aria-label")
