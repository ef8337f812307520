"""Pages of procurement: trajectories with their phases, guidance, answers, team, KPIs
and documents. Thin function views: authorise with `procurement.permissions` (404 for a
trajectory the user may not see, 403 for one they may see but not change, 405 for a GET
on an action), read through `Trajectory.objects.visible_to(user)` or write through
`procurement.services`, render."""

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import BooleanField, Prefetch, Q, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.models import Meeting, Organisation
from kit import export as tabular
from kit import history
from procurement import forms, kpi_transfer, listing, permissions, reference, services
from procurement.models import (
    ActionTrajectory,
    GuidingQuestion,
    Kpi,
    PhaseGuidance,
    PhaseProgress,
    QuestionAnswer,
    TeamMember,
    Trajectory,
    TrajectoryDocument,
)

EXPORT_LIMIT = 5000


@require_GET
def trajectory_list(request):
    """Trajectories the reader may see, with facets, search and keyset paging. An htmx
    request gets the results and, out of band, the facets."""
    context = listing.page(request.GET, request.user)
    context["is_htmx"] = bool(request.headers.get("HX-Request"))
    if context["is_htmx"]:
        return render(request, "procurement/_trajectory_list_parts.html#results", context)
    context["can_create"] = permissions.can_create_trajectory(request.user)
    return render(request, "procurement/trajectory_list.html", context)


def _r(level) -> str:
    return "" if level is None else f"R{level}"


EXPORT_COLUMNS = [
    (gettext_lazy("Titel"), lambda t: t.title),
    (gettext_lazy("Organisatie"), lambda t: t.organisation.name),
    (gettext_lazy("Status"), lambda t: t.get_status_display()),
    (gettext_lazy("Fase"), lambda t: str(t.current_phase) if t.current_phase else ""),
    (
        gettext_lazy("R-ambitie"),
        lambda t: f"R{t.r_level_target_id}" if t.r_level_target_id is not None else "",
    ),
    (gettext_lazy("Behaald R-niveau"), lambda t: _r(t.r_level_achieved_id)),
    (gettext_lazy("Soort opdracht"), lambda t: t.get_procurement_type_display()),
    (gettext_lazy("Procedure"), lambda t: t.get_procedure_display()),
    (
        gettext_lazy("Start contract"),
        lambda t: t.contract_start.isoformat() if t.contract_start else "",
    ),
    (gettext_lazy("Themagroep"), lambda t: t.themegroup.name if t.themegroup else ""),
]
CONFIDENTIAL_COLUMNS = [
    (gettext_lazy("Geraamde waarde (€, excl. btw)"), lambda t: t.estimated_value),
    (gettext_lazy("Leverancier"), lambda t: t.supplier),
]


@require_GET
def trajectory_export(request, file_format):
    """Exactly the filtered list as CSV or XLSX. The confidential columns are there only
    when the reader may see them for every exported row."""
    if file_format not in ("csv", "xlsx"):
        raise Http404
    rows = listing.export_rows(request.GET, request.user, EXPORT_LIMIT)
    columns = list(EXPORT_COLUMNS)
    if rows and all(t.reader_sees_confidential for t in rows):
        columns += CONFIDENTIAL_COLUMNS
    # Lazy labels become text now, in the request's language.
    header = [str(label) for label, _getter in columns]
    table = ([getter(t) for _label, getter in columns] for t in rows)
    name = "trajecten" if request.LANGUAGE_CODE == "nl" else "trajectories"
    if file_format == "csv":
        return tabular.csv_response(header, table, f"{name}.csv")
    return tabular.xlsx_response(header, table, f"{name}.xlsx", sheet=_("Trajecten"))


# --- One trajectory -------------------------------------------------------------------


