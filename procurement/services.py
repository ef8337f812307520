"""Writes to procurement trajectories: the trajectory, its phases, answers, team and KPIs.

Every service runs in a transaction, validates with `full_clean()` before it saves and
takes the `actor` who makes the change: the trajectory's history records them, and an
answer names who gave it. Who may change which trajectory is the caller's question;
these functions only keep the data valid.
"""

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from functools import partial
from uuid import uuid4

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Organisation, ProductCategory, Themegroup, User
from kit import uploads
from kit.localized import localized
from procurement import mails, permissions, summaries
from procurement.models import (
    GuidingQuestion,
    Kpi,
    KpiExample,
    KpiMeasurement,
    Phase,
    PhaseProgress,
    PhaseReminder,
    QuestionAnswer,
    RStrategy,
    TeamMember,
    Trajectory,
    TrajectoryDocument,
)

# The fields a trajectory's form edits (the rest change through the phase and close
# services below).
EDITABLE_FIELDS = (
    "title",
    "need_description",
    "procurement_type",
    "product_category",
    "themegroup",
    "participating_organisations",
    "estimated_value",
    "r_level_target",
    "procedure",
    "special_method",
    "award_basis",
    "value_based_award",
    "circular_weight",
    "tender_fee",
    "contract_start",
    "contract_end",
    "supplier",
    "tenderned_id",
    "notes",
    "share_confidential",
)


@transaction.atomic
def trajectory_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    procurement_type: str,
    need_description: str = "",
    themegroup: Themegroup | None = None,
    participating_organisations: Iterable[Organisation] = (),
    product_category: ProductCategory | None = None,
    status: str = Trajectory.Status.LOPEND,
    estimated_value: Decimal | None = None,
    r_level_target: RStrategy | None = None,
    r_level_achieved: RStrategy | None = None,
    current_phase: Phase | None = None,
    procedure: str = "",
    special_method: str = "",
    award_basis: str = "",
    value_based_award: bool = False,
    circular_weight: int | None = None,
    tender_fee: bool | None = None,
    contract_start: date | None = None,
    contract_end: date | None = None,
    supplier: str = "",
    tenderned_id: str = "",
    notes: str = "",
    share_confidential: bool = False,
    outcome: str = "",
    lessons: str = "",
) -> Trajectory:
    """A new trajectory of the organisation, logged by the actor (its `created_by`)."""
    trajectory = Trajectory(
        organisation=organisation,
        title=title.strip(),
        procurement_type=procurement_type,
        need_description=need_description.strip(),
        themegroup=themegroup,
        product_category=product_category,
        status=status,
        estimated_value=estimated_value,
        r_level_target=r_level_target,
        r_level_achieved=r_level_achieved,
        current_phase=current_phase,
        procedure=procedure,
        special_method=special_method,
        award_basis=award_basis,
        value_based_award=value_based_award,
        circular_weight=circular_weight,
        tender_fee=tender_fee,
        contract_start=contract_start,
        contract_end=contract_end,
        supplier=supplier.strip(),
        tenderned_id=tenderned_id.strip(),
        notes=notes.strip(),
        share_confidential=share_confidential,
        outcome=outcome.strip(),
        lessons=lessons.strip(),
        created_by=actor,
    )
    trajectory._history_user = actor  # simple-history: who made this change
    trajectory.full_clean(exclude=["search_vector"])
    trajectory.save()
    if participating_organisations:
        trajectory.participating_organisations.set(participating_organisations)
    trajectory_search_index(trajectory=trajectory)
    return trajectory


def trajectory_search_index(*, trajectory: Trajectory) -> None:
    """Store the Dutch tsvector of a trajectory: title, then the need, then outcome and
    lessons (as migration 0003 computes it for existing rows). PostgreSQL only."""
    if connection.vendor != "postgresql":
        return
    vector = (
        SearchVector(Value(trajectory.title), weight="A", config="dutch")
        + SearchVector(Value(trajectory.need_description), weight="B", config="dutch")
        + SearchVector(
            Value(f"{trajectory.lessons} {trajectory.outcome}"), weight="C", config="dutch"
        )
    )
    Trajectory.objects.filter(pk=trajectory.pk).update(search_vector=vector)


