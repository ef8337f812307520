"""The case library: `python -m benchmarks cases --sizes 1000,10000,100000 --rounds 15`

How the case list, search and case page scale with the size of the library, on
synthetic Dutch cases (`benchmarks/data/cases.py`). Besides fixed URLs, which a cache
may answer after the first round, two scenarios ask something new on every request:
`list_varied` a fresh filter combination as visitors tick them (most use none to two
facets), `search_varied` a word drawn by its frequency in the source documents, with or
without a filter. They show what the library costs when no earlier answer helps.
"""

import time
from collections import Counter
from io import StringIO
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from benchmarks import harness
from benchmarks.data import cases as data
from benchmarks.data import community as people
from cases import articles, facets
from cases.models import Case, CaseLesson, CaseObstacle, CaseStrategy
from community.models import Organisation, ProductCategory, Region

# The facets' query parameters, in the order of the filter form (cases/filters.py).
FACETS = ["r", "sector", "soort", "regio", "dimensie", "jaar", "procedure", "categorie"]
# Which facet a visitor ticks: R-strategy, sector and region most often.
FACET_WEIGHTS = {
    "r": 3,
    "sector": 2,
    "regio": 2,
    "soort": 1,
    "dimensie": 1,
    "jaar": 1,
    "procedure": 1,
    "categorie": 1,
}
# How many facets one request of the list ticks, and of a search.
LIST_FILTERS = {0: 0.35, 1: 0.35, 2: 0.2, 3: 0.1}
SEARCH_FILTERS = {0: 0.6, 1: 0.4}
SORTS = ["nieuwste", "titel"]  # the list's `sorteer` values besides the default
SORTED_SHARE = 0.5  # of list requests that also choose a sort

# Targets: ratios against the floor at the largest size, and growth from the first.
GROWTH = 1.5
ADMIN_SPEEDUP = 5


def _url(path: str, params: list[tuple[str, str]]) -> str:
    return f"{path}?{urlencode(params)}" if params else path


