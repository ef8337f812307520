"""Length limits and bad values (issue 12, bug 7): every limit is shown with its field and
enforced with a message, never by cutting; a value the list or the export cannot use is
named, the same way on both (400 with a Dutch message)."""

import pytest

from cases.models import SUMMARY_MAX, Case, Tag
from tests.cases.factories import CaseFactory
from tests.cases.html import card_slugs, error_links, soup
from tests.cases.posts import case_form_data

CREATE = "/praktijkvoorbeelden/nieuw/"
LIST = "/praktijkvoorbeelden/"


@pytest.fixture
def writer(client, alice):
    client.force_login(alice)
    return alice


def test_the_summary_shows_its_limit_and_the_browser_gets_it(client, writer):
    page = soup(client.get(CREATE))
    summary = page.select_one("#id_summary")

    assert summary["maxlength"] == str(SUMMARY_MAX)
    described = page.select_one(f"#{summary['aria-describedby'].split()[0]}")
    assert "1.000" in described.get_text()


def test_every_text_field_of_the_case_form_shows_a_limit(client, writer):
    page = soup(client.get(CREATE))
    boxes = page.select("form textarea, form input[type=text]")

    assert boxes
    for box in boxes:
        assert box.has_attr("maxlength"), box["name"]
        assert box.has_attr("aria-describedby"), box["name"]


def test_a_summary_over_the_limit_is_refused_with_a_message(client, writer, alfa):
    data = case_form_data(organisations=[alfa], summary="x" * (SUMMARY_MAX + 1))

    response = client.post(CREATE, data)

    assert response.status_code == 400
    assert "id_summary" in error_links(soup(response))
    assert not Case.objects.exists()


def test_a_summary_of_exactly_the_limit_is_accepted(client, writer, alfa):
    data = case_form_data(organisations=[alfa], summary="x" * SUMMARY_MAX)
    assert client.post(CREATE, data).status_code == 302


def test_a_too_long_keyword_is_refused_not_cut(client, writer, alfa):
    long_tag = "hergebruik" * 30  # 300 characters
    data = case_form_data(organisations=[alfa], tag_names=f"meubilair, {long_tag}")

    response = client.post(CREATE, data)

    assert response.status_code == 400
    page = soup(response)
    assert "id_tag_names" in error_links(page)
    assert page.select_one("#id_tag_names")["value"] == f"meubilair, {long_tag}"  # kept
    assert not Tag.objects.exists()
    assert not Case.objects.exists()


@pytest.fixture
def library(db):
    CaseFactory(public=True, title="Stoelen", slug="stoelen", year=2021)
    CaseFactory(public=True, title="Kasten", slug="kasten", year=2022)


def test_a_too_long_search_is_named_on_the_page(client, library):
    response = client.get(LIST, {"q": "stoel " * 1000})

    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("[data-testid=error-summary]") is not None
    assert len(page.select("[data-testid=refused-values] li")) == 1
    assert sorted(card_slugs(response)) == ["kasten", "stoelen"]  # the search left out


@pytest.mark.parametrize("params", [{"jaar": "abc"}, {"jaar": ["2021", "abc"]}, {"r": "99"}])
def test_a_bad_filter_value_is_named_on_the_list_and_the_rest_applies(client, library, params):
    response = client.get(LIST, params)

    assert response.status_code == 400
    page = soup(response)
    assert len(page.select("[data-testid=refused-values] li")) == 1
    link = page.select_one("[data-testid=list-without]")["href"]
    assert "abc" not in link
    assert "99" not in link
    assert client.get(link).status_code == 200


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_names_the_same_bad_value_and_offers_the_file_without(
    client, library, file_format
):
    response = client.get(f"/praktijkvoorbeelden/export.{file_format}", {"jaar": "abc"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = soup(response)
    assert page.html["lang"] == "nl"
    assert len(page.select("[data-testid=refused-values] li")) == 1
    without = client.get(page.select_one("[data-testid=export-without]")["href"])
    assert without.status_code == 200
    assert without["Content-Disposition"].startswith("attachment;")


def test_list_and_export_refuse_the_same_values(client, library):
    for params in ({"jaar": "abc"}, {"q": "a" * 201}, {"regio": "nergens"}):
        list_page = soup(client.get(LIST, params))
        export_page = soup(client.get("/praktijkvoorbeelden/export.csv", params))
        assert [
            li.get_text(" ", strip=True)
            for li in list_page.select("[data-testid=refused-values] li")
        ] == [
            li.get_text(" ", strip=True)
            for li in export_page.select("[data-testid=refused-values] li")
        ]
