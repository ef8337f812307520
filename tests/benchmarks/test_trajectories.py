"""`python -m benchmarks trajectories`: the suite runs end to end on a small scratch
database, its varied requests never repeat, and the generator fills the database as the
portal's own services would (search vectors, the seeded guiding questions)."""

import random
import re
from collections import Counter
from io import StringIO
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection

from benchmarks import harness
from benchmarks.__main__ import parser
from benchmarks.data import cases as text
from benchmarks.data import community as people
from benchmarks.data import trajectories as data
from benchmarks.trajectories import FACETS, LIST_FILTERS, SEARCH_SHARE, Trajectories
from community.models import Organisation
from procurement import services
from procurement.models import (
    GuidingQuestion,
    Kpi,
    PhaseProgress,
    QuestionAnswer,
    Trajectory,
)

SCENARIOS = ["floor", "list", "list_varied", "page"]
VARIED = ["list_varied", "page"]
SIZES = [30, 60]
ROUNDS = 2


def _require_postgresql():
    assert connection.vendor == "postgresql", (
        "The benchmark needs PostgreSQL: run through scripts/with-services.sh (make test)"
    )


@pytest.fixture(scope="module")
def small_run(django_db_setup, django_db_blocker):
    """One small run of the trajectory suite, shared by the tests that read it."""
    _require_postgresql()
    name = connection.settings_dict["NAME"]
    out = StringIO()
    with django_db_blocker.unblock():
        bench = harness.run(Trajectories(), sizes=SIZES, rounds=ROUNDS, out=out)
        dropped = not harness.database_exists(f"{name}_bench")
    return SimpleNamespace(bench=bench, output=out.getvalue(), dropped=dropped, name=name)


@pytest.mark.integration
def test_it_prints_every_scenario_at_every_size_and_drops_its_database(small_run):
    assert small_run.dropped
    assert connection.settings_dict["NAME"] == small_run.name
    for scenario in SCENARIOS:
        # name, median ms, p95 ms, queries, max queries, × floor, p95 × floor, vs first size
        row = rf"^\s+{scenario}\*?\s+[\d.]+\s+[\d.]+\s+\d+\s+\d+\s+[\d.]+×\s+[\d.]+×\s+[\d.]+×$"
        assert len(re.findall(row, small_run.output, re.M)) == len(SIZES), scenario
    assert len(re.findall(r"^\s+queries per request: list ", small_run.output, re.M)) == 2


@pytest.mark.integration
def test_it_prints_a_verdict_for_every_target(small_run):
    verdicts = re.findall(r"^\s+([✔✘]) (\w+): (.*)$", small_run.output, re.M)
    assert Counter(name for _mark, name, _text in verdicts) == {
        "list": 1,
        "list_varied": 2,
        "page": 2,
    }
    texts = [text for _mark, _name, text in verdicts]
    assert any(re.match(r"median [\d.]+× floor \(target ≤ 15×\)", t) for t in texts)
    assert any(re.match(r"median [\d.]+× floor \(target ≤ 4×\)", t) for t in texts)
    assert re.search(r"^RESULT: (all 5 targets hold|\d of 5 targets hold)", small_run.output, re.M)


@pytest.mark.integration
def test_every_varied_request_is_a_url_not_requested_before(small_run):
    for size in SIZES:
        timings = small_run.bench.results[size]
        varied = [url for name in VARIED for url in timings.urls(name)]
        assert len(varied) == len(VARIED) * (ROUNDS + 1)  # the warm-up and every round
        assert len(set(varied)) == len(varied)
        assert "/trajecten/" not in varied


@pytest.mark.integration
def test_the_plain_list_asks_as_many_queries_at_every_size(small_run):
    first, last = (small_run.bench.results[size] for size in SIZES)
    assert {s.queries for s in first.samples["list"]} == {s.queries for s in last.samples["list"]}