def _check_editor(actor: User, trajectory: Trajectory) -> None:
    if not permissions.can_edit_trajectory(actor, trajectory):
        raise PermissionDenied


def _save(trajectory: Trajectory, actor: User) -> None:
    trajectory._history_user = actor
    trajectory.full_clean(exclude=["search_vector"])
    trajectory.save()
    trajectory_search_index(trajectory=trajectory)


@transaction.atomic
def trajectory_update(*, actor: User, trajectory: Trajectory, **fields) -> Trajectory:
    """Change the editable fields of a trajectory (EDITABLE_FIELDS); the history records
    the actor."""
    _check_editor(actor, trajectory)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    participating = fields.pop("participating_organisations", None)
    # Moved to another themegroup or joint tender: its KPIs count in other scopes now.
    moves = participating is not None or "themegroup" in fields
    before = summaries.scopes_of([trajectory.pk]) if moves else set()
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(trajectory, name, value)
    _save(trajectory, actor)
    if participating is not None:
        trajectory.participating_organisations.set(
            [o for o in participating if o.pk != trajectory.organisation_id]
        )
    if moves:
        summaries.refresh_on_commit(trajectories=[trajectory.pk], scopes=before)
    return trajectory


# --- Phases ------------------------------------------------------------------------------

DONE = (PhaseProgress.Status.AFGEROND, PhaseProgress.Status.OVERGESLAGEN)


def _progress(trajectory: Trajectory, actor: User) -> dict[int, PhaseProgress]:
    """The progress of all six phases by number, locked for this transaction (rows that
    do not exist yet are made, status open)."""
    phases = list(Phase.objects.order_by("number"))
    existing = {
        p.phase_id: p
        for p in PhaseProgress.objects.select_for_update().filter(trajectory=trajectory)
    }
    progress = {}
    for phase in phases:
        row = existing.get(phase.pk)
        if row is None:
            row = PhaseProgress(trajectory=trajectory, phase=phase)
            row._history_user = actor
            row.save()
        row.phase = phase
        progress[phase.number] = row
    return progress


def _phase_for_change(
    actor: User, trajectory: Trajectory, number: int
) -> tuple[dict[int, PhaseProgress], PhaseProgress]:
    """What every phase step checks first: the actor edits this running trajectory and
    the phase exists. Returns the (locked) progress of all phases and of this one."""
    _check_editor(actor, trajectory)
    _check_open(trajectory)
    progress = _progress(trajectory, actor)
    if number not in progress:
        raise ValidationError(_("Deze fase bestaat niet."))
    return progress, progress[number]


def _refresh_current_phase(trajectory: Trajectory, progress: dict[int, PhaseProgress]) -> None:
    """The current phase: the furthest phase in progress; else the first phase not yet
    done; else the last one."""
    running = [n for n, p in progress.items() if p.status == PhaseProgress.Status.BEZIG]
    if running:
        number = max(running)
    else:
        number = next((n for n, p in sorted(progress.items()) if p.status not in DONE), None)
        if number is None:
            number = max(progress)
    trajectory.current_phase = progress[number].phase


def _save_progress(row: PhaseProgress, actor: User) -> None:
    row._history_user = actor
    row.full_clean()
    row.save()


def _check_open(trajectory: Trajectory) -> None:
    if trajectory.is_closed:
        raise ValidationError(_("Dit traject is afgesloten; fasen veranderen niet meer."))


def _check_not_future(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("Deze datum ligt in de toekomst.")})


