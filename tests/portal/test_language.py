"""Dutch first, in one voice (issue 12, language): the portal opens in Dutch whatever the
browser asks, English only by the visitor's choice; Django's and allauth's Dutch texts
follow the portal's conventions (u/uw, Inloggen, Uitloggen, Account aanvragen,
Tweestapsverificatie, QR-code, verificatiemail); selects offer "– Kies –"."""

import gettext
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

# Words the portal does not use in Dutch (README, "Conventions").
AVOIDED = re.compile(
    r"\b(je|jouw|jij|jezelf)\b|aanmeld|afmeld|registre|twee-factor|verificatie e-mail|"
    r"verificatie code|QR code|authenticator app|bevestigings e-mail|themegroep",
    re.IGNORECASE,
)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def _main_text(response) -> str:
    return soup(response).select_one("main").get_text(" ", strip=True)


@pytest.mark.django_db
def test_an_english_browser_gets_dutch(client):
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert soup(response).html["lang"] == "nl"


@pytest.mark.django_db
def test_a_visitor_who_chose_english_gets_english(client):
    client.post("/taal/", {"language": "en", "next": "/"})
    response = client.get("/", headers={"accept-language": "nl"})
    assert soup(response).html["lang"] == "en"


@pytest.mark.parametrize("url", ["/account/login/", "/account/signup/", "/account/password/reset/"])
@pytest.mark.django_db
def test_the_account_pages_speak_with_u_and_use_the_portals_terms(client, url):
    text = _main_text(client.get(url, headers={"accept-language": "en"}))
    assert AVOIDED.findall(text) == []


@pytest.mark.django_db
def test_the_login_page_is_called_inloggen(client):
    page = soup(client.get("/account/login/"))
    assert page.select_one("main h1").get_text(strip=True) == "Inloggen"


def test_the_logout_question_says_uitloggen(client, alice):
    client.force_login(alice)
    text = _main_text(client.get("/account/logout/"))
    assert "uitloggen" in text.lower()
    assert AVOIDED.findall(text) == []


def test_selects_offer_kies_in_dutch(client, alice):
    client.force_login(alice)
    page = soup(client.get("/praktijkvoorbeelden/nieuw/"))
    first = page.select_one("#id_sector option")
    assert first["value"] == ""
    assert first.get_text(strip=True) == "– Kies –"


def test_password_messages_are_dutch():
    with translation.override("nl"), pytest.raises(ValidationError) as error:
        validate_password("12345")
    messages = " ".join(error.value.messages)
    assert "password" not in messages.lower()
    assert "wachtwoord" in messages.lower()


def test_the_dutch_override_catalogue_follows_the_conventions():
    catalogue = Path(settings.BASE_DIR) / "locale/nl/LC_MESSAGES/django.po"
    translations = [
        "".join(re.findall(r'"(.*)"', entry[entry.index("msgstr") :]))
        for entry in catalogue.read_text().split("\n\n")
        if "msgstr" in entry
    ]
    assert len(translations) > 40
    assert AVOIDED.findall(" ".join(translations)) == []
    # The compiled catalogue says what the source says (a checkout's file times say
    # nothing about which was compiled from which).
    with (catalogue.parent / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    for entry in catalogue.read_text().split("\n\n"):
        if "msgid_plural" in entry or 'msgid ""\nmsgstr ""\n"Project' in entry:
            continue
        match = re.search(r'^msgid (".*?)\nmsgstr (".*)', entry, re.S | re.M)
        if match:
            msgid, msgstr = ("".join(re.findall(r'"(.*)"', part)) for part in match.groups())
            decoded = (
                bytes(text, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
                for text in (msgid, msgstr)
            )
            msgid, msgstr = decoded
            assert catalog.get(msgid) == msgstr, msgid
