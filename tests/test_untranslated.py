"""No page shows a message left untranslated, in Dutch or in English (issue 12).

Representative pages of every app are rendered for anonymous visitors and for alice,
bob, dora and a beheerder, once in Dutch and once in English (the language cookie), plus
forms sent back with errors. A page fails when

- in English, a piece of its text (an element's whole text, or a label, title or
  placeholder) is the Dutch msgid of a catalogue entry whose English differs: a Dutch
  source string that was not translated;
- in Dutch, a piece of its text is the English msgid of a framework catalogue entry
  (Django, allauth, …) whose Dutch differs, or one of the English framework messages
  users met ("Select an option", "This field is required", "This password …").

Whole pieces of text are compared, not substrings, so Dutch content on an English page
(seeded case texts are Dutch only) does not count, while a label, button, heading,
option or error message does.
"""

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import timezone
from django.utils.translation import trans_real

from tests import factories
from tests.cases.factories import CaseFactory, KnowledgeItemFactory, SourceFactory
from tests.procurement.factories import TrajectoryFactory, load_guidance

ENGLISH_FRAMEWORK = ("Select an option", "This field is required", "This password")
PLACEHOLDER = re.compile(r"%(\([^)]*\))?[sdif]|\{[^}]*\}")
ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
# Words that are the same message in both languages or a name shown as itself.
SAME_IN_BOTH = {
    "nl": {
        "English",  # the language switch names each language in that language
        "Nederlands",
        "ICT",
        "GWW",
        "KPI",
        "CSV",
        "Excel",
        "E-mail",
    },
    "en": {"Nederlands", "English"},
}


def _messages(language: str) -> dict[str, str]:
    """Every singular msgid of the active catalogues whose translation differs."""
    catalog = trans_real.translation(language)._catalog
    messages = {}
    for key in catalog.keys():  # noqa: SIM118 (a TranslationCatalog is not iterable)
        if not isinstance(key, str) or not key.strip():
            continue
        msgid = key.split("\x04")[-1]
        translated = catalog.get(key)
        if (
            translated
            and translated != msgid
            and not PLACEHOLDER.search(msgid)
            and "<" not in msgid
            and msgid not in SAME_IN_BOTH[language]
        ):
            messages[" ".join(msgid.split())] = translated
    return messages


def _pieces(html: bytes) -> set[str]:
    page = BeautifulSoup(html, "html.parser")
    for hidden in page(["script", "style", "template"]):
        hidden.decompose()
    pieces = set()
    for element in page.find_all(True):
        text = " ".join(element.get_text(" ", strip=True).split())
        if text and len(text) < 300:
            pieces.add(text)
        for attribute in ATTRIBUTES:
            if value := element.get(attribute):
                pieces.add(" ".join(str(value).split()))
    for string in page.find_all(string=True):
        if text := " ".join(string.split()):
            pieces.add(text)
    # A label with a marker ("Naam (verplicht)", "Naam *") still shows the bare message.
    pieces |= {re.sub(r"\s*(\*|:)$", "", piece) for piece in pieces}
    return pieces


@pytest.fixture
def world(alice, bob_mfa, dora, staff_mfa, gww, alfa, groene_hart):
    load_guidance()
    case = CaseFactory(
        public=True, organisations=[alfa], strategies=[0, 1], region=groene_hart, tags=["zorg"]
    )
    trajectory = TrajectoryFactory(organisation=alfa)
    factories.ThemegroupMembershipFactory(themegroup=gww, user=alice)
    factories.ThemegroupMembershipFactory(themegroup=gww, user=bob_mfa, role="coordinator")
    meeting = factories.MeetingFactory(themegroup=gww, starts_at=timezone.now() + timedelta(days=3))
    KnowledgeItemFactory(slug="kennis", source=SourceFactory(key="bron"), r_levels=[0])
    return {"case": case, "trajectory": trajectory, "meeting": meeting, "gww": gww, "alfa": alfa}


