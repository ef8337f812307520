"""Procurement trajectories: `python -m benchmarks trajectories --sizes 1000,10000,100000`

How the trajectory list and the trajectory page scale with the number of trajectories,
on synthetic ones (`benchmarks/data/trajectories.py`) of organisations in every region.
The member reads as an inkoper of a gemeente that runs a fifth of its region's
trajectories, in a region that holds about an eighth of them. `list_varied` asks a
fresh combination of facets on every request (most visitors tick none to two), with a
search word drawn by its frequency in the source documents on some of them; `page` a
different trajectory with answers and two or three KPIs on every request, some of the
member's own organisation (the confidential parts and the editing forms render), the
others of the region. `list` is the plain list at a fixed URL.
"""

import statistics
import time
from collections import Counter
from io import StringIO
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.management import call_command
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import ExtractYear
from django.test import Client
from django.urls import reverse

from benchmarks import harness
from benchmarks.data import cases as text
from benchmarks.data import community as people
from benchmarks.data import trajectories as data
from community.models import Organisation, ProductCategory
from procurement.models import (
    Kpi,
    KpiMeasurement,
    PhaseProgress,
    QuestionAnswer,
    TeamMember,
    Trajectory,
    TrajectoryDocument,
)

# The facets' query parameters, in the order of the filter form (procurement/filters.py).
FACETS = [
    "fase",
    "status",
    "ambitie",
    "behaald",
    "themagroep",
    "organisatie",
    "soort",
    "categorie",
    "procedure",
    "jaar",
]
# Which facet a visitor ticks: the phase most often, then status and organisation.
FACET_WEIGHTS = {
    "fase": 3,
    "status": 2,
    "organisatie": 2,
    "ambitie": 1,
    "behaald": 1,
    "themagroep": 1,
    "soort": 1,
    "categorie": 1,
    "procedure": 1,
    "jaar": 1,
}
# How many facets one request of the list ticks; how many search, and choose a sort.
LIST_FILTERS = {0: 0.35, 1: 0.35, 2: 0.2, 3: 0.1}
SEARCH_SHARE = 0.3
SORTED_SHARE = 0.3
SORTS = ["titel", "gewijzigd"]  # besides the default (gewijzigd, or relevantie on a search)
OWN_PAGE_SHARE = 0.4  # of page requests: a trajectory of the member's own organisation

# Targets: ratios against the floor at the largest size, and growth from the first.
LIST_MEDIAN = 15
PAGE_MEDIAN = 4
GROWTH = 1.5


def _url(path: str, params: list[tuple[str, str]]) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def _params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


