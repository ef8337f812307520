"""The case article: the part of a case page that changes only with the case itself —
its texts (Markdown, sanitised), R-strategies, obstacles, lessons and attachments —
rendered once per language and stored in CaseArticle, read by a case page in one small
query. Names kept elsewhere (organisations, region, category, source, contact, keywords)
are not in it: the page reads them live, so renaming them needs no upkeep here.

A stored article is current while
- its `case_updated_at` equals the case's `updated_at`: every writer saves the case, so
  a change makes the old rows stale at once, also when a page was rendering from the old
  data at the same moment;
- its `version` equals `version()`: a new template, new translations or a new Django
  make every older row stale.

After a change `cases.services.case_changed` has the worker render the articles again
(cases.tasks.articles_render), so readers find them ready; a page that finds no current
article renders and stores it itself (`stored`).

Next to the HTML a row keeps what else a page needs that changes only with the case: its
R-levels (for related cases) and whether trajectories are linked to it (a writer that
links one calls `case_changed` like any other).
"""

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import django
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.template.loader import get_template, render_to_string
from django.utils import translation

from cases.models import Case, CaseArticle, Dimension
from procurement.models import RLevel

TEMPLATE = "cases/_case_detail_parts.html"
BATCH_SIZE = 200


def version() -> str:
    """A digest of what shapes an article besides the case: the template, our
    translations and Django. Recomputed per call while DEBUG (templates are edited)."""
    return _version() if not settings.DEBUG else _version.__wrapped__()


@cache
def _version() -> str:
    digest = hashlib.sha256(django.get_version().encode())
    digest.update(get_template(TEMPLATE).template.source.encode())
    for locale_path in settings.LOCALE_PATHS:
        for catalogue in sorted(Path(locale_path).glob("*/LC_MESSAGES/django.mo")):
            digest.update(catalogue.read_bytes())
    return digest.hexdigest()[:16]


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def stored(case: Case, language: str) -> CaseArticle:
    """The case's current article in this language: the stored one (one query), or
    rendered now and stored for the next reader."""
    article = CaseArticle.objects.filter(
        case=case, language=language, version=version(), case_updated_at=case.updated_at
    ).first()
    if article is None:
        article = store([case.pk], [language])[case.pk, language]
    return article


def _load(case_ids: Iterable[int]) -> list[Case]:
    """The cases with everything their articles show, in a constant number of queries."""
    return list(
        Case.objects.filter(pk__in=list(case_ids))
        .defer("search_vector")
        .annotate(
            has_trajectories=Exists(Case.trajectories.through.objects.filter(case=OuterRef("pk")))
        )
        .prefetch_related("attachments", "obstacles", "lessons", "strategies")
    )


def _context(case: Case) -> dict:
    strategies = list(case.strategies.all())
    for strategy in strategies:
        # The R-ladder's own names (fixed, translated), as in "R3 Hergebruiken (Re-use)".
        strategy.level_name = RLevel(strategy.r_level_id).label.split(" ", 1)[1]
    obstacles = list(case.obstacles.all())
    by_dimension = [
        (label, [o for o in obstacles if o.dimension == value])
        for value, label in Dimension.choices
    ]
    return {
        "case": case,
        "strategies": [s for s in strategies if s.applied],
        "considered": [s for s in strategies if not s.applied],
        "obstacles_by_dimension": [(label, items) for label, items in by_dimension if items],
        "lessons": case.lessons.all(),
    }


def render(case: Case, language: str) -> str:
    """The article of a case loaded by `_load`, in this language."""
    with translation.override(language):
        return render_to_string(f"{TEMPLATE}#article", _context(case))


def store(case_ids: Iterable[int], langs: Iterable[str] | None = None) -> dict:
    """Render and store the articles of these cases (in every language unless told);
    returns {(case id, language): CaseArticle}. In batches, constant queries each."""
    case_ids = list(case_ids)
    langs = list(langs or languages())
    current = version()
    rendered = {}
    for start in range(0, len(case_ids), BATCH_SIZE):
        rows = []
        for case in _load(case_ids[start : start + BATCH_SIZE]):
            levels = sorted(strategy.r_level_id for strategy in case.applied_strategies())
            for language in langs:
                article = CaseArticle(
                    case=case,
                    language=language,
                    version=current,
                    case_updated_at=case.updated_at,
                    html=render(case, language),
                    r_levels=levels,
                    has_trajectories=case.has_trajectories,
                )
                rendered[case.pk, language] = article
                rows.append(article)
        CaseArticle.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["case", "language"],
            update_fields=[
                "version",
                "case_updated_at",
                "html",
                "r_levels",
                "has_trajectories",
                "rendered_at",
            ],
        )
    return rendered
