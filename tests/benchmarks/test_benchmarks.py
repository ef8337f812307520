"""`python -m benchmarks`: a measurement on a scratch database that it always drops, the
varied requests that never repeat, and the generators that fill the database."""

import random
import re
import subprocess
import sys
from collections import Counter
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from benchmarks import harness
from benchmarks.cases import FACETS, LIST_FILTERS, CaseLibrary
from benchmarks.data import cases as data
from cases import services
from cases.models import Case, CaseLesson, CaseObstacle, CaseStrategy, Tag
from procurement.models import RStrategy

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = [
    "floor",
    "floor_anon",
    "list_filters",
    "list_filters_anon",
    "list_varied",
    "search_common",
    "search_rare",
    "search_varied",
    "detail",
    "detail_first",
    "admin_search",
]
VARIED = ["list_varied", "search_varied", "detail", "detail_first"]
SIZES = [30, 50]
ROUNDS = 2


def _require_postgresql():
    assert connection.vendor == "postgresql", (
        "The benchmark needs PostgreSQL: run through scripts/with-services.sh (make test)"
    )


@pytest.fixture(scope="module")
def small_run(django_db_setup, django_db_blocker):
    """One small run of the case library suite, shared by the tests that read it."""
    _require_postgresql()
    name = connection.settings_dict["NAME"]
    out = StringIO()
    with django_db_blocker.unblock():
        bench = harness.run(CaseLibrary(), sizes=SIZES, rounds=ROUNDS, out=out)
        dropped = not harness.database_exists(f"{name}_bench")
    return SimpleNamespace(
        bench=bench,
        output=out.getvalue(),
        dropped=dropped,
        name=name,
        name_after=connection.settings_dict["NAME"],
    )


@pytest.mark.integration
def test_it_drops_its_scratch_database_and_restores_the_connection(small_run):
    assert small_run.dropped
    assert small_run.name_after == small_run.name
    assert re.search(
        rf"^Scratch database '{small_run.name}_bench' dropped\.$", small_run.output, re.M
    )


@pytest.mark.integration
def test_it_prints_every_scenario_at_every_size(small_run):
    for scenario in SCENARIOS:
        # name, median ms, p95 ms, queries, max queries, × floor, p95 × floor, vs first size
        row = rf"^\s+{scenario}\*?\s+[\d.]+\s+[\d.]+\s+\d+\s+\d+\s+[\d.]+×\s+[\d.]+×\s+[\d.]+×$"
        assert len(re.findall(row, small_run.output, re.M)) == len(SIZES), scenario


@pytest.mark.integration
def test_it_prints_a_verdict_for_every_target(small_run):
    verdicts = re.findall(r"^\s+([✔✘]) (\w+): (.*)$", small_run.output, re.M)
    checked = Counter(name for _mark, name, _text in verdicts)
    # median, p95 and growth; median and growth; growth only; and the admin speedup
    assert checked == {
        "list_varied": 3,
        "search_varied": 2,
        "detail": 2,
        "list_filters": 1,
        "list_filters_anon": 1,
        "search_common": 2,
        "search_rare": 1,
    }
    texts = [text for _mark, _name, text in verdicts]
    assert any(re.match(r"median [\d.]+× floor \(target ≤ 15×\)", text) for text in texts)
    assert any(re.match(r"p95 [\d.]+× floor \(target ≤ 40×\)", text) for text in texts)
    assert any(
        re.match(r"[\d.]+× faster than admin_search \(target ≥ 5×\)", text) for text in texts
    )
    assert re.search(
        r"^RESULT: (all 12 targets hold|\d+ of 12 targets hold)", small_run.output, re.M
    )


@pytest.mark.integration
def test_every_varied_request_is_a_url_not_requested_before(small_run):
    for size in SIZES:
        timings = small_run.bench.results[size]
        fixed = {s.url for s in small_run.bench.scenarios if not s.varied}
        varied = [url for name in VARIED for url in timings.urls(name)]
        assert len(varied) == len(VARIED) * (ROUNDS + 1)  # the warm-up and every round
        assert len(set(varied)) == len(varied)
        assert not fixed & set(varied)


def test_list_varied_draws_most_requests_with_few_filters():
    suite = CaseLibrary()
    suite.values = {facet: ["a", "b", "c"] for facet in FACETS}
    rng = random.Random(7)  # noqa: S311 (not a secret)

    drawn = [parse_qsl(urlsplit(suite._list_url(rng)).query) for _ in range(4000)]

    counts = Counter(sum(1 for name, _value in params if name in FACETS) for params in drawn)
    for count, share in LIST_FILTERS.items():
        assert counts[count] / len(drawn) == pytest.approx(share, abs=0.03)
    sorted_share = sum(1 for params in drawn if ("sorteer" in dict(params))) / len(drawn)
    assert sorted_share == pytest.approx(0.5, abs=0.03)
    for params in drawn:
        names = [name for name, _value in params if name != "sorteer"]
        assert names == sorted(names, key=FACETS.index)  # form order, each facet once
        assert len(set(names)) == len(names)


