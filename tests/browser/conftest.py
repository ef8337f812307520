"""Browser fixtures: one Debian chromium per test session, a fresh context per test.

Playwright's own browser download is not used: the tests drive /usr/bin/chromium
(install it with scripts/ensure-chromium.sh). Every test gets a new browser context
(no cookies, locale nl-NL) whose base URL is pytest-django's live server, so
`page.goto("/account/login/")` works.
"""

from pathlib import Path

import pytest
from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import sync_playwright

from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context(browser, live_server):
    context = browser.new_context(locale="nl-NL", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    yield page
    page.close()


@pytest.fixture
def login_as(browser_context, live_server):
    """Sign a user in without the login form, by handing the browser a session cookie.

    For journeys that are not about logging in. The session holds no allauth
    authentication record, so pages that demand a recent login will ask for the password.
    """

    def _login(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        browser_context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )
        return user

    return _login


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts logins, sign-ups and resets in the cache: start every test at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def log_in(page):
    """Sign in through the real login form; returns once the browser has left that page."""

    def _log_in(email, password=factories.PASSWORD):
        page.goto("/account/login/")
        form = page.locator("main form.portal-form")
        form.locator("#id_login").fill(email)
        form.locator("#id_password").fill(password)
        form.locator("button[type=submit]").click()
        page.wait_for_url(lambda url: "/account/login/" not in url)
        if "/account/2fa/authenticate/" in page.url:
            # Two-factor authentication: the code the user's authenticator app shows now.
            page.locator("main form input[name=code]").fill(totp_code(email))
            page.locator("main form button[type=submit]").first.click()
            page.wait_for_url(lambda url: "/account/2fa/authenticate/" not in url)

    return _log_in


def totp_code(email: str) -> str:
    """The current code of a user's authenticator (tests.factories.give_totp)."""
    authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    counter = next(iter(yield_hotp_counters_from_time())) + app_settings.TOTP_TOLERANCE
    return format_hotp_value(hotp_value(decrypt(authenticator.data["secret"]), counter))