def _visible(request, pk) -> Trajectory:
    """The trajectory if the user may see it (404 otherwise), with what its page and the
    permission checks read. One query for the trajectory (joined only to what is not
    seeded reference data: the phase and R-levels come from `reference`, the search
    vector is left in the database), which also says which of its parts exist, so the
    page asks only for those; a second one for its participating organisations, only for
    a joint tender. Who may see it is then decided without asking the database again
    (`permissions.can_see_trajectory`, the rule of `Trajectory.objects.visible_to`, from
    the reader's memberships read once per request)."""
    queryset = (
        # The organisation's region_id is what the permission checks need, not the region.
        Trajectory.objects.select_related("organisation", "themegroup", "product_category")
        .defer("search_vector")
        # Most trajectories have no participants, linked cases, themegroup actions or
        # documents, and no KPIs before phase 3: the page does not ask for what is not
        # there.
        .annotate(
            has_participants=_exists(Trajectory.participating_organisations.through),
            has_cases=_exists(Trajectory.cases.through),
            has_action_links=_exists(ActionTrajectory),
            has_documents=_exists(TrajectoryDocument),
            has_kpis=_exists(Kpi),
        )
    )
    trajectory = get_object_or_404(queryset, pk=pk)
    participants = Prefetch(
        "participating_organisations",
        queryset=Organisation.objects.only("id", "name").order_by("name"),
    )
    if trajectory.has_participants:
        prefetch_related_objects([trajectory], participants)
    else:
        # What the prefetch would have left: nothing, known without a query.
        trajectory._prefetched_objects_cache = {
            "participating_organisations": Organisation.objects.none()
        }
    if not permissions.can_see_trajectory(request.user, trajectory):
        raise Http404
    reference.reference().attach(trajectory)
    return trajectory


