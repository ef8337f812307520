"""Filters, full-text search and facet counts of the case list.

One taxonomy for every facet: R-level, sector, organisation type, region, obstacle
dimension, year, procedure and product category. All state lives in the URL.
"""

import hashlib
import json
import logging
import re

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError

from cases.models import Case, CaseObstacle, CaseStrategy, Dimension, KnowledgeItem
from community.models import Organisation, ProductCategory, Region, Sector
from procurement.models import Phase, Procedure, RLevel

MAX_QUERY_LENGTH = 200
YEARS = [(str(year), str(year)) for year in range(2030, 1989, -1)]
FACET_CACHE_SECONDS = 600  # rendered list fragments
FACET_COUNTS_SECONDS = 24 * 60 * 60  # counts: served while stale, recounted in the background
REFRESH_LOCK_SECONDS = 300  # one queued recount per combination and version
COUNT_LIMIT = 1000  # beyond this the list says "more than 1000": no exact COUNT(*)
FACET_VERSION_KEY = "cases:facet-version"

logger = logging.getLogger(__name__)


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


def _organisation_type_cases(values):
    return Case.organisations.through.objects.filter(organisation__type__in=values).values("case")


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Zoeken"),
        method="filter_search",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    r = django_filters.MultipleChoiceFilter(
        label=_("R-strategie"),
        choices=RLevel.choices,
        method="filter_r_level",
        widget=forms.CheckboxSelectMultiple,
    )
    sector = django_filters.MultipleChoiceFilter(
        label=_("Sector"),
        distinct=False,
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    soort = django_filters.MultipleChoiceFilter(
        label=_("Soort organisatie"),
        choices=Organisation.Type.choices,
        method="filter_organisation_type",
        widget=forms.CheckboxSelectMultiple,
    )
    regio = django_filters.ModelMultipleChoiceFilter(
        label=_("Regio"),
        distinct=False,
        field_name="region__slug",
        to_field_name="slug",
        queryset=Region.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    dimensie = django_filters.MultipleChoiceFilter(
        label=_("Obstakel"),
        choices=Dimension.choices,
        method="filter_dimension",
        widget=forms.CheckboxSelectMultiple,
    )
    jaar = django_filters.MultipleChoiceFilter(
        label=_("Jaar"),
        distinct=False,
        field_name="year",
        choices=YEARS,
        widget=forms.CheckboxSelectMultiple,
    )
    procedure = django_filters.MultipleChoiceFilter(
        label=_("Procedure"),
        distinct=False,
        choices=Procedure.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    categorie = django_filters.ModelMultipleChoiceFilter(
        label=_("Productcategorie"),
        distinct=False,
        field_name="product_category__slug",
        to_field_name="slug",
        queryset=ProductCategory.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Case
        fields = [
            "q",
            "r",
            "sector",
            "soort",
            "regio",
            "dimensie",
            "jaar",
            "procedure",
            "categorie",
        ]

    FACETS = ["r", "sector", "soort", "regio", "dimensie", "jaar", "procedure", "categorie"]

    def filter_search(self, queryset, name, value):
        value = value.strip()[:MAX_QUERY_LENGTH]
        if not search_words(value):
            return queryset
        if connection.vendor == "postgresql":
            return queryset.filter(search_vector=search_query(value))
        words = search_words(value)
        condition = Q()
        for word in words:
            condition &= (
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(context__icontains=word)
                | Q(approach__icontains=word)
            )
        return queryset.filter(condition)

    def filter_r_level(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=CaseStrategy.objects.filter(r_level__in=value).values("case"))

    def filter_organisation_type(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=_organisation_type_cases(value))

    def filter_dimension(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=CaseObstacle.objects.filter(dimension__in=value).values("case")
        )

    def filtered_without(self, facet: str):
        """The queryset with every filter applied except one facet's own (for its counts)."""
        queryset = self.queryset
        for name, value in self.form.cleaned_data.items():
            if name != facet:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def has_filters(self) -> bool:
        return any(self.form.cleaned_data.get(name) for name in self.filters)


def _count_rows(facet: str, queryset):
    """(value, count) pairs of one facet within a queryset."""
    ids = queryset.values("pk")
    if facet == "r":
        # A case holds each R-level once (unique constraint): no DISTINCT needed.
        rows = (
            CaseStrategy.objects.filter(case__in=ids)
            .values_list("r_level")
            .annotate(n=Count("pk"))
            .order_by()
        )
    elif facet == "soort":
        rows = (
            Case.organisations.through.objects.filter(case__in=ids)
            .values_list("organisation__type")
            .annotate(n=Count("case", distinct=True))
            .order_by()
        )
    elif facet == "dimensie":
        rows = (
            CaseObstacle.objects.filter(case__in=ids)
            .values_list("dimension")
            .annotate(n=Count("case", distinct=True))
            .order_by()
        )
    else:
        column = {
            "sector": "sector",
            "regio": "region__slug",
            "jaar": "year",
            "procedure": "procedure",
            "categorie": "product_category__slug",
        }[facet]
        rows = Case.objects.filter(pk__in=ids).exclude(**{f"{column}__isnull": True})
        rows = rows.values_list(column).annotate(n=Count("pk")).order_by()
    return {str(value): n for value, n in rows}


def facet_choices(facet: str, filterset: CaseFilter) -> list[tuple[str, str]]:
    """(value, label) of every option of a facet, labels in the active language."""
    if facet == "regio":
        return [(r.slug, r.name) for r in Region.objects.all()]
    if facet == "categorie":
        return [(c.slug, c.name) for c in ProductCategory.objects.all()]
    return [(str(value), label) for value, label in filterset.filters[facet].extra["choices"]]


def filter_state(data) -> dict[str, list[str]]:
    """The filters of a query string (a QueryDict) as {name: values}: what counts depend on."""
    if not hasattr(data, "getlist"):
        return {}
    return {
        name: data.getlist(name) for name in sorted(CaseFilter.base_filters) if data.getlist(name)
    }


def _counts_key(audience: str, state: dict) -> str:
    digest = hashlib.sha256(json.dumps([audience, state], sort_keys=True).encode()).hexdigest()
    return f"cases:facets:{digest}"


def facet_counts(filterset: CaseFilter, audience: str) -> dict:
    """For each facet {option value: number of results it would give}, under "_total"
    the number of results itself (counted up to COUNT_LIMIT + 1), and "_stale" if the
    counts are from before the latest change.

    Counted once per audience and filter state and cached. After a change to any case
    (`facets_invalidate`) the cached counts are still served while a Celery task counts
    them again (`facets_refresh`), so no request waits on counting a large library;
    only a combination never counted before is counted in the request.
    """
    state = filter_state(filterset.data)
    key = _counts_key(audience, state)
    version = facets_version()
    entry = cache.get(key)
    if entry is None:
        return _counts_store(filterset, key, version)
    if entry["version"] != version:
        _refresh_later(audience, state, key, version)
        return {**entry["counts"], "_stale": True}
    return entry["counts"]


def _counts_store(filterset: CaseFilter, key: str, version: int) -> dict:
    counts = {
        facet: _count_rows(facet, filterset.filtered_without(facet)) for facet in CaseFilter.FACETS
    }
    counts["_total"] = filterset.qs.order_by()[: COUNT_LIMIT + 1].count()
    cache.set(key, {"version": version, "counts": counts}, FACET_COUNTS_SECONDS)
    return counts


def _refresh_later(audience: str, state: dict, key: str, version: int) -> None:
    """Queue one recount per combination and version; a broker that is away costs
    only freshness (the stale counts are served), never the page."""
    from cases import tasks  # tasks imports this module

    lock = f"{key}:refreshing:{version}"
    if not cache.add(lock, True, timeout=REFRESH_LOCK_SECONDS):
        return
    try:
        tasks.facets_refresh.delay(audience, state)
    except OperationalError:
        logger.warning("Could not queue a recount of facet counts", exc_info=True)
        cache.delete(lock)


def facets_refresh(audience: str, state: dict) -> dict:
    """Count the facets of one audience and filter state again (cases.tasks)."""
    data = QueryDict(mutable=True)
    for name, values in state.items():
        data.setlist(name, values)
    filterset = CaseFilter(data, queryset=Case.objects.published_to(audience))
    filterset.is_valid()
    return _counts_store(filterset, _counts_key(audience, state), facets_version())


def facets_version() -> int:
    """A number that changes whenever any case changes: part of every cache key."""
    return cache.get_or_set(FACET_VERSION_KEY, 1, timeout=None)


def facets_invalidate() -> None:
    """Mark every cached list and facet count stale (called after any change to a case)."""
    try:
        cache.incr(FACET_VERSION_KEY)
    except ValueError:
        cache.set(FACET_VERSION_KEY, 2, timeout=None)


class KnowledgeItemFilter(django_filters.FilterSet):
    fase = django_filters.ModelMultipleChoiceFilter(
        label=_("Fase"),
        field_name="phases__number",
        to_field_name="number",
        queryset=Phase.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    r = django_filters.MultipleChoiceFilter(
        label=_("R-strategie"),
        choices=RLevel.choices,
        method="filter_r_level",
        widget=forms.CheckboxSelectMultiple,
    )
    doelgroep = django_filters.MultipleChoiceFilter(
        label=_("Doelgroep"),
        field_name="audience",
        choices=KnowledgeItem.Audience.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    soort = django_filters.MultipleChoiceFilter(
        label=_("Soort"),
        field_name="kind",
        choices=KnowledgeItem.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = KnowledgeItem
        fields = ["fase", "r", "doelgroep", "soort"]

    def filter_r_level(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=KnowledgeItem.r_levels.through.objects.filter(rstrategy__in=value).values(
                "knowledgeitem"
            )
        )
