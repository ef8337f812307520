"""The harness every benchmark suite runs in: a scratch database, an isolated cache,
requests through the full middleware stack, interleaved shuffled rounds, and a table of
medians, p95 and query counts with their ratios against a floor page measured in the
same run.

A suite (`benchmarks/cases.py`) says what data to load and which scenarios to request;
the harness does the rest. It is also a URLconf (`urlpatterns` below): the portal's
URLs plus `benchmark-floor/`, the cheapest page the portal could serve.
"""

import copy
import math
import random
import statistics
import time
import uuid
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.shortcuts import render
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path
from django.views.decorators.http import require_GET

FLOOR_URL = "/benchmark-floor/"
MAX_DRAWS = 1000  # draws of a varied scenario before giving up on finding a new URL


class BenchmarkError(Exception):
    """The benchmark cannot run as asked (wrong database, bad sizes)."""


# --- The floor page ---------------------------------------------------------------------


@login_not_required
@require_GET
def floor(request):
    """The cheapest page: the middleware, one query and the base template."""
    get_user_model().objects.filter(pk=0).exists()
    return render(request, "base.html")


urlpatterns = [
    path(FLOOR_URL.strip("/") + "/", floor, name="benchmark_floor"),
    path("", include("portal.urls")),
]


# --- What a suite declares --------------------------------------------------------------


@dataclass
class Scenario:
    """One kind of request: who asks (a client) for which URL, compared with which floor.

    `url` is a fixed URL, or a function that draws a fresh one from the run's random
    generator for every request; the harness draws again until the URL is one not
    requested before at this size, so no cache of an earlier answer helps. Targets are
    ratios against the floor's median at the largest size (`median_at_most`,
    `p95_at_most`) and against the scenario's own ratio at the first size
    (`growth_at_most`); a scenario without targets is shown with its `note`.
    """

    name: str
    client: Client
    url: str | Callable[[random.Random], str]
    floor: str = "floor"
    median_at_most: float | None = None
    p95_at_most: float | None = None
    growth_at_most: float | None = None
    note: str = ""

    @property
    def varied(self) -> bool:
        return callable(self.url)

    @property
    def has_targets(self) -> bool:
        return any(
            value is not None
            for value in (self.median_at_most, self.p95_at_most, self.growth_at_most)
        )


def floor_scenario(name: str, client: Client) -> Scenario:
    """The floor page for one kind of visitor (it is its own floor: ratio 1)."""
    return Scenario(name, client, FLOOR_URL, floor=name)


@dataclass(frozen=True)
class Speedup:
    """`fast` must answer at least `at_least` times faster than `slow` (medians)."""

    fast: str
    slow: str
    at_least: float


class Suite(ABC):
    """What one part of the portal measures. Subclasses fill in the hooks; the harness
    calls `prepare` once in the scratch database, then per size `load` (add data up to
    `size`), clears the cache, calls `scenarios` and measures them."""

    name = ""
    speedups: list[Speedup] = []

    def prepare(self, bench: "Bench") -> None:  # noqa: B027 (an optional hook)
        """Reference data, users and clients; called once."""

    @abstractmethod
    def load(self, bench: "Bench", size: int) -> None:
        """Add data up to `size`."""

    @abstractmethod
    def scenarios(self, bench: "Bench", size: int) -> list[Scenario]:
        """What to measure at this size."""

    def summary(self, bench: "Bench", size: int, timings: "Timings") -> list[str]:
        """Extra lines printed under the table of a size (e.g. what the varied
        scenarios drew)."""
        return []


# --- Measurements -------------------------------------------------------------------------


@dataclass
class Sample:
    url: str
    ms: float
    queries: int
    slowest: list[tuple[float, str]]  # (ms, sql) of the slowest queries


@dataclass
class Timings:
    """The samples of one size, per scenario; the warm-up requests kept apart."""

    samples: dict[str, list[Sample]] = field(default_factory=lambda: defaultdict(list))
    warm_up: dict[str, Sample] = field(default_factory=dict)

    def median(self, name: str) -> float:
        return statistics.median(s.ms for s in self.samples[name])

    def p95(self, name: str) -> float:
        """Nearest-rank 95th percentile."""
        values = sorted(s.ms for s in self.samples[name])
        return values[max(0, math.ceil(0.95 * len(values)) - 1)]

    def queries(self, name: str) -> int:
        return statistics.median_low(s.queries for s in self.samples[name])

    def max_queries(self, name: str) -> int:
        return max(s.queries for s in self.samples[name])

    def slowest(self, name: str) -> tuple[float, str]:
        return max((q for s in self.samples[name] for q in s.slowest), default=(0.0, ""))

    def urls(self, name: str) -> list[str]:
        """Every URL requested for a scenario, the warm-up first."""
        first = [self.warm_up[name].url] if name in self.warm_up else []
        return first + [s.url for s in self.samples[name]]

    def ratio(self, scenario: Scenario, *, stat: str = "median") -> float:
        """A statistic of the scenario divided by its floor's median."""
        value = self.p95(scenario.name) if stat == "p95" else self.median(scenario.name)
        return value / self.median(scenario.floor)