def _exists(model) -> RawSQL:
    """Does the trajectory of the outer query have a row in `model` (a table with a
    `trajectory_id` column)? Written as SQL because Django compiles an `Exists` over
    `OuterRef` slowly: five of them took longer than the query itself (about 0.8 ms of
    CPU each against 0.2 ms for this; measured with the trajectories benchmark). Table
    and column names come from the models, nothing from the request."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field("trajectory").column)
    outer = "{}.{}".format(
        connection.ops.quote_name(Trajectory._meta.db_table), connection.ops.quote_name("id")
    )
    return RawSQL(  # noqa: S611 (model metadata only, no input)
        f"EXISTS (SELECT 1 FROM {table} WHERE {table}.{column} = {outer})",  # noqa: S608
        (),
        output_field=BooleanField(),
    )


def _editable(request, pk) -> Trajectory:
    trajectory = _visible(request, pk)
    if not permissions.can_edit_trajectory(request.user, trajectory):
        raise PermissionDenied
    return trajectory


def _questions(trajectory):
    """The guiding questions of every phase that apply: the generic ones and those for
    each R-level from the ambition down the ladder (R0 aims highest, so it asks all)."""
    condition = Q(kind=GuidingQuestion.Kind.GENERIEK)
    if trajectory.r_level_target_id is not None:
        condition |= Q(r_level__level__gte=trajectory.r_level_target_id)
    return (
        GuidingQuestion.objects.filter(condition)
        .select_related("r_level", "phase")
        .order_by("phase__number", "kind", "position")
    )


def _history(trajectory, limit=15):
    """The latest changes of the trajectory and its phases: who, when, what."""
    entries = []
    records = list(trajectory.history.select_related("history_user")[: limit + 1])
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        changed = history.changed_fields(record, older)
        if older is None and record.history_type == "+":
            changed = [_("aangemaakt")]
        entries.append({"when": record.history_date, "who": record.history_user, "what": changed})
    phases = PhaseProgress.history.filter(trajectory_id=trajectory.pk).select_related(
        "history_user", "phase"
    )[:limit]
    for record in phases:
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": [f"{record.phase}: {record.get_status_display()}"],
            }
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


def _render_detail(request, trajectory, status=200, **bound):
    """The trajectory page: timeline, guidance and questions of the current phase, team,
    KPIs, cases, documents, notes and history. Editors get the phase and answer forms
    (a bound form with errors when an action failed); adding a team member, a KPI, a
    measurement or a document has a page of its own (`_render_addition`), so a reader's
    page builds no form at all."""
    user = request.user
    can_edit = permissions.can_edit_trajectory(user, trajectory)
    confidential = permissions.can_see_confidential(user, trajectory)
    today = timezone.localdate()
    # Phases, guidance, questions, the R-ladder and thresholds: seeded, from the cache.
    seeded = reference.reference()
    progress = {p.phase_id: p for p in PhaseProgress.objects.filter(trajectory=trajectory)}
    phases = []
    for phase in seeded.phases:
        row = progress.get(phase.pk)
        phases.append(
            {
                "phase": phase,
                "progress": row,
                "status": row.status if row else PhaseProgress.Status.OPEN,
                "is_current": phase.pk == trajectory.current_phase_id,
                "overdue": bool(
                    row
                    and row.status == PhaseProgress.Status.BEZIG
                    and row.planned_end_on
                    and row.planned_end_on < today
                ),
            }
        )
    current = trajectory.current_phase
    answers = {
        a.question_id: a
        for a in QuestionAnswer.objects.filter(trajectory=trajectory).select_related("answered_by")
    }
    # Answer forms for one phase at a time (the current one, or the one asked for with
    # ?fase=), for editors of a trajectory that still runs: the other phases show their
    # answers, with a link to answer them.
    answering = bound.get("answering_phase") or _answering_phase(request, current, phases)
    answer_forms = can_edit and not trajectory.is_closed
    questions_by_phase = defaultdict(list)
    for question in seeded.questions_for(trajectory.r_level_target_id):
        form = bound.get(f"answer_{question.pk}")
        if form is None and answer_forms and question.phase_id == answering:
            form = forms.AnswerForm(
                prefix=f"q{question.pk}", initial=_answer_initial(answers.get(question.pk))
            )
        questions_by_phase[question.phase_id].append(
            {"question": question, "answer": answers.get(question.pk), "form": form}
        )
    by_kind = defaultdict(list)
    if current:
        for item in seeded.guidance.get(current.pk, []):
            by_kind[item.kind].append(item)
    guidance = [
        (PhaseGuidance.Kind(kind).label, by_kind[kind])
        for kind in PhaseGuidance.Kind.values
        if by_kind[kind]
    ]
    # `has_kpis`, `has_documents`, `has_cases` and `has_action_links`: annotated by
    # `_visible`.
    kpis = _kpis(trajectory) if trajectory.has_kpis else []
    documents = []
    if trajectory.has_documents:
        documents = trajectory.documents.all()
        if not confidential:
            documents = documents.filter(is_confidential=False)
        documents = list(documents)
    threshold = seeded.threshold_for(trajectory.procurement_type, today)
    cases = trajectory.cases.filter(status="gepubliceerd").only("slug", "title")
    if can_edit:
        cases = trajectory.cases.only("slug", "title", "status")
    context = {
        "trajectory": trajectory,
        "can_edit": can_edit,
        "confidential": confidential,
        "phases": phases,
        "current": current,
        "guidance": guidance,
        "ladder": seeded.ladder,
        # Only the phase in view lists its questions; the others give their counts and
        # a link (?fase=), which keeps the page short and quick to draw.
        "questions": [
            {
                "phase": p["phase"],
                "items": items,
                "answered": sum(1 for item in items if item["answer"]),
                "answering": p["phase"].pk == answering,
            }
            for p in phases
            if (items := questions_by_phase.get(p["phase"].pk))
        ],
        "team": trajectory.team.select_related("user").order_by("role"),
        "kpis": kpis,
        "documents": documents,
        "threshold": threshold,
        "above_threshold": bool(
            threshold
            and trajectory.estimated_value is not None
            and trajectory.estimated_value >= threshold.amount
        ),
        "cases": list(cases) if trajectory.has_cases else [],
        "meeting_actions": _meeting_actions(user, trajectory)
        if trajectory.has_action_links
        else [],
        # Prefetched by `_visible`, ordered by name.
        "participants": trajectory.participating_organisations.all(),
        "history": _history(trajectory) if can_edit or confidential else None,
        "action_error": bound.get("action_error"),
    }
    if can_edit:
        context["start_form"] = bound.get("start") or forms.PhaseStartForm(
            initial={"started_on": today}
        )
        context["complete_form"] = bound.get("complete") or forms.PhaseCompleteForm(
            initial={"completed_on": today}
        )
    return render(request, "procurement/trajectory_detail.html", context, status=status)


def _meeting_actions(user, trajectory) -> list[ActionTrajectory]:
    """The themegroup actions that follow this trajectory up, from meetings the reader
    may see. Most trajectories have none: the links are read first (one short query),
    and only when there are some does the database say which of their meetings the
    reader may open."""
    links = list(
        ActionTrajectory.objects.filter(trajectory=trajectory)
        .select_related("action__owner", "action__meeting__themegroup__region")
        .order_by("action__due_on", "action_id")
    )
    if not links:
        return []
    visible = set(
        Meeting.objects.visible_to(user)
        .filter(pk__in={link.action.meeting_id for link in links})
        .values_list("pk", flat=True)
    )
    return [link for link in links if link.action.meeting_id in visible]


def _answering_phase(request, current, phases) -> int | None:
    """The id of the phase whose questions get answer forms: the one asked for with
    ?fase= (a number of one of `phases`), else the current one."""
    try:
        number = int(request.GET.get("fase", ""))
    except ValueError:
        number = None
    for row in phases:
        if row["phase"].number == number:
            return row["phase"].pk
    return current.pk if current else None


def _answer_initial(answer) -> dict:
    if answer is None:
        return {"answer": "", "is_done": False}
    return {"answer": answer.answer, "is_done": answer.is_done}


@dataclass
class _KpiView:
    """A KPI as its page shows it: with its measurements and their chart."""

    pk: int
    name: str
    unit: str
    direction: str
    r_level_id: int | None
    measurements: list[SimpleNamespace] = dataclass_field(default_factory=list)
    chart: dict = dataclass_field(default_factory=dict)


MEASUREMENT_FIELDS = ("label", "period_start", "period_end", "target", "actual")


def _kpis(trajectory) -> list[_KpiView]:
    """The trajectory's KPIs by name, each with its measurements by period: one query
    (a KPI joined to its measurements; a KPI without any comes once, with none)."""
    rows = (
        Kpi.objects.filter(trajectory=trajectory)
        .order_by("name", "pk", "measurements__period_start", "measurements__pk")
        .values_list(
            "pk",
            "name",
            "unit",
            "direction",
            "r_level_id",
            "measurements__pk",
            *(f"measurements__{name}" for name in MEASUREMENT_FIELDS),
        )
    )
    kpis: dict[int, _KpiView] = {}
    for pk, name, unit, direction, r_level_id, measurement, *values in rows:
        kpi = kpis.setdefault(pk, _KpiView(pk, name, unit, direction, r_level_id))
        if measurement is not None:
            fields = dict(zip(MEASUREMENT_FIELDS, values, strict=True))
            kpi.measurements.append(SimpleNamespace(**fields))
    for kpi in kpis.values():
        kpi.chart = _kpi_chart(kpi.measurements)
    return list(kpis.values())


def _kpi_chart(measurements) -> dict:
    """A small bar chart of target and actual per period: coordinates for an inline SVG
    (numbers only; the template writes them with localize off) and the same data as a
    table."""
    values = [v for m in measurements for v in (m.target, m.actual) if v is not None]
    top = max(values, default=0) or 1
    width, height, bar = 320, 120, 14
    step = width / max(len(measurements), 1)
    bars = []
    for index, m in enumerate(measurements):
        x = index * step + step / 2 - bar
        for offset, value, kind in ((0, m.target, "target"), (bar, m.actual, "actual")):
            if value is None:
                continue
            h = float(value) / float(top) * (height - 20)
            bars.append(
                {
                    "x": round(x + offset, 1),
                    "y": round(height - h, 1),
                    "h": round(h, 1),
                    "kind": kind,
                    "value": value,
                    "label": m.label,
                }
            )
    return {"width": width, "height": height, "bar": bar, "bars": bars, "rows": measurements}


@require_GET
def trajectory_detail(request, pk):
    return _render_detail(request, _visible(request, pk))


def _form_page(request, trajectory=None):
    form = forms.TrajectoryForm(request.POST or None, instance=trajectory, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if trajectory is None:
                fields = {k: v for k, v in data.items() if k != "organisation"}
                trajectory = services.trajectory_create(
                    actor=request.user, organisation=data["organisation"], **fields
                )
                services.trajectory_phase_start(
                    actor=request.user,
                    trajectory=trajectory,
                    number=1,
                    started_on=timezone.localdate(),
                )
            else:
                services.trajectory_update(actor=request.user, trajectory=trajectory, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Het traject is opgeslagen."))
            return redirect("procurement:trajectory_detail", pk=trajectory.pk)
    return render(
        request,
        "procurement/trajectory_form.html",
        {"form": form, "trajectory": trajectory},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def trajectory_create(request):
    if not permissions.can_create_trajectory(request.user):
        raise PermissionDenied
    return _form_page(request)


@require_http_methods(["GET", "POST"])
def trajectory_update(request, pk):
    return _form_page(request, _editable(request, pk))


def _back(trajectory, anchor=""):
    url = reverse("procurement:trajectory_detail", args=[trajectory.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _errors_onto(form, error: ValidationError) -> None:
    """A service's refusal on the form: by the field it names when the form has it (so
    the error summary links to it), else for the form as a whole."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _phase_action(request, pk, number, form_class, key, service, done_message):
    trajectory = _editable(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, trajectory=trajectory, number=number, **form.cleaned_data)
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, done_message)
            return _back(trajectory, "fasen")
    return _render_detail(
        request, _visible(request, pk), status=400, **{key: form, "action_error": form}
    )


