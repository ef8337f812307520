"""The trajectory list's filters, search and facet counts.

A view scopes first (`Trajectory.objects.visible_to(user)`), then filters here, then
pages (`procurement.listing`). Every facet is a single-valued column of the trajectory
row, so all facet counts come from one pass over the searched set: one GROUP BY
GROUPING SETS query in which each facet's count applies the other facets' choices (a
FILTER clause), not its own (several options of one facet widen, different facets
narrow).
"""

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from community.models import Organisation, ProductCategory, Themegroup
from kit.search import MAX_QUERY_LENGTH, search_query, search_words, substring_condition
from procurement.models import Phase, Procedure, ProcurementType, RLevel, Trajectory

YEARS = [(str(year), str(year)) for year in range(2040, 1999, -1)]


class TrajectoryFilter(django_filters.FilterSet):
    """Every facet is a single-valued column of the trajectory (or of a row it points
    to), so a filter cannot repeat a trajectory: `distinct=False` keeps DISTINCT out of
    the list's query, which lets PostgreSQL read the rows in the order of an index and
    stop after a page instead of sorting every match."""

    q = django_filters.CharFilter(
        label=_("Zoeken"),
        method="filter_search",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    fase = django_filters.MultipleChoiceFilter(
        distinct=False,
        label=_("Fase"),
        field_name="current_phase__number",
        choices=[(str(n), str(n)) for n in range(1, 7)],
        widget=forms.CheckboxSelectMultiple,
    )
    status = django_filters.MultipleChoiceFilter(
        distinct=False,
        label=_("Status"),
        choices=Trajectory.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    ambitie = django_filters.MultipleChoiceFilter(
        distinct=False,
        label=_("R-ambitie"),
        field_name="r_level_target",
        choices=RLevel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    behaald = django_filters.MultipleChoiceFilter(
        distinct=False,
        label=_("Behaald R-niveau"),
        field_name="r_level_achieved",
        choices=RLevel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    themagroep = django_filters.ModelMultipleChoiceFilter(
        distinct=False,
        label=_("Themagroep"),
        field_name="themegroup",
        queryset=Themegroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    groep = django_filters.ModelChoiceFilter(
        label=_("Trajecten van themagroep"),
        method="filter_group",
        queryset=Themegroup.objects.all(),
        widget=forms.HiddenInput,
    )
    organisatie = django_filters.ModelMultipleChoiceFilter(
        distinct=False,
        label=_("Organisatie"),
        field_name="organisation__slug",
        to_field_name="slug",
        queryset=Organisation.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    soort = django_filters.MultipleChoiceFilter(
        distinct=False,
        label=_("Soort opdracht"),
        field_name="procurement_type",
        choices=ProcurementType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    categorie = django_filters.ModelMultipleChoiceFilter(
        distinct=False,
        label=_("Productcategorie"),
        field_name="product_category__slug",
        to_field_name="slug",
        queryset=ProductCategory.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    procedure = django_filters.MultipleChoiceFilter(
        distinct=False,
        label=_("Procedure"),
        choices=Procedure.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    jaar = django_filters.MultipleChoiceFilter(
        distinct=False,
        label=_("Contractjaar"),
        field_name="contract_start__year",
        choices=YEARS,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Trajectory
        fields = [
            "q",
            "fase",
            "status",
            "ambitie",
            "behaald",
            "themagroep",
            "groep",
            "organisatie",
            "soort",
            "categorie",
            "procedure",
            "jaar",
        ]

    FACETS = [
        "fase",
        "status",
        "ambitie",
        "behaald",
        "themagroep",
        "organisatie",
        "soort",
        "categorie",
        "procedure",
        "jaar",
    ]

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_group(self, queryset, name, value):
        return queryset.of_themegroup(value)


def search(queryset, text: str):
    """Trajectories whose title, need, outcome or lessons hold every word (Dutch
    stemming and prefixes on PostgreSQL, substrings elsewhere)."""
    text = text.strip()[:MAX_QUERY_LENGTH]
    if not search_words(text):
        return queryset
    if connection.vendor == "postgresql":
        return queryset.filter(search_vector=search_query(text))
    return queryset.filter(
        substring_condition(text, ["title", "need_description", "outcome", "lessons"])
    )


# Per facet: the column it counts (an alias in the counting query) and how a chosen value
# (as the URL has it) becomes the stored value.
COLUMNS = {
    "fase": "current_phase_id",
    "status": "status",
    "ambitie": "r_level_target_id",
    "behaald": "r_level_achieved_id",
    "themagroep": "themegroup_id",
    "organisatie": "organisation_id",
    "soort": "procurement_type",
    "categorie": "product_category_id",
    "procedure": "procedure",
    "jaar": "contract_year",
}


def searched(filterset: TrajectoryFilter):
    """The scoped set with only the search and the group applied: what the facets count
    over. `groep` is not a facet but a narrower scope: the trajectories of one
    themegroup as its page counts them (`TrajectoryQuerySet.of_themegroup`: joint ones
    and the members' ones in the group's sector), which no single column holds."""
    data = filterset.form.cleaned_data
    queryset = filterset.queryset
    if data.get("groep"):
        queryset = queryset.of_themegroup(data["groep"])
    return search(queryset, data.get("q", "") or "")


def chosen_stored(filterset: TrajectoryFilter) -> dict[str, list]:
    """The valid chosen options of each facet, as stored values (after is_valid)."""
    data = filterset.form.cleaned_data
    result = {}
    for name in TrajectoryFilter.FACETS:
        values = data.get(name)
        if not values:
            continue
        if name == "fase":
            numbers = [int(v) for v in values]
            result[name] = list(
                Phase.objects.filter(number__in=numbers).values_list("pk", flat=True)
            )
        elif name in ("themagroep", "organisatie", "categorie"):
            result[name] = [value.pk for value in values]
        elif name in ("ambitie", "behaald", "jaar"):
            result[name] = [int(v) for v in values]
        else:
            result[name] = list(values)
    return result


def counts(filterset: TrajectoryFilter) -> dict[str, dict]:
    """For each facet {stored value: count}, and under "_total" the number of results.
    One query: GROUPING SETS on PostgreSQL, UNION ALL elsewhere (SQLite).

    The pass reads only the scope's columns and the facets' (`.values()` without the id),
    which the covering index `procurement_traj_facets` holds: an index-only scan, no
    visit to the wide trajectory rows. A row that misses two or more of the chosen
    facets counts nowhere (each facet's count applies every other choice), so such rows
    are left out before grouping; and there are only as many distinct counts as chosen
    facets plus one (every facet not chosen applies all choices), so each grouping set
    computes those few aggregates, not one per facet."""
    base = (
        searched(filterset)
        .order_by()
        .annotate(contract_year=ExtractYear("contract_start"))
        .values(*COLUMNS.values())
    )
    chosen = chosen_stored(filterset)
    result: dict[str, dict] = {name: {} for name in TrajectoryFilter.FACETS}
    try:
        inner_sql, inner_params = base.query.sql_with_params()
    except EmptyResultSet:  # a scope that can match nothing
        return {**result, "_total": 0}

    def condition(exclude: str | None) -> tuple[str, list]:
        parts, params = [], []
        for name, values in chosen.items():
            if name == exclude:
                continue
            parts.append(f"t.{COLUMNS[name]} IN ({', '.join(['%s'] * len(values))})")
            params.extend(values)
        return (" AND ".join(parts) or "TRUE"), params

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Aggregate 0 applies every choice; aggregate i+1 all but the i-th chosen facet.
            all_sql, all_params = condition(None)
            selects, params = [f"count(*) FILTER (WHERE {all_sql})"], [*all_params]
            aggregate_of = {}
            for name in chosen:
                sql, cond_params = condition(name)
                aggregate_of[name] = len(selects)
                selects.append(f"count(*) FILTER (WHERE {sql})")
                params.extend(cond_params)
            narrowing, narrowing_params = "TRUE", []
            if len(chosen) >= 2:  # rows that hold at least all but one of the choices
                tests = []
                for name in chosen:
                    sql, cond_params = condition(name)
                    tests.append(f"({sql})")
                    narrowing_params.extend(cond_params)
                narrowing = " OR ".join(tests)
            columns = ", ".join(f"t.{c}" for c in COLUMNS.values())
            grouping = ", ".join(f"(t.{c})" for c in COLUMNS.values())
            cursor.execute(
                f"SELECT {columns}, {', '.join(selects)}, "  # noqa: S608 (our columns)
                f"GROUPING({columns}) "
                f"FROM ({inner_sql}) AS t WHERE {narrowing} "
                f"GROUP BY GROUPING SETS ({grouping}, ())",
                [*params, *inner_params, *narrowing_params],
            )
            n = len(COLUMNS)
            names = TrajectoryFilter.FACETS
            for row in cursor.fetchall():
                values, aggregates, grouping_bits = row[:n], row[n:-1], row[-1]
                if grouping_bits == (1 << n) - 1:  # the () set: everything
                    result["_total"] = aggregates[0]
                    continue
                # The one column grouped in this set has its GROUPING bit clear.
                index = next(i for i in range(n) if not grouping_bits & (1 << (n - 1 - i)))
                count = aggregates[aggregate_of.get(names[index], 0)]
                if values[index] is not None and count:
                    result[names[index]][values[index]] = count
        else:
            parts, params = [], []
            for name in TrajectoryFilter.FACETS:
                sql, cond_params = condition(name)
                column = COLUMNS[name]
                parts.append(
                    f"SELECT %s, t.{column}, count(*) FROM ({inner_sql}) AS t "  # noqa: S608
                    f"WHERE {sql} GROUP BY t.{column}"
                )
                params.extend([name, *inner_params, *cond_params])
            total_sql, total_params = condition(None)
            parts.append(
                f"SELECT '_total', NULL, count(*) FROM ({inner_sql}) AS t WHERE {total_sql}"  # noqa: S608
            )
            params.extend([*inner_params, *total_params])
            cursor.execute(" UNION ALL ".join(parts), params)
            for name, value, count in cursor.fetchall():
                if name == "_total":
                    result["_total"] = count
                elif value is not None and count:
                    result[name][value] = count
    result.setdefault("_total", 0)
    return result
