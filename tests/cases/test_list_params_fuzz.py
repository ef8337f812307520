"""No query string makes the case list or the export fail (R6).

The `na=` cursor is the riskiest parameter: it came back from the browser and went into
a row comparison. An invalid or tampered cursor is ignored (the first page); nothing in
the query string may give a 5xx. Hypothesis writes the query strings.
"""

import base64
import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import filters, listing
from cases.models import Case
from tests.cases.factories import CaseFactory, ProductCategoryFactory
from tests.cases.html import card_slugs, soup

URL = "/praktijkvoorbeelden/"
EXPORTS = ["/praktijkvoorbeelden/export.csv", "/praktijkvoorbeelden/export.xlsx"]
SORTS = ["nieuwste", "titel", "relevantie", "", "onzin"]
# Every filter of the list (a new one is fuzzed too), the sort and the paging.
LIST_PARAMS = [*filters.CaseFilter.base_filters, "sorteer", "na", "pagina"]

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def library(r_ladder, groene_hart, alfa, charlie_org):
    """More than a page of published cases, with values in every facet."""
    category = ProductCategoryFactory(name="Meubilair")
    for n in range(23):
        CaseFactory(
            public=n % 4 != 0,
            published=True,
            title=f"Stoelen hergebruikt {n:02d}",
            organisations=[alfa if n % 2 else charlie_org],
            region=groene_hart,
            sector="facilitair",
            year=2020 + n % 5,
            product_category=category,
            strategies=[n % 10],
            obstacles=["juridisch"],
        )
    return Case.objects.all()


# --- what a cursor may be --------------------------------------------------------------

EXTREME_NUMBERS = st.one_of(
    st.integers(),
    st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, -(2**63), 2**64, 10**40, -(10**40)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, float("nan"), float("inf"), float("-inf")]),
)
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
MOMENTS = st.one_of(
    st.builds(
        lambda moment, offset: moment.replace(tzinfo=offset).isoformat(),
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
        OFFSETS,
    ),
    st.sampled_from(
        [
            "0001-01-01T00:00:00+14:00",
            "0001-01-01T00:00:00-14:00",
            "9999-12-31T23:59:59-14:00",
            "9999-12-31T23:59:59.999999+14:00",
            "2024-02-30T00:00:00+00:00",
            "2024-01-01",
            "2024-01-01T00:00:00",
            "NaN",
            "Infinity",
            "-Infinity",
            "1e308",
            "",
        ]
    ),
)
JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), EXTREME_NUMBERS, st.text(max_size=30), MOMENTS),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=5), children, max_size=3),
    ),
    max_leaves=8,
)
# Text PostgreSQL refuses or that looks like SQL: never to reach the database raw.
HOSTILE_TEXT = st.sampled_from(["\x00", "a\x00b", "Stoelen\x00", "') OR 1=1 --", "\\", "\ud7ff"])
# The shape of a cursor ([sort value, id]) with wrong or extreme parts, or anything else.
PAYLOADS = st.one_of(
    st.tuples(
        st.one_of(MOMENTS, HOSTILE_TEXT, st.text(max_size=40), JSON),
        st.one_of(EXTREME_NUMBERS, JSON),
    ),
    JSON,
)


def _b64_json(payload, strip: bool) -> str:
    raw = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
    return raw.rstrip("=") if strip else raw


UNSIGNED = st.builds(_b64_json, PAYLOADS, st.booleans())
RAW_TEXT = st.one_of(
    st.text(),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=:."),
    st.text(min_size=400, max_size=5000),
)


def _ours(payload) -> str:
    """A cursor as the list itself writes it (signed, if it signs), around a hostile
    value: what a cursor can hold once it is past any signature check."""
    value, pk = payload if isinstance(payload, tuple) else (payload, 1)
    return listing.cursor_encode(value, pk)


OURS = PAYLOADS.map(_ours)
# (kind, cursor): any text must give the first page; the others only no error (a cursor
# of ours around a well-formed date is a real position).
CURSORS = st.one_of(
    RAW_TEXT.map(lambda cursor: ("text", cursor)),
    UNSIGNED.map(lambda cursor: ("unsigned json", cursor)),
    OURS.map(lambda cursor: ("ours", cursor)),
)


@pytest.fixture
def first_page(client, library):
    """The slugs of the first page per (sort, query), asked once."""
    pages = {}

    def first_page(sort: str, query: str) -> list[str]:
        if (sort, query) not in pages:
            pages[sort, query] = card_slugs(client.get(URL, {"sorteer": sort, "q": query}))
        return pages[sort, query]

    return first_page


def _assert_not_an_error(response):
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert response["Content-Type"].startswith("text/html")
        assert b'lang="nl"' in response.content


@pytest.mark.parametrize("sort", SORTS)
@FUZZ
@given(kind_and_cursor=CURSORS, query=st.sampled_from(["", "stoelen"]))
def test_no_cursor_is_an_error_and_a_foreign_one_shows_the_first_page(
    client, first_page, sort, kind_and_cursor, query
):
    kind, cursor = kind_and_cursor
    response = client.get(URL, {"sorteer": sort, "q": query, "na": cursor})
    _assert_not_an_error(response)
    if kind == "text" and response.status_code == 200:
        assert card_slugs(response) == first_page(sort, query)


def test_a_real_cursor_still_pages(client, library, alice):
    """The fuzzing above must not pass by ignoring every cursor."""
    client.force_login(alice)  # a member browses all 23 published cases: two pages
    first = client.get(URL, {"sorteer": "titel"})
    link = soup(first).select_one("a[rel=next]")
    assert link is not None, "the first page links to the next"
    assert "na=" in link["href"]

    second = client.get(URL + link["href"])

    assert second.status_code == 200
    assert card_slugs(second)
    assert not set(card_slugs(first)) & set(card_slugs(second))


# --- every parameter of the list and the export ----------------------------------------

VALUES = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "99",
            "1e308",
            "NaN",
            "2024",
            "99999999999999999999",
            "facilitair",
            "gemeente",
            "groene-hart",
            "meubilair",
            "juridisch",
            "relevantie",
            "titel",
            "\x00",
            "%00",
            "' OR 1=1 --",
            "a" * 5000,
        ]
    ),
)
PARAMS = st.dictionaries(
    keys=st.one_of(st.sampled_from(LIST_PARAMS), st.text(min_size=1, max_size=10)),
    values=st.lists(VALUES, min_size=1, max_size=3),
    max_size=6,
)


@pytest.fixture(params=["anonymous", "alice"])
def reader(request, client):
    """The list as the public and as a member (another audience, other cached pages)."""
    if request.param != "anonymous":
        client.force_login(request.getfixturevalue(request.param))
    return client


@FUZZ
@given(params=PARAMS, htmx=st.booleans())
def test_no_query_string_makes_the_list_fail(reader, library, params, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = reader.get(URL, params, headers=headers)
    assert response.status_code < 500


def _body(response) -> bytes:
    """The whole body: a streamed export fails while streaming, after its status."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("url", EXPORTS)
@FUZZ
@given(params=PARAMS)
def test_no_query_string_makes_the_export_fail(client, library, url, params):
    response = client.get(url, params)
    assert response.status_code < 500
    _body(response)


def test_an_export_ignores_a_cursor(client, library):
    """The export is the whole filtered list, whatever cursor the list page had."""
    url = EXPORTS[0]
    cursor = _b64_json(["9999-12-31T23:59:59+14:00", 1], strip=True)
    assert _body(client.get(url, {"na": cursor})) == _body(client.get(url))
