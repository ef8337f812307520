"""The rarer allauth texts speak Dutch with *u* (issue 12): allauth's own Dutch catalogue
says *je/jouw*; `locale/nl` overrides every text the portal's account, e-mail, password
and two-factor pages and account mails can show."""

import gettext
import re
from pathlib import Path

import allauth
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import translation

INFORMAL = re.compile(r"\b(je|jou|jouw|jij|jezelf)\b", re.IGNORECASE)
# allauth features the portal does not switch on (settings: no social accounts, passkeys,
# phone numbers, login by code, OAuth devices or usernames): their texts never show.
UNUSED = (
    "Username can not",
    "View your",
    "Enabling passwordless",
    "An account already exists",
    "You cannot disconnect",
    "Sign in with a passkey",
    "You have verified phone",
    "Your phone number",
    "The phone number",
    "%(client_name)s",
    "Enter the code displayed",
    "Please confirm the code shown",
    "You successfully authorized",
    "Authorization for your",
    "Are you sure you want to remove this security key",
    "You are about to create a passkey",
    "An error occurred while attempting",
    "You can sign in to your account using any",
    "You currently have no third-party",
    "A third-party account",
    "You are about to connect",
    "You are about to sign in using",
    "You decided to cancel",
    "You will receive a special code",
    "Your sign-in code",
)


def _allauth_informal() -> list[str]:
    """The msgids that allauth's own Dutch catalogue words with je/jouw."""
    mo = Path(allauth.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    return sorted(
        msgid
        for msgid, text in catalog.items()
        if isinstance(msgid, str) and msgid and INFORMAL.search(text)
    )


def test_every_allauth_text_the_portal_can_show_says_u():
    informal = [m for m in _allauth_informal() if not m.startswith(UNUSED)]
    assert len(informal) > 30, "allauth's catalogue was not read"
    with translation.override("nl"):
        left = {msgid: translation.gettext(msgid) for msgid in informal}
    assert {m: t for m, t in left.items() if INFORMAL.search(t)} == {}


@pytest.mark.parametrize(
    ("persona", "address"),
    [
        ("alice", "/account/reauthenticate/"),
        ("alice", "/account/email/"),
        ("alice", "/account/password/change/"),
        ("alice", "/account/2fa/"),
        ("anonymous", "/account/login/"),
        ("anonymous", "/account/signup/"),
        ("anonymous", "/account/password/reset/"),
        ("anonymous", "/account/password/reset/done/"),
        ("anonymous", "/account/password/reset/key/1-ongeldig/"),
        ("anonymous", "/account/confirm-email/"),
    ],
)
def test_the_account_pages_say_u_in_dutch(db, client, request, persona, address):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = client.get(address, follow=True)
    assert response.status_code == 200
    main = BeautifulSoup(response.content, "html.parser").select_one("main")
    text = " ".join(main.get_text(" ", strip=True).split())
    assert text
    assert INFORMAL.findall(text) == [], text
