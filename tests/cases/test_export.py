"""CSV and XLSX export: exactly the filtered list, formulas neutralised."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.cases.factories import CaseFactory
from tests.cases.html import card_slugs, soup

LIST = "/praktijkvoorbeelden/"


def _csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads UTF-8 with a BOM
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def _xlsx_rows(response):
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def export_titles(client, file_format, params=None) -> list[str]:
    response = client.get(f"/praktijkvoorbeelden/export.{file_format}", params or {})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = _csv_rows(response) if file_format == "csv" else _xlsx_rows(response)
    header, *body = rows
    title = header.index("Titel")
    return [row[title] for row in body]


def list_titles(client, params=None) -> list[str]:
    page = soup(client.get(LIST, params or {}))
    return [a.get_text() for a in page.select("[data-testid=case-card] h3 a")]


@pytest.fixture
def library(r_ladder, alfa, groene_hart):
    CaseFactory(public=True, title="Stoelen", sector="facilitair", strategies=[3], year=2021)
    CaseFactory(public=True, title="Laptops", sector="ict", strategies=[3, 4], year=2022)
    CaseFactory(public=True, title="Bruggen", sector="gww", strategies=[6], year=2022)
    CaseFactory(published=True, title="Alleen community", sector="ict", strategies=[3])
    CaseFactory(title="Concept", sector="ict")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "params",
    [{}, {"sector": "ict"}, {"r": "3"}, {"r": "3", "jaar": "2022"}, {"sector": "groen"}],
    ids=["all", "sector", "r", "r-and-year", "nothing"],
)
def test_the_export_holds_exactly_the_filtered_list(client, library, file_format, params):
    assert export_titles(client, file_format, params) == list_titles(client, params)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_follows_who_may_see_what(client, library, alice, file_format):
    assert "Alleen community" not in export_titles(client, file_format)
    client.force_login(alice)
    assert "Alleen community" in export_titles(client, file_format)
    assert "Concept" not in export_titles(client, file_format)


def test_the_list_links_to_the_export_of_its_filters(client, library):
    page = soup(client.get(LIST, {"sector": "ict"}))
    csv_link = page.select_one("[data-testid=export-csv]")["href"]
    xlsx_link = page.select_one("[data-testid=export-xlsx]")["href"]
    assert csv_link == "/praktijkvoorbeelden/export.csv?sector=ict"
    assert xlsx_link == "/praktijkvoorbeelden/export.xlsx?sector=ict"


FORMULAS = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(1)"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_formulas_in_titles_come_out_as_text(client, db, file_format):
    for title in FORMULAS:
        CaseFactory(public=True, title=title)

    titles = export_titles(client, file_format)

    assert sorted(titles) == sorted(f"'{title}" for title in FORMULAS)


def test_xlsx_cells_with_formulas_are_stored_as_text(client, db):
    CaseFactory(public=True, title='=HYPERLINK("http://x")', summary="=1+1")
    response = client.get("/praktijkvoorbeelden/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_control_characters_in_case_text_do_not_break_the_export(client, db, file_format):
    # Text pasted from a word processor can carry vertical tabs and form feeds.
    CaseFactory(public=True, title="Kasten\x0bhergebruikt", summary="Pagina\x0cnieuw")
    response = client.get(f"/praktijkvoorbeelden/export.{file_format}")
    assert response.status_code == 200
    assert len(export_titles(client, file_format)) == 1


@pytest.mark.parametrize("file_format", ["pdf", "json", "CSV", "csv.exe"])
def test_an_unknown_format_is_not_found(client, library, file_format):
    assert client.get(f"/praktijkvoorbeelden/export.{file_format}").status_code == 404


def test_export_answers_post_with_405(client, library):
    assert client.post("/praktijkvoorbeelden/export.csv").status_code == 405


def test_the_export_has_the_same_cases_as_the_list_beyond_one_page(client, db):
    CaseFactory.create_batch(23, public=True)
    assert len(card_slugs(client.get(LIST))) == 20  # the list pages,
    assert len(export_titles(client, "csv")) == 23  # the export holds every match
