"""Facet counts of the case list, from one bitmap per facet value.

Every facet option shows how many results it would give with the other chosen filters.
Counted in SQL that is a query per facet group over the filtered cases, which at 100,000
cases is far too slow for a page. Instead the published cases are kept as sets of ids:
one bitmap (a Python int, bit *n* = case *n*) per facet value — per R-level, sector, themegroup,
organisation, region, obstacle dimension, year, procedure and product category — plus
one for all published and one for the public cases. A count is then the number of bits
in an AND of a few bitmaps, which costs microseconds whatever the size of the library.

The index holds ids only, never names or labels: renaming an organisation, a region or a
category, or changing an organisation's type, changes nothing here (types, slugs and
labels are read live), so only a change to a case itself has to reach it. That is
`cases.services.case_changed`, the one owner of "a case changed", which calls `update()`
on commit for the cases it names.

The index also holds the search's frequent stems: for each of the `WORD_KEYS` Dutch
stems found in the most published cases (at least `WORD_SHARE` of them), the bitmap of
the cases its search (`stem:*`, the query `kit.search.search_query` makes of a word)
matches. A search for such a word then needs no database work: a frequent word matches
most of the library, and finding those cases in the GIN index costs a heap visit per
case (~90 ms for a word in 99 % of 100,000 cases), while its bitmap is an AND away. Rare
words, and words the index has no stem for, are found in the database as before (a few
ms). Which stems are kept is chosen when the index is built; their bitmaps are updated
with the facets by the same owner, so a bitmap always holds exactly the cases the
database would match.

The index is one cache entry (`INDEX_KEY`), shared by all processes, with a version
number; each process keeps the copy it last read and compares versions (one cache read
per page). When the entry is missing (an empty cache, after a restart of Redis) the
first page that needs it builds it from the database, without the search stems, which
`rebuild` (celery beat, hourly) adds.
"""

import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, transaction

from cases.models import COMMUNITY, Case, CaseObstacle, CaseStrategy
from community.models import Organisation, ProductCategory, Region
from kit.search import MAX_QUERY_LENGTH, search_words

# Named per shape of the index: a deploy that adds a facet builds a new one.
INDEX_KEY = "cases:facet-index:3"
VERSION_KEY = "cases:facet-index:3:version"
LOCK_KEY = "cases:facet-index:lock"
LOCK_SECONDS = 60  # a writer that dies holding the lock blocks others at most this long
LOCK_WAIT_SECONDS = 30

# Bitmaps that are not a facet option: the cases each audience browses.
PUBLISHED, PUBLIC = ("_", "published"), ("_", "public")

# The search's frequent stems kept in the index: at most WORD_KEYS (a bitmap each, at
# most an eighth of the largest case id in bytes), each found in at least WORD_SHARE of
# the published cases. Below that share the GIN index finds the matches in ~10 ms at
# 100,000 cases; each kept stem costs a pass over its cases when the index is built.
WORD_KEYS = 128
WORD_SHARE = 0.1
STEM_SAMPLE = 3000  # cases read to choose the stems (ts_stat over all costs seconds)
# A stem as the index keeps it: letters and digits only, so it needs no quoting in a
# tsquery. The Dutch configuration gives a word's stem as `'stem':*`.
STEM = re.compile(r"^\w+$")
PREFIX_QUERY = re.compile(r"^'(\w+)':\*$")


@dataclass
class Index:
    """Bitmaps keyed by (facet, value); values are the stored ones (ids, codes, years)."""

    version: int = 0
    bits: dict[tuple[str, object], int] = field(default_factory=dict)
    # Frequent search stems: stem -> bitmap of the published cases `stem:*` matches.
    words: dict[str, int] = field(default_factory=dict)

    def get(self, key) -> int:
        return self.bits.get(key, 0)

    def values(self, facet: str) -> list:
        return [value for name, value in self.bits if name == facet]

    def browsable(self, audience: str) -> int:
        """The published cases an audience browses (as `CaseQuerySet.published_to`)."""
        return self.get(PUBLISHED if audience == COMMUNITY else PUBLIC)


