"""Synthetic case library data: Dutch text with the word frequencies of the source
documents (Zipf's law over their ranked vocabulary), structured parts, organisations and
tags, inserted in batches with their search vectors in one statement per batch.
"""

import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

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


def dutch_stems(words: list[str]) -> list[str]:
    """The stem PostgreSQL's `dutch` configuration gives each word ('' for a stopword)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce((tsvector_to_array(to_tsvector('dutch', w)))[1], '') "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS t(w, n) ORDER BY n",
            [words],
        )
        return [row[0] for row in cursor.fetchall()]


@dataclass
class SearchWords:
    """What visitors type into the search box: the vocabulary's words that the Dutch
    configuration keeps (no stopwords, at least `MIN_LENGTH` letters), each drawn with
    its Zipf weight in the documents, so frequent words are searched more often."""

    MIN_LENGTH = 4

    words: list[str]
    ranks: list[int]  # each word's rank in the vocabulary
    cum_weights: list[float] = field(repr=False)

    @classmethod
    def of(cls, vocabulary: Vocabulary) -> "SearchWords":
        words, ranks, cum_weights, total = [], [], [], 0.0
        for rank, (word, stem) in enumerate(
            zip(vocabulary.words, dutch_stems(vocabulary.words), strict=True), start=1
        ):
            if stem and len(word) >= cls.MIN_LENGTH:
                total += vocabulary.weight(rank)
                words.append(word)
                ranks.append(rank)
                cum_weights.append(total)
        if not words:
            raise ValueError("The vocabulary has no usable search words.")
        return cls(words=words, ranks=ranks, cum_weights=cum_weights)

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=1)[0]

    def rank(self, word: str) -> int:
        return self.ranks[self.words.index(word)]


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
    stems = dutch_stems(vocabulary.words)
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