class CaseLibrary(harness.Suite):
    """Published cases: the list with facets, search, the case page and the admin."""

    name = "cases"
    speedups = [harness.Speedup(fast="search_common", slow="admin_search", at_least=ADMIN_SPEEDUP)]

    # --- set-up ------------------------------------------------------------------------

    def prepare(self, bench):
        started = time.perf_counter()
        vocabulary = data.vocabulary_from(data.default_documents())
        bench.line(f"Vocabulary: {len(vocabulary.words)} words from {vocabulary.source}")
        bench.line(f"  Zipf s={vocabulary.exponent}; top: {', '.join(vocabulary.words[:12])}")

        # Seeded reference data (regions, organisations, R-ladder, tags), not its cases.
        call_command("seed", stdout=StringIO())
        Case.objects.all().delete()
        self.refs = data.ReferenceData.load()
        member = people.member(organisation=Organisation.objects.get(pk=self.refs.organisations[0]))
        admin = people.superuser()
        self.anonymous, self.member, self.admin = Client(), Client(), Client()
        self.member.force_login(member)
        self.admin.force_login(admin)
        bench.line(
            f"Reference data (seed, {len(self.refs.regions)} regions, "
            f"{len(self.refs.organisations)} organisations, {len(self.refs.authors)} authors) "
            f"in {time.perf_counter() - started:.1f} s"
        )

        (self.common, common_rank), (self.rare, rare_rank) = data.pick_search_words(vocabulary)
        self.words = data.SearchWords.of(vocabulary)
        bench.line(
            f"Search words: common {self.common!r} (rank {common_rank}, "
            f"p={vocabulary.probability(common_rank):.4f}), "
            f"rare {self.rare!r} (rank {rare_rank}, p={vocabulary.probability(rare_rank):.6f}); "
            f"varied: {len(self.words.words)} words by frequency"
        )
        self.generator = data.CaseGenerator(vocabulary, self.refs, bench.rng)
        self.loaded = 0

    def load(self, bench, size):
        started = time.perf_counter()
        count = size - self.loaded
        step = max(10_000, bench.batch_size)

        def progress(done):
            if done % step == 0 and done < count:
                rate = done / (time.perf_counter() - started)
                bench.line(f"  … {done}/{count} ({rate:.0f} cases/s)")

        data.add_cases(
            self.generator,
            count,
            first_number=self.loaded,
            batch_size=bench.batch_size,
            progress=progress,
        )
        self.loaded = size
        built = time.perf_counter() - started
        vacuum_started = time.perf_counter()
        harness.vacuum_analyze(
            Case,
            CaseStrategy,
            CaseObstacle,
            CaseLesson,
            Case.organisations.through,
            Case.tags.through,
        )
        bench.line(
            f"  built +{count} cases (text, parts, search vectors) in {built:.1f} s "
            f"= {count / built:.0f} cases/s; "
            f"VACUUM ANALYZE {time.perf_counter() - vacuum_started:.1f} s"
        )

    # --- scenarios -----------------------------------------------------------------------

    def scenarios(self, bench, size):
        matches = {
            word: Case.objects.filter(
                search_vector=SearchQuery(f"{word}:*", config="dutch", search_type="raw")
            ).count()
            for word in (self.common, self.rare)
        }
        bench.line(
            "  matches: "
            + ", ".join(f"{word!r} {n} ({n / size:.1%})" for word, n in matches.items())
        )
        self.values = self._facet_values()
        # Built here rather than by the first request, to show what a build costs (the
        # first page after an empty cache waits for it; celery beat rebuilds hourly).
        started = time.perf_counter()
        index = facets.rebuild()
        bench.line(
            f"  facet index built in {time.perf_counter() - started:.1f} s "
            f"({len(index.bits)} facet bitmaps, {len(index.words)} search stems)"
        )

        wanted = bench.rounds + 1  # the warm-up and every round
        sample = list(Case.objects.order_by("?").values_list("pk", "slug")[: 2 * wanted])
        stored, first = sample[:wanted], sample[wanted:]
        # What the write path's background task does after every change to a case; here
        # for the sampled cases, not all of them.
        if hasattr(articles, "store"):
            articles.store(pk for pk, _slug in stored)

        case_list = reverse("cases:case_list")
        filtered = _url(case_list, [("r", "1"), ("sector", "facilitair")])
        admin_list = reverse("admin:cases_case_changelist")
        member, anonymous = self.member, self.anonymous
        return [
            harness.floor_scenario("floor", member),
            harness.floor_scenario("floor_anon", anonymous),
            harness.Scenario("list_filters", member, filtered, growth_at_most=GROWTH),
            harness.Scenario(
                "list_filters_anon", anonymous, filtered, floor="floor_anon", growth_at_most=GROWTH
            ),
            harness.Scenario(
                "list_varied",
                member,
                self._list_url,
                median_at_most=15,
                p95_at_most=40,
                growth_at_most=GROWTH,
            ),
            harness.Scenario(
                "search_common",
                member,
                _url(case_list, [("q", self.common)]),
                growth_at_most=GROWTH,
            ),
            harness.Scenario(
                "search_rare", member, _url(case_list, [("q", self.rare)]), growth_at_most=GROWTH
            ),
            harness.Scenario(
                "search_varied",
                member,
                self._search_url,
                median_at_most=15,
                growth_at_most=GROWTH,
            ),
            harness.Scenario(
                "detail",
                member,
                self._case_page([slug for _pk, slug in stored]),
                median_at_most=3,
                growth_at_most=GROWTH,
            ),
            harness.Scenario(
                "detail_first",
                member,
                self._case_page([slug for _pk, slug in first]),
                note="a case read before its article was stored (the first view after a "
                "change, if the background task has not run yet)",
            ),
            harness.Scenario(
                "admin_search",
                self.admin,
                _url(admin_list, [("q", self.common)]),
                note=f"the admin changelist searching {self.common!r}: "
                f"search_common must be ≥ {ADMIN_SPEEDUP}× faster",
            ),
        ]

    def _facet_values(self) -> dict[str, list[str]]:
        """Every value of every facet that the cases have, as the URL writes it."""

        def distinct(queryset, column):
            rows = queryset.order_by().values_list(column, flat=True).distinct()
            return sorted(str(value) for value in rows if value not in (None, ""))

        cases = Case.objects.all()
        return {
            "r": [str(level) for level in self.refs.r_levels],
            "sector": distinct(cases, "sector"),
            "soort": distinct(Case.organisations.through.objects.all(), "organisation__type"),
            "regio": distinct(Region.objects.filter(pk__in=cases.values("region")), "slug"),
            "dimensie": distinct(CaseObstacle.objects.all(), "dimension"),
            "jaar": distinct(cases, "year"),
            "procedure": distinct(cases, "procedure"),
            "categorie": distinct(
                ProductCategory.objects.filter(pk__in=cases.values("product_category")), "slug"
            ),
        }

    def _filters(self, rng, distribution: dict[int, float]) -> list[tuple[str, str]]:
        """A number of distinct facets drawn from `distribution`, one value each."""
        count = rng.choices(list(distribution), weights=list(distribution.values()))[0]
        available = [facet for facet in FACETS if self.values[facet]]
        chosen = set()
        while len(chosen) < min(count, len(available)):
            left = [facet for facet in available if facet not in chosen]
            chosen.add(rng.choices(left, weights=[FACET_WEIGHTS[f] for f in left])[0])
        return [(facet, rng.choice(self.values[facet])) for facet in FACETS if facet in chosen]

    def _list_url(self, rng) -> str:
        params = self._filters(rng, LIST_FILTERS)
        if rng.random() < SORTED_SHARE:
            params.append(("sorteer", rng.choice(SORTS)))
        return _url(reverse("cases:case_list"), params)

    def _search_url(self, rng) -> str:
        params = [("q", self.words.draw(rng)), *self._filters(rng, SEARCH_FILTERS)]
        return _url(reverse("cases:case_list"), params)

    def _case_page(self, slugs: list[str]):
        """A different case of `slugs` for every request."""
        remaining = slugs[:]

        def draw(rng) -> str:
            if not remaining:
                raise RuntimeError("More requests than sampled cases: use fewer --rounds.")
            return reverse("cases:case_detail", args=[remaining.pop(rng.randrange(len(remaining)))])

        return draw

    # --- what the varied scenarios asked -----------------------------------------------

    def summary(self, bench, size, timings):
        lists = [_params(url) for url in timings.urls("list_varied")]
        per_count = Counter(sum(1 for name, _v in params if name in FACETS) for params in lists)
        sorted_share = sum(1 for params in lists if any(n == "sorteer" for n, _v in params))
        searches = [_params(url) for url in timings.urls("search_varied")]
        words = [value for params in searches for name, value in params if name == "q"]
        ranks = sorted(self.words.rank(word) for word in words)
        with_filter = sum(1 for params in searches if len(params) > 1)
        return [
            f"list_varied: {len(lists)} distinct URLs; filters 0/1/2/3: "
            + "/".join(str(per_count[n]) for n in range(4))
            + f"; with a sort: {sorted_share}",
            f"search_varied: {len(searches)} distinct URLs, {len(set(words))} words "
            f"(vocabulary ranks {ranks[0]}–{ranks[-1]}, median {ranks[len(ranks) // 2]}); "
            f"with a filter: {with_filter}",
        ]


def _params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)