_copy: Index | None = None  # this process's copy of the index (see `current`)


def _rows(case_ids: Iterable[int] | None):
    """(case id, [(facet, value), ...]) of the published cases among these ids (all if
    None): everything the index holds about a case, in four queries."""
    cases = Case.objects.filter(status=Case.Status.GEPUBLICEERD)
    if case_ids is not None:
        cases = cases.filter(pk__in=list(case_ids))
    keys = defaultdict(list)
    for pk, visibility, sector, region, year, procedure, category, themegroup in cases.values_list(
        "pk",
        "visibility",
        "sector",
        "region_id",
        "year",
        "procedure",
        "product_category_id",
        "themegroup_id",
    ).order_by():
        keys[pk].append(PUBLISHED)
        if visibility == Case.Visibility.OPENBAAR:
            keys[pk].append(PUBLIC)
        for facet, value in (
            ("sector", sector),
            ("regio", region),
            ("jaar", year),
            ("procedure", procedure),
            ("categorie", category),
            ("themagroep", themegroup),
        ):
            if value not in (None, ""):
                keys[pk].append((facet, value))
    published = cases.values("pk")
    children = [
        (
            "r",
            CaseStrategy.objects.filter(case__in=published, applied=True).values_list(
                "case", "r_level"
            ),
        ),
        (
            "dimensie",
            CaseObstacle.objects.filter(case__in=published).values_list("case", "dimension"),
        ),
        (
            "org",
            Case.organisations.through.objects.filter(case__in=published).values_list(
                "case", "organisation"
            ),
        ),
    ]
    for facet, pairs in children:
        for pk, value in pairs.order_by().distinct():
            keys[pk].append((facet, value))
    return keys


def build(*, words: bool = True) -> Index:
    """The index of every published case, read from the database; without the search
    stems' bitmaps if `words` is false (they cost a pass over most of the library)."""
    bits = defaultdict(int)
    for pk, keys in _rows(None).items():
        bit = 1 << pk
        for key in keys:
            bits[key] |= bit
    index = Index(bits=dict(bits))
    if words:
        index.words = _stem_bitmaps()
    return index


def _stem_bitmaps() -> dict[str, int]:
    published = Case.objects.filter(status=Case.Status.GEPUBLICEERD).count()
    return _word_bits(_frequent_stems(published))


def _published_sql() -> tuple[str, str]:
    """The case table and the condition of a published case (constants of the model)."""
    table = connection.ops.quote_name(Case._meta.db_table)
    return table, f"status = '{Case.Status.GEPUBLICEERD}'"


def _frequent_stems(published: int) -> list[str]:
    """The stems (as the stored tsvectors hold them) found in the most published cases:
    at most WORD_KEYS, each in at least about WORD_SHARE of them, counted in a sample of
    some STEM_SAMPLE cases (the choice only decides which words are fast; the bitmaps
    are exact whatever is chosen). PostgreSQL only."""
    if connection.vendor != "postgresql" or not published:
        return []
    table, condition = _published_sql()
    percent = min(100.0, 100.0 * STEM_SAMPLE / published)
    sample = f"TABLESAMPLE SYSTEM ({percent:.4f})" if percent < 100 else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM ts_stat(%s) WHERE ndoc >= %s ORDER BY ndoc DESC, word LIMIT %s",
            [
                f"SELECT search_vector FROM {table} {sample} WHERE {condition}",  # noqa: S608
                max(1, int(WORD_SHARE * published * percent / 100)),
                2 * WORD_KEYS,  # some may not be plain words (e.g. numbers with a dot)
            ],
        )
        stems = [word for (word,) in cursor.fetchall() if STEM.match(word)]
    return stems[:WORD_KEYS]