class _QueryTimer:
    """Time each query to the microsecond (captured queries are rounded to 1 ms)."""

    def __init__(self):
        self.durations = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.durations.append((time.perf_counter() - started) * 1000)


def timed_get(client: Client, url: str, *, keep: int = 3) -> Sample:
    """Wall time and queries of one GET; fails on anything but 200."""
    timer = _QueryTimer()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
        started = time.perf_counter()
        response = client.get(url, secure=True)
        elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}, not 200.")
    statements = [query["sql"] for query in captured.captured_queries]
    if len(statements) != len(timer.durations):  # a query outside the wrapper: stay coarse
        timer.durations = [float(q["time"]) * 1000 for q in captured.captured_queries]
    slowest = sorted(zip(timer.durations, statements, strict=True), reverse=True)[:keep]
    return Sample(url=url, ms=elapsed, queries=len(captured), slowest=slowest)


def run_rounds(scenarios: list[Scenario], *, rounds: int, rng: random.Random) -> Timings:
    """Warm every scenario up once, then `rounds` rounds, each in a new shuffled order,
    so drift (caches, autovacuum, a busy neighbour) spreads over all scenarios.

    A varied scenario never requests a URL twice, nor one of the fixed scenarios' URLs
    (which are repeated every round and may be answered from a cache)."""
    seen = {scenario.url for scenario in scenarios if not scenario.varied}

    def url_of(scenario: Scenario) -> str:
        if not scenario.varied:
            return scenario.url
        for _ in range(MAX_DRAWS):
            url = scenario.url(rng)
            if url not in seen:
                seen.add(url)
                return url
        raise RuntimeError(f"{scenario.name}: no new URL in {MAX_DRAWS} draws.")

    timings = Timings()
    warm_up = scenarios[:]
    rng.shuffle(warm_up)
    for scenario in warm_up:
        timings.warm_up[scenario.name] = timed_get(scenario.client, url_of(scenario))
    for _number in range(rounds):
        order = scenarios[:]
        rng.shuffle(order)
        for scenario in order:
            timings.samples[scenario.name].append(timed_get(scenario.client, url_of(scenario)))
    return timings


# --- Scratch database and cache ----------------------------------------------------------


@contextmanager
def scratch_database(name: str, *, alias: str = DEFAULT_DB_ALIAS) -> Iterator[str]:
    """Create database `name` on the same PostgreSQL server, migrate it, point the
    connection at it, and drop it afterwards, also when the body fails or is interrupted.

    Django's test-database machinery does the work (it connects to the `postgres`
    maintenance database to CREATE and DROP); a leftover database of the same name from
    an interrupted run is replaced.
    """
    db = connections[alias]
    original_name = db.settings_dict["NAME"]
    original_test_name = db.settings_dict["TEST"].get("NAME")
    db.settings_dict["TEST"]["NAME"] = name
    # Connections (and the psycopg pool) still point at the original database.
    db.close()
    db.close_pool()
    try:
        db.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        yield name
    finally:
        db.settings_dict["TEST"]["NAME"] = original_test_name
        if db.settings_dict["NAME"] == name:
            try:
                db.creation.destroy_test_db(original_name, verbosity=0)
            except Exception:
                # Something still holds a connection to it: drop it regardless.
                db.close_pool()
                with db._nodb_cursor() as cursor:
                    cursor.execute(
                        f"DROP DATABASE IF EXISTS {db.ops.quote_name(name)} WITH (FORCE)"
                    )
                settings.DATABASES[alias]["NAME"] = original_name
                db.settings_dict["NAME"] = original_name
        db.close_pool()


def database_exists(name: str, *, alias: str = DEFAULT_DB_ALIAS) -> bool:
    with connections[alias]._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def server_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


