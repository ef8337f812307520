"""The case library (praktijkvoorbeelden) and the knowledge base (kennisbank)."""

from .knowledge import KnowledgeItem
from .library import (
    COMMUNITY,
    LONG_FIELDS,
    PART_MAX,
    PUBLIC,
    STORY_MAX,
    SUMMARY_MAX,
    YEAR_MAX,
    YEAR_MIN,
    Case,
    CaseAttachment,
    CaseLesson,
    CaseObstacle,
    CaseQuerySet,
    CaseSlug,
    CaseStrategy,
    Dimension,
    Tag,
    audience_of,
)
from .reading import CaseArticle, CaseMark, CaseMarkQuerySet

__all__ = [
    "COMMUNITY",
    "LONG_FIELDS",
    "PART_MAX",
    "PUBLIC",
    "STORY_MAX",
    "SUMMARY_MAX",
    "YEAR_MAX",
    "YEAR_MIN",
    "Case",
    "CaseArticle",
    "CaseAttachment",
    "CaseLesson",
    "CaseMark",
    "CaseMarkQuerySet",
    "CaseObstacle",
    "CaseQuerySet",
    "CaseSlug",
    "CaseStrategy",
    "Dimension",
    "KnowledgeItem",
    "Tag",
    "audience_of",
]
