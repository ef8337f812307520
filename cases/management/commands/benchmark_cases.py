"""`python manage.py benchmark_cases --sizes 1000,10000,100000 --rounds 15`

How the case list, search and detail pages scale with the size of the library. Works
on a scratch database `<name>_bench` on the same PostgreSQL server (created, migrated
and dropped here), filled with synthetic Dutch cases. Every page is requested through
the full middleware stack with Django's test client and compared with a floor page
(middleware, one query, base template). A measurement, not a test: always exits 0.
"""

import json
import random
import time
from io import StringIO
from urllib.parse import urlencode, urlsplit

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from allauth.mfa.utils import encrypt
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from cases import articles, benchmarking, filters
from cases.models import COMMUNITY, PUBLIC, Case
from community.models import Membership, Organisation, User

# (scenario, the floor it is compared with, most times that floor, most times its own
# ratio at the first size)
TARGETS = [
    ("list_filters", "floor", 5, 1.5),
    ("list_filters_anon", "floor_anon", 5, 1.5),
    ("search_common", "floor", 8, 2),
    ("search_rare", "floor", 8, 2),
    ("detail", "floor", 3, 1.5),
]
NO_TARGET = {"detail_first"}  # measured and shown, but without a target
ADMIN_SPEEDUP = 5  # search at least this many times faster than the admin changelist
COLD_REPEATS = 5
COLD = ["list_filters_changed", "list_filters_uncounted"]


