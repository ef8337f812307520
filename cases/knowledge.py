"""The knowledge base list: search, filters, counts per filter option and paging, from the
query parameters (cases.views.knowledge_list reads the request)."""

from django.core.paginator import Paginator
from django.db.models import Count

from cases import filters, listing
from cases.models import KnowledgeItem
from community.models import Source
from kit import paging
from procurement.models import Phase

PAGE_SIZE = 20


def item_filter(params) -> filters.KnowledgeItemFilter:
    return filters.KnowledgeItemFilter(params, queryset=KnowledgeItem.objects.all())


def _counted(facet: str, matching) -> dict[str, int]:
    """{option value as the URL writes it: number of the matching items it holds}, in one
    query per facet. Each (item, phase) and (item, level) pair is one row, so a plain
    count is a count of items."""
    items = KnowledgeItem.objects.filter(pk__in=matching)
    rows, field = {
        "fase": (
            KnowledgeItem.phases.through.objects.filter(knowledgeitem__in=matching),
            "phase__number",
        ),
        "r": (
            KnowledgeItem.r_levels.through.objects.filter(knowledgeitem__in=matching),
            "rstrategy",
        ),
        "soort": (items, "kind"),
        "doelgroep": (items, "audience"),
        "bron": (items, "source__key"),
    }[facet]
    counted = rows.values(field).annotate(count=Count("*")).order_by().values_list(field, "count")
    return {str(value): count for value, count in counted if value is not None}


def _url_value(value) -> str:
    """A chosen option as the URL writes it: a phase's number, a source's key, else itself."""
    if isinstance(value, Phase):
        return str(value.number)
    if isinstance(value, Source):
        return value.key
    return str(value)


def _choices(facet: str, filterset) -> list[tuple[str, str]]:
    """(value, label) of every option of a facet, in the active language."""
    if facet == "fase":
        return [(str(phase.number), str(phase)) for phase in Phase.objects.all()]
    if facet == "bron":
        return [(source.key, source.title) for source in filters.knowledge_sources()]
    return [(str(value), label) for value, label in filterset.filters[facet].extra["choices"]]


def _facets(params, filterset) -> list[dict]:
    """The filter panels: every option with the number of items it gives together with the
    other chosen filters and the search (as the case list counts). Options without items
    are left out unless chosen."""
    chosen_values = filterset.form.cleaned_data
    panels = []
    for facet in filters.KnowledgeItemFilter.FACETS:
        others = params.copy()
        others.pop(facet, None)
        without = item_filter(others)
        without.is_valid()
        counts = _counted(facet, without.qs.values("pk"))
        chosen = {_url_value(value) for value in chosen_values.get(facet) or []}
        options = [
            {"value": value, "label": label, "count": count, "checked": value in chosen}
            for value, label in _choices(facet, filterset)
            if (count := counts.get(value, 0)) or value in chosen
        ]
        if options:
            panels.append(
                {"name": facet, "label": filterset.filters[facet].label, "options": options}
            )
    return panels


def page(params) -> dict:
    """Search, filter, count and page: what the knowledge base shows for these query
    parameters (a QueryDict)."""
    filterset = item_filter(params)
    filterset.is_valid()  # a value the filters cannot use is left out and named (400)
    items = (
        filterset.qs.select_related("source")
        .prefetch_related("phases", "r_levels")
        .order_by("kind", "title", "pk")
    )
    paginator = Paginator(items, PAGE_SIZE)
    current = paginator.get_page(paging.page_number(params))
    return {
        "filterset": filterset,
        "query": filterset.form.cleaned_data.get("q", ""),
        "facets": _facets(params, filterset),
        "page": current,
        "items": current.object_list,
        "total": paginator.count,
        "querystring_without_paging": paging.without_paging(params),
        "refused": listing.refused(filterset, params),
    }
