"""Onboarding in a real browser (issue 10): a visitor signs up choosing their
organisation, confirms their e-mail address and waits, seeing public content only; bob,
coordinator of the Groene Hart, approves the request in his queue; the person then
opens a case shared with the community. axe (WCAG 2.1 A/AA) finds no violation on any
page visited."""

import re

import pytest
from playwright.sync_api import expect

from community.models import Membership, MembershipRequest, User
from tests.browser.axe import assert_accessible
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.browser

CONFIRMATION_LINK = re.compile(r"/account/confirm-email/\S+/")
NEW_EMAIL = "nina@alfa.example"
PASSWORD = "groene-hart-circulair-2030"


def submit(page, form, button="button[type=submit]"):
    with page.expect_navigation():
        form.locator(button).first.click()


def test_a_visitor_signs_up_for_an_organisation_and_a_coordinator_approves(
    page, browser_context, login_as, log_in, alfa, alice, bob, mailoutbox, celery_eager
):
    shared = CaseFactory(
        published=True,
        organisations=[alfa],
        region=alfa.region,
        author=alice,
        title="Hergebruikt meubilair",
    )

    page.goto("/account/signup/")
    assert_accessible(page)
    form = page.locator("main form.portal-form")
    form.locator("#id_full_name").fill("Nina Nieuw")
    form.locator("#id_email").fill(NEW_EMAIL)
    form.locator("#id_password1").fill(PASSWORD)
    form.locator("#id_password2").fill(PASSWORD)
    form.locator("#id_organisation").select_option(label="Gemeente Alfa")
    form.locator("input[name=role][value=inkoper]").check()
    submit(page, form)
    expect(page).to_have_url(re.compile(r"/account/confirm-email/$"))

    nina = User.objects.get(email=NEW_EMAIL)
    assert MembershipRequest.objects.get(user=nina).organisation == alfa
    (verification,) = mailoutbox
    page.goto(CONFIRMATION_LINK.search(verification.body)[0])
    submit(page, page.locator("main form"))

    # Signed in, waiting: the start page says so, the shared case is not there for her.
    expect(page.locator("[data-testid=awaiting-approval]")).to_be_visible()
    assert_accessible(page)
    assert [message.to for message in mailoutbox[1:]] == [[bob.email]]
    assert page.goto(shared.get_absolute_url()).status == 404
    page.goto("/account/organisatie/")
    expect(page.locator("[data-testid=own-request][data-status=open]")).to_have_count(1)
    assert_accessible(page)

    # Bob, in his own browser, approves in the queue.
    browser_context.clear_cookies()
    login_as(bob)
    page.goto("/")
    page.locator("[data-testid=queue-count] a").click()
    expect(page).to_have_url(re.compile(r"/organisaties/aanvragen/$"))
    item = page.locator(f"[data-testid=membership-request][data-email='{NEW_EMAIL}']")
    expect(item).to_have_attribute("data-verified", "true")
    assert_accessible(page)
    submit(page, item.locator("form"), "button[value=afwijzen]")  # no reason: refused
    expect(page.locator("[data-testid=error-summary]")).to_be_visible()
    assert_accessible(page)
    item = page.locator(f"[data-testid=membership-request][data-email='{NEW_EMAIL}']")
    submit(page, item.locator("form"), "button[value=goedkeuren]")
    expect(page.locator("[data-testid=membership-request]")).to_have_count(0)
    assert_accessible(page)
    assert Membership.objects.active().get(user=nina).organisation == alfa
    assert mailoutbox[-1].to == [NEW_EMAIL]

    # Nina signs in again and opens the shared case.
    browser_context.clear_cookies()
    log_in(NEW_EMAIL, PASSWORD)
    membership = page.locator(
        '[data-testid=memberships] tr[data-organisation="gemeente-alfa"][data-role="inkoper"]'
    )
    expect(membership).to_have_count(1)
    response = page.goto(shared.get_absolute_url())
    assert response.status == 200
    expect(page.locator("main h1")).to_have_text("Hergebruikt meubilair")
    assert_accessible(page)