@transaction.atomic
def trajectory_phase_start(
    *,
    actor: User,
    trajectory: Trajectory,
    number: int,
    started_on: date,
    planned_end_on: date | None = None,
) -> PhaseProgress:
    """Start phase `number`: the phase before it has started (or was skipped), and this
    one starts no earlier than that one did."""
    progress, row = _phase_for_change(actor, trajectory, number)
    if row.status != PhaseProgress.Status.OPEN:
        raise ValidationError(_("Deze fase is al gestart, afgerond of overgeslagen."))
    _check_not_future(started_on, "started_on")
    previous = progress.get(number - 1)
    if previous is not None:
        if previous.status == PhaseProgress.Status.OPEN:
            raise ValidationError(
                _("Start eerst fase %(number)s (%(name)s) of sla die over.")
                % {"number": previous.phase.number, "name": localized(previous.phase)}
            )
        if previous.started_on and started_on < previous.started_on:
            raise ValidationError(
                {
                    "started_on": _(
                        "Een fase start niet vóór de vorige fase (die startte op %(day)s)."
                    )
                    % {"day": previous.started_on.strftime("%d-%m-%Y")}
                }
            )
    if planned_end_on and planned_end_on < started_on:
        raise ValidationError({"planned_end_on": _("De geplande einddatum ligt na de start.")})
    row.status = PhaseProgress.Status.BEZIG
    row.started_on = started_on
    row.planned_end_on = planned_end_on
    _save_progress(row, actor)
    _refresh_current_phase(trajectory, progress)
    _save(trajectory, actor)
    return row


@transaction.atomic
def trajectory_phase_complete(
    *, actor: User, trajectory: Trajectory, number: int, completed_on: date
) -> PhaseProgress:
    """Complete phase `number`: it has started, every phase before it is done, and it
    ends on or after its start (not in the future)."""
    progress, row = _phase_for_change(actor, trajectory, number)
    if row.status != PhaseProgress.Status.BEZIG:
        raise ValidationError(_("Alleen een gestarte fase kan worden afgerond."))
    unfinished = [p for n, p in sorted(progress.items()) if n < number and p.status not in DONE]
    if unfinished:
        first = unfinished[0].phase
        raise ValidationError(
            _("Rond eerst fase %(number)s (%(name)s) af of sla die over.")
            % {"number": first.number, "name": localized(first)}
        )
    _check_not_future(completed_on, "completed_on")
    if row.started_on and completed_on < row.started_on:
        raise ValidationError(
            {
                "completed_on": _("Een fase wordt afgerond na de start (%(day)s).")
                % {"day": row.started_on.strftime("%d-%m-%Y")}
            }
        )
    row.status = PhaseProgress.Status.AFGEROND
    row.completed_on = completed_on
    _save_progress(row, actor)
    _refresh_current_phase(trajectory, progress)
    _save(trajectory, actor)
    return row


@transaction.atomic
def trajectory_phase_skip(*, actor: User, trajectory: Trajectory, number: int) -> PhaseProgress:
    """Skip a phase that has not started (e.g. no market exploration for a small
    purchase)."""
    progress, row = _phase_for_change(actor, trajectory, number)
    if row.status != PhaseProgress.Status.OPEN:
        raise ValidationError(_("Alleen een fase die nog niet is gestart kan worden overgeslagen."))
    row.status = PhaseProgress.Status.OVERGESLAGEN
    _save_progress(row, actor)
    _refresh_current_phase(trajectory, progress)
    _save(trajectory, actor)
    return row


@transaction.atomic
def trajectory_phase_plan(
    *, actor: User, trajectory: Trajectory, number: int, planned_end_on: date | None
) -> PhaseProgress:
    """Set (or clear) the planned end date of a phase that has not been completed."""
    _all, row = _phase_for_change(actor, trajectory, number)
    if row.status in DONE:
        raise ValidationError(_("Deze fase is al afgerond of overgeslagen."))
    if planned_end_on and row.started_on and planned_end_on < row.started_on:
        raise ValidationError({"planned_end_on": _("De geplande einddatum ligt na de start.")})
    row.planned_end_on = planned_end_on
    _save_progress(row, actor)
    return row


