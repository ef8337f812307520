"""Building blocks of `manage.py benchmark_cases`: a scratch database, synthetic Dutch
cases with a natural word-frequency spread, and timing of requests through the full
middleware stack. Nothing in the portal itself imports this module.

It is also a URLconf (`urlpatterns` below): the real URLs plus `benchmark-floor/`, the
cheapest page the portal could serve, which every scenario is compared with.
"""

import copy
import math
import random
import re
import statistics
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.shortcuts import render
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from cases.models import Case, CaseLesson, CaseObstacle, CaseStrategy, Dimension, Tag
from community.models import (
    Organisation,
    ProductCategory,
    Region,
    Sector,
    Themegroup,
    User,
)
from procurement.models import AwardBasis, Procedure, RStrategy, SpecialMethod

ZIPF_EXPONENT = 1.1
WORD = re.compile(r"[^\W\d_]{2,}")
# A word broken over two lines by the PDF extraction ("ener-\ngietransitie").
LINE_BREAK_HYPHEN = re.compile(r"-[ \t]*\n[ \t]*")

# Regions next to the two seeded ones, so the region facet has a realistic spread.
EXTRA_REGIONS = [
    "Drechtsteden",
    "Holland Rijnland",
    "Metropoolregio Amsterdam",
    "Regio Foodvalley",
    "Regio Twente",
    "Regio Utrecht",
]
# Lower R-levels (niet, anders, minder inkopen) are what the library is about.
R_LEVEL_WEIGHTS = [4, 4, 4, 2, 1, 1, 1, 1, 2, 1]
TEXT_FIELDS = ["title", "summary", "context", "approach", "results", "involved_parties"]


# --- Vocabulary ----------------------------------------------------------------------


@dataclass
class Vocabulary:
    """Words ranked by their frequency in real documents, sampled with Zipf's law."""

    words: list[str]
    source: str
    exponent: float = ZIPF_EXPONENT
    cum_weights: list[float] = field(init=False, repr=False)

    def __post_init__(self):
        total = 0.0
        self.cum_weights = []
        for rank in range(1, len(self.words) + 1):
            total += self.weight(rank)
            self.cum_weights.append(total)

    def weight(self, rank: int) -> float:
        """Unnormalised probability of the word at a 1-based rank."""
        return 1.0 / rank**self.exponent

    def probability(self, rank: int) -> float:
        return self.weight(rank) / self.cum_weights[-1]

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=k)


def tokenise(text: str) -> list[str]:
    """Lower-case words of two or more letters; numbers and punctuation are dropped."""
    return WORD.findall(LINE_BREAK_HYPHEN.sub("", text).lower())


def vocabulary_from(paths: list[Path]) -> Vocabulary:
    """Rank every word of the documents by frequency (ties alphabetically, for a stable
    order across runs)."""
    counts = Counter()
    for document in paths:
        counts.update(tokenise(document.read_text(encoding="utf-8")))
    if not counts:
        raise ValueError("The documents hold no words.")
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    names = ", ".join(sorted(p.name for p in paths))
    return Vocabulary(words=[word for word, _count in ranked], source=names)


def default_documents() -> list[Path]:
    """The source documents next to the project (../shared/seeds/*.txt); without them
    the seed fixtures of this repository, which are Dutch too."""
    seeds = Path(settings.BASE_DIR).parent / "shared" / "seeds"
    documents = sorted(seeds.glob("*.txt"))
    return documents or sorted((Path(settings.BASE_DIR) / "fixtures" / "seed").glob("*.yaml"))


