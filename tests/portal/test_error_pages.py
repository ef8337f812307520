"""Error pages in the site's layout (issue 12, bug 8): a GET on an action URL gets a Dutch
405 page that keeps the Allow header; an error summary counts the problems it lists."""

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.template.loader import render_to_string

from tests.cases.factories import CaseFactory


def soup(content):
    return BeautifulSoup(content, "html.parser")


@pytest.fixture
def draft(alice, alfa, groene_hart):
    return CaseFactory(author=alice, organisations=[alfa], region=groene_hart, title="Stoelen")


@pytest.mark.parametrize("action", ["indienen", "publiceren", "terugsturen", "markeren/nuttig"])
def test_a_get_on_an_action_gets_a_page_in_the_site_layout(client, alice, draft, action):
    client.force_login(alice)

    response = client.get(f"/praktijkvoorbeelden/{draft.slug}/{action}/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response["Content-Type"].startswith("text/html")
    page = soup(response.content)
    assert page.html["lang"] == "nl"
    assert page.select_one("main h1") is not None
    assert page.select_one("header") is not None  # the site's own layout
    assert page.select_one("main a[href='/']") is not None


def test_the_405_page_is_english_for_a_visitor_who_chose_english(client, alice, draft):
    client.force_login(alice)
    client.cookies["django_language"] = "en"

    response = client.get(f"/praktijkvoorbeelden/{draft.slug}/indienen/")

    assert response.status_code == 405
    assert soup(response.content).html["lang"] == "en"


def test_other_methods_keep_their_allow_header(client, db):
    response = client.post("/praktijkvoorbeelden/export.csv")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert soup(response.content).select_one("main h1") is not None


def test_a_page_with_content_of_its_own_is_left_alone(client, alice, draft):
    # A 200 answer keeps its own page (the middleware only fills Django's empty 405).
    client.force_login(alice)
    response = client.get(f"/praktijkvoorbeelden/{draft.slug}/")
    assert response.status_code == 200
    assert soup(response.content).select_one("[data-testid=case]") is not None


class _Form(forms.Form):
    password = forms.CharField(label="Wachtwoord")
    name = forms.CharField(label="Naam")


@pytest.mark.parametrize(("messages", "count"), [(1, 1), (3, 3)])
def test_the_error_summary_counts_the_messages_it_lists(db, messages, count):
    form = _Form(data={"password": "x", "name": "y"})
    form.is_valid()
    for n in range(messages):
        form.add_error("password", f"Fout {n}")

    page = soup(render_to_string("components/_error_summary.html", {"form": form}))

    heading = page.select_one("#foutoverzicht-titel").get_text()
    assert len(page.select("li")) == count
    assert f" {count} " in heading
    assert ("probleem " in heading) == (count == 1)
