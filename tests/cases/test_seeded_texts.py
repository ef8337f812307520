"""Seeded texts keep no hard line breaks of their source (issue 12, bug 3): paragraphs
are whole, "- " lines are real lists, on the pages and in the CSV summary column."""

import csv
import io
import re

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from cases.models import Case, CaseLesson, CaseObstacle, CaseStrategy, KnowledgeItem
from kit.markdown import unwrap

# A line break inside a paragraph: a newline that neither ends a paragraph (blank line)
# nor starts a list item.
HARD_BREAK = re.compile(r"(?<!\n)\n(?!\n|[-*+] |\d+[.)] )")


@pytest.fixture
def seeded(db):
    call_command("seed", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115


def _seeded_texts():
    for case in Case.objects.all():
        for name in ("summary", "context", "approach", "involved_parties", "results"):
            yield f"{case.slug}.{name}", getattr(case, name)
    for model, name in (
        (CaseStrategy, "explanation"),
        (CaseObstacle, "obstacle"),
        (CaseObstacle, "solution"),
        (CaseLesson, "text"),
        (KnowledgeItem, "text"),
    ):
        for pk, value in model.objects.values_list("pk", name):
            yield f"{model.__name__}{pk}.{name}", value


def test_no_seeded_text_breaks_mid_paragraph(seeded):
    broken = [where for where, value in _seeded_texts() if HARD_BREAK.search(value)]
    assert broken == []


def test_seeded_lists_are_markdown_lists_on_the_page(client, seeded):
    case = Case.objects.get(slug="nami-defensie-it")
    page = BeautifulSoup(client.get(case.get_absolute_url()).content, "html.parser")

    section = page.select_one("#partijen").find_parent("section")
    items = section.select("ul li")
    assert len(items) == 4
    assert not any(li.get_text().startswith("- ") for li in items)
    assert "- " not in section.get_text().replace("\u2013 ", "")


def test_knowledge_items_show_whole_paragraphs_and_lists(client, seeded):
    page = BeautifulSoup(client.get("/kennisbank/").content, "html.parser")

    texts = page.select("[data-testid=knowledge-text]")
    assert texts
    assert not page.select("[data-testid=knowledge-text] br")
    assert page.select("[data-testid=knowledge-text] ul li")
    for text in texts:
        assert not re.search(r"(^|\n)- ", text.get_text())


def test_the_csv_summary_column_has_no_hard_line_breaks(client, seeded):
    response = client.get("/praktijkvoorbeelden/export.csv")
    body = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    column = header.index("Samenvatting")

    assert rows
    assert all("\n" not in row[column] for row in rows)


@pytest.mark.parametrize(
    ("source", "stored"),
    [
        ("Een zin die\nverder gaat.", "Een zin die verder gaat."),
        ("Eerste.\n\nTweede\nalinea.", "Eerste.\n\nTweede alinea."),
        (
            "Inleiding:\n- een\n  vervolg\n- twee\nSlot.",
            "Inleiding:\n\n- een vervolg\n- twee\n\nSlot.",
        ),
        ("", ""),
    ],
)
def test_unwrap(source, stored):
    assert unwrap(source) == stored
