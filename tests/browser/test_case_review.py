"""Journeys of issue 12 in a real browser.

1. bob (coordinator of the Groene Hart, with two-factor authentication) sees on his
   start page that a case awaits him, opens the review queue, opens the oldest case and
   publishes it.
2. charlie (inkoper in Regio Zwolle) writes to the author of a published case: an empty
   message first (the error summary, focused, linked to the field), then a real one;
   the author gets it by mail, and no address is shown.

axe (WCAG 2.1 A/AA) finds no violation on any page visited.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.test_reflow import _horizontal_overflow as horizontal_overflow
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.browser

QUEUE = "/praktijkvoorbeelden/beoordelen/"
ERROR_SUMMARY = "[data-testid=error-summary]"


def submit_and_wait(page, button):
    with page.expect_navigation() as navigation:
        button.click()
    return navigation.value.status


def test_a_coordinator_opens_the_queue_and_publishes(page, log_in, bob, alice, alfa, groene_hart):
    factories.give_totp(bob)
    older = CaseFactory(
        submitted=True,
        author=alice,
        organisations=[alfa],
        region=groene_hart,
        title="Stoelen opgeknapt",
        slug="stoelen-opgeknapt",
        submitted_at=timezone.now() - timedelta(days=3),
    )
    CaseFactory(
        submitted=True,
        author=alice,
        organisations=[alfa],
        region=groene_hart,
        title="Bureaus gedeeld",
        slug="bureaus-gedeeld",
        submitted_at=timezone.now() - timedelta(days=1),
    )

    log_in(bob.email)
    page.goto("/")
    summary = page.locator("[data-testid=review-summary]")
    expect(summary).to_have_attribute("data-count", "2")
    assert_accessible(page)

    with page.expect_navigation():
        summary.get_by_role("link").click()
    expect(page).to_have_url(re.compile(f"{QUEUE}$"))
    rows = page.locator("[data-testid=review-queue] tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-case", older.slug)
    assert_accessible(page)

    with page.expect_navigation():
        rows.first.get_by_role("link", name="Stoelen opgeknapt").click()
    expect(page.locator("[data-testid=case]")).to_have_attribute("data-status", "ingediend")
    assert_accessible(page)

    form = page.locator("[data-testid=publish-form]")
    for field in ("no_contract_values", "no_running_tender_suppliers", "no_personal_data"):
        form.locator(f"#id_{field}").check()
    assert submit_and_wait(page, form.locator("button[type=submit]")) == 200
    expect(page.locator("[data-testid=case]")).to_have_attribute("data-status", "gepubliceerd")
    assert_accessible(page)

    page.goto(QUEUE)
    expect(page.locator("[data-testid=review-queue] tbody tr")).to_have_count(1)
    assert_accessible(page)
    older.refresh_from_db()
    assert older.status == Case.Status.GEPUBLICEERD


def test_a_member_contacts_the_author(
    page, login_as, charlie, alice, alfa, groene_hart, mailoutbox, celery_eager
):
    case = CaseFactory(
        published=True,
        author=alice,
        organisations=[alfa],
        region=groene_hart,
        title="Stoelen opgeknapt",
        slug="stoelen-opgeknapt",
    )
    login_as(charlie)
    page.goto(case.get_absolute_url())
    form = page.locator("[data-testid=contact-form]")
    expect(form).to_be_visible()
    assert alice.email not in page.content()
    assert_accessible(page)

    assert submit_and_wait(page, form.locator("button[type=submit]")) == 400
    summary = page.locator(ERROR_SUMMARY)
    expect(summary).to_be_focused()
    expect(summary.locator('a[href="#id_message"]')).to_have_count(1)
    assert_accessible(page)

    form = page.locator("[data-testid=contact-form]")
    form.get_by_label("Uw bericht").fill("Mag ik het bestek van de stoelen inzien?")
    assert submit_and_wait(page, form.locator("button[type=submit]")) == 200
    expect(page.locator("[data-testid=case]")).to_be_visible()
    assert alice.email not in page.content()
    assert_accessible(page)

    (message,) = mailoutbox
    assert message.to == [alice.email]
    assert message.reply_to == [charlie.email]


@pytest.mark.parametrize("width", [320, 390])
def test_the_new_parts_reflow_on_a_phone(page, login_as, bob, alice, alfa, groene_hart, width):
    """The queue, and a published case with the withdraw and contact forms, at phone
    width: nothing scrolls sideways (WCAG 1.4.10), axe finds nothing."""
    long_word = "Kantoormeubilairhergebruiksovereenkomstenonderzoeksrapportage"
    CaseFactory(
        submitted=True,
        author=alice,
        organisations=[alfa],
        region=groene_hart,
        title=f"Stoelen {long_word}",
    )
    published = CaseFactory(
        published=True,
        author=alice,
        organisations=[alfa],
        region=groene_hart,
        title=f"Bureaus {long_word}",
    )
    page.set_viewport_size({"width": width, "height": 800})
    login_as(bob)
    for url in (QUEUE, published.get_absolute_url()):
        page.goto(url)
        overflow = horizontal_overflow(page)
        assert overflow["scrollWidth"] <= overflow["innerWidth"], (url, overflow)
        assert_accessible(page)
    expect(page.locator("[data-testid=withdraw-form]")).to_be_visible()
    expect(page.locator("[data-testid=contact-form]")).to_be_visible()