def pick_search_words(
    vocabulary: Vocabulary, *, common_rank: int = 20, rare_rank: int = 5000
) -> tuple[tuple[str, int], tuple[str, int]]:
    """A common and a rare search word as (word, rank): real words that the Dutch
    configuration keeps (no stopwords), the common one at or after `common_rank`, the
    rare one at or before `rare_rank` (or the end of the vocabulary).

    The portal matches stems as prefixes ("kunstgras" finds "kunstgrasvelden"), so the
    rare word must not be the stem or a prefix of the stem of more frequent words, or it
    would match as often as they do. PostgreSQL gives the stems, so the choice follows
    the configuration the portal searches with.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce((tsvector_to_array(to_tsvector('dutch', w)))[1], '') "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS t(w, n) ORDER BY n",
            [vocabulary.words],
        )
        stems = [row[0] for row in cursor.fetchall()]
    stem_weights = defaultdict(float)
    for rank, stem in enumerate(stems, start=1):
        if stem:
            stem_weights[stem] += vocabulary.weight(rank)

    def matched_weight(stem: str) -> float:
        return sum(w for other, w in stem_weights.items() if other.startswith(stem))

    size = len(vocabulary.words)
    common = next(
        (r for r in range(min(common_rank, size), size + 1) if len(stems[r - 1]) >= 4), None
    )
    rare = next(
        (
            r
            for r in range(min(rare_rank, size), 0, -1)
            if len(vocabulary.words[r - 1]) >= 6
            and len(stems[r - 1]) >= 5
            and matched_weight(stems[r - 1]) <= 1.5 * vocabulary.weight(r)
        ),
        None,
    )
    if common is None or rare is None or rare <= common:
        raise ValueError("The vocabulary has no usable search words.")
    return (vocabulary.words[common - 1], common), (vocabulary.words[rare - 1], rare)


# --- Synthetic cases -------------------------------------------------------------------


@dataclass
class ReferenceData:
    """What synthetic cases point at; loaded once per scratch database."""

    regions: list[int]
    organisations: list[int]
    product_categories: list[int]
    themegroups: list[int]
    tags: list[int]
    authors: list[int]
    r_levels: list[int]

    @classmethod
    def load(cls, *, author_count: int = 50) -> "ReferenceData":
        """Extra regions and authors next to the seeded reference data."""
        for name in EXTRA_REGIONS:
            Region.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        unusable = make_password(None)
        User.objects.bulk_create(
            [
                User(
                    email=f"auteur{n}@benchmark.example",
                    full_name=f"Auteur {n}",
                    password=unusable,
                )
                for n in range(author_count)
            ],
            ignore_conflicts=True,
        )
        return cls(
            regions=list(Region.objects.values_list("pk", flat=True)),
            organisations=list(Organisation.objects.values_list("pk", flat=True)),
            product_categories=list(ProductCategory.objects.values_list("pk", flat=True)),
            themegroups=list(Themegroup.objects.values_list("pk", flat=True)),
            tags=list(Tag.objects.values_list("pk", flat=True)),
            authors=list(
                User.objects.filter(email__endswith="@benchmark.example").values_list(
                    "pk", flat=True
                )
            ),
            r_levels=sorted(RStrategy.objects.values_list("level", flat=True)),
        )


class CaseGenerator:
    """Published cases whose text is Zipf-sampled words in sentences of 6 to 18 words,
    with strategies, obstacles, lessons, organisations and tags."""

    # (minimum, maximum) words per text
    TITLE = (4, 10)
    SUMMARY = (25, 60)
    CONTEXT = (50, 120)
    APPROACH = (50, 120)
    RESULTS = (20, 60)
    PARTIES = (6, 20)
    PART = (10, 30)  # one strategy explanation, obstacle, solution or lesson

    def __init__(self, vocabulary: Vocabulary, references: ReferenceData, rng: random.Random):
        self.vocabulary = vocabulary
        self.refs = references
        self.rng = rng
        self.now = timezone.now()
        self.sectors = [value for value, _label in Sector.choices]
        self.procedures = [value for value, _label in Procedure.choices]
        self.special_methods = [value for value, _label in SpecialMethod.choices]
        self.award_bases = [value for value, _label in AwardBasis.choices]
        self.dimensions = [value for value, _label in Dimension.choices]
        self.r_weights = [R_LEVEL_WEIGHTS[level % 10] for level in references.r_levels]

    def _length(self, bounds: tuple[int, int]) -> int:
        return self.rng.randint(*bounds)

    def _sentences(self, words: list[str]) -> str:
        sentences = []
        start = 0
        while start < len(words):
            end = start + self.rng.randint(6, 18)
            text = " ".join(words[start:end])
            sentences.append(text[0].upper() + text[1:] + ".")
            start = end
        return " ".join(sentences)

    def _plan(self) -> dict:
        """How many words each text of one case gets, and its structured parts."""
        rng = self.rng
        strategies = rng.sample(
            self.refs.r_levels, k=min(rng.randint(1, 3), len(self.refs.r_levels))
        )
        obstacles = [
            (rng.choice(self.dimensions), self._length(self.PART), rng.random() < 0.8)
            for _ in range(rng.randint(0, 4))
        ]
        return {
            "title": self._length(self.TITLE),
            "summary": self._length(self.SUMMARY),
            "context": self._length(self.CONTEXT),
            "approach": self._length(self.APPROACH),
            "results": self._length(self.RESULTS) if rng.random() < 0.8 else 0,
            "involved_parties": self._length(self.PARTIES) if rng.random() < 0.7 else 0,
            "strategies": [(level, self._length(self.PART)) for level in strategies],
            "obstacles": [
                (dimension, n, self._length(self.PART) if solved else 0)
                for dimension, n, solved in obstacles
            ],
            "lessons": [self._length(self.PART) for _ in range(rng.randint(1, 4))],
        }

    def _words_needed(self, plan: dict) -> int:
        plain = sum(plan[name] for name in TEXT_FIELDS)
        parts = sum(n for _level, n in plan["strategies"])
        parts += sum(n + m for _dimension, n, m in plan["obstacles"])
        return plain + parts + sum(plan["lessons"])

    def build(self, count: int, *, first_number: int) -> "Batch":
        """`count` unsaved cases with their parts (numbered from `first_number`)."""
        rng = self.rng
        refs = self.refs
        batch = Batch()
        for number in range(first_number, first_number + count):
            plan = self._plan()
            take = _WordStream(self.vocabulary.sample(rng, self._words_needed(plan))).take
            title = " ".join(take(plan["title"])).capitalize()[:190]
            texts = {name: self._sentences(take(plan[name])) for name in TEXT_FIELDS[1:]}
            published_at = self.now - timedelta(seconds=rng.randint(0, 8 * 365 * 24 * 3600))
            case = Case(
                title=title,
                slug=f"{slugify(title)[:150]}-{number}",
                summary=texts["summary"],
                context=texts["context"],
                approach=texts["approach"],
                results=texts["results"],
                involved_parties=texts["involved_parties"],
                region_id=rng.choice(refs.regions) if rng.random() < 0.95 else None,
                themegroup_id=(
                    rng.choice(refs.themegroups)
                    if refs.themegroups and rng.random() < 0.2
                    else None
                ),
                sector=rng.choice(self.sectors) if rng.random() < 0.95 else "",
                product_category_id=(
                    rng.choice(refs.product_categories) if rng.random() < 0.9 else None
                ),
                year=max(1990, published_at.year - rng.randint(0, 1)),
                procedure=rng.choice(self.procedures) if rng.random() < 0.8 else "",
                special_method=rng.choice(self.special_methods) if rng.random() < 0.3 else "",
                award_basis=rng.choice(self.award_bases) if rng.random() < 0.6 else "",
                status=Case.Status.GEPUBLICEERD,
                visibility=rng.choice([Case.Visibility.OPENBAAR, Case.Visibility.COMMUNITY]),
                author_id=rng.choice(refs.authors) if refs.authors else None,
                contact_id=(
                    rng.choice(refs.authors) if refs.authors and rng.random() < 0.5 else None
                ),
                published_at=published_at,
            )
            parts = {
                "strategies": [
                    (level, self._sentences(take(n))) for level, n in plan["strategies"]
                ],
                "obstacles": [
                    (dimension, self._sentences(take(n)), self._sentences(take(m)) if m else "")
                    for dimension, n, m in plan["obstacles"]
                ],
                "lessons": [self._sentences(take(n)) for n in plan["lessons"]],
                "organisations": rng.sample(
                    refs.organisations, k=min(rng.randint(1, 3), len(refs.organisations))
                ),
                "tags": rng.sample(refs.tags, k=min(rng.randint(0, 3), len(refs.tags))),
            }
            batch.cases.append(case)
            batch.parts.append(parts)
        return batch


class _WordStream:
    def __init__(self, words: list[str]):
        self.words = words
        self.position = 0

    def take(self, n: int) -> list[str]:
        start = self.position
        self.position += n
        return self.words[start : self.position]


@dataclass
class Batch:
    cases: list[Case] = field(default_factory=list)
    parts: list[dict] = field(default_factory=list)

    @transaction.atomic
    def save(self) -> tuple[int, int]:
        """Insert everything with bulk_create and index it; (first id, last id)."""
        cases = Case.objects.bulk_create(self.cases)
        strategies, obstacles, lessons, organisations, tags = [], [], [], [], []
        Organisations = Case.organisations.through
        Tags = Case.tags.through
        for case, parts in zip(cases, self.parts, strict=True):
            strategies += [
                CaseStrategy(case_id=case.pk, r_level_id=level, explanation=text)
                for level, text in parts["strategies"]
            ]
            obstacles += [
                CaseObstacle(
                    case_id=case.pk,
                    position=position,
                    dimension=dimension,
                    obstacle=obstacle,
                    solution=solution,
                )
                for position, (dimension, obstacle, solution) in enumerate(
                    parts["obstacles"], start=1
                )
            ]
            lessons += [
                CaseLesson(case_id=case.pk, position=position, text=text)
                for position, text in enumerate(parts["lessons"], start=1)
            ]
            organisations += [
                Organisations(case_id=case.pk, organisation_id=pk) for pk in parts["organisations"]
            ]
            tags += [Tags(case_id=case.pk, tag_id=pk) for pk in parts["tags"]]
        CaseStrategy.objects.bulk_create(strategies, batch_size=2000)
        CaseObstacle.objects.bulk_create(obstacles, batch_size=2000)
        CaseLesson.objects.bulk_create(lessons, batch_size=2000)
        Organisations.objects.bulk_create(organisations, batch_size=2000)
        Tags.objects.bulk_create(tags, batch_size=2000)
        first, last = cases[0].pk, cases[-1].pk
        search_vectors_update(first, last)
        return first, last


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def search_vectors_sql() -> str:
    """One UPDATE that stores the tsvector of a range of cases, with the weights of
    `services.case_search_index`: A title, B summary, C the story, D strategies,
    obstacles with their solutions, lessons and tags, each part in the order the
    service reads it."""
    case_tags = Case.tags.through
    # Only table names from the models are formatted in; values are parameters.
    return f"""
        UPDATE {_table(Case)} AS c SET search_vector =
            setweight(to_tsvector('dutch', coalesce(c.title, '')), 'A')
            || setweight(to_tsvector('dutch', coalesce(c.summary, '')), 'B')
            || setweight(to_tsvector('dutch', concat_ws(' ',
                c.context, c.approach, c.results, c.involved_parties)), 'C')
            || setweight(to_tsvector('dutch', concat_ws(' ',
                (SELECT string_agg(s.explanation, ' ' ORDER BY s.r_level_id)
                   FROM {_table(CaseStrategy)} s WHERE s.case_id = c.id),
                (SELECT string_agg(o.obstacle || ' ' || o.solution, ' ' ORDER BY o.position)
                   FROM {_table(CaseObstacle)} o WHERE o.case_id = c.id),
                (SELECT string_agg(l.text, ' ' ORDER BY l.position)
                   FROM {_table(CaseLesson)} l WHERE l.case_id = c.id),
                (SELECT string_agg(t.name, ' ' ORDER BY t.name)
                   FROM {_table(case_tags)} ct JOIN {_table(Tag)} t ON t.id = ct.tag_id
                  WHERE ct.case_id = c.id))), 'D')
        WHERE c.id BETWEEN %s AND %s
    """  # noqa: S608


def search_vectors_update(first_id: int, last_id: int) -> int:
    """Index the cases with ids first_id..last_id in one statement; rows updated."""
    with connection.cursor() as cursor:
        cursor.execute(search_vectors_sql(), [first_id, last_id])
        return cursor.rowcount


def vacuum_analyze() -> None:
    """Fresh statistics and visibility map, as autovacuum would give a live database."""
    with connection.cursor() as cursor:
        for model in (
            Case,
            CaseStrategy,
            CaseObstacle,
            CaseLesson,
            Case.organisations.through,
            Case.tags.through,
        ):
            cursor.execute(f"VACUUM (ANALYZE) {_table(model)}")


def add_cases(
    generator: CaseGenerator,
    count: int,
    *,
    first_number: int,
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Generate and insert `count` cases in batches (each batch one transaction)."""
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        generator.build(size, first_number=first_number + done).save()
        done += size
        if progress:
            progress(done)


