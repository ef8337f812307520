"""The case library and the knowledge base. Views are thin: authorise, call a queryset
or service, render. What a user may not see answers 404, what they may see but not
change 403, a GET on an action 405."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from cases import (
    articles,
    export,
    facets,
    filters,
    forms,
    knowledge,
    listing,
    permissions,
    services,
)
from cases.models import (
    LONG_FIELDS,
    Case,
    CaseAttachment,
    CaseMark,
    KnowledgeItem,
    audience_of,
)
from kit import history, uploads
from kit.forms import shown_unchecked
from procurement.models import Trajectory


@login_not_required
@require_GET
def case_list(request):
    """Published cases with facets, Dutch full-text search and keyset paging. An htmx
    request gets the results and, out of band, the facets."""
    context = listing.page(request.GET, request.user)
    context["is_htmx"] = bool(request.headers.get("HX-Request"))
    if context["is_htmx"]:
        # The search box and the checkboxes cannot send a refused value; an htmx
        # response that is not 2xx would not be shown at all.
        return render(request, "cases/_case_list_parts.html#results", context)
    context.update(
        in_progress=_in_progress(request.user),
        can_create=permissions.can_create_case(request.user),
    )
    # A value the filters cannot use is left out and named at the top of the list,
    # as the export does (400 on both).
    status = 400 if context["refused"] else 200
    return render(request, "cases/case_list.html", context, status=status)


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
    return get_object_or_404(Case.objects.visible_to(request.user).for_page(), slug=slug)


@login_not_required
@require_GET
def case_detail(request, slug):
    try:
        case = _page_case(request, slug)
    except Http404:
        # An earlier address of a renamed case leads to its current one, for readers
        # who may see it (to others it does not exist, as under its current address).
        moved = (
            Case.objects.visible_to(request.user).filter(old_slugs__slug=slug).only("slug").first()
        )
        if moved is None:
            raise
        return redirect(moved, permanent=True)
    return _render_detail(request, case)


def _page_case(request, slug) -> Case:
    """The case of a page. Most pages show a published case: `published_for` finds it
    with a cheap condition; drafts and submitted cases go through the full rule."""
    user = request.user
    try:
        return Case.objects.published_for(user).for_page().get(slug=slug)
    except Case.DoesNotExist:
        return get_object_or_404(Case.objects.visible_to(user).for_page(), slug=slug)


def _render_detail(
    request,
    case,
    publish_form=None,
    return_form=None,
    withdraw_form=None,
    contact_form=None,
    status=200,
):
    """The stored article, the names it links to (read live) and what depends on the
    reader: marks, related cases, linked trajectories they may see, the actions they may
    take and, for editors, the history."""
    user = request.user
    article = articles.stored(case, get_language())
    useful_count, marked_useful, bookmarked = CaseMark.objects.summary(case.pk, user.pk)
    can_edit = permissions.can_edit_case(user, case)
    can_review = permissions.can_review_case(user, case)
    can_withdraw = permissions.can_withdraw_case(user, case)
    context = {
        "case": case,
        **case.shown_names(),
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
        # A coordinator's own submitted case waits for a colleague: the page says so.
        "own_case_for_colleague": case.status == Case.Status.INGEDIEND
        and permissions.is_own_case_for_colleague(user, case),
        "can_withdraw": can_withdraw,
        "withdraw_form": withdraw_form or forms.WithdrawForm(),
        "can_contact": permissions.can_contact_about_case(user, case),
        "contact_form": contact_form or forms.ContactForm(),
    }
    return render(request, "cases/case_detail.html", context, status=status)


def _related(user, case, levels, limit=3):
    """Up to three published cases the reader may browse, related to this one (picked
    from the facet index), read in one query by id."""
    found = facets.related(audience_of(user), case.pk, case.sector, levels, limit)
    if not found:
        return []
    rows = Case.objects.published_for(user).filter(pk__in=found).values("pk", "slug", "title")
    by_id = {row["pk"]: row for row in rows}
    return [by_id[pk] for pk in found if pk in by_id]


def _history(case, limit=10):
    """The latest changes: who, when, and which fields changed (diffs computed in
    Python from one query)."""
    records = list(case.history.select_related("history_user")[: limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        changed = history.changed_fields(record, older)
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


# The repeating parts of the case form, by their prefix. Each row has a "remove" button
# and each part an "add a row" button: submit buttons named REMOVE_ROW (value
# "<prefix>-<row>") and ADD_ROW (value "<prefix>"), so a form grows and shrinks without
# JavaScript, between no rows and the formset's max_num. With JavaScript, htmx posts the
# same buttons and swaps in only that part of the answer (templates/cases/case_form.html).
ROW_FORMSETS = {
    "strategie": forms.StrategyFormSet,
    "obstakel": forms.ObstacleFormSet,
    "les": forms.LessonFormSet,
}
ADD_ROW = "rij_toevoegen"
REMOVE_ROW = "rij_verwijderen"


def _row_count(data, prefix: str, key: str = "TOTAL_FORMS") -> int:
    try:
        count = int(data.get(f"{prefix}-{key}", 0))
    except ValueError:
        count = 0
    return min(max(count, 0), ROW_FORMSETS[prefix].max_num)


def _with_extra_row(data, prefix: str):
    """A copy of the posted data with one more empty row in the formset of `prefix`."""
    data = data.copy()
    total = _row_count(data, prefix)
    data[f"{prefix}-TOTAL_FORMS"] = str(min(total + 1, ROW_FORMSETS[prefix].max_num))
    return data


def _row_to_remove(data) -> tuple[str, int] | None:
    """The (prefix, row) a remove button names, if it names a row the form has."""
    prefix, _, row = data.get(REMOVE_ROW, "").rpartition("-")
    if prefix not in ROW_FORMSETS or not row.isascii() or not row.isdigit():
        return None
    if int(row) >= _row_count(data, prefix):
        return None
    return prefix, int(row)


def _without_row(data, prefix: str, row: int):
    """A copy of the posted data without that row of the formset of `prefix`: the rows
    after it move up one place, as typed."""
    data = data.copy()
    total = _row_count(data, prefix)
    names = list(ROW_FORMSETS[prefix].form.base_fields)
    for index in range(row, total):
        for name in names:
            target, source = f"{prefix}-{index}-{name}", f"{prefix}-{index + 1}-{name}"
            if index + 1 < total and source in data:
                data.setlist(target, data.getlist(source))
            else:
                data.pop(target, None)
    data[f"{prefix}-TOTAL_FORMS"] = str(total - 1)
    data[f"{prefix}-INITIAL_FORMS"] = str(min(_row_count(data, prefix, "INITIAL_FORMS"), total - 1))
    return data


def _structured_formsets(data, case=None):
    if case is not None and data is None:
        strategies = [
            {"r_level": s.r_level, "explanation": s.explanation, "applied": s.applied}
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
        ROW_FORMSETS["strategie"](data, prefix="strategie", initial=strategies),
        ROW_FORMSETS["obstakel"](data, prefix="obstakel", initial=obstacles),
        ROW_FORMSETS["les"](data, prefix="les", initial=lessons),
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
        selectable = permissions.writable_organisations(form.user).values("pk")
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


def _render_changed_rows(request, form, formsets, case, part: str):
    """The form as typed with a row added to or removed from `part`, checked and saved
    nothing. Focus goes to the added row's first field, or after a removal to the
    message that says so."""
    added = bool(part) and request.POST.get(ADD_ROW) == part
    for shown in (form, *formsets):
        shown_unchecked(shown)
    if added and (rows := formsets[list(ROW_FORMSETS).index(part)].forms):
        first_field = next(iter(rows[-1].fields.values()))
        first_field.widget.attrs["autofocus"] = True
    return render(
        request,
        "cases/case_form.html",
        {
            "form": form,
            "strategy_formset": formsets[0],
            "obstacle_formset": formsets[1],
            "lesson_formset": formsets[2],
            "case": case,
            "has_errors": False,
            "added_row": part if added else "",
            "removed_row": part if part and not added else "",
        },
    )


def _save_case_form(request, case=None):
    """Shared by create and update: validate everything, save through a service. The
    "add a row" and "remove" buttons send the form back as typed with a row more or
    less in that part, saving and checking nothing."""
    data = request.POST if request.method == "POST" else None
    changing_rows, part = data is not None and (ADD_ROW in data or REMOVE_ROW in data), ""
    if changing_rows and data.get(ADD_ROW) in ROW_FORMSETS:
        part = data[ADD_ROW]
        data = _with_extra_row(data, part)
    elif changing_rows and (removal := _row_to_remove(data)):
        part = removal[0]
        data = _without_row(data, *removal)
    form = forms.CaseForm(data, request.FILES or None, instance=case, user=request.user)
    formsets = _structured_formsets(data, case)
    if changing_rows:
        # A button naming no part or row the form has (an old page) changes nothing, and
        # saves nothing either.
        return _render_changed_rows(request, form, formsets, case, part)
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
def case_from_trajectory(request, pk):
    """One action: a draft case from a completed trajectory, then its edit page."""
    trajectory = get_object_or_404(Trajectory.objects.visible_to(request.user), pk=pk)
    try:
        case = services.case_from_trajectory(actor=request.user, trajectory=trajectory)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(trajectory)
    messages.success(
        request,
        _("Er is een concept gemaakt van het traject. Vul het aan en dien het in."),
    )
    return redirect("cases:case_update", slug=case.slug)


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
    # A returned case is a draft again: a coordinator of another organisation no longer
    # sees it, so they go back to the list rather than to a page that is not found.
    if Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
        return redirect(case)
    return redirect("cases:case_list")


@require_POST
def case_withdraw(request, slug):
    """A published case back to concept, with a required reason; its author and the
    coordinators of its region (staff too)."""
    case = _get_visible_case(request, slug)
    if not permissions.can_withdraw_case(request.user, case):
        raise PermissionDenied
    form = forms.WithdrawForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, case, withdraw_form=form, status=400)
    services.case_withdraw(actor=request.user, case=case, reason=form.cleaned_data["reason"])
    messages.success(request, _("Het praktijkvoorbeeld is teruggetrokken en is weer een concept."))
    # Withdrawn, it is a draft: a coordinator of another organisation no longer sees it.
    if Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
        return redirect(case)
    return redirect("cases:case_review_queue")


# Messages to authors: at most this many per sender per hour (django-ratelimit, counted
# in the cache), so the form cannot be used to flood colleagues' mailboxes.
CONTACT_RATE = "5/h"


@require_POST
def case_contact(request, slug):
    """A member writes to the contact or author of a published case; the message is
    mailed (after commit, by the worker) and no address is shown."""
    case = _get_visible_case(request, slug)
    if not permissions.can_contact_about_case(request.user, case):
        raise PermissionDenied
    form = forms.ContactForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, case, contact_form=form, status=400)
    if is_ratelimited(
        request, group="cases.contact", key="user", rate=CONTACT_RATE, increment=True
    ):
        form.add_error(
            None,
            _("U hebt het afgelopen uur al vijf berichten gestuurd. Probeer het later opnieuw."),
        )
        return _render_detail(request, case, contact_form=form, status=429)
    try:
        services.case_contact(actor=request.user, case=case, message=form.cleaned_data["message"])
    except ValidationError as error:
        form.add_error(None, error)
        return _render_detail(request, case, contact_form=form, status=400)
    messages.success(request, _("Uw bericht is verstuurd. U krijgt het antwoord per e-mail."))
    return redirect(case)


@require_GET
def case_review_queue(request):
    """Submitted cases awaiting the coordinator (their regions; staff: all), oldest
    first, each linked to its page where it is published or returned."""
    if not permissions.can_see_review_queue(request.user):
        raise PermissionDenied
    cases = (
        permissions.reviewable_cases(request.user)
        .defer("search_vector", *LONG_FIELDS)
        .select_related("author", "region")
        .prefetch_related("organisations")
        .order_by(F("submitted_at").asc(nulls_first=True), "created_at", "pk")
    )
    return render(request, "cases/case_review_queue.html", {"cases": cases})


@login_not_required
@require_GET
def case_attachment(request, slug, pk):
    """Attachments only through the case's visibility, always as a download."""
    case = _get_visible_case(request, slug)
    attachment = get_object_or_404(CaseAttachment, case=case, pk=pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=uploads.download_name(attachment.title, attachment.file.name),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # A download is never kept by a proxy or the browser (drafts hold confidential files).
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_not_required
@require_GET
def case_export(request, file_format):
    """Exactly the current filtered list, as CSV or XLSX."""
    if file_format not in ("csv", "xlsx"):
        raise Http404
    filterset = listing.case_filter(request.GET, request.user)
    if not filterset.is_valid():
        # The same values the list refuses: named, with the export without them.
        context = {
            "refused": listing.refused(filterset, request.GET),
            "file_format": file_format,
        }
        return render(request, "cases/case_export_refused.html", context, status=400)
    cases = filterset.qs.order_by("-published_at", "-pk").with_card_data()[: export.LIMIT]
    make = export.csv_response if file_format == "csv" else export.xlsx_response
    response = make(cases)
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_not_required
@require_GET
def knowledge_list(request):
    """The knowledge base: success factors, recommendations, conclusions, with sources;
    searchable, filtered with counts per option, 20 to a page."""
    context = knowledge.page(request.GET)
    # A value the filters cannot use is left out and named at the top (as the case list).
    status = 400 if context["refused"] else 200
    return render(request, "cases/knowledge_list.html", context, status=status)


@login_not_required
@require_GET
def knowledge_detail(request, slug):
    """One knowledge item: its full text, its phases and R-strategies (each a filter of the
    knowledge base) and its source."""
    item = get_object_or_404(
        KnowledgeItem.objects.select_related("source").prefetch_related("phases", "r_levels"),
        slug=slug,
    )
    return render(request, "cases/knowledge_detail.html", {"item": item})


@login_not_required
@require_GET
def knowledge_source(request, key):
    """A source document of the knowledge base: what it is, where to find it, and the
    knowledge items taken from it."""
    source = get_object_or_404(filters.knowledge_sources(), key=key)
    items = KnowledgeItem.objects.filter(source=source).order_by("kind", "title", "pk")
    return render(request, "cases/knowledge_source.html", {"source": source, "items": items})
