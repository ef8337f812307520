"""Filters, full-text search and facet counts of the case list.

One taxonomy for every facet: R-level, sector, organisation type, region, obstacle
dimension, year, procedure and product category. All state lives in the URL.
"""

import django_filters
from django import forms
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.utils.translation import gettext_lazy as _

from cases.models import (
    YEAR_MAX,
    YEAR_MIN,
    Case,
    CaseObstacle,
    CaseStrategy,
    Dimension,
    KnowledgeItem,
)
from community.models import Organisation, ProductCategory, Region, Sector, Source, Themegroup
from kit.search import MAX_QUERY_LENGTH, search_query, search_words, substring_condition
from procurement.models import Phase, Procedure, RLevel

# Every year a case may have (the model's check constraint), newest first.
YEARS = [(str(year), str(year)) for year in range(YEAR_MAX, YEAR_MIN - 1, -1)]


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
    themagroep = django_filters.ModelMultipleChoiceFilter(
        label=_("Themagroep"),
        distinct=False,
        field_name="themegroup",
        queryset=Themegroup.objects.all(),
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
            "themagroep",
        ]

    FACETS = [
        "r",
        "sector",
        "soort",
        "regio",
        "themagroep",
        "dimensie",
        "jaar",
        "procedure",
        "categorie",
    ]

    def filter_search(self, queryset, name, value):
        value = value.strip()[:MAX_QUERY_LENGTH]
        if not search_words(value):
            return queryset
        if connection.vendor == "postgresql":
            return queryset.filter(search_vector=search_query(value))
        return queryset.filter(
            substring_condition(value, ["title", "summary", "context", "approach"])
        )

    def filter_r_level(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=CaseStrategy.objects.filter(r_level__in=value, applied=True).values("case")
        )

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


def chosen(filterset: CaseFilter) -> dict[str, list[str]]:
    """The valid chosen options of each facet, as the URL names them (after is_valid)."""
    data = filterset.form.cleaned_data
    return {
        name: [url_value(name, value) for value in data.get(name) or []]
        for name in CaseFilter.FACETS
        if data.get(name)
    }


def url_value(facet: str, value) -> str:
    """A chosen value as the URL writes it: slugs for regions and categories, the id for
    a themegroup (slugs repeat across regions), the value itself otherwise."""
    if facet == "themagroep":
        return str(value.pk)
    return str(getattr(value, "slug", value))


def matching(filterset: CaseFilter):
    """The browsable cases the search words match (a queryset), or None without a search."""
    query = filterset.form.cleaned_data.get("q", "")
    if not search_words(query):
        return None
    return filterset.filter_search(filterset.queryset, "q", query)


def facet_choices(facet: str, filterset: CaseFilter) -> list[tuple[str, str]]:
    """(value, label) of every option of a facet, labels in the active language."""
    if facet == "regio":
        return [(r.slug, r.name) for r in Region.objects.all()]
    if facet == "categorie":
        return sorted(((c.slug, str(c)) for c in ProductCategory.objects.all()), key=lambda c: c[1])
    if facet == "themagroep":
        return [(str(t.pk), t.name) for t in Themegroup.objects.all()]
    return [(str(value), label) for value, label in filterset.filters[facet].extra["choices"]]


def knowledge_sources():
    """The sources that knowledge items cite (the options of the `bron` filter)."""
    return Source.objects.filter(pk__in=KnowledgeItem.objects.values("source"))


class KnowledgeItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Zoeken"),
        method="filter_search",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
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

    bron = django_filters.ModelMultipleChoiceFilter(
        label=_("Bron"),
        field_name="source__key",
        to_field_name="key",
        queryset=knowledge_sources(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = KnowledgeItem
        fields = ["q", "fase", "soort", "bron", "doelgroep", "r"]

    FACETS = ["fase", "soort", "bron", "doelgroep", "r"]

    def filter_search(self, queryset, name, value):
        """The same Dutch search as the case list (kit.search): every word, stemmed and
        as a prefix; without PostgreSQL a substring search."""
        value = value.strip()[:MAX_QUERY_LENGTH]
        if not search_words(value):
            return queryset
        if connection.vendor == "postgresql":
            # A few hundred short items: the vector is made on the fly, no stored column.
            matches = KnowledgeItem.objects.annotate(
                document=SearchVector("title", "text", config="dutch")
            ).filter(document=search_query(value))
            return queryset.filter(pk__in=matches.values("pk"))
        return queryset.filter(substring_condition(value, ["title", "text"]))

    def filter_r_level(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=KnowledgeItem.r_levels.through.objects.filter(rstrategy__in=value).values(
                "knowledgeitem"
            )
        )
