"""The case list: scope, filters, search, facet counts, sorting and keyset paging,
from the query parameters and the reader (cases.views.case_list reads the request)."""

from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db import connection
from django.db.models import BooleanField, F, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from cases import facets, filters
from cases.models import Case, audience_of
from kit import paging

PAGE_SIZE = 20
# Private-use characters that cannot come from the text itself mark the search hits.
MARK_START, MARK_STOP = "\ue000", "\ue001"
SEARCH_RESULT_LIMIT = 200  # pages of ranked results
RANK_CANDIDATES = 1000  # the newest matches that are ranked
# A constant SQL text; the candidates' ids are its one (array) parameter.
CANDIDATES_SQL = "cases_case.id = ANY(%s::bigint[])"


CURSOR_SALT = "cases.list.cursor"


def cursor_encode(value, pk: int) -> str:
    return paging.cursor_encode(value, pk, salt=CURSOR_SALT)


def cursor_decode(value: str):
    return paging.cursor_decode(value, salt=CURSOR_SALT)


def case_filter(params, user) -> filters.CaseFilter:
    """Scope first (what this user may browse), then filter."""
    return filters.CaseFilter(params, queryset=Case.objects.published_for(user))


def refused(filterset, params) -> dict | None:
    """The values of the query string that the filters could not use (a year `abc`, a
    search longer than 200 characters), each with its field and Django's message, and
    the query string without them. The list answers 400 and shows its results without
    them; the export answers 400 and offers the file without them (cases.views)."""
    errors = filterset.form.errors
    if not errors:
        return None
    fields = filterset.form.fields
    items = [
        {"label": fields[name].label if name in fields else "", "messages": list(messages)}
        for name, messages in errors.items()
    ]
    without = params.copy()
    for name in [*errors, "na", "pagina"]:
        without.pop(name, None)
    return {"items": items, "querystring": without.urlencode()}


def _facets(filterset, counts):
    """The facet panels: options with their counts; empty options are left out unless
    chosen, so the panel stays short."""
    selected = filterset.form.cleaned_data
    panels = []
    for name in filters.CaseFilter.FACETS:
        chosen = {filters.url_value(name, v) for v in selected.get(name) or []}
        options = [
            {"value": value, "label": label, "count": count, "checked": value in chosen}
            for value, label in filters.facet_choices(name, filterset)
            if (count := counts[name].get(value, 0)) or value in chosen
        ]
        if options:
            panels.append(
                {"name": name, "label": filterset.filters[name].label, "options": options}
            )
    return panels


def page(params, user) -> dict:
    """Scope, filter, search, count and page: what the list shows for these query
    parameters (a QueryDict) and this reader."""
    filterset = case_filter(params, user)
    filterset.is_valid()  # invalid values (e.g. r=99) are left out, the rest applies
    queryset = filterset.qs
    query = filterset.form.cleaned_data.get("q", "").strip()
    searching = query if filters.search_words(query) else ""
    sort = _sort(params, searching)
    next_cursor = page_number = None
    matched = filters.matching(filterset)
    choice = facets.Choice(
        audience=audience_of(user),
        matched=None if matched is None else facets.search_bitmap(query, matched),
        chosen=filters.chosen(filterset),
    )
    summary = facets.counts(choice, filters.CaseFilter.FACETS)
    total = summary["_total"]
    if sort == "relevantie":
        # Rank the RANK_CANDIDATES most recent matches (highest ids, from the bitmap of
        # the results): a common word matches nearly every case, and ranking all of them
        # would read every stored tsvector. The queryset keeps every condition, so the
        # page holds only what the database says matches.
        # The ranking reads only ids and tsvectors (the candidates as one array
        # parameter, not a thousand); the cards are read for the page's ids alone.
        search = filters.search_query(query)
        candidates = facets.highest(summary["_matches"], RANK_CANDIDATES)
        page_number = paging.page_number(params)
        start = (page_number - 1) * PAGE_SIZE
        if start >= SEARCH_RESULT_LIMIT:
            raise Http404
        ranked = list(
            queryset.filter(RawSQL(CANDIDATES_SQL, (candidates,), output_field=BooleanField()))  # noqa: S611
            .annotate(rank=SearchRank(F("search_vector"), search))
            .order_by("-rank", "-pk")
            .values_list("pk", flat=True)[start : start + PAGE_SIZE + 1]
        )
        cards = Case.objects.filter(pk__in=ranked).with_card_data().in_bulk()
        cases = [cards[pk] for pk in ranked if pk in cards]
        _add_headlines(cases, search)
    else:
        column, keyset = KEYSETS[sort]
        ordered = queryset.order_by(*column)
        after = _keyset_params(sort, cursor_decode(params.get("na", "")))
        if after:
            # A constant SQL text with parameters: a row comparison the index can use.
            ordered = ordered.filter(RawSQL(keyset, after, output_field=BooleanField()))  # noqa: S611
            total = None
        cases = list(ordered.with_card_data()[: PAGE_SIZE + 1])
    has_more = len(cases) > PAGE_SIZE
    cases = cases[:PAGE_SIZE]
    if has_more and page_number is None:
        last = cases[-1]
        sort_value = last.title if sort == "titel" else last.published_at.isoformat()
        next_cursor = cursor_encode(sort_value, last.pk)
    return {
        "facets": _facets(filterset, summary),
        "cases": cases,
        "total": total,
        "query": query,
        "next_cursor": next_cursor,
        "page_number": page_number,
        "has_more": has_more,
        "querystring_without_paging": paging.without_paging(params),
        "sort": sort,
        "sort_chosen": params.get("sorteer", "") in dict(_sorts(searching)),
        "sorts": _sorts(searching),
        "active_filters": _active_filters(params, filterset) if not cases else [],
        "refused": refused(filterset, params),
    }


