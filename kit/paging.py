"""Keyset paging cursors: the position after the last row of a page, signed, so a
cursor is only ever one we made and a tampered one never reaches the database."""

from datetime import datetime

from django.core import signing
from django.db import connection


def cursor_encode(value: str, pk: int, *, salt: str) -> str:
    return signing.dumps([value, pk], salt=salt)


def cursor_decode(value: str, *, salt: str) -> tuple[str, int] | None:
    """The (sort value, id) of the last row of the previous page, or None when the
    cursor is missing, not ours or not of the right shape (the first page is shown)."""
    if not value or len(value) > 500:
        return None
    try:
        sort_value, pk = signing.loads(value, salt=salt)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(sort_value, str) or type(pk) is not int or not 0 < pk < 2**63:
        return None
    if "\x00" in sort_value:  # no stored text holds one: PostgreSQL refuses it
        return None
    return sort_value, pk


def moment_param(value: str):
    """A cursor's timestamp as the database compares it, or None if it is not an aware
    ISO timestamp (then the first page is shown)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return connection.ops.adapt_datetimefield_value(moment)


def page_number(params, *, limit: int = 10_000) -> int:
    """The `pagina` parameter: a whole number from 1, else 1."""
    try:
        return max(1, min(int(params.get("pagina", "1")), limit))
    except ValueError:
        return 1


def without_paging(params) -> str:
    """The query string without the cursor and page number (for links that start over)."""
    without = params.copy()
    for key in ("na", "pagina"):
        without.pop(key, None)
    return without.urlencode()