@transaction.atomic
def trajectory_close(
    *,
    actor: User,
    trajectory: Trajectory,
    status: str,
    closed_on: date,
    outcome: str,
    lessons: str,
    r_level_achieved: RStrategy | None = None,
    supplier: str | None = None,
) -> Trajectory:
    """Close a running trajectory as completed or stopped, with its outcome and lessons
    (both needed: they are what the region learns from)."""
    _check_editor(actor, trajectory)
    _check_open(trajectory)
    if status not in (Trajectory.Status.AFGEROND, Trajectory.Status.GESTOPT):
        raise ValidationError({"status": _("Kies afgerond of gestopt.")})
    errors = {}
    if not outcome.strip():
        errors["outcome"] = _("Beschrijf het resultaat.")
    if not lessons.strip():
        errors["lessons"] = _("Schrijf de lessen op: daar leert de regio van.")
    if errors:
        raise ValidationError(errors)
    _check_not_future(closed_on, "closed_on")
    if closed_on < trajectory.created_at.date():
        raise ValidationError({"closed_on": _("Een traject sluit niet vóór het is aangemaakt.")})
    trajectory.status = status
    trajectory.closed_on = closed_on
    trajectory.outcome = outcome.strip()
    trajectory.lessons = lessons.strip()
    if r_level_achieved is not None:
        trajectory.r_level_achieved = r_level_achieved
    if supplier is not None:
        trajectory.supplier = supplier.strip()
    progress = _progress(trajectory, actor)
    for row in progress.values():
        if row.status == PhaseProgress.Status.BEZIG:
            row.status = PhaseProgress.Status.AFGEROND
            row.completed_on = max(closed_on, row.started_on or closed_on)
            _save_progress(row, actor)
    _refresh_current_phase(trajectory, progress)
    _save(trajectory, actor)
    return trajectory


@transaction.atomic
def trajectory_document_add(
    *, actor: User, trajectory: Trajectory, upload: UploadedFile, title: str, is_confidential: bool
) -> TrajectoryDocument:
    """Store a checked PDF/PNG/JPEG under a generated name (the content decides, not
    the name)."""
    _check_editor(actor, trajectory)
    kind = uploads.check_upload(upload)
    upload.name = f"{uuid4().hex}{kind.extension}"
    document = TrajectoryDocument(
        trajectory=trajectory,
        file=upload,
        title=title.strip() or _("Document"),
        content_type=kind.content_type,
        size=upload.size,
        is_confidential=is_confidential,
        uploaded_by=actor,
    )
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def phase_progress_set(
    *,
    actor: User,
    trajectory: Trajectory,
    phase: Phase,
    status: str,
    started_on: date | None = None,
    completed_on: date | None = None,
    planned_end_on: date | None = None,
    notes: str = "",
) -> PhaseProgress:
    """Set the status of one phase of a trajectory as it is (the row is made when first
    set), without the order rules of the phase services below: for loading data that
    already happened (demo data, imports)."""
    progress = PhaseProgress.objects.filter(
        trajectory=trajectory, phase=phase
    ).first() or PhaseProgress(trajectory=trajectory, phase=phase)
    progress.status = status
    progress.started_on = started_on
    progress.completed_on = completed_on
    progress.planned_end_on = planned_end_on
    progress.notes = notes.strip()
    _save_progress(progress, actor)
    return progress


