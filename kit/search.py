"""Search words typed by a user, made safe for Dutch full-text search (PostgreSQL) and
for the substring search of the zero-services SQLite run."""

import re

from django.contrib.postgres.search import SearchQuery
from django.db.models import Q

MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+", re.UNICODE)


def search_words(text: str) -> list[str]:
    """The words of a search, without any query syntax (at most ten)."""
    return WORD.findall(text.replace("_", " "))[:10]


def search_query(text: str) -> SearchQuery:
    """Every word must match, stemmed in Dutch and as a prefix, so 'aanbesteding' finds
    'aanbestedingen' and 'kunstgras' finds 'kunstgrasvelden' (Dutch compounds).

    Only word characters reach the tsquery, so no input can cause a syntax error.
    """
    words = search_words(text)
    raw = " & ".join(f"{word}:*" for word in words) or "''"
    return SearchQuery(raw, config="dutch", search_type="raw")


def substring_condition(text: str, fields: list[str]) -> Q:
    """Without PostgreSQL: every word occurs in one of the fields (case-insensitive)."""
    condition = Q()
    for word in search_words(text):
        either = Q()
        for name in fields:
            either |= Q(**{f"{name}__icontains": word})
        condition &= either
    return condition
