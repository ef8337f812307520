"""Adding rows to the case form in a browser (issue 12): the form comes back at the part
with one more row and what was typed, and saving keeps every row. axe finds no violation
on the way. Without JavaScript the button is the same plain form post, tested with the
test client in tests/cases/test_views_add_row.py: in a Playwright context with JavaScript
off, `expect_navigation` after the click never returned (its wait for the load event
relies on script in the page)."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from cases.models import Case
from tests.browser.axe import assert_accessible
from tests.browser.conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

LESSONS = ["Begin klein", "Meet wat u bespaart", "Deel het", "Vraag de markt"]


@pytest.fixture
def form_page(browser, live_server, alice):
    context = browser.new_context(locale="nl-NL", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def test_an_inkoper_adds_a_lesson_row_and_saves_four_lessons(form_page, live_server, alice, alfa):
    client = Client()
    client.force_login(alice)
    form_page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = form_page
    page.goto("/praktijkvoorbeelden/nieuw/")
    form = page.locator("[data-testid=case-form]")
    lessons = form.locator("textarea[name^=les-][name$=-text]")
    expect(lessons).to_have_count(3)
    form.locator("#id_summary").fill("Een samenvatting.")
    for row, lesson in enumerate(LESSONS[:3]):
        form.locator(f"#id_les-{row}-text").fill(lesson)

    with page.expect_navigation():
        form.locator("[data-testid=add-row-les] button").click()

    expect(page).to_have_url(re.compile(r"/praktijkvoorbeelden/nieuw/#rijen-les$"))
    expect(lessons).to_have_count(4)
    for row, lesson in enumerate(LESSONS[:3]):
        expect(form.locator(f"#id_les-{row}-text")).to_have_value(lesson)
    expect(form.locator("#id_summary")).to_have_value("Een samenvatting.")
    expect(page.locator("[data-testid=row-added]")).to_be_visible()
    expect(page.locator("[data-testid=error-summary]")).to_have_count(0)
    assert_accessible(page)
    assert not Case.objects.exists()

    form.locator("#id_les-3-text").fill(LESSONS[3])
    form.locator("#id_title").fill("Vier lessen")
    form.get_by_role("checkbox", name="Gemeente Alfa").check()
    with page.expect_navigation():
        form.locator("[data-testid=case-save]").click()

    case = Case.objects.get()
    assert list(case.lessons.values_list("text", flat=True)) == LESSONS
