"""The case library and the knowledge base. Views are thin: authorise, call a queryset
or service, render. What a user may not see answers 404, what they may see but not
change 403, a GET on an action 405."""

import csv
import hashlib
import json
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    OuterRef,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cases import articles, filters, forms, permissions, services
from cases.models import (
    Case,
    CaseAttachment,
    CaseMark,
    CaseStrategy,
    KnowledgeItem,
    audience_of,
)
from procurement.models import Trajectory

PAGE_SIZE = 20
# Private-use characters that cannot come from the text itself mark the search hits.
MARK_START, MARK_STOP = "\ue000", "\ue001"
SEARCH_RESULT_LIMIT = 200  # pages of ranked results
RANK_CANDIDATES = 1000  # the newest matches that are ranked
EXPORT_LIMIT = 5000


CURSOR_SALT = "cases.list.cursor"


def _cursor_encode(value, pk: int) -> str:
    """The position after the last case of a page, signed: a cursor is only ever one
    we made, so a tampered one cannot reach the database."""
    return signing.dumps([value, pk], salt=CURSOR_SALT)


def _cursor_decode(value: str):
    """The (sort value, id) of the last case on the previous page, or None when the
    cursor is missing, not ours or not of the right shape (the first page is shown)."""
    if not value or len(value) > 500:
        return None
    try:
        sort_value, pk = signing.loads(value, salt=CURSOR_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(sort_value, str) or type(pk) is not int or not 0 < pk < 2**63:
        return None
    return sort_value, pk


def _case_filter(request):
    """Scope first (what this user may browse), then filter."""
    queryset = Case.objects.published_for(request.user)
    return filters.CaseFilter(request.GET, queryset=queryset)


def _facets(filterset, counts):
    """The facet panels: options with their counts; empty options are left out unless
    chosen, so the panel stays short."""
    selected = filterset.form.cleaned_data
    panels = []
    for name in filters.CaseFilter.FACETS:
        chosen = {str(getattr(v, "slug", v)) for v in selected.get(name) or []}
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


def _audience_of(request) -> str:
    return audience_of(request.user)


@login_not_required
@require_GET
def case_list(request):
    """Published cases with facets, Dutch full-text search and keyset paging.

    The facets and results do not depend on who asks, only on the audience (public or
    community), the address and the language: they are rendered once and cached until
    any case changes (the same invalidation as the facet counts). Only the user's own
    parts (drafts in progress, the write button) are made per request."""
    is_htmx = bool(request.headers.get("HX-Request"))
    key = _list_cache_key(request, is_htmx)
    fragments = cache.get(key)
    if fragments is None:
        fragments = _list_fragments(request, is_htmx)
        if not fragments["stale"]:  # kept only once the counts are recounted
            cache.set(key, fragments, filters.FACET_CACHE_SECONDS)
    if is_htmx:
        return HttpResponse(fragments["results"])
    context = {
        "facets_html": mark_safe(fragments["facets"]),  # noqa: S308 (our own rendered template)
        "results_html": mark_safe(fragments["results"]),  # noqa: S308 (idem)
        "query": fragments["query"],
        "in_progress": _in_progress(request.user),
        "can_create": permissions.can_create_case(request.user),
    }
    return render(request, "cases/case_list.html", context)


def _list_cache_key(request, is_htmx: bool) -> str:
    state = sorted((k, v) for k, values in request.GET.lists() for v in values)
    raw = json.dumps([_audience_of(request), get_language(), is_htmx, state])
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"cases:list:{filters.facets_version()}:{digest}"


def _list_fragments(request, is_htmx: bool) -> dict:
    """Filter, search, page and render the facets and the results."""
    filterset = _case_filter(request)
    filterset.is_valid()  # invalid values (e.g. r=99) are left out, the rest applies
    queryset = filterset.qs
    query = filterset.form.cleaned_data.get("q", "").strip()
    searching = query if filters.search_words(query) else ""
    sort = _sort(request, searching)
    next_cursor = page_number = None
    summary = filters.facet_counts(filterset, audience=_audience_of(request))
    total = summary["_total"]
    if sort == "relevantie":
        # Rank the newest RANK_CANDIDATES matches: a common word matches nearly every
        # case, and ranking all of them would read every stored tsvector.
        search = filters.search_query(query)
        candidates = queryset.order_by("-published_at", "-pk")[:RANK_CANDIDATES].values("pk")
        ranked = (
            Case.objects.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F("search_vector"), search))
            .order_by("-rank", "-pk")
        )
        page_number = _page_number(request)
        start = (page_number - 1) * PAGE_SIZE
        if start >= SEARCH_RESULT_LIMIT:
            raise Http404
        cases = list(ranked.with_card_data()[start : start + PAGE_SIZE + 1])
        _add_headlines(cases, search)
    else:
        column, keyset = KEYSETS[sort]
        ordered = queryset.order_by(*column)
        params = _keyset_params(sort, _cursor_decode(request.GET.get("na", "")))
        if params:
            # A constant SQL text with parameters: a row comparison the index can use.
            ordered = ordered.filter(RawSQL(keyset, params, output_field=BooleanField()))  # noqa: S611
            total = None
        cases = list(ordered.with_card_data()[: PAGE_SIZE + 1])
    has_more = len(cases) > PAGE_SIZE
    cases = cases[:PAGE_SIZE]
    if has_more and page_number is None:
        last = cases[-1]
        sort_value = last.title if sort == "titel" else last.published_at.isoformat()
        next_cursor = _cursor_encode(sort_value, last.pk)
    context = {
        "facets": _facets(filterset, summary),
        "cases": cases,
        "total": total,
        "total_capped": total is not None and total > filters.COUNT_LIMIT,
        "query": query,
        "next_cursor": next_cursor,
        "page_number": page_number,
        "has_more": has_more,
        "querystring_without_paging": _querystring_without_paging(request),
        "sort": sort,
        "sort_chosen": request.GET.get("sorteer", "") in dict(_sorts(searching)),
        "sorts": _sorts(searching),
        "active_filters": _active_filters(request, filterset) if not cases else [],
        "is_htmx": is_htmx,
    }
    parts = "cases/_case_list_parts.html"
    return {
        "facets": render_to_string(f"{parts}#facets", context, request),
        "results": render_to_string(f"{parts}#results", context, request),
        "query": query,
        "stale": summary.get("_stale", False),
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
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        if moment.tzinfo is None:
            return None
        value = connection.ops.adapt_datetimefield_value(moment)
    return [value, pk]


def _sorts(query: str):
    sorts = [("nieuwste", _("Nieuwste eerst")), ("titel", _("Titel (A–Z)"))]
    if query and connection.vendor == "postgresql":
        sorts.insert(0, ("relevantie", _("Relevantie")))
    return sorts


def _sort(request, query: str) -> str:
    """Relevance when searching (PostgreSQL), else newest first; or what was chosen."""
    allowed = dict(_sorts(query))
    chosen = request.GET.get("sorteer", "")
    if chosen in allowed:
        return chosen
    return "relevantie" if "relevantie" in allowed else "nieuwste"


def _active_filters(request, filterset):
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
        for value in request.GET.getlist(name):
            if not value:
                continue
            params = request.GET.copy()
            params.setlist(name, [v for v in params.getlist(name) if v != value])
            for key in ("na", "pagina"):
                params.pop(key, None)
            if name == "q":
                label = _("zoekwoord “%(value)s”") % {"value": value[:50]}
            else:
                facet_label, choices = labels[name]
                label = f"{facet_label}: {choices.get(value, value)}"
            active.append({"label": label, "url": f"?{params.urlencode()}"})
    return active


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("pagina", "1")))
    except ValueError:
        return 1