@require_POST
def phase_start(request, pk, number):
    return _phase_action(
        request,
        pk,
        number,
        forms.PhaseStartForm,
        "start",
        services.trajectory_phase_start,
        _("De fase is gestart."),
    )


@require_POST
def phase_complete(request, pk, number):
    return _phase_action(
        request,
        pk,
        number,
        forms.PhaseCompleteForm,
        "complete",
        services.trajectory_phase_complete,
        _("De fase is afgerond."),
    )


@require_POST
def phase_skip(request, pk, number):
    class NoFields(forms.forms.Form):
        pass

    return _phase_action(
        request,
        pk,
        number,
        NoFields,
        "skip",
        services.trajectory_phase_skip,
        _("De fase is overgeslagen."),
    )


@require_POST
def phase_plan(request, pk, number):
    return _phase_action(
        request,
        pk,
        number,
        forms.PhasePlanForm,
        "plan",
        services.trajectory_phase_plan,
        _("De planning is opgeslagen."),
    )


@require_POST
def question_answer(request, pk, question_pk):
    """Save one answer (or tick) without touching the others."""
    trajectory = _editable(request, pk)
    question = get_object_or_404(_questions(trajectory), pk=question_pk)
    form = forms.AnswerForm(request.POST, prefix=f"q{question.pk}")
    if form.is_valid():
        services.question_answer(
            actor=request.user,
            trajectory=trajectory,
            question=question,
            answer=form.cleaned_data["answer"],
            is_done=form.cleaned_data["is_done"],
        )
        if request.headers.get("HX-Request"):
            answer = QuestionAnswer.objects.select_related("answered_by").get(
                trajectory=trajectory, question=question
            )
            return render(
                request,
                "procurement/_trajectory_parts.html#question",
                {
                    "trajectory": trajectory,
                    "can_edit": True,
                    "item": {"question": question, "answer": answer, "form": form},
                    "saved": True,
                },
            )
        messages.success(request, _("Het antwoord is opgeslagen."))
        url = reverse("procurement:trajectory_detail", args=[trajectory.pk])
        return redirect(f"{url}?fase={question.phase.number}#vraag-{question.pk}")
    return _render_detail(
        request,
        trajectory,
        status=400,
        answering_phase=question.phase_id,
        **{f"answer_{question.pk}": form, "action_error": form},
    )


