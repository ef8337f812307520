"""Right after any writer commits, every page shows the change: the list, search results,
facet counts, the case page and the export, in Dutch and in English.

The writers: the services, the admin (change form with its inlines, delete, the bulk
"delete selected"), the seed loader, and renames of what a case shows (organisation,
region, product category). All changes to a case reach `services.case_changed`, the one
owner of the facet index and the stored articles; names are read live."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from cases import facets, seeding, services
from cases.models import Case
from tests import factories
from tests.cases.factories import CaseFactory, ProductCategoryFactory, SourceFactory
from tests.cases.html import card_slugs, facet_counts, soup
from tests.cases.posts import case_form_data

URL = "/praktijkvoorbeelden/"
LANGUAGES = ["nl", "en"]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a write as if its transaction committed (the on-commit callbacks run)."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


@pytest.fixture
def kasten(r_ladder, alfa, groene_hart):
    return CaseFactory(
        public=True,
        slug="kasten",
        title="Kasten hergebruikt",
        summary="Oude kasten kregen een tweede leven.",
        organisations=[alfa],
        region=groene_hart,
        sector="facilitair",
        product_category=ProductCategoryFactory(name="Meubilair", slug="meubilair"),
        strategies=[3],
    )


@pytest.fixture
def beheerder(staff):
    return factories.give_totp(staff)


def _get(client, url, language, **params):
    # The visitor's own choice (the language cookie): the browser's language is not read.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url, params)


def _export_rows(client, language) -> list[list[str]]:
    response = _get(client, URL + "export.csv", language)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _seen(client, slug, word, language) -> dict:
    """Where the case with this slug shows up, in one language."""
    rows = _export_rows(client, language)
    return {
        "list": slug in card_slugs(_get(client, URL, language)),
        "search": slug in card_slugs(_get(client, URL, language, q=word)),
        "page": _get(client, f"{URL}{slug}/", language).status_code == 200,
        "export": any(row[-1] == f"{URL}{slug}/" for row in rows[1:]),
    }


def _index_is_true() -> bool:
    """The facet index says exactly what the database says, the bitmaps of the search's
    frequent stems included (which stems are kept is chosen when the index is built)."""
    index, fresh = facets.current(), facets.build()
    return index.bits == fresh.bits and all(
        bits == fresh.words.get(stem, bits) for stem, bits in index.words.items()
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_case_published_by_the_service_is_everywhere_at_once(
    client, commit, kasten, alice, alfa, groene_hart, bob, language
):
    assert _get(client, URL, language).status_code == 200  # the index is built now
    draft = CaseFactory(
        submitted=True,
        slug="banken",
        title="Banken gedeeld",
        organisations=[alfa],
        region=groene_hart,
        sector="gww",
        strategies=[9],
    )
    services.case_search_index(case=draft)
    commit(
        services.case_publish,
        actor=bob,
        case=Case.objects.get(pk=draft.pk),  # as the view loads it, with its search text
        visibility="openbaar",
        checklist_confirmed=True,
    )

    assert _seen(client, "banken", "banken", language) == dict.fromkeys(
        ["list", "search", "page", "export"], True
    )
    assert facet_counts(_get(client, URL, language), "r")["9"] == 1
    assert facet_counts(_get(client, URL, language), "sector")["gww"] == 1
    assert _index_is_true()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_edit_by_the_service_is_everywhere_at_once(client, commit, kasten, beheerder, language):
    _get(client, URL, language)
    content = services.CaseContent(
        fields={"title": "Bureaus hergebruikt", "summary": kasten.summary, "sector": "gww"},
        organisations=list(kasten.organisations.all()),
        strategies=[{"r_level": kasten.strategies.get().r_level, "explanation": "Opnieuw."}],
    )
    commit(services.case_update, actor=beheerder, case=kasten, content=content)

    # The address follows the new title (the old one redirects: test_case_slugs.py).
    assert _seen(client, "bureaus-hergebruikt", "bureaus", language)["search"]
    page = soup(_get(client, URL, language))
    title = page.select_one("[data-slug=bureaus-hergebruikt] h3").get_text(strip=True)
    assert title == "Bureaus hergebruikt"
    counts = facet_counts(_get(client, URL, language), "sector")
    assert counts == {"gww": 1}
    detail = soup(_get(client, f"{URL}bureaus-hergebruikt/", language))
    assert detail.select_one("[data-testid=case] h1").get_text() == "Bureaus hergebruikt"
    assert _export_rows(client, language)[1][0] == "Bureaus hergebruikt"
    assert _index_is_true()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_edit_of_a_published_case_by_its_author_is_everywhere_at_once(
    client, django_capture_on_commit_callbacks, kasten, alice, language
):
    """Through the page, as the author of a published case edits it (issue 12)."""
    kasten.author = alice
    kasten.save()
    _get(client, URL, language)
    client.force_login(alice)
    data = case_form_data(
        organisations=[*kasten.organisations.all()],
        strategies=[(3, "Opnieuw gebruikt.")],
        title="Bureaus hergebruikt",
        summary=kasten.summary,
        sector="gww",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}kasten/bewerken/", data)
    assert response.status_code == 302
    client.logout()

    assert _seen(client, "bureaus-hergebruikt", "bureaus", language) == dict.fromkeys(
        ["list", "search", "page", "export"], True
    )
    assert facet_counts(_get(client, URL, language), "sector") == {"gww": 1}
    assert _index_is_true()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_withdrawn_case_is_gone_everywhere_at_once(
    client, django_capture_on_commit_callbacks, kasten, bob, language
):
    _get(client, URL, language)
    assert facet_counts(_get(client, URL, language), "r")["3"] == 1
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}kasten/terugtrekken/", {"reason": "Bedragen erin."})
    assert response.status_code == 302
    client.logout()

    assert _seen(client, "kasten", "kasten", language) == dict.fromkeys(
        ["list", "search", "page", "export"], False
    )
    assert facet_counts(_get(client, URL, language), "r").get("3", 0) == 0
    assert _index_is_true()


def _admin_form_data(client, url) -> dict:
    """The admin change form as a browser would post it back unchanged."""
    form = BeautifulSoup(client.get(url).content, "html.parser").select_one("form#case_form")
    data = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        name = field["name"]
        if field.name == "textarea":
            data[name] = field.get_text()
        elif field.name == "select":
            chosen = [o["value"] for o in field.select("option[selected]")]
            data[name] = chosen if field.has_attr("multiple") else (chosen or [""])[0]
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button", "file"):
            data[name] = field.get("value", "")
    return data


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_admin_edit_with_an_inline_change_is_everywhere_at_once(
    client, commit, kasten, beheerder, language
):
    reader = type(client)()
    _get(reader, URL, language)
    client.force_login(beheerder)
    url = f"/beheer/cases/case/{kasten.pk}/change/"
    data = _admin_form_data(client, url)
    data["title"] = "Stoelen hergebruikt"
    data["strategies-0-r_level"] = "7"  # the inline: R3 becomes R7
    response = commit(client.post, url, data)
    assert response.status_code == 302, response.content[:2000]

    assert _seen(reader, "kasten", "stoelen", language)["search"]
    counts = facet_counts(_get(reader, URL, language), "r")
    assert counts == {"7": 1}
    detail = soup(_get(reader, f"{URL}kasten/", language))
    assert detail.select_one("[data-testid=case] h1").get_text() == "Stoelen hergebruikt"
    assert detail.select_one("[data-testid=strategies] dt")["data-level"] == "7"
    assert _export_rows(reader, language)[1][0] == "Stoelen hergebruikt"
    assert _index_is_true()


def _delete_one(client, case):
    return client.post(f"/beheer/cases/case/{case.pk}/delete/", {"post": "yes"})


def _delete_selected(client, case):
    return client.post(
        "/beheer/cases/case/",
        {"action": "delete_selected", "_selected_action": [case.pk], "post": "yes"},
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("delete", [_delete_one, _delete_selected], ids=["delete", "bulk"])
def test_a_case_deleted_in_the_admin_is_gone_everywhere_at_once(
    client, commit, kasten, beheerder, language, delete
):
    reader = type(client)()
    assert facet_counts(_get(reader, URL, language), "r") == {"3": 1}
    client.force_login(beheerder)
    assert commit(delete, client, kasten).status_code == 302
    assert not Case.objects.filter(pk=kasten.pk).exists()

    assert _seen(reader, "kasten", "kasten", language) == dict.fromkeys(
        ["list", "search", "page", "export"], False
    )
    assert facet_counts(_get(reader, URL, language), "r") == {}
    assert _index_is_true()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_seeded_case_is_everywhere_at_once(client, commit, kasten, language):
    _get(client, URL, language)
    row = {
        "slug": "lampen",
        "title": "Lampen als dienst",
        "summary": "Licht inkopen in plaats van lampen.",
        "region": "groene-hart",
        "sector": "vastgoed",
        "source": "002-inspiratiekit",
        "strategies": [{"r": 1, "explanation": "Licht als dienst."}],
    }
    SourceFactory(key="002-inspiratiekit")
    commit(seeding.load_cases, [row])

    assert _seen(client, "lampen", "lampen", language) == dict.fromkeys(
        ["list", "search", "page", "export"], True
    )
    assert facet_counts(_get(client, URL, language), "r")["1"] == 1
    assert _index_is_true()


# What a case shows of another object, renamed (no change to the case itself).
RENAMED = {
    "organisation": lambda case: case.organisations.get(),
    "region": lambda case: case.region,
    "category": lambda case: case.product_category,
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("what", RENAMED)
def test_a_renamed_name_shows_at_once(client, kasten, language, what):
    _get(client, URL, language)
    _get(client, f"{URL}kasten/", language)  # the article is stored now
    renamed = RENAMED[what](kasten)
    renamed.name = "Hernoemd"
    renamed.save()

    detail = soup(_get(client, f"{URL}kasten/", language))
    assert "Hernoemd" in detail.select_one("[data-testid=case] .portal-facts").get_text()
    rows = _export_rows(client, language)
    assert "Hernoemd" in rows[1]
    listing = soup(_get(client, URL, language))
    if what == "organisation":
        assert "Hernoemd" in listing.select_one("[data-slug=kasten]").get_text()
    else:
        facet = "regio" if what == "region" else "categorie"
        labels = [
            label.get_text(" ", strip=True)
            for label in listing.select(f"[data-facet={facet}] .portal-facet__option label")
        ]
        assert any("Hernoemd" in label for label in labels)
    assert _index_is_true()


def test_an_organisation_changing_type_moves_its_cases_in_the_type_facet(client, kasten, alfa):
    assert facet_counts(client.get(URL), "soort") == {"gemeente": 1}
    alfa.type = "provincie"
    alfa.cbs_code = ""
    alfa.save()
    assert facet_counts(client.get(URL), "soort") == {"provincie": 1}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_export_headers_are_in_the_language_of_the_page(client, kasten, language):
    header = _export_rows(client, language)[0]
    assert header[0] == {"nl": "Titel", "en": "Title"}[language]
    assert header[2] == {"nl": "Organisaties", "en": "Organisations"}[language]


def test_the_year_facet_offers_years_after_2030(client, r_ladder):
    CaseFactory(public=True, slug="toekomst", year=2031)
    CaseFactory(public=True, slug="ver", year=2100)
    assert facet_counts(client.get(URL), "jaar") == {"2031": 1, "2100": 1}
    assert card_slugs(client.get(URL, {"jaar": "2100"})) == ["ver"]


def test_an_index_missed_by_a_writer_is_rebuilt_from_the_database(client, kasten):
    """If the cache was away when a change committed, the next page builds the index
    anew (facets.forget); the hourly task does the same as a safety net."""
    client.get(URL)
    Case.objects.filter(pk=kasten.pk).update(sector="gww")  # behind the owner's back
    facets.forget()
    assert facet_counts(client.get(URL), "sector") == {"gww": 1}