class Trajectories(harness.Suite):
    """The trajectory list with facets and search, and the trajectory page."""

    name = "trajectories"

    # --- set-up ------------------------------------------------------------------------

    def prepare(self, bench):
        started = time.perf_counter()
        vocabulary = text.vocabulary_from(text.default_documents())
        bench.line(f"Vocabulary: {len(vocabulary.words)} words from {vocabulary.source}")
        # Seeded reference data: regions, organisations, phases, 31 guiding questions.
        call_command("seed", stdout=StringIO())
        self.refs = data.References.load(bench.rng)
        organisation = Organisation.objects.select_related("region").get(
            pk=self.refs.member_organisation
        )
        self.member_user = people.member(organisation=organisation)
        self.member = Client()
        self.member.force_login(self.member_user)
        bench.line(
            f"Reference data (seed, {len(self.refs.buyers_by_region)} regions, "
            f"{len(self.refs.owners)} buying organisations, {len(self.refs.questions)} guiding "
            f"questions, {len(self.refs.users)} users) in {time.perf_counter() - started:.1f} s"
        )
        bench.line(
            f"Member: inkoper of {organisation.name} in {organisation.region.name} "
            f"(the region ≈ {data.MEMBER_REGION_SHARE:.1%} of all trajectories, the "
            f"organisation ≈ {data.MEMBER_ORGANISATION_SHARE:.0%} of the region's)"
        )
        self.words = text.SearchWords.of(vocabulary)
        self.generator = data.TrajectoryGenerator(vocabulary, self.refs, bench.rng)
        self.loaded = 0

    def load(self, bench, size):
        started = time.perf_counter()
        count = size - self.loaded
        step = max(10_000, bench.batch_size)

        def progress(done):
            if done % step == 0 and done < count:
                rate = done / (time.perf_counter() - started)
                bench.line(f"  … {done}/{count} ({rate:.0f} trajectories/s)")

        data.add_trajectories(
            self.generator,
            count,
            batch_size=bench.batch_size,
            progress=progress,
        )
        self.loaded = size
        built = time.perf_counter() - started
        vacuum_started = time.perf_counter()
        harness.vacuum_analyze(
            Trajectory,
            Trajectory.participating_organisations.through,
            Trajectory.history.model,
            PhaseProgress,
            PhaseProgress.history.model,
            QuestionAnswer,
            TeamMember,
            Kpi,
            KpiMeasurement,
            TrajectoryDocument,
            Organisation,
        )
        rows = {
            "phases": PhaseProgress.objects.count(),
            "answers": QuestionAnswer.objects.count(),
            "team": TeamMember.objects.count(),
            "KPIs": Kpi.objects.count(),
            "measurements": KpiMeasurement.objects.count(),
            "documents": TrajectoryDocument.objects.count(),
        }
        bench.line(
            f"  built +{count} trajectories in {built:.1f} s = {count / built:.0f}/s; "
            f"VACUUM ANALYZE {time.perf_counter() - vacuum_started:.1f} s"
        )
        bench.line("  rows: " + ", ".join(f"{n} {name}" for name, n in rows.items()))

    # --- scenarios -----------------------------------------------------------------------

    def scenarios(self, bench, size):
        visible = Trajectory.objects.visible_to(self.member_user)
        own = visible.filter(organisation=self.refs.member_organisation).count()
        shown = visible.count()
        statuses = Counter(visible.values_list("status", flat=True))
        bench.line(
            f"  visible to the member: {shown} ({shown / size:.1%}), own organisation {own}; "
            + ", ".join(f"{status} {n}" for status, n in statuses.most_common())
        )
        self.values = self._facet_values(visible)

        wanted = bench.rounds + 1  # the warm-up and every round
        self.pages = {
            "own": self._sample_pages(visible, own=True, count=wanted),
            "region": self._sample_pages(visible, own=False, count=wanted),
        }
        member = self.member
        return [
            harness.floor_scenario("floor", member),
            harness.Scenario(
                "list", member, reverse("procurement:trajectory_list"), growth_at_most=GROWTH
            ),
            harness.Scenario(
                "list_varied",
                member,
                self._list_url,
                median_at_most=LIST_MEDIAN,
                growth_at_most=GROWTH,
            ),
            harness.Scenario(
                "page",
                member,
                self._page_url,
                median_at_most=PAGE_MEDIAN,
                growth_at_most=GROWTH,
            ),
        ]

    def _facet_values(self, visible) -> dict[str, list[str]]:
        """Every value of every facet among the trajectories the member sees, as the URL
        writes it (the facet panel offers these)."""

        def distinct(queryset, column):
            rows = queryset.order_by().values_list(column, flat=True).distinct()
            return sorted(str(value) for value in rows if value not in (None, ""))

        return {
            "fase": [str(n) for n in range(1, 7)],
            "status": distinct(visible, "status"),
            "ambitie": distinct(visible, "r_level_target"),
            "behaald": distinct(visible, "r_level_achieved"),
            "themagroep": distinct(visible, "themegroup"),
            "organisatie": distinct(
                Organisation.objects.filter(pk__in=visible.values("organisation")), "slug"
            ),
            "soort": distinct(visible, "procurement_type"),
            "categorie": distinct(
                ProductCategory.objects.filter(pk__in=visible.values("product_category")), "slug"
            ),
            "procedure": distinct(visible, "procedure"),
            "jaar": distinct(visible.annotate(year=ExtractYear("contract_start")), "year"),
        }

    def _sample_pages(self, visible, *, own: bool, count: int) -> list[int]:
        """Trajectories with answers and two or three KPIs, in random order."""
        member_organisation = self.refs.member_organisation
        candidates = (
            visible.filter(Exists(QuestionAnswer.objects.filter(trajectory=OuterRef("pk"))))
            .annotate(kpi_count=Count("kpis"))
            .filter(kpi_count__in=[2, 3])
        )
        if own:
            candidates = candidates.filter(organisation=member_organisation)
        else:
            candidates = candidates.exclude(organisation=member_organisation)
        return list(candidates.order_by("?").values_list("pk", flat=True)[:count])

    def _filters(self, rng) -> list[tuple[str, str]]:
        """A number of distinct facets drawn from LIST_FILTERS, one value each."""
        count = rng.choices(list(LIST_FILTERS), weights=list(LIST_FILTERS.values()))[0]
        available = [facet for facet in FACETS if self.values[facet]]
        chosen = set()
        while len(chosen) < min(count, len(available)):
            left = [facet for facet in available if facet not in chosen]
            chosen.add(rng.choices(left, weights=[FACET_WEIGHTS[f] for f in left])[0])
        return [(facet, rng.choice(self.values[facet])) for facet in FACETS if facet in chosen]

    def _list_url(self, rng) -> str:
        params = []
        if rng.random() < SEARCH_SHARE:
            params.append(("q", self.words.draw(rng)))
        params += self._filters(rng)
        if rng.random() < SORTED_SHARE:
            params.append(("sorteer", rng.choice(SORTS)))
        return _url(reverse("procurement:trajectory_list"), params)

    def _page_url(self, rng) -> str:
        """A trajectory not requested before: the member's own organisation's on
        OWN_PAGE_SHARE of the requests, another one of the region otherwise."""
        kind = "own" if rng.random() < OWN_PAGE_SHARE else "region"
        if not self.pages[kind]:
            kind = "region" if kind == "own" else "own"
        if not self.pages[kind]:
            raise RuntimeError("More requests than sampled trajectories: use fewer --rounds.")
        pool = self.pages[kind]
        pk = pool.pop(rng.randrange(len(pool)))
        return reverse("procurement:trajectory_detail", args=[pk])

    # --- what the varied scenarios asked -----------------------------------------------

    def summary(self, bench, size, timings):
        lists = [_params(url) for url in timings.urls("list_varied")]
        per_count = Counter(sum(1 for name, _v in params if name in FACETS) for params in lists)
        words = [value for params in lists for name, value in params if name == "q"]
        ranks = sorted(self.words.rank(word) for word in words)
        sorted_share = sum(1 for params in lists if any(n == "sorteer" for n, _v in params))
        pages = [
            int(urlsplit(url).path.strip("/").rsplit("/", 1)[-1]) for url in timings.urls("page")
        ]
        own = Trajectory.objects.filter(
            pk__in=pages, organisation=self.refs.member_organisation
        ).count()
        answers = Counter(
            QuestionAnswer.objects.filter(trajectory__in=pages).values_list("trajectory", flat=True)
        )
        measurements = Counter(
            KpiMeasurement.objects.filter(kpi__trajectory__in=pages).values_list(
                "kpi__trajectory", flat=True
            )
        )
        lines = [
            f"list_varied: {len(lists)} distinct URLs; filters 0/1/2/3: "
            + "/".join(str(per_count[n]) for n in range(4))
            + f"; with a search word: {len(words)}"
            + (
                f" ({len(set(words))} words, vocabulary ranks {ranks[0]}–{ranks[-1]})"
                if ranks
                else ""
            )
            + f"; with a sort: {sorted_share}",
            f"page: {len(pages)} trajectories, {own} of the member's organisation; answers "
            f"median {statistics.median(answers[pk] for pk in pages):g}, KPI measurements "
            f"median {statistics.median(measurements[pk] for pk in pages):g}",
        ]
        first = bench.first
        queries = []
        for name in ("list", "list_varied", "page"):
            counts = [s.queries for s in timings.samples[name]]
            before = [s.queries for s in first.samples[name]]
            queries.append(
                f"{name} {min(counts)}–{max(counts)} (at {bench.sizes[0]}: "
                f"{min(before)}–{max(before)})"
            )
        lines.append("queries per request: " + "; ".join(queries))
        return lines