def _word_bits(stems: list[str]) -> dict[str, int]:
    """Per stem the bitmap of the published cases its prefix query (`stem:*`) matches,
    found through the GIN index in one statement (the stems are plain words, so
    `stem:*` is a valid tsquery as it is)."""
    if not stems:
        return {}
    table, condition = _published_sql()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "SELECT k.stem, c.id >> 6, bit_or(1::bigint << (c.id & 63)::integer) "  # noqa: S608
            f"FROM unnest(%s::text[]) AS k(stem) JOIN {table} AS c "
            "ON c.search_vector @@ (k.stem || ':*')::tsquery "
            f"WHERE c.{condition} GROUP BY 1, 2",
            [stems],
        )
        words = defaultdict(list)
        for stem, word, bits in cursor.fetchall():
            words[stem].append((word, bits))
    return {stem: _unpack(words[stem]) for stem in stems}


def _stems_of(case_ids: list[int], stems: list[str]) -> dict[int, list[str]]:
    """Which of these stems' prefix queries match each of these published cases (each
    tsvector is read once, then matched against every stem)."""
    if not stems or not case_ids or connection.vendor != "postgresql":
        return {}
    table, condition = _published_sql()
    found = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH c AS MATERIALIZED (SELECT id, strip(search_vector) AS v FROM {table} "  # noqa: S608
            f"WHERE id = ANY(%s) AND {condition} AND search_vector IS NOT NULL) "
            "SELECT c.id, k.stem FROM c CROSS JOIN unnest(%s::text[]) AS k(stem) "
            "WHERE c.v @@ (k.stem || ':*')::tsquery",
            [case_ids, stems],
        )
        for pk, stem in cursor.fetchall():
            found[pk].append(stem)
    return found


def _store(index: Index, previous: int = 0) -> Index:
    """Share a new index; its version is newer than any copy a process may hold."""
    global _copy
    index.version = max(int(time.time() * 1000), previous + 1)
    cache.set(INDEX_KEY, index, timeout=None)
    cache.set(VERSION_KEY, index.version, timeout=None)
    _copy = index
    return index


def current() -> Index:
    """The current index: this process's copy if still current, else the shared one,
    else built now (an empty cache)."""
    global _copy
    version = cache.get(VERSION_KEY)
    mine = _copy
    if mine is not None and version is not None and mine.version == version:
        return mine
    shared = cache.get(INDEX_KEY)
    if shared is not None:
        _copy = shared
        return shared
    with _locked():
        shared = cache.get(INDEX_KEY)  # another process may have built it meanwhile
        # Without the search stems, so the page (and writers waiting for the lock) do
        # not wait for them: searches go to the database until `rebuild` adds them.
        return shared if shared is not None else _store(build(words=False))


def update(case_ids: Iterable[int]) -> None:
    """Make the index tell the truth about these cases (changed, published, withdrawn or
    deleted). Called on commit by `cases.services.case_changed`; reads the committed
    state under a lock, so the last of two overlapping writers always wins with what the
    database holds. Without an index nothing is done: the next page builds it."""
    case_ids = list(case_ids)
    if not case_ids:
        return
    with _locked():
        index = cache.get(INDEX_KEY)
        if index is None:
            return
        keys = _rows(case_ids)
        stems = _stems_of(case_ids, list(index.words))
        mask = 0
        for pk in case_ids:
            mask |= 1 << pk
        bits = {key: value & ~mask for key, value in index.bits.items()}
        for pk, case_keys in keys.items():
            for key in case_keys:
                bits[key] = bits.get(key, 0) | (1 << pk)
        words = {stem: value & ~mask for stem, value in index.words.items()}
        for pk, case_stems in stems.items():
            for stem in case_stems:
                words[stem] |= 1 << pk
        _store(
            Index(bits={key: value for key, value in bits.items() if value}, words=words),
            index.version,
        )


