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
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.models import Meeting, Organisation
from kit import export as tabular
from kit.forms import limit_text
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
        # What the prefetch would have left: nothing, known without a query (and with
        # its result cache filled, as a prefetch leaves it, so that reading it does not
        # go through the SQL compiler either).
        nobody = Organisation.objects.none()
        nobody._result_cache, nobody._prefetch_done = [], True
        trajectory._prefetched_objects_cache = {"participating_organisations": nobody}
    if not permissions.can_see_trajectory(request.user, trajectory):
        raise Http404
    _reference(request).attach(trajectory)
    return trajectory


def _reference(request) -> reference.Reference:
    """The seeded reference data (`procurement.reference`), asked of the cache once per
    request: `_visible` and the page both read it."""
    if not hasattr(request, "procurement_reference"):
        request.procurement_reference = reference.reference()
    return request.procurement_reference


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


# The history models' own managers: `Model.history` builds a manager class on every
# access (simple_history), which costs more than the query.
HistoricalTrajectory = Trajectory.history.model
HistoricalPhaseProgress = PhaseProgress.history.model


def _history(trajectory, phases, limit=15):
    """The latest changes of the trajectory and its phases: who, when, what. Two
    queries of plain values (each record's tracked fields, its date and who made it), no
    model instances: which fields changed is found by comparing each record with the one
    before it, the fields `HistoricalRecords` tracks (as its `diff_against` does)."""
    fields = [field for field in HistoricalTrajectory.tracked_fields if field.editable]
    names = [field.attname for field in fields]
    records = list(
        HistoricalTrajectory.objects.filter(id=trajectory.pk)
        .order_by("-history_date", "-history_id")
        .values_list(
            "history_date", "history_type", "history_user__full_name", "history_user__email", *names
        )[: limit + 1]
    )
    entries = []
    for index, (when, kind, full_name, email, *values) in enumerate(records[:limit]):
        older = records[index + 1][4:] if index + 1 < len(records) else None
        if older is None:
            changed = [_("aangemaakt")] if kind == "+" else []
        else:
            changed = [
                str(Trajectory._meta.get_field(field.name).verbose_name)
                for field, new, old in sorted(
                    zip(fields, values, older, strict=True), key=lambda row: row[0].name
                )
                if new != old
            ]
        entries.append({"when": when, "who": full_name or email, "what": changed})
    labels = {row["phase"].pk: row["label"] for row in phases}
    statuses = dict(PhaseProgress.Status.choices)
    for when, full_name, email, phase_id, state in (
        HistoricalPhaseProgress.objects.filter(trajectory_id=trajectory.pk)
        .order_by("-history_date", "-history_id")
        .values_list(
            "history_date", "history_user__full_name", "history_user__email", "phase_id", "status"
        )[:limit]
    ):
        entries.append(
            {
                "when": when,
                "who": full_name or email,
                "what": [f"{labels.get(phase_id, phase_id)}: {statuses.get(state, state)}"],
            }
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    del entries[limit:]
    for entry in entries:
        entry["when"] = date_format(timezone.localtime(entry["when"]), "j F Y H:i")
    return entries


def _render_detail(request, trajectory, status=200, **bound):
    """The trajectory page: timeline, guidance and questions of the current phase, team,
    KPIs, cases, documents, notes and history. Editors get the phase and answer forms
    (a bound form with errors when an action failed); adding a team member, a KPI, a
    measurement or a document has a page of its own (`_render_addition`), so a reader's
    page builds no form at all.

    What the template shows in a loop is prepared here as plain values (texts already
    translated and dates already written, rows read as tuples rather than model
    instances): the template only places them. Each part is one query at most, without
    the models' default ordering (which joins the trajectory to sort by it)."""
    user = request.user
    can_edit = permissions.can_edit_trajectory(user, trajectory)
    confidential = permissions.can_see_confidential(user, trajectory)
    today = timezone.localdate()
    # Phases, guidance, questions, the R-ladder and thresholds: seeded, from the cache.
    seeded = _reference(request)
    phases = _phase_rows(seeded, trajectory, today)
    current = trajectory.current_phase
    # Answer forms for one phase at a time (the current one, or the one asked for with
    # ?fase=), for editors of a trajectory that still runs: the other phases show their
    # answers, with a link to answer them.
    answering = bound.get("answering_phase") or _answering_phase(request, current, phases)
    answer_forms = can_edit and not trajectory.is_closed
    # `has_kpis`, `has_documents`, `has_cases` and `has_action_links`: annotated by
    # `_visible`.
    kpis = _kpis(trajectory, can_edit) if trajectory.has_kpis else []
    threshold = seeded.threshold_for(trajectory.procurement_type, today)
    cases = trajectory.cases.filter(status="gepubliceerd").only("slug", "title")
    if can_edit:
        cases = trajectory.cases.only("slug", "title", "status")
    context = {
        "trajectory": trajectory,
        "can_edit": can_edit,
        "answer_forms": answer_forms,
        "confidential": confidential,
        "phases": phases,
        "current": current,
        "guidance": _guidance(seeded, current),
        "ladder": _ladder(seeded, trajectory),
        # Only the phase in view lists its questions; the others give their counts and
        # a link (?fase=), which keeps the page short and quick to draw.
        "questions": _question_groups(seeded, trajectory, phases, answering, bound, answer_forms),
        "answer_inputs": _answer_inputs() if answer_forms else None,
        "team": _team(trajectory),
        "kpis": kpis,
        "documents": _documents(trajectory, confidential) if trajectory.has_documents else [],
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
        # Prefetched by `_visible`, ordered by name (only for a joint tender).
        "participants": list(trajectory.participating_organisations.all())
        if trajectory.has_participants
        else [],
        "history": _history(trajectory, phases) if can_edit or confidential else None,
        "action_error": bound.get("action_error"),
    }
    if answer_forms:
        _phase_forms(phases, today, bound)
        context["phase_labels"] = {
            "started_on": forms.PhaseStartForm.base_fields["started_on"].label,
            "planned_end_on": forms.PhaseStartForm.base_fields["planned_end_on"].label,
            "completed_on": forms.PhaseCompleteForm.base_fields["completed_on"].label,
        }
    return render(request, "procurement/trajectory_detail.html", context, status=status)


def _guidance(seeded, current) -> str:
    """The guidance of the current phase (goal, who is involved, attention points, tools,
    inspiration, source): seeded data only, the same on every trajectory in that phase,
    so drawn once per process, phase and language and kept with the reference data it
    came from (`Reference.drawn`, gone with it when the seed or the admin changes it)."""
    if current is None:
        return ""
    key = ("guidance", current.pk, get_language())
    html = seeded.drawn.get(key)
    if html is None:
        by_kind = defaultdict(list)
        for item in seeded.guidance.get(current.pk, []):
            by_kind[item.kind].append(item)
        html = seeded.drawn[key] = render_to_string(
            "procurement/_trajectory_parts.html#guidance",
            {
                "current": current,
                "guidance": [
                    (PhaseGuidance.Kind(kind).label, by_kind[kind])
                    for kind in PhaseGuidance.Kind.values
                    if by_kind[kind]
                ],
            },
        )
    return html


def _day(value) -> str:
    """A date as the page writes it: “3 maart 2026” (in the reader's language)."""
    return date_format(value, "j F Y")


def _phase_rows(seeded, trajectory, today) -> list[dict]:
    """The six phases with their progress on this trajectory (one query), the dates
    already written out."""
    progress = {
        row[0]: row
        for row in PhaseProgress.objects.filter(trajectory_id=trajectory.pk)
        .order_by()
        .values_list("phase_id", "status", "started_on", "planned_end_on", "completed_on")
    }
    labels = dict(PhaseProgress.Status.choices)
    rows = []
    for phase in seeded.phases:
        _phase, state, started_on, planned_end_on, completed_on = progress.get(
            phase.pk, (phase.pk, PhaseProgress.Status.OPEN, None, None, None)
        )
        running = state == PhaseProgress.Status.BEZIG
        rows.append(
            {
                "phase": phase,
                "label": str(phase),
                "number": phase.number,
                "status": state,
                "status_label": labels[state],
                "is_current": phase.pk == trajectory.current_phase_id,
                "started": _("gestart op %(day)s") % {"day": _day(started_on)}
                if started_on
                else "",
                "completed": _("afgerond op %(day)s") % {"day": _day(completed_on)}
                if completed_on
                else "",
                "planned": _("gepland klaar op %(day)s") % {"day": _day(planned_end_on)}
                if running and planned_end_on
                else "",
                "planned_end_on": planned_end_on,
                "overdue": bool(running and planned_end_on and planned_end_on < today),
            }
        )
    return rows


# The inputs of each phase action's form on the page: (form key, field, id prefix).
PHASE_INPUTS = {
    PhaseProgress.Status.OPEN: (
        ("start", "started_on", "start"),
        ("start", "planned_end_on", "plan"),
    ),
    PhaseProgress.Status.BEZIG: (
        ("complete", "completed_on", "complete"),
        ("plan", "planned_end_on", "replan"),
    ),
}


def _phase_forms(phases, today, bound) -> None:
    """The values and ids of the date inputs of the phase forms (an open phase starts,
    a running one completes or is planned again): today, or the planned end date. The
    phase whose action was refused (`bound["action_phase"]`) shows what was typed, and
    its inputs carry the ids the error summary links to (`id_<field>`)."""
    refused = bound.get("action_phase")
    defaults = {"started_on": today.isoformat(), "completed_on": today.isoformat()}
    for row in phases:
        inputs = {}
        for key, name, prefix in PHASE_INPUTS.get(row["status"], ()):
            form = bound.get(key) if refused == row["number"] else None
            if form is not None:
                inputs[prefix] = {"id": f"id_{name}", "value": form.data.get(name, "")}
                continue
            value = defaults.get(name, "")
            if prefix == "replan" and row["planned_end_on"]:
                value = row["planned_end_on"].isoformat()
            inputs[prefix] = {"id": f"{prefix}-{row['number']}", "value": value}
        row["inputs"] = inputs


def _ladder(seeded, trajectory) -> str:
    """The R-ladder explained, with the trajectory's ambition and achieved level marked:
    seeded data and two levels the whole region may read, so drawn once per process,
    pair of levels and language (`Reference.drawn`, as `_guidance`)."""
    target, achieved = trajectory.r_level_target_id, trajectory.r_level_achieved_id
    key = ("ladder", target, achieved, get_language())
    html = seeded.drawn.get(key)
    if html is None:
        rows = [
            {
                "label": str(level),
                "meaning": _(level.meaning),
                "target": level.level == target,
                "achieved": level.level == achieved,
            }
            for level in seeded.ladder
        ]
        html = seeded.drawn[key] = render_to_string(
            "procurement/_trajectory_parts.html#ladder", {"ladder": rows}
        )
    return html


def _answer_inputs() -> dict:
    """What the page needs to write the answer form's inputs by hand for a question not
    yet answered in this request (`_trajectory_parts.html#question`; the same markup as
    the form's `as_field_group`, tested): the labels, length limit and help text of
    `forms.AnswerForm`, once per page rather than a form per question."""
    answer = forms.AnswerForm.base_fields["answer"]
    return {
        "answer_label": str(answer.label),
        "is_done_label": str(forms.AnswerForm.base_fields["is_done"].label),
        "max_length": answer.max_length,
        "rows": answer.widget.attrs["rows"],
        "cols": answer.widget.attrs["cols"],
        "help": f"{answer.help_text} {limit_text(answer.max_length)}".strip(),
    }


def _answers(trajectory) -> dict[int, tuple]:
    """question id: (answer, is_done, answered_at, answerer's name) — one query."""
    return {
        row[0]: row[1:]
        for row in QuestionAnswer.objects.filter(trajectory_id=trajectory.pk)
        .order_by()
        .values_list("question_id", "answer", "is_done", "answered_at", "answered_by__full_name")
    }


def _answer_view(answer: str, is_done: bool, answered_at, answered_by: str | None):
    """An answer as the page shows it, with “Beantwoord door … op …” written out."""
    return SimpleNamespace(
        answer=answer,
        is_done=is_done,
        answered=_("Beantwoord door %(who)s op %(when)s")
        % {
            "who": answered_by or "–",
            "when": date_format(timezone.localtime(answered_at), "j F Y H:i"),
        },
    )


def _question_groups(seeded, trajectory, phases, answering, bound, answer_forms) -> list[dict]:
    """Per phase with guiding questions: how many there are and how many are answered;
    for the phase in view (`answering`) also the questions with their answers, and for
    editors what their answer inputs need (the answer so far; a form sent back with an
    error under `bound["answer_<question id>"]`)."""
    answers = _answers(trajectory)
    by_phase = defaultdict(list)
    for question in seeded.questions_for(trajectory.r_level_target_id):
        by_phase[question.phase_id].append(question)
    link = (
        _("Hulpvragen van fase %(number)s beantwoorden")
        if answer_forms
        else _("Hulpvragen van fase %(number)s bekijken")
    )
    groups = []
    for row in phases:
        questions = by_phase.get(row["phase"].pk)
        if not questions:
            continue
        total = len(questions)
        answered = sum(1 for question in questions if question.pk in answers)
        group = {
            "phase": row["phase"],
            "label": row["label"],
            "number": row["number"],
            "total": total,
            "answering": row["phase"].pk == answering,
        }
        if group["answering"]:
            group["items"] = [
                {
                    "question": question,
                    "answer": _answer_view(*answers[question.pk])
                    if question.pk in answers
                    else None,
                    "form": bound.get(f"answer_{question.pk}"),
                }
                for question in questions
            ]
        else:
            group["summary"] = ngettext(
                "%(total)s hulpvraag, %(answered)s beantwoord",
                "%(total)s hulpvragen, %(answered)s beantwoord",
                total,
            ) % {"total": total, "answered": answered}
            group["link"] = link % {"number": row["number"]}
        groups.append(group)
    return groups


def _team(trajectory) -> list[SimpleNamespace]:
    """The team by role: who (the portal user's name where the member has an account)
    and in which role, one query."""
    roles = dict(TeamMember.Role.choices)
    return [
        SimpleNamespace(
            pk=pk, role=roles.get(role, role), who=(full_name or email) if user_id else name
        )
        for pk, role, name, user_id, full_name, email in TeamMember.objects.filter(
            trajectory_id=trajectory.pk
        )
        .order_by("role", "pk")
        .values_list("pk", "role", "name", "user_id", "user__full_name", "user__email")
    ]


def _documents(trajectory, confidential) -> list[SimpleNamespace]:
    documents = TrajectoryDocument.objects.filter(trajectory_id=trajectory.pk)
    if not confidential:
        documents = documents.filter(is_confidential=False)
    return [
        SimpleNamespace(pk=pk, title=title, is_confidential=is_confidential)
        for pk, title, is_confidential in documents.order_by("title", "pk").values_list(
            "pk", "title", "is_confidential"
        )
    ]


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


@dataclass
class _KpiView:
    """A KPI as its page shows it: with its measurements and their chart, and the texts
    that name it (written here, once per KPI)."""

    pk: int
    name: str
    unit: str
    direction: str
    r_level_id: int | None
    measurements: list[SimpleNamespace] = dataclass_field(default_factory=list)
    chart: dict = dataclass_field(default_factory=dict)
    chart_title: str = ""
    table_label: str = ""
    add_label: str = ""


MEASUREMENT_FIELDS = ("label", "period_start", "period_end", "target", "actual")


def _kpis(trajectory, can_edit=False) -> list[_KpiView]:
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
            fields["period"] = f"{_short(fields['period_start'])} – {_short(fields['period_end'])}"
            kpi.measurements.append(SimpleNamespace(**fields))
    for kpi in kpis.values():
        kpi.chart = _kpi_chart(kpi.measurements)
        kpi.chart_title = _(
            "Doel en gerealiseerd van %(name)s per periode; de tabel hieronder geeft "
            "dezelfde cijfers."
        ) % {"name": kpi.name}
        kpi.table_label = _("Metingen van %(name)s") % {"name": kpi.name}
        if can_edit:
            kpi.add_label = _("voor %(name)s") % {"name": kpi.name}
    return list(kpis.values())


def _short(day) -> str:
    """A date as “3-11-2026” (the date filter's "j-n-Y", the same in every language)."""
    return f"{day.day}-{day.month}-{day.year:04d}"


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
        request,
        _visible(request, pk),
        status=400,
        **{key: form, "action_error": form, "action_phase": number},
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
            answer = QuestionAnswer.objects.filter(
                trajectory=trajectory, question=question
            ).values_list("answer", "is_done", "answered_at", "answered_by__full_name")[0]
            return render(
                request,
                "procurement/_trajectory_parts.html#question",
                {
                    "trajectory": trajectory,
                    "answer_forms": True,
                    "item": {"question": question, "answer": _answer_view(*answer), "form": form},
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
