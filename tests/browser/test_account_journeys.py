"""Journeys through the account pages: log in, sign up, reset a password, set up 2FA."""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import is_mfa_enabled
from playwright.sync_api import expect

from community.models import User
from tests import factories
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser

ERROR_SUMMARY = "[data-testid=error-summary]"
CONFIRMATION_LINK = re.compile(r"https?://\S+/account/confirm-email/\S+/")


def main_form(page):
    return page.locator("main form.portal-form")


def submit(page):
    with page.expect_navigation():
        main_form(page).locator("button[type=submit]").click()


def assert_described_by_existing_elements(page, field_selector):
    field = page.locator(field_selector)
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = field.get_attribute("aria-describedby")
    assert described_by, f"{field_selector} has no aria-describedby"
    for element_id in described_by.split():
        expect(page.locator(f"[id='{element_id}']")).to_have_count(1)


def test_login_errors_then_success(page, live_server, alice):
    page.goto("/account/login/")
    assert_accessible(page)

    form = main_form(page)
    form.locator("#id_login").fill(alice.email)
    form.locator("#id_password").fill("not-the-password")
    submit(page)

    expect(page).to_have_url(re.compile(r"/account/login/$"))
    expect(page.locator(ERROR_SUMMARY)).to_be_visible()
    assert_accessible(page)

    form.locator("#id_login").fill(alice.email)
    form.locator("#id_password").fill(factories.PASSWORD)
    submit(page)

    expect(page).to_have_url(f"{live_server.url}/")
    membership = page.locator(
        '[data-testid=memberships] tr[data-organisation="gemeente-alfa"][data-role="inkoper"]'
    )
    expect(membership).to_have_count(1)
    expect(membership).to_be_visible()
    assert_accessible(page)


def test_signup_with_errors_then_email_confirmation(page, live_server, mailoutbox, celery_eager):
    page.goto("/account/signup/")
    assert_accessible(page)

    form = main_form(page)
    form.locator("#id_full_name").fill("Erik Evers")
    form.locator("#id_email").fill("erik@epsilon.example")
    form.locator("#id_password1").fill("groene-hart-circulair-2030")
    form.locator("#id_password2").fill("groene-hart-circulair-2031")
    submit(page)

    expect(page).to_have_url(re.compile(r"/account/signup/$"))
    summary = page.locator(ERROR_SUMMARY)
    expect(summary).to_be_visible()
    # The summary links to the field it speaks of.
    expect(summary.locator('a[href="#id_password2"]')).to_have_count(1)
    assert_described_by_existing_elements(page, "#id_password2")
    assert_accessible(page)
    assert not User.objects.filter(email="erik@epsilon.example").exists()

    form.locator("#id_password1").fill("groene-hart-circulair-2030")
    form.locator("#id_password2").fill("groene-hart-circulair-2030")
    submit(page)

    expect(page).to_have_url(re.compile(r"/account/confirm-email/$"))
    expect(page.locator("main h1")).to_have_count(1)
    assert_accessible(page)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["erik@epsilon.example"]
    link = CONFIRMATION_LINK.search(mailoutbox[0].body)
    assert link, f"no confirmation link in the e-mail:\n{mailoutbox[0].body}"

    page.goto(link.group(0))
    assert_accessible(page)
    submit(page)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("main h1")).to_contain_text("Erik")
    expect(page.locator("main .portal-empty-state")).to_be_visible()
    expect(page.locator("[data-testid=memberships]")).to_have_count(0)
    assert_accessible(page)
    assert User.objects.get(email="erik@epsilon.example").emailaddress_set.get().verified


def request_password_reset(page, email):
    page.goto("/account/password/reset/")
    main_form(page).locator("#id_email").fill(email)
    submit(page)
    return page.url, page.locator("main h1").inner_text()


def test_password_reset_does_not_reveal_accounts(page, alice, mailoutbox, celery_eager):
    page.goto("/account/password/reset/")
    assert_accessible(page)

    unknown = request_password_reset(page, "niemand@nergens.example")
    assert unknown[0].endswith("/account/password/reset/done/")
    assert_accessible(page)

    known = request_password_reset(page, alice.email)
    assert known == unknown

    # Both get a mail (an unknown address hears that it has no account), so the page
    # cannot tell them apart; only alice's mail holds a reset link.
    assert [message.to for message in mailoutbox] == [["niemand@nergens.example"], [alice.email]]
    assert "/account/password/reset/key/" in mailoutbox[1].body
    assert "/account/password/reset/key/" not in mailoutbox[0].body


def current_totp_code(secret):
    """The code an authenticator app would show now, not about to expire."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(3)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def test_totp_activation(page, alice, log_in):
    log_in(alice.email)
    page.goto("/account/2fa/totp/activate/")
    if "/account/reauthenticate/" in page.url:
        main_form(page).locator("input[type=password]").fill(factories.PASSWORD)
        submit(page)
    expect(page).to_have_url(re.compile(r"/account/2fa/totp/activate/$"))
    assert_accessible(page)

    secret = page.locator("#authenticator_secret").input_value()
    assert secret
    form = main_form(page)
    form.locator("#id_code").fill(current_totp_code(secret))
    submit(page)

    assert is_mfa_enabled(alice)
    # The first authenticator comes with recovery codes, shown right away.
    expect(page).to_have_url(re.compile(r"/account/2fa/recovery-codes/$"))
    expect(page.locator("#recovery_codes")).to_be_visible()
    assert_accessible(page)

    page.goto("/account/2fa/")
    expect(page.locator('main a[href="/account/2fa/totp/deactivate/"]')).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", "/account/email/", "/account/2fa/"])
def test_signed_in_pages_are_accessible(page, login_as, dora, path):
    login_as(dora)

    response = page.goto(path)

    assert response.status == 200
    expect(page).to_have_url(re.compile(f"{re.escape(path)}$"))
    expect(page.locator("main h1")).to_have_count(1)
    assert_accessible(page)