def rebuild() -> Index:
    """Build the index anew from the database and share it (celery beat, hourly).

    The search stems' bitmaps, the slow part, are read first without the lock, so
    writers need not wait for them. A writer whose change commits meanwhile updates the
    shared index (a new version) or, if it commits after they were read, updates them
    once they are shared; so they are kept only if the version has not moved since they
    were read, else the shared index keeps its own (updated by those writers). Without a
    shared index (an empty cache, where a writer changes nothing) they are read under
    the lock."""
    before = cache.get(VERSION_KEY)
    words = _stem_bitmaps() if before is not None else None
    with _locked():
        previous = cache.get(VERSION_KEY)
        shared = cache.get(INDEX_KEY)
        index = build(words=False)
        if words is not None and previous == before:
            index.words = words
        elif shared is not None:  # kept true by the writers' updates
            index.words = shared.words
        else:
            index.words = _stem_bitmaps()
        return _store(index, previous or 0)


def forget() -> None:
    """Drop the index (it is built again on the next page): after loading data in bulk."""
    global _copy
    cache.delete_many([INDEX_KEY, VERSION_KEY])
    _copy = None


class _locked:
    """A lock shared by all processes (an atomic cache.add), for writing the index."""

    def __enter__(self):
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while not cache.add(LOCK_KEY, True, timeout=LOCK_SECONDS):
            if time.monotonic() > deadline:
                raise TimeoutError("The facet index stayed locked; is a writer stuck?")
            time.sleep(0.01)

    def __exit__(self, *exc):
        cache.delete(LOCK_KEY)


def bitmap(ids: Iterable[int]) -> int:
    """A bitmap of these ids."""
    ids = list(ids)
    if not ids:
        return 0
    buffer = bytearray((max(ids) >> 3) + 1)
    for pk in ids:
        buffer[pk >> 3] |= 1 << (pk & 7)
    return int.from_bytes(buffer, "little")


def bitmap_of(queryset) -> int:
    """A bitmap of the ids of a queryset (e.g. the cases a search matches).

    On PostgreSQL the database packs the ids into 64-bit words (one row per word, so at
    most a few thousand rows for any number of matches) and Python lays them side by
    side. A search is found through the GIN index: the planner would rather read every
    row for a common word, not knowing that each read unpacks a stored tsvector."""
    if connection.vendor != "postgresql":
        return bitmap(queryset.order_by().values_list("pk", flat=True))
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "SELECT m.id >> 6, bit_or(1::bigint << (m.id & 63)::integer) "  # noqa: S608 (our query)
            f"FROM ({sql}) AS m(id) GROUP BY 1",
            params,
        )
        return _unpack(cursor.fetchall())


def _unpack(words: list[tuple[int, int]]) -> int:
    """A bitmap from (word number, 64 bits as a signed bigint) pairs."""
    if not words:
        return 0
    buffer = bytearray(8 * (max(word for word, _bits in words) + 1))
    for word, bits in words:
        buffer[8 * word : 8 * word + 8] = bits.to_bytes(8, "little", signed=True)
    return int.from_bytes(buffer, "little")


def search_bitmap(text: str, queryset) -> int:
    """A bitmap of the cases of `queryset` (the browsable cases searched for `text`, as
    `cases.filters.matching` gives them), without reading them when the index can tell.

    The database gives each word's stem as the search sees it (one short query). When
    the index keeps the stem of every word, the answer is the AND of their bitmaps (the
    search's `&`; stopwords add no condition there either); `counts` then ANDs it with
    the browsable cases, as the queryset's scope does. Otherwise the database finds the
    cases: a word the index does not keep is a rare one, so there are few."""
    words = search_words(text.strip()[:MAX_QUERY_LENGTH])  # as CaseFilter.filter_search
    index = current()
    if not index.words or not words:
        return bitmap_of(queryset)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsquery('dutch', w || ':*')::text FROM unnest(%s::text[]) AS w",
            [words],
        )
        queries = [query for (query,) in cursor.fetchall()]
    bits = None
    for query in queries:
        if not query:  # a stopword
            continue
        found = PREFIX_QUERY.match(query)
        if not found or found[1] not in index.words:
            return bitmap_of(queryset)
        value = index.words[found[1]]
        bits = value if bits is None else bits & value
    return bitmap_of(queryset) if bits is None else bits