def _querystring_without_paging(request) -> str:
    params = request.GET.copy()
    for key in ("na", "pagina"):
        params.pop(key, None)
    return params.urlencode()


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


def _in_progress(user):
    """Drafts of the user's organisations and what awaits their review."""
    if not user.is_authenticated:
        return []
    return list(
        Case.objects.visible_to(user)
        .exclude(status=Case.Status.GEPUBLICEERD)
        .select_related("region")
        .order_by("-updated_at")[:20]
    )


def _get_visible_case(request, slug) -> Case:
    return get_object_or_404(Case.objects.visible_to(request.user), slug=slug)


@login_not_required
@require_GET
def case_detail(request, slug):
    return _render_detail(request, _page_case(request, slug))


def _page_case(request, slug) -> Case:
    """The case of a page. Most pages show a published case: `published_for` finds it
    with a cheap condition; drafts and submitted cases go through the full rule."""
    user = request.user
    try:
        return Case.objects.published_for(user).defer("search_vector").get(slug=slug)
    except Case.DoesNotExist:
        return get_object_or_404(Case.objects.visible_to(user).defer("search_vector"), slug=slug)


def _render_detail(request, case, publish_form=None, return_form=None, status=200):
    """The stored article plus what depends on the reader: marks, related cases, linked
    trajectories they may see, the actions they may take and, for editors, the history."""
    user = request.user
    article = articles.stored(case, get_language())
    useful_count, marked_useful, bookmarked = CaseMark.objects.summary(case.pk, user.pk)
    can_edit = permissions.can_edit_case(user, case)
    can_review = permissions.can_review_case(user, case)
    context = {
        "case": case,
        "article_html": mark_safe(article.html),  # noqa: S308 (our template, escaped there)
        "related": _related(user, case, article.r_levels),
        "useful_count": useful_count,
        "marked_useful": marked_useful,
        "bookmarked": bookmarked,
        "trajectories": case.trajectories.filter(
            pk__in=Trajectory.objects.visible_to(user).values("pk")
        ).select_related("organisation")
        if user.is_authenticated and article.has_trajectories
        else [],
        "history": _history(case) if permissions.can_see_history(user, case) else None,
        "can_edit": can_edit,
        "can_submit": permissions.can_submit_case(user, case),
        "can_review": can_review,
        "review_needs_mfa": can_review and permissions.review_needs_mfa(user),
        "publish_form": publish_form or forms.PublishForm(),
        "return_form": return_form or forms.ReturnForm(),
    }
    return render(request, "cases/case_detail.html", context, status=status)


