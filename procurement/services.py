"""Writes to procurement trajectories: the trajectory, its phases, answers, team and KPIs.

Every service runs in a transaction, validates with `full_clean()` before it saves and
takes the `actor` who makes the change: the trajectory's history records them, and an
answer names who gave it. Who may change which trajectory is the caller's question;
these functions only keep the data valid.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from community.models import Organisation, ProductCategory, Themegroup, User
from procurement.models import (
    GuidingQuestion,
    Kpi,
    KpiExample,
    KpiMeasurement,
    Phase,
    PhaseProgress,
    QuestionAnswer,
    RStrategy,
    TeamMember,
    Trajectory,
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
    trajectory.full_clean()
    trajectory.save()
    if participating_organisations:
        trajectory.participating_organisations.set(participating_organisations)
    return trajectory


@transaction.atomic
def phase_progress_set(
    *,
    actor: User,
    trajectory: Trajectory,
    phase: Phase,
    status: str,
    started_on: date | None = None,
    completed_on: date | None = None,
    notes: str = "",
) -> PhaseProgress:
    """Set the status of one phase of a trajectory (the row is made when first set)."""
    progress = PhaseProgress.objects.filter(
        trajectory=trajectory, phase=phase
    ).first() or PhaseProgress(trajectory=trajectory, phase=phase)
    progress.status = status
    progress.started_on = started_on
    progress.completed_on = completed_on
    progress.notes = notes.strip()
    progress.full_clean()
    progress.save()
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
    return measurement
