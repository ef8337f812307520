"""Seeded texts are our own words and address the reader with *u* (issue 12).

Every text and name the seed writes (all text columns of the seeded apps) is compared
with the five source documents in ../shared/seeds/: a run of 12 or more consecutive
words (lower case, punctuation stripped) shared with a source fails, as does the
informal form of address (je, jij, jou, jouw, jullie).
"""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models

RUN = 12
SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
SEEDED_APPS = ("community", "procurement", "cases")
# Columns that hold identifiers or addresses, not prose.
NOT_PROSE = {"slug", "key", "url", "file", "cbs_code", "email", "password", "search_document"}
WORD = re.compile(r"\w+")
INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jullie|jezelf)\b", re.IGNORECASE)


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def runs(text: str, source_grams: dict[tuple, str], size: int = RUN) -> list[str]:
    """The word runs of `size` or more that `text` shares with a source, one per run."""
    tokens = words(text)
    hits = [i for i in range(len(tokens) - size + 1) if tuple(tokens[i : i + size]) in source_grams]
    found, start = [], None
    for position, i in enumerate(hits):
        if start is None:
            start = i
        if position + 1 == len(hits) or hits[position + 1] != i + 1:
            found.append(" ".join(tokens[start : i + size]))
            start = None
    return found


def source_grams(size: int = RUN) -> dict[tuple, str]:
    grams = {}
    for path in sorted(SEEDS.glob("0*.txt")):
        tokens = words(path.read_text(encoding="utf-8"))
        for i in range(len(tokens) - size + 1):
            grams.setdefault(tuple(tokens[i : i + size]), path.name)
    return grams


def _prose_fields(model):
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and field.name not in NOT_PROSE
    ]


def _seeded_texts():
    for app in SEEDED_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            fields = _prose_fields(model)
            if not fields:
                continue
            for row in model.objects.values("pk", *fields):
                pk = row.pop("pk")
                for name, value in row.items():
                    if value:
                        yield f"{model.__name__}[{pk}].{name}", value


@pytest.fixture
def seeded_texts(db):
    call_command("seed", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return list(_seeded_texts())


@pytest.fixture(scope="module")
def grams():
    assert len(list(SEEDS.glob("0*.txt"))) == 5, SEEDS
    return source_grams()


def test_no_seeded_text_copies_a_run_of_twelve_words_from_a_source(seeded_texts, grams):
    models_seen = {where.split("[")[0] for where, _ in seeded_texts}
    assert {"Case", "CaseObstacle", "KnowledgeItem", "Phase", "GuidingQuestion"} <= models_seen
    assert {"Commitment", "Themegroup", "MaturityAspect", "RStrategy"} <= models_seen
    assert len(seeded_texts) > 500

    copied = {where: found for where, text in seeded_texts if (found := runs(text, grams))}
    assert copied == {}


def test_seeded_texts_address_the_reader_with_u(seeded_texts):
    informal = {where: text[:80] for where, text in seeded_texts if INFORMAL.search(text)}
    assert informal == {}


def test_the_rule_catches_a_copied_sentence_and_spares_a_shorter_quote(grams):
    """The check can fail: a sentence of document 004 copied with other punctuation and
    capitals is caught; eleven words of it are not."""
    copied = (
        "Intro. ELKE inkopende deelnemer start, tijdens de looptijd van deze Green Deal, "
        "minimaal twee circulaire inkooptrajecten!"
    )
    assert runs(copied, grams) == [
        "elke inkopende deelnemer start tijdens de looptijd van deze green deal minimaal "
        "twee circulaire inkooptrajecten"
    ]
    eleven = "Elke inkopende deelnemer start tijdens de looptijd van deze Green Deal"
    assert runs(eleven, grams) == []


@pytest.mark.parametrize(
    ("text", "informal"),
    [
        ("Bepaal waar u nu staat.", False),
        ("Bepaal waar je nu staat.", True),
        ("Hoe maak jij dit duurzaam?", True),
        ("Uw organisatie en jouw collega's.", True),
        ("De Jeugdzorg en het projectteam.", False),
    ],
)
def test_the_form_of_address_rule(text, informal):
    assert bool(INFORMAL.search(text)) is informal
