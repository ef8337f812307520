"""`manage.py benchmark_cases`: a measurement on a scratch database that it always drops,
and the helpers that fill it."""

import random
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone

from cases import benchmarking, services
from cases.models import Case, CaseLesson, CaseObstacle, CaseStrategy, Tag
from procurement.models import RStrategy


def _require_postgresql():
    assert connection.vendor == "postgresql", (
        "The benchmark needs PostgreSQL: run through scripts/with-services.sh (make test)"
    )


SCENARIOS = [
    "floor",
    "floor_anon",
    "list_filters",
    "list_filters_anon",
    "search_common",
    "search_rare",
    "detail",
    "detail_first",
    "admin_search",
    "list_filters_changed",
    "list_filters_uncounted",
]


@pytest.mark.integration
def test_it_measures_every_scenario_and_drops_its_scratch_database(django_db_blocker):
    _require_postgresql()
    name = connection.settings_dict["NAME"]
    out = StringIO()
    with django_db_blocker.unblock():
        call_command("benchmark_cases", sizes="30,50", rounds=2, stdout=out)
        assert not benchmarking.database_exists(f"{name}_bench")
    assert connection.settings_dict["NAME"] == name

    output = out.getvalue()
    for scenario in SCENARIOS:
        # name, median ms, p95 ms, queries, ratio to its floor
        row = rf"^\s+{scenario}\*?\s+[\d.]+\s+[\d.]+\s+\d+\s+[\d.]+×"
        assert re.search(row, output, re.MULTILINE), f"no row for {scenario}"
    assert re.search(r"^\s+search_common\s.*×\s+[\d.]+×\s+[\d.]+$", output, re.MULTILINE)
    targets = re.findall(r"^\s+\[(PASS|FAIL)\] .*target", output, re.MULTILINE)
    assert len(targets) == 11
    assert re.search(r"^\s+\[(PASS|FAIL)\] list_filters: [\d.]+× floor", output, re.MULTILINE)
    assert re.search(r"faster than admin_search", output)
    assert re.search(r"^RESULT: (PASS|FAIL)", output, re.MULTILINE)


def test_it_refuses_anything_but_postgresql(monkeypatch):
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("benchmark_cases", sizes="10", rounds=1, stdout=StringIO())


def test_it_refuses_sizes_out_of_order(monkeypatch):
    monkeypatch.setattr(connections["default"], "vendor", "postgresql")
    with pytest.raises(CommandError, match="ascending"):
        call_command("benchmark_cases", sizes="1000,10", rounds=1, stdout=StringIO())


@pytest.mark.django_db
def test_bulk_search_vectors_equal_what_the_service_stores():
    _require_postgresql()
    refuse, rethink = (
        RStrategy.objects.create(level=level, name_nl=name, name_en=name, meaning=name, rvo_step=1)
        for level, name in ((0, "Weigeren"), (1, "Heroverwegen"))
    )
    case = Case.objects.create(
        title="Kunstgrasvelden niet vervangen",
        slug="kunstgras",
        summary="De gemeente onderhoudt de velden langer.",
        context="Sportverenigingen vroegen om nieuwe velden.",
        approach="Een marktconsultatie over onderhoud.",
        involved_parties="Gemeente Alfa en twee aannemers",
        status=Case.Status.GEPUBLICEERD,
        published_at=timezone.now(),
    )
    CaseStrategy.objects.create(case=case, r_level=rethink, explanation="Delen met scholen.")
    CaseStrategy.objects.create(case=case, r_level=refuse, explanation="Geen nieuwe velden.")
    CaseObstacle.objects.create(
        case=case, position=2, dimension="juridisch", obstacle="Garantie", solution=""
    )
    CaseObstacle.objects.create(
        case=case,
        position=1,
        dimension="economisch",
        obstacle="Budget per jaar",
        solution="Meerjarig contract",
    )
    CaseLesson.objects.create(case=case, position=1, text="Begin vroeg met de vereniging.")
    case.tags.add(
        Tag.objects.create(name="sport", slug="sport"),
        Tag.objects.create(name="onderhoud", slug="onderhoud"),
    )

    assert benchmarking.search_vectors_update(case.pk, case.pk) == 1
    bulk = Case.objects.values_list("search_vector", flat=True).get(pk=case.pk)
    services.case_search_index(case=case)
    assert bulk == Case.objects.values_list("search_vector", flat=True).get(pk=case.pk)


def test_words_are_ranked_by_frequency_across_line_breaks(tmp_path):
    (tmp_path / "a.txt").write_text(
        "De ener-\ngietransitie en de grondstoffentransitie: de 12 gemeenten.", encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text("Circulair inkopen, circulair en samen.", encoding="utf-8")

    vocabulary = benchmarking.vocabulary_from(sorted(tmp_path.glob("*.txt")))

    assert vocabulary.words[:3] == ["de", "circulair", "en"]
    assert "energietransitie" in vocabulary.words
    assert "12" not in vocabulary.words


def test_generated_text_follows_the_zipf_ranking(tmp_path):
    words = " ".join(f"woord{chr(97 + n)}" for n in range(26))
    (tmp_path / "a.txt").write_text(words, encoding="utf-8")
    vocabulary = benchmarking.vocabulary_from([tmp_path / "a.txt"])

    sample = vocabulary.sample(random.Random(1), 20_000)  # noqa: S311 (not a secret)

    first, tenth = sample.count(vocabulary.words[0]), sample.count(vocabulary.words[9])
    assert first / tenth == pytest.approx(10**benchmarking.ZIPF_EXPONENT, rel=0.15)