def test_list_varied_draws_mostly_few_filters_and_sometimes_a_word():
    suite = Trajectories()
    suite.values = {facet: ["a", "b", "c"] for facet in FACETS}
    suite.words = SimpleNamespace(draw=lambda rng: rng.choice(["circulair", "inkopen"]))
    rng = random.Random(7)  # noqa: S311 (not a secret)

    drawn = [parse_qsl(urlsplit(suite._list_url(rng)).query) for _ in range(4000)]

    counts = Counter(sum(1 for name, _value in params if name in FACETS) for params in drawn)
    for count, share in LIST_FILTERS.items():
        assert counts[count] / len(drawn) == pytest.approx(share, abs=0.03)
    searched = sum(1 for params in drawn if "q" in dict(params)) / len(drawn)
    assert searched == pytest.approx(SEARCH_SHARE, abs=0.03)
    for params in drawn:
        names = [name for name, _value in params if name in FACETS]
        assert names == sorted(names, key=FACETS.index)  # form order, each facet once
        assert len(set(names)) == len(names)


def test_the_suite_is_registered():
    assert parser().parse_args(["trajectories"]).suite == "trajectories"


@pytest.mark.django_db
def test_generated_trajectories_are_what_the_portal_would_store(tmp_path):
    _require_postgresql()
    call_command("seed", stdout=StringIO())
    (tmp_path / "a.txt").write_text(
        "circulair inkopen aanbesteding marktverkenning hergebruik grondstoffen "
        "leverancier contract levensduur onderhoud gemeente regio",
        encoding="utf-8",
    )
    vocabulary = text.vocabulary_from([tmp_path / "a.txt"])
    rng = random.Random(5)  # noqa: S311 (not a secret)
    references = data.References.load(rng)
    generator = data.TrajectoryGenerator(vocabulary, references, rng)

    data.add_trajectories(generator, 40, batch_size=15)

    assert Trajectory.objects.count() == 40
    assert len(references.questions) == GuidingQuestion.objects.count() == 31
    for trajectory in Trajectory.objects.filter(lessons__gt="")[:3]:
        stored = trajectory.search_vector
        services.trajectory_search_index(trajectory=trajectory)
        assert stored == Trajectory.objects.values_list("search_vector", flat=True).get(
            pk=trajectory.pk
        )
    progress = Counter(PhaseProgress.objects.values_list("trajectory", flat=True))
    assert set(progress.values()) == {6}
    running = PhaseProgress.objects.filter(trajectory__status=Trajectory.Status.LOPEND)
    assert running.filter(status=PhaseProgress.Status.BEZIG).count() == (
        Trajectory.objects.filter(status=Trajectory.Status.LOPEND).count()
    )
    # Answers only to questions the trajectory's page asks (generic, or up to its ambition).
    for answer in QuestionAnswer.objects.select_related("question__r_level", "trajectory"):
        question, target = answer.question, answer.trajectory.r_level_target_id
        assert question.kind == GuidingQuestion.Kind.GENERIEK or (
            target is not None and question.r_level.level >= target
        )
    for kpi in Kpi.objects.all():
        assert 3 <= kpi.measurements.count() <= 5
    assert Trajectory.history.count() == 40


@pytest.mark.django_db
def test_the_list_answers_every_facet_value_the_suite_draws(tmp_path, client):
    """list_varied ticks any facet the panel offers: each must answer 200 (a 500 would
    stop the benchmark halfway through a run)."""
    _require_postgresql()
    call_command("seed", stdout=StringIO())
    (tmp_path / "a.txt").write_text("circulair inkopen aanbesteding hergebruik", encoding="utf-8")
    rng = random.Random(11)  # noqa: S311 (not a secret)
    references = data.References.load(rng)
    vocabulary = text.vocabulary_from([tmp_path / "a.txt"])
    data.add_trajectories(data.TrajectoryGenerator(vocabulary, references, rng), 60)
    member = people.member(organisation=Organisation.objects.get(pk=references.member_organisation))
    client.force_login(member)
    suite = Trajectories()
    suite.refs = references
    values = suite._facet_values(Trajectory.objects.visible_to(member))

    for facet in FACETS:
        assert values[facet], facet
        url = f"/trajecten/?{facet}={values[facet][0]}"
        assert client.get(url, secure=True).status_code == 200, url
