"""procurement.services: each write keeps the trajectory valid and records the actor (the
trajectory's history, its `created_by`, who answered)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from procurement import services
from procurement.models import (
    GuidingQuestion,
    KpiMeasurement,
    Phase,
    PhaseProgress,
    QuestionAnswer,
    RStrategy,
    TeamMember,
    Trajectory,
)
from tests.procurement.factories import TrajectoryFactory


@pytest.fixture
def ladder(db):
    """R0–R3 of the R-ladder (the seed loads all ten)."""
    names = ["Weigeren", "Heroverwegen", "Verminderen", "Hergebruiken"]
    return {
        level: RStrategy.objects.create(
            level=level, name_nl=name, name_en=name, meaning=name, rvo_step=level
        )
        for level, name in enumerate(names)
    }


@pytest.fixture
def startoverleg(db):
    return Phase.objects.create(number=1, slug="startoverleg", name="Startoverleg", goal="Doel")


@pytest.fixture
def question(startoverleg):
    return GuidingQuestion.objects.create(
        phase=startoverleg, kind=GuidingQuestion.Kind.GENERIEK, position=1, text="Wat is nodig?"
    )


@pytest.fixture
def trajectory(alfa):
    return TrajectoryFactory(organisation=alfa)


# --- trajectory_create --------------------------------------------------------------


def test_trajectory_create_logs_it_for_the_organisation_with_the_actor_in_the_history(
    alice, alfa, beta, ladder, startoverleg
):
    trajectory = services.trajectory_create(
        actor=alice,
        organisation=alfa,
        title=" Kantoormeubilair ",
        procurement_type="levering",
        need_description="Stoelen en tafels voor het stadskantoor.",
        participating_organisations=[beta],
        estimated_value=Decimal("180000"),
        r_level_target=ladder[3],
        current_phase=startoverleg,
        procedure="meervoudig_onderhands",
        circular_weight=30,
        contract_start=date(2026, 1, 1),
        contract_end=date(2030, 1, 1),
    )
    trajectory.refresh_from_db()
    assert (trajectory.title, trajectory.organisation, trajectory.created_by) == (
        "Kantoormeubilair",
        alfa,
        alice,
    )
    assert (trajectory.status, trajectory.r_level_target_id, trajectory.current_phase) == (
        Trajectory.Status.LOPEND,
        3,
        startoverleg,
    )
    assert list(trajectory.participating_organisations.all()) == [beta]
    assert [(h.history_type, h.history_user) for h in trajectory.history.all()] == [("+", alice)]


@pytest.mark.parametrize(
    ("field", "extra"),
    [
        ("circular_weight", {"circular_weight": 150}),
        ("procurement_type", {"procurement_type": "huur"}),
        ("title", {"title": "  "}),
        (
            "__all__",
            {"contract_start": date(2026, 1, 1), "contract_end": date(2025, 1, 1)},
        ),
    ],
)
def test_trajectory_create_refuses_invalid_input(alice, alfa, field, extra):
    arguments = {"title": "Laptops", "procurement_type": "levering", **extra}
    with pytest.raises(ValidationError) as error:
        services.trajectory_create(actor=alice, organisation=alfa, **arguments)
    assert field in error.value.message_dict
    assert not Trajectory.objects.exists()


# --- phase_progress_set -------------------------------------------------------------


def test_phase_progress_set_makes_the_row_then_changes_it(alice, trajectory, startoverleg):
    services.phase_progress_set(
        actor=alice,
        trajectory=trajectory,
        phase=startoverleg,
        status=PhaseProgress.Status.BEZIG,
        started_on=date(2026, 1, 5),
    )
    progress = services.phase_progress_set(
        actor=alice,
        trajectory=trajectory,
        phase=startoverleg,
        status=PhaseProgress.Status.AFGEROND,
        started_on=date(2026, 1, 5),
        completed_on=date(2026, 2, 1),
    )
    assert list(trajectory.progress.values_list("pk", "status")) == [(progress.pk, "afgerond")]


def test_phase_progress_set_refuses_completion_before_the_start(alice, trajectory, startoverleg):
    with pytest.raises(ValidationError):
        services.phase_progress_set(
            actor=alice,
            trajectory=trajectory,
            phase=startoverleg,
            status=PhaseProgress.Status.AFGEROND,
            started_on=date(2026, 2, 1),
            completed_on=date(2026, 1, 1),
        )


def test_phase_progress_set_refuses_an_unknown_status(alice, trajectory, startoverleg):
    with pytest.raises(ValidationError):
        services.phase_progress_set(
            actor=alice, trajectory=trajectory, phase=startoverleg, status="half"
        )


# --- question_answer ----------------------------------------------------------------


def test_question_answer_records_who_answered_and_replaces_an_earlier_answer(
    alice, bob, trajectory, question
):
    services.question_answer(
        actor=alice, trajectory=trajectory, question=question, answer="Nog niet besproken."
    )
    answer = services.question_answer(
        actor=bob, trajectory=trajectory, question=question, answer=" Besproken. ", is_done=True
    )
    assert list(QuestionAnswer.objects.values_list("pk", "answer", "is_done", "answered_by")) == [
        (answer.pk, "Besproken.", True, bob.pk)
    ]


def test_question_answer_may_untick_an_answer(alice, trajectory, question):
    services.question_answer(actor=alice, trajectory=trajectory, question=question, is_done=True)
    answer = services.question_answer(
        actor=alice, trajectory=trajectory, question=question, is_done=False
    )
    assert not answer.is_done


def test_question_answer_refuses_an_empty_new_answer(alice, trajectory, question):
    with pytest.raises(ValidationError):
        services.question_answer(actor=alice, trajectory=trajectory, question=question)
    assert not QuestionAnswer.objects.exists()


# --- team_member_add ----------------------------------------------------------------


def test_team_member_add_takes_a_user_or_a_name(alice, trajectory):
    services.team_member_add(
        actor=alice, trajectory=trajectory, role=TeamMember.Role.INKOPER, user=alice
    )
    services.team_member_add(
        actor=alice,
        trajectory=trajectory,
        role=TeamMember.Role.INTERNE_OPDRACHTGEVER,
        name=" Hoofd Facilitair ",
    )
    assert set(trajectory.team.values_list("user", "name", "role")) == {
        (alice.pk, "", "inkoper"),
        (None, "Hoofd Facilitair", "interne_opdrachtgever"),
    }


def test_team_member_add_refuses_someone_without_user_or_name(alice, trajectory):
    with pytest.raises(ValidationError):
        services.team_member_add(
            actor=alice, trajectory=trajectory, role=TeamMember.Role.CHEF_CIRCULAIR
        )


def test_team_member_add_refuses_the_same_role_twice(alice, trajectory):
    services.team_member_add(
        actor=alice, trajectory=trajectory, role=TeamMember.Role.INKOPER, user=alice
    )
    with pytest.raises(ValidationError):
        services.team_member_add(
            actor=alice, trajectory=trajectory, role=TeamMember.Role.INKOPER, user=alice
        )


# --- KPIs ---------------------------------------------------------------------------


def test_kpi_create_and_record_measurements_per_contract_year(alice, trajectory, ladder):
    kpi = services.kpi_create(
        actor=alice,
        trajectory=trajectory,
        name="Nieuw ingekochte producten",
        unit="stuks",
        direction="lager",
        r_level=ladder[2],
    )
    for year, target in enumerate([100, 85], start=1):
        services.kpi_measurement_record(
            actor=alice,
            kpi=kpi,
            period_start=date(2025 + year, 1, 1),
            period_end=date(2026 + year, 1, 1),
            label=f"Contractjaar {year}",
            target=Decimal(target),
        )
    # The actual of year 1 comes in later: the same period, recorded again.
    services.kpi_measurement_record(
        actor=alice,
        kpi=kpi,
        period_start=date(2026, 1, 1),
        period_end=date(2027, 1, 1),
        label="Contractjaar 1",
        target=Decimal(100),
        actual=Decimal(96),
    )
    assert list(kpi.measurements.values_list("label", "target", "actual")) == [
        ("Contractjaar 1", Decimal(100), Decimal(96)),
        ("Contractjaar 2", Decimal(85), None),
    ]
    assert (kpi.trajectory, kpi.r_level_id) == (trajectory, 2)


def test_kpi_create_refuses_an_unknown_direction(alice, trajectory):
    with pytest.raises(ValidationError) as error:
        services.kpi_create(
            actor=alice, trajectory=trajectory, name="CO2", unit="ton", direction="zijwaarts"
        )
    assert "direction" in error.value.message_dict


def test_kpi_measurement_record_refuses_a_period_that_ends_before_it_starts(alice, trajectory):
    kpi = services.kpi_create(
        actor=alice, trajectory=trajectory, name="CO2", unit="ton", direction="lager"
    )
    with pytest.raises(ValidationError):
        services.kpi_measurement_record(
            actor=alice,
            kpi=kpi,
            period_start=date(2026, 1, 1),
            period_end=date(2025, 1, 1),
            label="Contractjaar 1",
        )
    assert not KpiMeasurement.objects.exists()
