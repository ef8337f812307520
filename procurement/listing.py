"""The trajectory list: scope, filters, search, facet counts, sorting and keyset paging,
from the query parameters and the reader (procurement.views.trajectory_list reads the
request). Confidential values are marked per row for the reader
(`procurement.permissions.can_see_confidential`), never by the template's guess."""

from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import BooleanField, F, Prefetch
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.translation import gettext as _

from community.models import Organisation, ProductCategory, Themegroup
from kit import paging
from kit.search import search_query, search_words
from procurement import filters, permissions
from procurement.models import Phase, RStrategy, Trajectory

PAGE_SIZE = 25
SEARCH_RESULT_LIMIT = 200
CURSOR_SALT = "procurement.list.cursor"

KEYSETS = {
    "gewijzigd": (
        ("-updated_at", "-id"),
        "(procurement_trajectory.updated_at, procurement_trajectory.id) < (%s, %s)",
    ),
    "titel": (
        ("title", "id"),
        "(procurement_trajectory.title, procurement_trajectory.id) > (%s, %s)",
    ),
}


def trajectory_filter(params, user) -> filters.TrajectoryFilter:
    """Scope first (what this user may see), then filter."""
    return filters.TrajectoryFilter(params, queryset=Trajectory.objects.visible_to(user))


def sorts(query: str) -> list[tuple[str, str]]:
    options = [("gewijzigd", _("Laatst gewijzigd")), ("titel", _("Titel (A–Z)"))]
    if query and connection.vendor == "postgresql":
        options.insert(0, ("relevantie", _("Relevantie")))
    return options


def _sort(params, query: str) -> str:
    allowed = dict(sorts(query))
    chosen = params.get("sorteer", "")
    if chosen in allowed:
        return chosen
    return "relevantie" if "relevantie" in allowed else "gewijzigd"


def _labels(organisation_ids) -> dict[str, dict]:
    """Labels of the facet options whose stored value is an id: small tables, and the
    organisations that have a count or were chosen."""
    return {
        "fase": {p.pk: (str(p.number), str(p)) for p in Phase.objects.all()},
        "ambitie": {r.pk: (str(r.pk), str(r)) for r in RStrategy.objects.all()},
        "themagroep": {t.pk: (str(t.pk), t.name) for t in Themegroup.objects.all()},
        "organisatie": {
            o.pk: (o.slug, o.name)
            for o in Organisation.objects.filter(pk__in=list(organisation_ids)).order_by("name")
        },
        "categorie": dict(
            sorted(
                ((c.pk, (c.slug, str(c))) for c in ProductCategory.objects.all()),
                key=lambda item: item[1][1],
            )
        ),
    }


def facet_panels(filterset, summary) -> list[dict]:
    """The facet panels: options with counts (empty ones left out unless chosen)."""
    data = filterset.form.cleaned_data
    chosen_organisations = {o.pk for o in data.get("organisatie") or []}
    labels = _labels(set(summary["organisatie"]) | chosen_organisations)
    labels["behaald"] = labels["ambitie"]
    panels = []
    for name in filters.TrajectoryFilter.FACETS:
        field = filterset.form.fields[name]
        chosen = {
            str(getattr(v, "slug", None) or getattr(v, "pk", v)) for v in data.get(name) or []
        }
        if name == "themagroep":
            chosen = {str(v.pk) for v in data.get(name) or []}
        options = []
        if name in labels:
            items = [(value, label, pk) for pk, (value, label) in labels[name].items()]
        else:
            items = [(str(value), str(label), value) for value, label in field.choices]
            if name == "jaar":
                items = [(str(y), str(y), y) for y in sorted(summary[name], reverse=True)]
        for value, label, stored in items:
            count = summary[name].get(stored, 0)
            if count or value in chosen:
                options.append(
                    {"value": value, "label": label, "count": count, "checked": value in chosen}
                )
        if options:
            panels.append({"name": name, "label": field.label, "options": options})
    return panels


def _url_value(facet: str, value) -> str:
    """A chosen value as the URL writes it: slugs for organisations and categories, ids
    for themegroups, the value itself otherwise."""
    if facet in ("organisatie", "categorie"):
        return value.slug
    if facet == "themagroep":
        return str(value.pk)
    return str(value)


def rows_for(user, trajectories) -> list[Trajectory]:
    """Mark on each trajectory whether this reader may see its confidential values."""
    for trajectory in trajectories:
        trajectory.reader_sees_confidential = permissions.can_see_confidential(user, trajectory)
    return trajectories


def listed(queryset):
    """The list's rows with what they show, in a fixed number of queries."""
    return queryset.with_list_data().prefetch_related(
        Prefetch("participating_organisations", queryset=Organisation.objects.only("id"))
    )


def page(params, user) -> dict:
    filterset = trajectory_filter(params, user)
    filterset.is_valid()  # invalid values are left out; the rest applies
    queryset = filterset.qs
    query = filterset.form.cleaned_data.get("q", "").strip()
    searching = query if search_words(query) else ""
    sort = _sort(params, searching)
    summary = filters.counts(filterset)
    total = summary["_total"]
    next_cursor = page_number = None
    if sort == "relevantie":
        page_number = paging.page_number(params)
        start = (page_number - 1) * PAGE_SIZE
        if start >= SEARCH_RESULT_LIMIT:
            raise Http404
        ranked = queryset.annotate(rank=SearchRank(F("search_vector"), search_query(query)))
        rows = list(listed(ranked.order_by("-rank", "-id"))[start : start + PAGE_SIZE + 1])
    else:
        columns, keyset = KEYSETS[sort]
        ordered = queryset.order_by(*columns)
        after = _keyset_params(sort, paging.cursor_decode(params.get("na", ""), salt=CURSOR_SALT))
        if after:
            ordered = ordered.filter(RawSQL(keyset, after, output_field=BooleanField()))  # noqa: S611
            total = None
        rows = list(listed(ordered)[: PAGE_SIZE + 1])
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if has_more and page_number is None:
        last = rows[-1]
        value = last.title if sort == "titel" else last.updated_at.isoformat()
        next_cursor = paging.cursor_encode(value, last.pk, salt=CURSOR_SALT)
    return {
        "filterset": filterset,
        "facets": facet_panels(filterset, summary),
        "trajectories": rows_for(user, rows),
        "total": total,
        "query": query,
        "sort": sort,
        "sort_chosen": params.get("sorteer", "") in dict(sorts(searching)),
        "sorts": sorts(searching),
        "next_cursor": next_cursor,
        "page_number": page_number,
        "has_more": has_more,
        "querystring_without_paging": paging.without_paging(params),
    }


def _keyset_params(sort: str, cursor) -> list | None:
    """The parameters of the row comparison, or None if the cursor does not fit this sort."""
    if cursor is None:
        return None
    value, pk = cursor
    if sort == "gewijzigd":
        value = paging.moment_param(value)
        if value is None:
            return None
    return [value, pk]


def export_rows(params, user, limit: int):
    """Exactly the filtered list (in the list's order), for the CSV/XLSX export."""
    filterset = trajectory_filter(params, user)
    filterset.is_valid()
    rows = list(listed(filterset.qs.order_by("-updated_at", "-id"))[:limit])
    return rows_for(user, rows)