# --- Adding to a trajectory: a page per form ------------------------------------------------
# The forms to add a team member, a KPI, a measurement or a document have pages of their
# own, linked from the trajectory page; they post to the actions below, which show the
# same page again with the errors, or go back to the trajectory.

ADDITIONS = {
    "team": {
        "title": gettext_lazy("Teamlid toevoegen"),
        "action": "procurement:team_add",
        "anchor": "team",
        "submit": gettext_lazy("Toevoegen"),
    },
    "kpi": {
        "title": gettext_lazy("KPI toevoegen"),
        "action": "procurement:kpi_add",
        "anchor": "kpis",
        "submit": gettext_lazy("KPI toevoegen"),
    },
    "measurement": {
        "title": gettext_lazy("Doel of meting vastleggen"),
        "action": "procurement:measurement_record",
        "anchor": "kpis",
        "submit": gettext_lazy("Opslaan"),
    },
    "document": {
        "title": gettext_lazy("Document toevoegen"),
        "action": "procurement:document_add",
        "anchor": "documenten",
        "submit": gettext_lazy("Uploaden"),
        "multipart": True,
    },
}


def _render_addition(request, trajectory, kind, form, *, status=200, kpi=None):
    addition = ADDITIONS[kind]
    args = [trajectory.pk, kpi.pk] if kpi else [trajectory.pk]
    back = reverse("procurement:trajectory_detail", args=[trajectory.pk])
    return render(
        request,
        "procurement/trajectory_addition.html",
        {
            "trajectory": trajectory,
            "kind": kind,
            "kpi": kpi,
            "form": form,
            "title": addition["title"],
            "submit": addition["submit"],
            "multipart": addition.get("multipart", False),
            "action": reverse(addition["action"], args=args),
            "back": f"{back}#kpi-{kpi.pk}" if kpi else f"{back}#{addition['anchor']}",
        },
        status=status,
    )