@transaction.atomic
def question_answer(
    *,
    actor: User,
    trajectory: Trajectory,
    question: GuidingQuestion,
    answer: str = "",
    is_done: bool = False,
) -> QuestionAnswer:
    """The team's answer to a guiding question, and/or a tick; given again, it replaces
    the earlier one. The actor is recorded as who answered."""
    existing = QuestionAnswer.objects.filter(trajectory=trajectory, question=question).first()
    answer = answer.strip()
    if existing is None and not answer and not is_done:
        raise ValidationError(_("Schrijf een antwoord of vink de hulpvraag af."))
    record = existing or QuestionAnswer(trajectory=trajectory, question=question)
    record.answer = answer
    record.is_done = is_done
    record.answered_by = actor
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def team_member_add(
    *,
    actor: User,
    trajectory: Trajectory,
    role: str,
    user: User | None = None,
    name: str = "",
) -> TeamMember:
    """Add someone to the trajectory's team (gouden vierkant and others): a portal user,
    or by name for someone without an account."""
    member = TeamMember(trajectory=trajectory, user=user, name=name.strip(), role=role)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def team_member_remove(*, actor: User, member: TeamMember) -> None:
    _check_editor(actor, member.trajectory)
    member.delete()


@transaction.atomic
def kpi_create(
    *,
    actor: User,
    trajectory: Trajectory,
    name: str,
    unit: str,
    direction: str,
    r_level: RStrategy | None = None,
    example: KpiExample | None = None,
) -> Kpi:
    """A KPI of the trajectory; its targets and actuals per period are measurements."""
    kpi = Kpi(
        trajectory=trajectory,
        name=name.strip(),
        unit=unit.strip(),
        direction=direction,
        r_level=r_level,
        example=example,
    )
    kpi.full_clean()
    kpi.save()
    return kpi


@transaction.atomic
def kpi_measurement_record(
    *,
    actor: User,
    kpi: Kpi,
    period_start: date,
    period_end: date,
    label: str,
    target: Decimal | None = None,
    actual: Decimal | None = None,
) -> KpiMeasurement:
    """Target and/or actual of a KPI for one period (e.g. a contract year of the
    groeimodel); recorded again for the same period start, it replaces the earlier one."""
    measurement = KpiMeasurement.objects.filter(
        kpi=kpi, period_start=period_start
    ).first() or KpiMeasurement(kpi=kpi, period_start=period_start)
    measurement.period_end = period_end
    measurement.label = label.strip()
    measurement.target = target
    measurement.actual = actual
    measurement.full_clean()
    measurement.save()
    summaries.refresh_on_commit(trajectories=[kpi.trajectory_id])
    return measurement


# --- Reminders ---------------------------------------------------------------------------


def phase_reminders_send(
    today: date | None = None, *, send: Callable[..., object] | None = None
) -> int:
    """Remind the team of each running trajectory whose current phase is still in progress
    after its planned end date (`today`: the Dutch date), once per phase and planned end
    date; planning a new end date starts a new period.

    For each phase the reminder row is written first, in its own transaction (the unique
    constraint decides, also between two runs at once), and only a new row is mailed,
    once committed: a rerun or a redelivered job finds the rows and sends nothing twice.
    `send(reminder_id=...)` mails one reminder: procurement.tasks passes its retrying
    task; by default the mail goes out in this process. Returns how many reminders were
    made (each mailed to the recipients of procurement.mails)."""
    today = today or timezone.localdate()
    send = send or mails.phase_reminder_send
    already = PhaseReminder.objects.filter(
        progress=OuterRef("pk"), planned_end_on=OuterRef("planned_end_on")
    )
    overdue = list(
        PhaseProgress.objects.filter(
            trajectory__status=Trajectory.Status.LOPEND,
            phase=F("trajectory__current_phase"),
            status=PhaseProgress.Status.BEZIG,
            planned_end_on__lt=today,
        )
        .exclude(Exists(already))
        .order_by("pk")
        .values_list("pk", "planned_end_on")
    )
    made = 0
    for progress_id, planned_end_on in overdue:
        with transaction.atomic():
            reminder, created = PhaseReminder.objects.get_or_create(
                progress_id=progress_id, planned_end_on=planned_end_on
            )
            if created:
                transaction.on_commit(partial(send, reminder_id=reminder.pk), robust=True)
                made += 1
    return made