# --- Scratch database and cache --------------------------------------------------------


@contextmanager
def scratch_database(name: str, *, alias: str = DEFAULT_DB_ALIAS) -> Iterator[str]:
    """Create database `name` on the same PostgreSQL server, migrate it, point the
    connection at it, and drop it afterwards, also when the body fails.

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
    the portal's cached facet counts nor leaves its own behind. Yields a description."""
    caches_setting = copy.deepcopy(settings.CACHES)
    default = caches_setting["default"]
    prefix = ":".join(
        part for part in (default.get("KEY_PREFIX", ""), "bench", uuid.uuid4().hex[:8]) if part
    )
    default["KEY_PREFIX"] = prefix
    backend = default["BACKEND"].rsplit(".", 1)[-1]
    location = _redacted(default.get("LOCATION", "")) or "(this process)"
    with override_settings(CACHES=caches_setting):
        cache.set("bench:probe", 1, 60)
        works = cache.get("bench:probe") == 1
        description = f"{backend} at {location}, key prefix {prefix!r}" + (
            "" if works else " – NOT STORING: facet counts are computed on every request"
        )
        try:
            yield description
        finally:
            _forget_keys(prefix)


def forget_cached(key_prefix: str) -> None:
    """Delete the cached entries whose keys start with this (e.g. every facet count)."""
    _forget_keys(cache.make_key(key_prefix))