@dataclass
class Choice:
    """What the list chose: the audience, the ids a search matched (None: no search) and
    per facet the chosen values as the URL has them (slugs, codes, years as text)."""

    audience: str
    matched: int | None = None
    chosen: dict[str, list[str]] = field(default_factory=dict)


def _names() -> dict[str, dict]:
    """Organisation types and region and category slugs by id, read live in one query
    (so renames and type changes never go stale in the index)."""
    organisation, region, category = (
        model._meta.db_table for model in (Organisation, Region, ProductCategory)
    )
    names = {"soort": {}, "regio": {}, "categorie": {}}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 'soort', id, type FROM {organisation} "  # noqa: S608 (our table names)
            f"UNION ALL SELECT 'regio', id, slug FROM {region} "
            f"UNION ALL SELECT 'categorie', id, slug FROM {category}"
        )
        for facet, pk, name in cursor.fetchall():
            names[facet][pk] = name
    return names


def _option_bits(index: Index, facet: str, names: dict) -> dict[str, int]:
    """Per option of a facet (as the URL names it) its bitmap. An organisation type
    stands for the organisations of that type; regions and categories are named by
    their slugs."""
    if facet == "soort":
        by_type = defaultdict(int)
        for pk in index.values("org"):
            if pk in names["soort"]:
                by_type[names["soort"][pk]] |= index.get(("org", pk))
        return dict(by_type)
    if facet in ("regio", "categorie"):
        slugs = names[facet]
        return {slugs[pk]: index.get((facet, pk)) for pk in index.values(facet) if pk in slugs}
    return {str(value): index.get((facet, value)) for value in index.values(facet)}


def counts(choice: Choice, facets: list[str]) -> dict:
    """For each facet {option: number of results it would give}: the chosen options of
    the other facets apply, its own do not (several options of one facet widen, different
    facets narrow). Under "_total" the number of results of the whole choice, under
    "_matches" their bitmap."""
    index = current()
    base = index.browsable(choice.audience)
    if choice.matched is not None:
        base &= choice.matched
    names = _names()
    options = {facet: _option_bits(index, facet, names) for facet in facets}
    masks = {}
    for facet, values in choice.chosen.items():
        if facet in options and values:
            masks[facet] = 0
            for value in values:
                masks[facet] |= options[facet].get(str(value), 0)
    result = {}
    everything = base
    for mask in masks.values():
        everything &= mask
    for facet in facets:
        within = base
        for other, mask in masks.items():
            if other != facet:
                within &= mask
        result[facet] = {
            value: n for value, bits in options[facet].items() if (n := (within & bits).bit_count())
        }
    result["_total"] = everything.bit_count()
    result["_matches"] = everything
    return result


def highest(bits: int, n: int) -> list[int]:
    """The n highest ids in a bitmap (the most recently created cases), highest first."""
    found = []
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for index in range(len(data) - 1, -1, -1):
        byte = data[index]
        bit = 7
        while byte and bit >= 0:
            if byte & (1 << bit):
                found.append(8 * index + bit)
                if len(found) == n:
                    return found
                byte ^= 1 << bit
            bit -= 1
    return found


def related(audience: str, case_id: int, sector: str, levels: list[int], limit: int) -> list[int]:
    """Ids of up to `limit` cases an audience browses, besides this one: the most recent
    of the same sector, completed with the most recent that share an R-level."""
    index = current()
    others = index.browsable(audience) & ~(1 << case_id)
    same_sector = index.get(("sector", sector)) if sector else 0
    found = highest(others & same_sector, limit)
    if len(found) < limit and levels:
        shared = 0
        for level in levels:
            shared |= index.get(("r", level))
        found += highest(others & shared & ~same_sector, limit - len(found))
    return found