@require_GET
def team_new(request, pk):
    trajectory = _editable(request, pk)
    return _render_addition(
        request, trajectory, "team", forms.TeamMemberForm(trajectory=trajectory)
    )


@require_GET
def kpi_new(request, pk):
    return _render_addition(request, _editable(request, pk), "kpi", forms.KpiForm())


@require_GET
def measurement_new(request, pk, kpi_pk):
    trajectory = _editable(request, pk)
    kpi = get_object_or_404(Kpi, pk=kpi_pk, trajectory=trajectory)
    form = forms.MeasurementForm(prefix=f"m{kpi.pk}")
    return _render_addition(request, trajectory, "measurement", form, kpi=kpi)


@require_GET
def document_new(request, pk):
    return _render_addition(request, _editable(request, pk), "document", forms.DocumentForm())


@require_POST
def team_add(request, pk):
    trajectory = _editable(request, pk)
    form = forms.TeamMemberForm(request.POST, trajectory=trajectory)
    if form.is_valid():
        services.team_member_add(
            actor=request.user,
            trajectory=trajectory,
            role=form.cleaned_data["role"],
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
        )
        messages.success(request, _("Het teamlid is toegevoegd."))
        return _back(trajectory, "team")
    return _render_addition(request, trajectory, "team", form, status=400)


@require_POST
def team_remove(request, pk, member_pk):
    trajectory = _editable(request, pk)
    member = get_object_or_404(TeamMember, pk=member_pk, trajectory=trajectory)
    services.team_member_remove(actor=request.user, member=member)
    messages.success(request, _("Het teamlid is verwijderd."))
    return _back(trajectory, "team")


@require_POST
def kpi_add(request, pk):
    trajectory = _editable(request, pk)
    form = forms.KpiForm(request.POST)
    if form.is_valid():
        services.kpi_create(actor=request.user, trajectory=trajectory, **form.cleaned_data)
        messages.success(request, _("De KPI is toegevoegd."))
        return _back(trajectory, "kpis")
    return _render_addition(request, trajectory, "kpi", form, status=400)


@require_POST
def measurement_record(request, pk, kpi_pk):
    trajectory = _editable(request, pk)
    kpi = get_object_or_404(Kpi, pk=kpi_pk, trajectory=trajectory)
    form = forms.MeasurementForm(request.POST, prefix=f"m{kpi.pk}")
    if form.is_valid():
        try:
            services.kpi_measurement_record(actor=request.user, kpi=kpi, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("De meting is opgeslagen."))
            return _back(trajectory, f"kpi-{kpi.pk}")
    return _render_addition(request, trajectory, "measurement", form, status=400, kpi=kpi)