class _Client:
    def get(self, url, **kwargs):
        return SimpleNamespace(status_code=200)


@pytest.mark.django_db
def test_a_varied_scenario_draws_again_rather_than_repeat_a_url():
    client = _Client()
    urls = ["/a/", "/b/", "/c/", "/d/"]
    scenarios = [
        harness.Scenario("fixed", client, "/a/"),
        harness.Scenario("varied", client, lambda rng: rng.choice(urls)),
    ]

    timings = harness.run_rounds(scenarios, rounds=2, rng=random.Random(1))  # noqa: S311

    assert sorted(timings.urls("varied")) == ["/b/", "/c/", "/d/"]
    with pytest.raises(RuntimeError, match="no new URL"):
        harness.run_rounds(scenarios, rounds=3, rng=random.Random(1))  # noqa: S311


class _Interrupted(harness.Suite):
    name = "interrupted"

    def prepare(self, bench):
        raise KeyboardInterrupt

    def load(self, bench, size):
        """Never reached: interrupted while preparing."""

    def scenarios(self, bench, size):
        return []


@pytest.mark.integration
def test_it_drops_its_scratch_database_when_interrupted(django_db_setup, django_db_blocker):
    _require_postgresql()
    name = connection.settings_dict["NAME"]
    with django_db_blocker.unblock():
        with pytest.raises(KeyboardInterrupt):
            harness.run(_Interrupted(), sizes=[10], rounds=1, out=StringIO())
        assert not harness.database_exists(f"{name}_bench")
    assert connection.settings_dict["NAME"] == name


def test_it_refuses_anything_but_postgresql(monkeypatch):
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    with pytest.raises(harness.BenchmarkError, match="PostgreSQL"):
        harness.run(CaseLibrary(), sizes=[10], rounds=1, out=StringIO())


def test_it_refuses_sizes_out_of_order():
    with pytest.raises(harness.BenchmarkError, match="ascending"):
        harness.run(CaseLibrary(), sizes=[1000, 10], rounds=1, out=StringIO())


def test_it_runs_as_a_module_without_being_an_installed_app():
    assert not any(app.split(".")[0] == "benchmarks" for app in settings.INSTALLED_APPS)
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "cases", "--sizes", "1000,10", "--rounds", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    # It got as far as the harness (Django set up, the suite imported) and refused there.
    assert result.returncode == 2, result.stdout + result.stderr
    assert "ascending" in result.stderr


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

    assert data.search_vectors_update(case.pk, case.pk) == 1
    bulk = Case.objects.values_list("search_vector", flat=True).get(pk=case.pk)
    services.case_search_index(case=case)
    assert bulk == Case.objects.values_list("search_vector", flat=True).get(pk=case.pk)


def test_words_are_ranked_by_frequency_across_line_breaks(tmp_path):
    (tmp_path / "a.txt").write_text(
        "De ener-\ngietransitie en de grondstoffentransitie: de 12 gemeenten.", encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text("Circulair inkopen, circulair en samen.", encoding="utf-8")

    vocabulary = data.vocabulary_from(sorted(tmp_path.glob("*.txt")))

    assert vocabulary.words[:3] == ["de", "circulair", "en"]
    assert "energietransitie" in vocabulary.words
    assert "12" not in vocabulary.words


def test_generated_text_follows_the_zipf_ranking(tmp_path):
    words = " ".join(f"woord{chr(97 + n)}" for n in range(26))
    (tmp_path / "a.txt").write_text(words, encoding="utf-8")
    vocabulary = data.vocabulary_from([tmp_path / "a.txt"])

    sample = vocabulary.sample(random.Random(1), 20_000)  # noqa: S311 (not a secret)

    first, tenth = sample.count(vocabulary.words[0]), sample.count(vocabulary.words[9])
    assert first / tenth == pytest.approx(10**data.ZIPF_EXPONENT, rel=0.15)


@pytest.mark.django_db
def test_search_words_leave_out_stopwords_and_keep_the_frequency_order(tmp_path):
    _require_postgresql()
    (tmp_path / "a.txt").write_text(
        "de de de de en en en circulair circulair inkopen van het", encoding="utf-8"
    )
    vocabulary = data.vocabulary_from([tmp_path / "a.txt"])

    words = data.SearchWords.of(vocabulary)

    assert words.words == ["circulair", "inkopen"]
    assert words.ranks == [3, 5]  # "het" (a stopword) ranks before "inkopen": a tie
    rng = random.Random(3)  # noqa: S311 (not a secret)
    drawn = Counter(words.draw(rng) for _ in range(4000))
    assert drawn["circulair"] / drawn["inkopen"] == pytest.approx(
        (5 / 3) ** data.ZIPF_EXPONENT, rel=0.15
    )