class Command(BaseCommand):
    help = "Benchmark the case list, search and detail on synthetic data (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            default="1000,10000,100000",
            help="Comma-separated numbers of cases, ascending; each adds to the previous.",
        )
        parser.add_argument("--rounds", type=int, default=15, help="Measured rounds per size.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (data, order).")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--explain",
            action="store_true",
            help="Print EXPLAIN ANALYZE of the list and search queries even if all targets hold.",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "benchmark_cases needs PostgreSQL (full-text search, a scratch database); "
                f"DATABASES['default'] is {connection.vendor}. "
                "Run it as scripts/with-services.sh .venv/bin/python manage.py benchmark_cases"
            )
        sizes = self._sizes(options["sizes"])
        rounds = options["rounds"]
        if rounds < 1:
            raise CommandError("--rounds must be at least 1.")
        self.rng = random.Random(options["seed"])  # noqa: S311 (test data, not secrets)
        self.options = options
        scratch = f"{connection.settings_dict['NAME']}_bench"

        documents = benchmarking.default_documents()
        vocabulary = benchmarking.vocabulary_from(documents)
        self.line(f"Vocabulary: {len(vocabulary.words)} words from {vocabulary.source}")
        self.line(f"  Zipf s={vocabulary.exponent}; top: {', '.join(vocabulary.words[:12])}")

        with (
            benchmarking.isolated_cache() as cache_description,
            override_settings(
                DEBUG=False,
                ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
                ROOT_URLCONF="cases.benchmarking",
            ),
        ):
            self.line(f"Cache: {cache_description}")
            started = time.perf_counter()
            with benchmarking.scratch_database(scratch):
                self.line(
                    f"Scratch database {scratch!r} on {self._server()}: created and migrated "
                    f"in {time.perf_counter() - started:.1f} s"
                )
                self._benchmark(vocabulary, sizes, rounds)
            self.line(f"Scratch database {scratch!r} dropped.")

    # --- set-up ------------------------------------------------------------------------

    def _sizes(self, value: str) -> list[int]:
        try:
            sizes = [int(part) for part in value.split(",") if part.strip()]
        except ValueError as error:
            raise CommandError(f"--sizes: {error}") from error
        if not sizes or any(size < 1 for size in sizes) or sizes != sorted(set(sizes)):
            raise CommandError("--sizes must be positive and ascending, e.g. 1000,10000,100000.")
        return sizes

    def _server(self) -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        return f"PostgreSQL {version.split()[0]}"

    def _reference_data(self):
        """Seeded reference data (regions, organisations, R-ladder, tags) without the
        seeded cases, a member and a superuser with a TOTP authenticator."""
        call_command("seed", stdout=StringIO())
        Case.objects.all().delete()
        refs = benchmarking.ReferenceData.load()
        member = User.objects.create_user(email="lid@benchmark.example", full_name="Lid Bench")
        Membership.objects.create(
            user=member,
            organisation=Organisation.objects.get(pk=refs.organisations[0]),
            role=Membership.Role.INKOPER,
        )
        admin = User.objects.create_superuser(
            email="beheer@benchmark.example", full_name="Beheer Bench"
        )
        Authenticator.objects.create(
            user=admin,
            type=Authenticator.Type.TOTP,
            data={"secret": encrypt(generate_totp_secret())},
        )
        return refs, member, admin

    def _scenarios(self, member, admin, common: str, rare: str, slugs: dict[str, list[str]]):
        anonymous, signed_in, superuser = Client(), Client(), Client()
        signed_in.force_login(member)
        superuser.force_login(admin)
        case_list = reverse("cases:case_list")
        filtered = f"{case_list}?{urlencode({'r': 1, 'sector': 'facilitair'})}"
        admin_list = reverse("admin:cases_case_changelist")

        def fixed(url):
            return lambda _round: url

        return [
            benchmarking.Scenario("floor", signed_in, fixed(reverse("benchmark_floor"))),
            benchmarking.Scenario(
                "floor_anon", anonymous, fixed(reverse("benchmark_floor")), floor="floor_anon"
            ),
            benchmarking.Scenario("list_filters", signed_in, fixed(filtered)),
            benchmarking.Scenario(
                "list_filters_anon", anonymous, fixed(filtered), floor="floor_anon"
            ),
            benchmarking.Scenario(
                "search_common", signed_in, fixed(f"{case_list}?{urlencode({'q': common})}")
            ),
            benchmarking.Scenario(
                "search_rare", signed_in, fixed(f"{case_list}?{urlencode({'q': rare})}")
            ),
            # A random case each round: its stored article, or (first) none yet.
            *(
                benchmarking.Scenario(
                    name,
                    signed_in,
                    lambda number, name=name: reverse(
                        "cases:case_detail", args=[slugs[name][number]]
                    ),
                )
                for name in ("detail", "detail_first")
            ),
            benchmarking.Scenario(
                "admin_search", superuser, fixed(f"{admin_list}?{urlencode({'q': common})}")
            ),
        ]

    # --- the run -----------------------------------------------------------------------

    def _benchmark(self, vocabulary, sizes: list[int], rounds: int):
        started = time.perf_counter()
        refs, member, admin = self._reference_data()
        (common, common_rank), (rare, rare_rank) = benchmarking.pick_search_words(vocabulary)
        self.line(
            f"Reference data (seed, {len(refs.regions)} regions, {len(refs.organisations)} "
            f"organisations, {len(refs.authors)} authors) in {time.perf_counter() - started:.1f} s"
        )
        self.line(
            f"Search words: common {common!r} (rank {common_rank}, "
            f"p={vocabulary.probability(common_rank):.4f}), "
            f"rare {rare!r} (rank {rare_rank}, p={vocabulary.probability(rare_rank):.6f})"
        )
        self.line(f"Rounds: {rounds} per size, shuffled; DEBUG=False; seed {self.options['seed']}")
        generator = benchmarking.CaseGenerator(vocabulary, refs, self.rng)
        results = {}
        current = 0
        for size in sizes:
            self.line("")
            self._build(generator, current, size)
            current = size
            filters.facets_invalidate()  # what every change to a case does
            matches = {
                word: Case.objects.filter(search_vector=filters.search_query(word)).count()
                for word in (common, rare)
            }
            self.line(
                "  matches: "
                + ", ".join(f"{word!r} {n} ({n / size:.1%})" for word, n in matches.items())
            )
            sample = list(Case.objects.order_by("?").values_list("pk", "slug")[: 2 * (rounds + 1)])
            stored, first = sample[: rounds + 1], sample[rounds + 1 :]
            # What the write path's background task does after every change to a case
            # (cases.tasks.articles_render); here for the sampled cases, not all N.
            articles.store(pk for pk, _slug in stored)
            slugs = {
                "detail": [slug for _pk, slug in stored],
                "detail_first": [slug for _pk, slug in first],
            }
            scenarios = self._scenarios(member, admin, common, rare, slugs)
            self._recount(scenarios)
            timings = benchmarking.run_rounds(scenarios, rounds=rounds, rng=self.rng)
            cold = self._cold_facets(scenarios)
            results[size] = (timings, cold)
            self._table(size, scenarios, timings, cold, results[sizes[0]][0], sizes[0])
        self._verdict(sizes, scenarios, results)

    def _build(self, generator, current: int, size: int):
        self.line(f"== {size} cases")
        started = time.perf_counter()
        step = max(10_000, self.options["batch_size"])

        def progress(done):
            if done % step == 0 and done < size - current:
                rate = done / (time.perf_counter() - started)
                self.line(f"  … {done}/{size - current} ({rate:.0f} cases/s)")

        benchmarking.add_cases(
            generator,
            size - current,
            first_number=current,
            batch_size=self.options["batch_size"],
            progress=progress,
        )
        built = time.perf_counter() - started
        vacuum_started = time.perf_counter()
        benchmarking.vacuum_analyze()
        vacuumed = time.perf_counter() - vacuum_started
        self.line(
            f"  built +{size - current} cases (text, parts, search vectors) in {built:.1f} s "
            f"= {(size - current) / built:.0f} cases/s; VACUUM ANALYZE {vacuumed:.1f} s"
        )

    def _recount(self, scenarios):
        """After a change the list serves the counts from before while a Celery worker
        recounts them (cases.tasks.facets_refresh). No worker runs here: do its work for
        the listed filters, so the rounds measure the library between changes."""
        case_list = reverse("cases:case_list")
        states = {
            json.dumps(filters.filter_state(QueryDict(urlsplit(url).query)), sort_keys=True)
            for url in (scenario.path(0) for scenario in scenarios)
            if urlsplit(url).path == case_list
        }
        for state in states:
            for audience in (COMMUNITY, PUBLIC):
                filters.facets_refresh(audience, json.loads(state))

    def _cold_facets(self, scenarios):
        """The filtered list when its cache cannot help, measured apart (not interleaved)
        since it changes the caches: right after a change to any case (the counts from
        before are served while a recount is queued), and for a filter combination
        never counted before (counted in the request)."""
        scenario = next(s for s in scenarios if s.name == "list_filters")
        timings = benchmarking.Timings()
        for name in COLD:
            for _ in range(COLD_REPEATS):
                filters.facets_invalidate()
                if name == "list_filters_uncounted":
                    benchmarking.forget_cached("cases:facets:")
                timings.samples[name].append(
                    benchmarking.timed_get(scenario.client, scenario.path(0))
                )
        return timings

    # --- output ------------------------------------------------------------------------

    def _table(self, size, scenarios, timings, cold, first_timings, first_size):
        admin = timings.median("admin_search")
        header = (
            f"  {'scenario':<20} {'median ms':>10} {'p95 ms':>9} {'queries':>8} "
            f"{'× floor':>8} {f'vs {first_size}':>9} {'admin/search':>13}"
        )
        self.line(header)
        self.line("  " + "-" * (len(header) - 2))
        for scenario in scenarios:
            name = scenario.name
            ratio = timings.median(name) / timings.median(scenario.floor)
            first_ratio = first_timings.median(name) / first_timings.median(scenario.floor)
            speedup = f"{admin / timings.median(name):.1f}" if name.startswith("search_") else ""
            label = f"{name}*" if name in NO_TARGET else name
            self.line(
                f"  {label:<20} {timings.median(name):>10.1f} {timings.p95(name):>9.1f} "
                f"{timings.queries(name):>8} {ratio:>7.2f}× {ratio / first_ratio:>8.2f}× "
                f"{speedup:>13}"
            )
        for name in COLD:
            self.line(
                f"  {name + '*':<20} {cold.median(name):>10.1f} {cold.p95(name):>9.1f} "
                f"{cold.queries(name):>8} {cold.median(name) / timings.median('floor'):>7.2f}×"
            )
        self.line("  * no target:")
        self.line(
            "    detail_first: a case read before its article was stored (the first view "
            "after a change, if the background task has not run yet)"
        )
        self.line(
            f"    list_filters_changed / _uncounted: {COLD_REPEATS} requests each, not "
            "interleaved, right after a change to a case (counts from before served, a "
            "recount queued) / for filters never counted before (counted in the request)"
        )

    def _verdict(self, sizes, scenarios, results):
        largest, first = sizes[-1], sizes[0]
        timings, cold = results[largest]
        first_timings = results[first][0]
        self.line("")
        self.line(f"== Targets at {largest} cases")
        missed = []

        def check(ok: bool, text: str):
            self.line(f"  [{'PASS' if ok else 'FAIL'}] {text}")
            if not ok:
                missed.append(text)

        for name, floor, most, growth in TARGETS:
            ratio = timings.median(name) / timings.median(floor)
            first_ratio = first_timings.median(name) / first_timings.median(floor)
            check(ratio <= most, f"{name}: {ratio:.2f}× {floor} (target ≤ {most}×)")
            check(
                ratio / first_ratio <= growth,
                f"{name}: ratio {ratio / first_ratio:.2f}× its ratio at {first} "
                f"(target ≤ {growth}×)",
            )
        speedup = timings.median("admin_search") / timings.median("search_common")
        check(
            speedup >= ADMIN_SPEEDUP,
            f"search_common: {speedup:.1f}× faster than admin_search (target ≥ {ADMIN_SPEEDUP}×)",
        )

        self.line("")
        self.line(f"== Slowest query per scenario at {largest} cases")
        for scenario in scenarios:
            ms, sql = timings.slowest(scenario.name)
            self.line(f"  {scenario.name:<20} {ms:>8.1f} ms  {' '.join(sql.split())[:150]}")
        for name in COLD:
            ms, sql = cold.slowest(name)
            self.line(f"  {name:<20} {ms:>8.1f} ms  {' '.join(sql.split())[:150]}")

        if missed or self.options["explain"]:
            for name in ("list_filters", "search_common", "search_rare", "detail"):
                ms, sql = timings.slowest(name)
                self.line("")
                self.line(f"== EXPLAIN ANALYZE: slowest query of {name} ({ms:.1f} ms)")
                self.line(sql)
                self.line(benchmarking.explain(sql))

        total = 2 * len(TARGETS) + 1
        self.line("")
        if missed:
            self.line(f"RESULT: FAIL ({len(missed)} of {total} targets missed)")
        else:
            self.line(f"RESULT: PASS (all {total} targets hold)")

    def line(self, text: str):
        self.stdout.write(text)