def _related(user, case, levels, limit=3):
    """Up to three published cases: the newest of the same sector, completed with the
    newest that share an R-level. Each is a walk down the newest-first index that stops
    after a few rows; the second runs only when the sector has too few."""
    published = (
        Case.objects.published_for(user).exclude(pk=case.pk).order_by("-published_at", "-id")
    )
    found = []
    if case.sector:
        found = list(published.filter(sector=case.sector).values("slug", "title")[:limit])
        published = published.exclude(sector=case.sector)  # all of them are in `found`
    if len(found) < limit and levels:
        shared = CaseStrategy.objects.filter(case=OuterRef("pk"), r_level__in=levels)
        found += published.filter(Exists(shared)).values("slug", "title")[: limit - len(found)]
    return found


def _history(case, limit=10):
    """The latest changes: who, when, and which fields changed (diffs computed in
    Python from one query)."""
    records = list(case.history.select_related("history_user")[: limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        changed = []
        if older is not None:
            changed = [
                str(case._meta.get_field(change.field).verbose_name)
                for change in record.diff_against(older).changes
            ]
        entries.append({"record": record, "changed": changed})
    return entries


@require_POST
def case_mark(request, slug, kind):
    """Toggle 'nuttig' or the personal bookmark; any signed-in reader of the case."""
    case = _get_visible_case(request, slug)
    if kind not in CaseMark.Kind.values:
        raise Http404
    is_set = services.case_mark_toggle(actor=request.user, case=case, kind=kind)
    if kind == CaseMark.Kind.BEWAARD:
        messages.success(
            request,
            _("Bewaard bij Mijn bewaarde praktijkvoorbeelden.")
            if is_set
            else _("Niet meer bewaard."),
        )
    return redirect(case)


@require_GET
def case_bookmarks(request):
    """The signed-in user's bookmarked cases that they may still read."""
    cases = (
        Case.objects.visible_to(request.user)
        .filter(marks__user=request.user, marks__kind=CaseMark.Kind.BEWAARD)
        .with_card_data()
        .order_by("-marks__created_at")
    )
    return render(request, "cases/case_bookmarks.html", {"cases": cases})


def _structured_formsets(request, case=None):
    data = request.POST if request.method == "POST" else None
    if case is not None and data is None:
        strategies = [
            {"r_level": s.r_level, "explanation": s.explanation}
            for s in case.strategies.select_related("r_level")
        ]
        obstacles = [
            {"dimension": o.dimension, "obstacle": o.obstacle, "solution": o.solution}
            for o in case.obstacles.all()
        ]
        lessons = [{"text": lesson.text} for lesson in case.lessons.all()]
    else:
        strategies = obstacles = lessons = None
    return (
        forms.StrategyFormSet(data, prefix="strategie", initial=strategies),
        forms.ObstacleFormSet(data, prefix="obstakel", initial=obstacles),
        forms.LessonFormSet(data, prefix="les", initial=lessons),
    )


def _content(form, strategy_set, obstacle_set, lesson_set) -> services.CaseContent:
    fields = {
        name: value
        for name, value in form.cleaned_data.items()
        if name in forms.CaseForm.Meta.fields and name not in ("organisations",)
    }
    organisations = list(form.cleaned_data["organisations"])
    if form.instance.pk:
        # Organisations the editor may not choose (a shared case) stay as they are.
        selectable = form.fields["organisations"].queryset.values("pk")
        organisations += list(form.instance.organisations.exclude(pk__in=selectable))
    return services.CaseContent(
        fields=fields,
        organisations=organisations,
        tags=form.tag_names_list(),
        strategies=[f.cleaned_data for f in strategy_set if f.cleaned_data.get("r_level")],
        obstacles=[
            {
                "dimension": f.cleaned_data["dimension"],
                "obstacle": f.cleaned_data["obstacle"],
                "solution": f.cleaned_data.get("solution", ""),
            }
            for f in obstacle_set
            if f.cleaned_data.get("dimension")
        ],
        lessons=[
            f.cleaned_data["text"].strip()
            for f in lesson_set
            if f.cleaned_data.get("text", "").strip()
        ],
    )


def _save_case_form(request, case=None):
    """Shared by create and update: validate everything, save through a service."""
    form = forms.CaseForm(
        request.POST or None, request.FILES or None, instance=case, user=request.user
    )
    formsets = _structured_formsets(request, case)
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets):
        content = _content(form, *formsets)
        try:
            if case is None:
                case = services.case_create(actor=request.user, content=content)
            else:
                case = services.case_update(actor=request.user, case=case, content=content)
            upload = form.cleaned_data.get("attachment")
            if upload:
                services.case_attachment_add(
                    actor=request.user,
                    case=case,
                    upload=upload,
                    title=form.cleaned_data.get("attachment_title", ""),
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Het praktijkvoorbeeld is opgeslagen."))
            return redirect(case)
    all_errors = bool(form.errors) or any(f.total_error_count() for f in formsets)
    context = {
        "form": form,
        "strategy_formset": formsets[0],
        "obstacle_formset": formsets[1],
        "lesson_formset": formsets[2],
        "case": case,
        "has_errors": request.method == "POST" and all_errors,
    }
    return render(
        request, "cases/case_form.html", context, status=400 if request.method == "POST" else 200
    )


@require_http_methods(["GET", "POST"])
def case_create(request):
    if not permissions.can_create_case(request.user):
        raise PermissionDenied
    return _save_case_form(request)


@require_http_methods(["GET", "POST"])
def case_update(request, slug):
    case = _get_visible_case(request, slug)
    if not permissions.can_edit_case(request.user, case):
        raise PermissionDenied
    return _save_case_form(request, case)


@require_POST
def case_submit(request, slug):
    case = _get_visible_case(request, slug)
    if not permissions.can_submit_case(request.user, case):
        raise PermissionDenied
    try:
        services.case_submit(actor=request.user, case=case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Ingediend: een coördinator van de regio beoordeelt het."))
    return redirect(case)


def _mfa_first(request):
    """Reviewing needs two-factor authentication: send the reviewer to set it up."""
    messages.warning(
        request, _("Stel eerst tweestapsverificatie in; daarna kunt u publiceren of terugsturen.")
    )
    return redirect("mfa_activate_totp")


@require_POST
def case_publish(request, slug):
    case = _get_visible_case(request, slug)
    if not permissions.can_review_case(request.user, case):
        raise PermissionDenied
    if permissions.review_needs_mfa(request.user):
        return _mfa_first(request)
    form = forms.PublishForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, case, publish_form=form, status=400)
    services.case_publish(
        actor=request.user,
        case=case,
        visibility=form.cleaned_data["visibility"],
        checklist_confirmed=True,
    )
    messages.success(request, _("Het praktijkvoorbeeld is gepubliceerd."))
    return redirect(case)


@require_POST
def case_return(request, slug):
    case = _get_visible_case(request, slug)
    if not permissions.can_review_case(request.user, case):
        raise PermissionDenied
    if permissions.review_needs_mfa(request.user):
        return _mfa_first(request)
    form = forms.ReturnForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, case, return_form=form, status=400)
    services.case_return(actor=request.user, case=case, comment=form.cleaned_data["comment"])
    messages.success(request, _("Het praktijkvoorbeeld is teruggestuurd naar de auteur."))
    return redirect(case)


@login_not_required
@require_GET
def case_attachment(request, slug, pk):
    """Attachments only through the case's visibility, always as a download."""
    case = _get_visible_case(request, slug)
    attachment = get_object_or_404(CaseAttachment, case=case, pk=pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=f"{attachment.title}{attachment.file.name[attachment.file.name.rfind('.') :]}",
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


EXPORT_COLUMNS = [
    (_("Titel"), lambda c: c.title),
    (_("Samenvatting"), lambda c: c.summary),
    (_("Organisaties"), lambda c: ", ".join(o.name for o in c.organisations.all())),
    (_("Regio"), lambda c: c.region.name if c.region else ""),
    (_("Sector"), lambda c: c.get_sector_display()),
    (_("Productcategorie"), lambda c: c.product_category.name if c.product_category else ""),
    (_("Jaar"), lambda c: c.year or ""),
    (_("Procedure"), lambda c: c.get_procedure_display()),
    (_("R-strategieën"), lambda c: ", ".join(f"R{s.r_level_id}" for s in c.strategies.all())),
    (_("Zichtbaarheid"), lambda c: c.get_visibility_display()),
    (_("Adres"), lambda c: c.get_absolute_url()),
]


def escape_cell(value):
    """Neutralise spreadsheet formulas: a text cell starting with = + - @ gets a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@login_not_required
@require_GET
def case_export(request, file_format):
    """Exactly the current filtered list, as CSV or XLSX."""
    if file_format not in ("csv", "xlsx"):
        raise Http404
    filterset = _case_filter(request)
    if not filterset.is_valid():
        raise Http404
    cases = filterset.qs.order_by("-published_at", "-pk").with_card_data()[:EXPORT_LIMIT]
    header = [str(label) for label, _getter in EXPORT_COLUMNS]
    rows = ([escape_cell(getter(case)) for _label, getter in EXPORT_COLUMNS] for case in cases)
    if file_format == "csv":

        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo(), delimiter=";")
        stream = (writer.writerow(row) for row in _with_header(header, rows))
        response = StreamingHttpResponse(_with_bom(stream), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="praktijkvoorbeelden.csv"'
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Praktijkvoorbeelden"))
    for row in _with_header(header, rows):
        # Control characters pasted into a text are not allowed in a spreadsheet cell.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="praktijkvoorbeelden.xlsx"'
    workbook.save(response)
    return response


def _with_header(header, rows):
    yield header
    yield from rows


def _with_bom(stream):
    yield "\ufeff"  # Excel opens UTF-8 CSV correctly with a byte-order mark
    yield from stream


@login_not_required
@require_GET
def knowledge_list(request):
    """The knowledge base: success factors, recommendations, conclusions, with sources."""
    filterset = filters.KnowledgeItemFilter(
        request.GET,
        queryset=KnowledgeItem.objects.select_related("source").prefetch_related(
            "phases", "r_levels"
        ),
    )
    filterset.is_valid()  # invalid values are left out, the rest applies (as in the case list)
    items = filterset.qs
    return render(request, "cases/knowledge_list.html", {"filterset": filterset, "items": items})