def _forget_keys(prefix: str) -> None:
    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is None:  # local memory: gone with the process
        return
    redis = client(write=True)
    pattern = f"{prefix}*" if prefix.endswith(":") else f"{prefix}:*"
    keys = list(redis.scan_iter(match=pattern, count=1000))
    if keys:
        redis.delete(*keys)


# --- Requests ------------------------------------------------------------------------


@login_not_required
@require_GET
def floor(request):
    """The cheapest page: the middleware, one query and the base template."""
    Case.objects.filter(pk=1).exists()
    return render(request, "base.html")


urlpatterns = [
    path("benchmark-floor/", floor, name="benchmark_floor"),
    path("", include("portal.urls")),
]


@dataclass
class Scenario:
    """One kind of request: who asks (a client) for which path (per round)."""

    name: str
    client: Client
    path: Callable[[int], str]
    floor: str = "floor"  # the scenario this one is compared with


@dataclass
class Sample:
    ms: float
    queries: int
    slowest: list[tuple[float, str]]  # (ms, sql) of the slowest queries


@dataclass
class Timings:
    samples: dict[str, list[Sample]] = field(default_factory=lambda: defaultdict(list))

    def median(self, name: str) -> float:
        return statistics.median(s.ms for s in self.samples[name])

    def p95(self, name: str) -> float:
        """Nearest-rank 95th percentile."""
        values = sorted(s.ms for s in self.samples[name])
        return values[max(0, math.ceil(0.95 * len(values)) - 1)]

    def queries(self, name: str) -> int:
        return statistics.median_low(s.queries for s in self.samples[name])

    def slowest(self, name: str) -> tuple[float, str]:
        return max((q for s in self.samples[name] for q in s.slowest), default=(0.0, ""))


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
    return Sample(ms=elapsed, queries=len(captured), slowest=slowest)


def run_rounds(scenarios: list[Scenario], *, rounds: int, rng: random.Random) -> Timings:
    """Warm every scenario up once, then `rounds` rounds, each in a new shuffled order,
    so drift (caches, autovacuum, a busy neighbour) spreads over all scenarios."""
    warm_up = scenarios[:]
    rng.shuffle(warm_up)
    for scenario in warm_up:
        timed_get(scenario.client, scenario.path(-1))
    timings = Timings()
    for number in range(rounds):
        order = scenarios[:]
        rng.shuffle(order)
        for scenario in order:
            timings.samples[scenario.name].append(timed_get(scenario.client, scenario.path(number)))
    return timings


def explain(sql: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a captured query."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())