def vacuum_analyze(*models) -> None:
    """Fresh statistics and visibility map, as autovacuum would give a live database."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


def explain(sql: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a captured query (only a SELECT is run again)."""
    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return "(not a SELECT: not explained)"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def _redacted(location) -> str:
    """A cache location without its password."""
    if isinstance(location, list | tuple):
        return ", ".join(_redacted(item) for item in location)
    parts = urlsplit(str(location))
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}"
        if parts.port:
            netloc += f":{parts.port}"
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


@contextmanager
def isolated_cache() -> Iterator[str]:
    """The configured cache, under a key prefix of its own: the benchmark never reads
    what the portal cached nor leaves its own entries behind. Yields a description."""
    caches_setting = copy.deepcopy(settings.CACHES)
    default = caches_setting["default"]
    prefix = ":".join(
        part for part in (default.get("KEY_PREFIX", ""), "bench", uuid.uuid4().hex[:8]) if part
    )
    default["KEY_PREFIX"] = prefix
    backend = default["BACKEND"].rsplit(".", 1)[-1]
    location = _redacted(default.get("LOCATION", "")) or "(this process)"
    with override_settings(CACHES=caches_setting):
        try:
            yield f"{backend} at {location}, key prefix {prefix!r}"
        finally:
            cache_clear()


def cache_clear() -> None:
    """Forget everything cached so far. On Redis only the keys under the benchmark's
    prefix: `cache.clear()` would flush the whole Redis database, Celery's queue and
    the portal's own cache included."""
    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is None:  # local memory: this process only
        cache.clear()
        return
    redis = client(write=True)
    keys = list(redis.scan_iter(match=f"{cache.make_key('')}*", count=1000))
    if keys:
        redis.delete(*keys)


# --- A run ----------------------------------------------------------------------------------