def _pages(world):
    case, trajectory, meeting = world["case"], world["trajectory"], world["meeting"]
    themegroup = "/themagroepen/groene-hart/gww/"
    organisation = f"/organisaties/{world['alfa'].slug}/"
    common = [
        "/",
        "/praktijkvoorbeelden/",
        case.get_absolute_url(),
        "/kennisbank/",
        "/kennisbank/kennis/",
        "/kennisbank/bronnen/bron/",
    ]
    return {
        "anonymous": [
            *common,
            "/toegankelijkheid/",
            "/privacy/",
            "/beveiliging/",
            "/account/login/",
            "/account/signup/",
            "/account/password/reset/",
        ],
        "alice": [
            *common,
            "/praktijkvoorbeelden/nieuw/",
            "/praktijkvoorbeelden/bewaard/",
            "/trajecten/",
            "/trajecten/nieuw/",
            f"/trajecten/{trajectory.pk}/",
            f"/trajecten/{trajectory.pk}/bewerken/",
            "/themagroepen/",
            themegroup,
            f"{themegroup}bijeenkomsten/",
            f"{themegroup}bijeenkomsten/{meeting.pk}/",
            "/themagroepen/samenvatting/",
            "/organisaties/",
            organisation,
            "/afspraken/",
            "/voortgang/",
            "/account/email/",
            "/account/password/change/",
            "/account/2fa/",
        ],
        "bob_mfa": [
            "/",
            themegroup,
            f"{themegroup}leden/",
            f"{themegroup}bijeenkomsten/nieuw/",
            "/afspraken/nieuw/",
        ],
        "dora": ["/", f"{organisation}volwassenheid/", "/voortgang/"],
        "staff_mfa": ["/beheer/", "/beheer/community/organisation/", "/beheer/cases/case/add/"],
    }


# Forms sent back with errors: (persona, address, data).
INVALID_POSTS = [
    ("anonymous", "/account/login/", {"login": "", "password": ""}),
    (
        "anonymous",
        "/account/signup/",
        {"email": "nieuw@example.org", "password1": "kort", "password2": "kort"},
    ),
    ("alice", "/praktijkvoorbeelden/nieuw/", {"title": ""}),
    ("alice", "/trajecten/nieuw/", {"title": ""}),
]


def _client(client, request, persona, language):
    client.logout()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _untranslated(pieces: set[str], language: str, messages: dict[str, str]) -> set[str]:
    found = {piece for piece in pieces if piece in messages}
    if language == "nl":
        found |= {piece for piece in pieces for phrase in ENGLISH_FRAMEWORK if phrase in piece}
    return found


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_page_shows_an_untranslated_message(client, request, world, language):
    messages = _messages(language)
    assert len(messages) > 500, "the catalogue was not read"
    found, statuses = {}, {}
    requests = [
        (persona, "GET", address, None)
        for persona, addresses in _pages(world).items()
        for address in addresses
    ] + [(persona, "POST", address, data) for persona, address, data in INVALID_POSTS]
    for persona, method, address, data in requests:
        browser = _client(client, request, persona, language)
        response = browser.get(address) if method == "GET" else browser.post(address, data)
        where = f"{persona} {method} {address}"
        # A form sent back with errors answers 400 (house style; allauth: 200).
        if response.status_code not in ({200} if method == "GET" else {200, 400}) or (
            response["Content-Language"] != language
        ):
            statuses[where] = (response.status_code, response.get("Content-Language"))
        elif hits := _untranslated(_pieces(response.content), language, messages):
            found[where] = sorted(hits)
    assert len(requests) > 40
    assert statuses == {}
    assert found == {}, "\n".join(f"{where}: {hits}" for where, hits in found.items())


@pytest.mark.parametrize(
    ("language", "html", "caught"),
    [
        ("en", "<label>Samenvatting</label><p>Een lange Nederlandse inhoud.</p>", True),
        ("en", "<p>Summary</p>", False),
        ("nl", "<select><option>- Select an option -</option></select>", True),
        ("nl", "<ul class=errorlist><li>This field is required.</li></ul>", True),
        ("nl", "<label>Samenvatting</label>", False),
    ],
)
def test_the_check_catches_a_message_left_in_the_other_language(db, language, html, caught):
    """The check can fail: a Dutch label on an English page, English framework errors on
    a Dutch one."""
    messages = _messages(language)
    assert bool(_untranslated(_pieces(html.encode()), language, messages)) is caught
