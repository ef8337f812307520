"""Adding and removing rows of the case form in a browser (issue 12). With JavaScript,
htmx posts the row buttons and swaps in only that part: what was typed elsewhere stays,
the added row's first field or the removal's message takes the focus, and axe finds no
violation after each swap. Without JavaScript the same buttons are plain form posts: the
page comes back at the part with the row added or removed, as typed."""

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


def _log_in(context, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


@pytest.fixture
def form_page(browser, live_server, alice):
    context = browser.new_context(locale="nl-NL", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def test_an_inkoper_adds_a_lesson_row_and_saves_four_lessons(form_page, live_server, alice, alfa):
    _log_in(form_page.context, live_server, alice)
    page = form_page
    page.goto("/praktijkvoorbeelden/nieuw/")
    form = page.locator("[data-testid=case-form]")
    lessons = form.locator("textarea[name^=les-][name$=-text]")
    expect(lessons).to_have_count(3)
    form.locator("#id_summary").fill("Een samenvatting.")
    for row, lesson in enumerate(LESSONS[:3]):
        form.locator(f"#id_les-{row}-text").fill(lesson)

    form.locator("[data-testid=add-row-les] button").click()

    expect(lessons).to_have_count(4)
    expect(form.locator("#id_les-3-text")).to_be_focused()
    expect(page).to_have_url(re.compile(r"/praktijkvoorbeelden/nieuw/$"))  # no page load
    for row, lesson in enumerate(LESSONS[:3]):
        expect(form.locator(f"#id_les-{row}-text")).to_have_value(lesson)
    expect(form.locator("#id_summary")).to_have_value("Een samenvatting.")
    expect(page.locator("[data-testid=row-added]")).to_be_visible()
    expect(page.locator("[data-testid=error-summary]")).to_have_count(0)
    assert_accessible(page)
    assert not Case.objects.exists()

    # A row typed by mistake goes again; the rows after it move up.
    form.locator("#id_les-3-text").fill("Per ongeluk")
    form.locator("#id_les-2-text").fill(LESSONS[2])
    form.locator("[data-testid=row-les]").nth(1).get_by_role("button").click()

    expect(lessons).to_have_count(3)
    expect(page.locator("[data-testid=row-removed]")).to_be_focused()
    expect(form.locator("#id_les-1-text")).to_have_value(LESSONS[2])
    expect(form.locator("#id_les-2-text")).to_have_value("Per ongeluk")
    assert_accessible(page)

    form.locator("#id_les-1-text").fill(LESSONS[1])
    form.locator("#id_les-2-text").fill(LESSONS[2])
    form.locator("[data-testid=add-row-les] button").click()
    expect(lessons).to_have_count(4)
    form.locator("#id_les-3-text").fill(LESSONS[3])
    form.locator("#id_title").fill("Vier lessen")
    form.get_by_role("checkbox", name="Gemeente Alfa").check()
    with page.expect_navigation():
        form.locator("[data-testid=case-save]").click()

    case = Case.objects.get()
    assert list(case.lessons.values_list("text", flat=True)) == LESSONS


def test_without_javascript_the_row_buttons_are_form_posts(browser, live_server, alice, alfa):
    context = browser.new_context(
        locale="nl-NL", base_url=live_server.url, java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    _log_in(context, live_server, alice)
    page = context.new_page()
    try:
        page.goto("/praktijkvoorbeelden/nieuw/")
        form = page.locator("[data-testid=case-form]")
        lessons = form.locator("textarea[name^=les-][name$=-text]")
        form.locator("#id_les-0-text").fill(LESSONS[0])
        form.locator("#id_les-1-text").fill("Per ongeluk")
        form.locator("#id_les-2-text").fill(LESSONS[1])

        form.locator("[data-testid=row-les]").nth(1).get_by_role("button").click()
        page.wait_for_url(re.compile(r"#rijen-les$"))

        expect(lessons).to_have_count(2)
        expect(form.locator("#id_les-1-text")).to_have_value(LESSONS[1])
        expect(page.locator("[data-testid=row-removed]")).to_be_visible()

        form.locator("[data-testid=add-row-les] button").click()
        expect(lessons).to_have_count(3)
        expect(page.locator("[data-testid=row-added]")).to_be_visible()
        expect(form.locator("#id_les-0-text")).to_have_value(LESSONS[0])
        assert not Case.objects.exists()
    finally:
        context.close()