@require_POST
def document_add(request, pk):
    trajectory = _editable(request, pk)
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.trajectory_document_add(
                actor=request.user,
                trajectory=trajectory,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                is_confidential=form.cleaned_data["is_confidential"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("Het document is toegevoegd."))
            return _back(trajectory, "documenten")
    return _render_addition(request, trajectory, "document", form, status=400)


@require_GET
def document_download(request, pk, document_pk):
    """A document only through the trajectory's visibility; a confidential one only for
    readers of the confidential fields (404 otherwise); always as a download."""
    trajectory = _visible(request, pk)
    document = get_object_or_404(TrajectoryDocument, pk=document_pk, trajectory=trajectory)
    if document.is_confidential and not permissions.can_see_confidential(request.user, trajectory):
        raise Http404
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=_download_name(document),
        content_type=document.content_type,
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _download_name(document) -> str:
    extension = document.file.name.rsplit(".", 1)[-1]
    return f"{slugify(document.title) or 'document'}.{extension}"


@require_http_methods(["GET", "POST"])
def trajectory_close(request, pk):
    trajectory = _editable(request, pk)
    if trajectory.is_closed:
        messages.info(request, _("Dit traject is al afgesloten."))
        return _back(trajectory)
    form = forms.CloseForm(
        request.POST or None,
        initial={
            "closed_on": timezone.localdate(),
            "r_level_achieved": trajectory.r_level_achieved,
            "supplier": trajectory.supplier,
            "outcome": trajectory.outcome,
            "lessons": trajectory.lessons,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.trajectory_close(
                actor=request.user, trajectory=trajectory, **form.cleaned_data
            )
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, _("Het traject is afgesloten."))
            return _back(trajectory)
    return render(
        request,
        "procurement/trajectory_close.html",
        {"form": form, "trajectory": trajectory},
        status=400 if request.method == "POST" else 200,
    )


# --- KPI measurements in bulk ------------------------------------------------------------


@require_GET
def kpi_export(request, pk, file_format):
    """One trajectory's KPI measurements as CSV or XLSX, to edit and import back."""
    if file_format not in ("csv", "xlsx"):
        raise Http404
    trajectory = _editable(request, pk)
    return kpi_transfer.export_response(
        Trajectory.objects.filter(pk=trajectory.pk), file_format=file_format
    )


@require_GET
def kpi_export_all(request, file_format):
    """The KPI measurements of every trajectory the user may change."""
    if file_format not in ("csv", "xlsx"):
        raise Http404
    if not permissions.can_create_trajectory(request.user):
        raise PermissionDenied
    return kpi_transfer.export_response(
        kpi_transfer.editable_trajectories(request.user), file_format=file_format
    )


@require_http_methods(["GET", "POST"])
def kpi_import(request):
    """Upload the edited file, see every row's change and error, then confirm: nothing
    is saved before the confirmation, and nothing at all if any row is wrong."""
    if not permissions.can_create_trajectory(request.user):
        raise PermissionDenied
    form = forms.KpiImportForm(request.POST or None, request.FILES or None)
    preview = token = None
    status = 200
    if request.method == "POST" and "bevestigen" in request.POST:
        try:
            preview = kpi_transfer.Preview.from_token(
                request.POST.get("token", ""), user=request.user
            )
            saved = kpi_transfer.apply(preview, actor=request.user)
        except ValidationError as error:
            form = forms.KpiImportForm()
            form.add_error(None, error)
            status = 400
        else:
            messages.success(
                request,
                _("%(count)s metingen opgeslagen.") % {"count": saved}
                if saved != 1
                else _("1 meting opgeslagen."),
            )
            return redirect("procurement:kpi_import")
    elif request.method == "POST":
        if form.is_valid():
            try:
                preview = kpi_transfer.parse(form.cleaned_data["file"], user=request.user)
            except ValidationError as error:
                form.add_error("file", error)
                status = 400
            else:
                if preview.is_valid and preview.changes:
                    token = preview.token(user=request.user)
                status = 200 if preview.is_valid else 400
        else:
            status = 400
    return render(
        request,
        "procurement/kpi_import.html",
        {"form": form, "preview": preview, "token": token},
        status=status,
    )