@dataclass
class Bench:
    """One run of a suite: its options, output and the timings per size."""

    suite: Suite
    sizes: list[int]
    rounds: int
    rng: random.Random
    out: TextIO
    batch_size: int = 1000
    explain: bool = False
    results: dict[int, Timings] = field(default_factory=dict)
    scenarios: list[Scenario] = field(default_factory=list)

    def line(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    @property
    def first(self) -> Timings:
        return self.results[self.sizes[0]]


def check_sizes(sizes: list[int]) -> list[int]:
    if not sizes or any(size < 1 for size in sizes) or sizes != sorted(set(sizes)):
        raise BenchmarkError("--sizes must be positive and ascending, e.g. 1000,10000,100000.")
    return sizes


def run(
    suite: Suite,
    *,
    sizes: list[int],
    rounds: int,
    out: TextIO,
    seed: int = 2026,
    batch_size: int = 1000,
    explain: bool = False,
) -> Bench:
    """Measure `suite` at every size on a scratch database `<name>_bench`; print a table
    per size and the verdict of the targets at the largest. Missing targets is a result,
    not an error: only a run that cannot start raises (BenchmarkError)."""
    check_sizes(sizes)
    if rounds < 1:
        raise BenchmarkError("--rounds must be at least 1.")
    if connection.vendor != "postgresql":
        raise BenchmarkError(
            "the benchmarks need PostgreSQL (full-text search, a scratch database); "
            f"DATABASES['default'] is {connection.vendor}. Run them as "
            "scripts/with-services.sh .venv/bin/python -m benchmarks ..."
        )
    bench = Bench(
        suite=suite,
        sizes=sizes,
        rounds=rounds,
        rng=random.Random(seed),  # noqa: S311 (test data and order, not secrets)
        out=out,
        batch_size=batch_size,
        explain=explain,
    )
    scratch = f"{connection.settings_dict['NAME']}_bench"
    with (
        isolated_cache() as cache_description,
        override_settings(
            DEBUG=False,
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
            ROOT_URLCONF=__name__,
        ),
    ):
        bench.line(f"Suite: {suite.name}; cache: {cache_description}")
        started = time.perf_counter()
        with scratch_database(scratch):
            bench.line(
                f"Scratch database {scratch!r} on {server_version()}: created and migrated "
                f"in {time.perf_counter() - started:.1f} s"
            )
            bench.line(f"Rounds: {rounds} per size, shuffled; DEBUG=False; seed {seed}")
            suite.prepare(bench)
            for size in sizes:
                bench.line()
                bench.line(f"== {size} {suite.name}")
                suite.load(bench, size)
                cache_clear()  # nothing cached while loading may answer a request
                bench.scenarios = suite.scenarios(bench, size)
                timings = run_rounds(bench.scenarios, rounds=rounds, rng=bench.rng)
                bench.results[size] = timings
                for text in suite.summary(bench, size, timings):
                    bench.line(f"  {text}")
                _table(bench, size)
            _verdict(bench)
        bench.line(f"Scratch database {scratch!r} dropped.")
    return bench


def _table(bench: Bench, size: int) -> None:
    timings, first = bench.results[size], bench.first
    header = (
        f"  {'scenario':<20} {'median ms':>10} {'p95 ms':>9} {'queries':>8} {'max q':>6} "
        f"{'× floor':>8} {'p95×floor':>10} {f'vs {bench.sizes[0]}':>9}"
    )
    bench.line(header)
    bench.line("  " + "-" * (len(header) - 2))
    for scenario in bench.scenarios:
        name = scenario.name
        ratio = timings.ratio(scenario)
        growth = ratio / first.ratio(scenario)
        label = name if scenario.has_targets or scenario.floor == name else f"{name}*"
        bench.line(
            f"  {label:<20} {timings.median(name):>10.1f} {timings.p95(name):>9.1f} "
            f"{timings.queries(name):>8} {timings.max_queries(name):>6} {ratio:>7.2f}× "
            f"{timings.ratio(scenario, stat='p95'):>9.2f}× {growth:>8.2f}×"
        )
    notes = [s for s in bench.scenarios if not s.has_targets and s.floor != s.name]
    if notes:
        bench.line("  * no target of its own:")
        for scenario in notes:
            bench.line(f"    {scenario.name}: {scenario.note}")
    bench.line(
        "  × floor: median / the floor's median; p95×floor: p95 / the floor's median; "
        f"vs {bench.sizes[0]}: × floor / × floor at {bench.sizes[0]}"
    )


def _verdict(bench: Bench) -> None:
    largest, first_size = bench.sizes[-1], bench.sizes[0]
    timings, first = bench.results[largest], bench.first
    bench.line()
    bench.line(f"== Targets at {largest} {bench.suite.name} (ratios against the floor, same run)")
    missed: list[str] = []
    total = 0

    def check(ok: bool, name: str, text: str) -> None:
        nonlocal total
        total += 1
        bench.line(f"  {'✔' if ok else '✘'} {name}: {text}")
        if not ok:
            missed.append(name)

    for scenario in bench.scenarios:
        name, floor = scenario.name, scenario.floor
        if scenario.median_at_most is not None:
            ratio = timings.ratio(scenario)
            check(
                ratio <= scenario.median_at_most,
                name,
                f"median {ratio:.2f}× {floor} (target ≤ {scenario.median_at_most:g}×)",
            )
        if scenario.p95_at_most is not None:
            ratio = timings.ratio(scenario, stat="p95")
            check(
                ratio <= scenario.p95_at_most,
                name,
                f"p95 {ratio:.2f}× {floor} (target ≤ {scenario.p95_at_most:g}×)",
            )
        if scenario.growth_at_most is not None:
            growth = timings.ratio(scenario) / first.ratio(scenario)
            check(
                growth <= scenario.growth_at_most,
                name,
                f"ratio {growth:.2f}× its ratio at {first_size} "
                f"(target ≤ {scenario.growth_at_most:g}×)",
            )
    for speedup in bench.suite.speedups:
        times = timings.median(speedup.slow) / timings.median(speedup.fast)
        check(
            times >= speedup.at_least,
            speedup.fast,
            f"{times:.1f}× faster than {speedup.slow} (target ≥ {speedup.at_least:g}×)",
        )

    bench.line()
    bench.line(f"== Slowest query per scenario at {largest} {bench.suite.name}")
    for scenario in bench.scenarios:
        ms, sql = timings.slowest(scenario.name)
        bench.line(f"  {scenario.name:<20} {ms:>8.1f} ms  {' '.join(sql.split())[:150]}")

    explained = [
        s.name
        for s in bench.scenarios
        if s.name in missed or (bench.explain and s.has_targets and s.floor != s.name)
    ]
    for name in explained:
        ms, sql = timings.slowest(name)
        bench.line()
        bench.line(f"== EXPLAIN ANALYZE: slowest query of {name} ({ms:.1f} ms)")
        bench.line(sql)
        bench.line(explain(sql))

    bench.line()
    if missed:
        bench.line(f"RESULT: {total - len(missed)} of {total} targets hold ({len(missed)} missed)")
    else:
        bench.line(f"RESULT: all {total} targets hold")