# Keyset paging: ORDER BY columns and the row comparison that continues after a cursor.
KEYSETS = {
    "nieuwste": (
        ("-published_at", "-pk"),
        "(cases_case.published_at, cases_case.id) < (%s, %s)",
    ),
    "titel": (("title", "pk"), "(cases_case.title, cases_case.id) > (%s, %s)"),
}


def _keyset_params(sort: str, cursor) -> list | None:
    """The parameters of the row comparison, or None if the cursor does not fit this sort."""
    if cursor is None:
        return None
    value, pk = cursor
    if sort == "nieuwste":
        value = paging.moment_param(value)
        if value is None:
            return None
    return [value, pk]


def _sorts(query: str):
    sorts = [("nieuwste", _("Nieuwste eerst")), ("titel", _("Titel (A–Z)"))]
    if query and connection.vendor == "postgresql":
        sorts.insert(0, ("relevantie", _("Relevantie")))
    return sorts


def _sort(params, query: str) -> str:
    """Relevance when searching (PostgreSQL), else newest first; or what was chosen."""
    allowed = dict(_sorts(query))
    chosen = params.get("sorteer", "")
    if chosen in allowed:
        return chosen
    return "relevantie" if "relevantie" in allowed else "nieuwste"


def _active_filters(params, filterset):
    """For the empty state: each chosen filter with the address without it."""
    labels = {}
    for panel_name in filters.CaseFilter.FACETS:
        field = filterset.form.fields[panel_name]
        labels[panel_name] = (
            field.label,
            {str(k): str(v) for k, v in getattr(field, "choices", [])},
        )
    active = []
    for name in ["q", *filters.CaseFilter.FACETS]:
        for value in params.getlist(name):
            if not value:
                continue
            without = params.copy()
            without.setlist(name, [v for v in without.getlist(name) if v != value])
            for key in ("na", "pagina"):
                without.pop(key, None)
            if name == "q":
                label = _("zoekwoord “%(value)s”") % {"value": value[:50]}
            else:
                facet_label, choices = labels[name]
                label = f"{facet_label}: {choices.get(value, value)}"
            active.append({"label": label, "url": f"?{without.urlencode()}"})
    return active


def _add_headlines(cases, search):
    """Highlighted snippets for the page's cases only (one query), not for every match."""
    if not cases:
        return
    rows = (
        Case.objects.filter(pk__in=[c.pk for c in cases])
        .annotate(
            headline=SearchHeadline(
                Concat(
                    "summary",
                    Value(" "),
                    "context",
                    Value(" "),
                    "approach",
                    output_field=TextField(),
                ),
                search,
                config="dutch",
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_fragments=2,
                max_words=30,
                min_words=10,
            )
        )
        .values_list("pk", "headline")
    )
    headlines = dict(rows)
    for case in cases:
        case.headline = _highlight(headlines.get(case.pk, ""))


def _highlight(headline: str) -> str:
    """Escape the user's text, then turn the search engine's markers into <mark>."""
    html = escape(headline).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 (escaped above; only our own <mark> tags added)
