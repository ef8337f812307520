"""Rules of the procurement model, each a named constraint with a Dutch message."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from community.models import Source
from procurement import seeding
from procurement.models import (
    EuThreshold,
    Kpi,
    KpiMeasurement,
    Phase,
    PhaseProgress,
    RStrategy,
    TeamMember,
    Trajectory,
)


@pytest.fixture
def phase(db):
    return Phase.objects.create(number=1, slug="startoverleg", name="Startoverleg", goal="Doel")


@pytest.fixture
def trajectory(alfa, alice):
    return Trajectory.objects.create(
        organisation=alfa, title="Kantoormeubilair", procurement_type="levering", created_by=alice
    )


def _message(instance):
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return str(error.value)


def test_a_contract_ends_after_it_starts(trajectory):
    trajectory.contract_start = date(2026, 1, 1)
    trajectory.contract_end = date(2025, 1, 1)
    assert "Het contract eindigt na de startdatum." in _message(trajectory)


def test_circular_weight_is_a_percentage(trajectory):
    trajectory.circular_weight = 120
    assert "100" in _message(trajectory)
    with pytest.raises(IntegrityError), transaction.atomic():
        Trajectory.objects.filter(pk=trajectory.pk).update(circular_weight=120)


def test_an_estimated_value_is_not_negative(trajectory):
    trajectory.estimated_value = -1
    assert "De geraamde waarde kan niet negatief zijn." in _message(trajectory)


def test_the_achieved_r_level_must_exist_on_the_ladder(trajectory):
    trajectory.r_level_achieved_id = 12
    assert "r_level_achieved" in _message(trajectory)


def test_the_ladder_holds_only_r0_to_r9(db):
    level_ten = RStrategy(level=10, name_nl="x", name_en="x", meaning="x", rvo_step=6)
    assert "level" in _message(level_ten)
    with pytest.raises(IntegrityError), transaction.atomic():
        level_ten.save()  # the database refuses it too (named check constraint)


def test_one_progress_row_per_trajectory_and_phase(trajectory, phase):
    PhaseProgress.objects.create(trajectory=trajectory, phase=phase)
    duplicate = PhaseProgress(trajectory=trajectory, phase=phase)
    assert "Dit traject heeft al een voortgang voor deze fase." in _message(duplicate)


def test_a_phase_is_completed_after_it_started(trajectory, phase):
    progress = PhaseProgress(
        trajectory=trajectory,
        phase=phase,
        started_on=date(2026, 3, 1),
        completed_on=date(2026, 2, 1),
    )
    assert "Een fase wordt afgerond na de start." in _message(progress)


def test_there_are_six_phases(db):
    assert "fasen 1 tot en met 6" in _message(Phase(number=7, slug="x", name="x", goal="x"))


def test_a_team_member_is_a_user_or_a_name(trajectory):
    assert "Kies een gebruiker of vul een naam in." in _message(
        TeamMember(trajectory=trajectory, role="inkoper")
    )


def test_a_kpi_period_ends_after_it_starts(trajectory):
    kpi = Kpi.objects.create(trajectory=trajectory, name="Stuks", unit="stuks", direction="lager")
    measurement = KpiMeasurement(
        kpi=kpi, label="Jaar 1", period_start=date(2026, 1, 1), period_end=date(2025, 1, 1)
    )
    assert "Een periode eindigt na het begin." in _message(measurement)


def test_thresholds_have_a_valid_period(db):
    threshold = EuThreshold(
        category="werken",
        amount=5404000,
        valid_from=date(2026, 1, 1),
        valid_until=date(2025, 12, 31),
    )
    assert "De einddatum ligt na de begindatum." in _message(threshold)


def test_the_seeded_ladder_places_every_level_on_the_rvo_ladder(db):
    Source.objects.create(key=seeding.LADDER_SOURCE, title="Handvatten", publisher="PIANOo")
    # R3-R9 are explained after the PBL study (the PIANOo text defines R0-R2 only).
    Source.objects.create(key=seeding.PBL_SOURCE, title="Circulaire economie", publisher="PBL")
    assert seeding.load_r_ladder() == 10
    assert seeding.load_r_ladder() == 10  # idempotent: updates, never duplicates
    steps = RStrategy.objects.order_by("level").values_list("level", "rvo_step")
    assert list(steps) == [
        (0, 1),
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 3),
        (5, 3),
        (6, 3),
        (7, 3),
        (8, 4),
        (9, 5),
    ]


def test_trajectories_are_visible_within_the_region_only(alice, charlie, trajectory, charlie_org):
    other = Trajectory.objects.create(
        organisation=charlie_org, title="Elders", procurement_type="dienst"
    )
    assert list(Trajectory.objects.visible_to(alice)) == [trajectory]
    assert list(Trajectory.objects.visible_to(charlie)) == [other]


@pytest.mark.parametrize(
    "persona", ["alice", "bob", "dora", "charlie", "staff", "former", "suspended", "anonymous"]
)
def test_in_view_of_is_the_set_of_visible_to(
    request, persona, trajectory, alfa, beta, charlie_org, charlie
):
    """The one-condition scope for a few rows is exactly the list scope, for every
    persona: own and region trajectories, another region's, and joint tenders owned in
    another region that an organisation of the reader (or none of theirs) takes part in."""
    elsewhere = Trajectory.objects.create(
        organisation=charlie_org, title="Elders", procurement_type="dienst"
    )
    joined_by_beta = Trajectory.objects.create(
        organisation=charlie_org, title="Samen met Beta", procurement_type="werk"
    )
    joined_by_beta.participating_organisations.add(beta)
    joined_by_alfa = Trajectory.objects.create(
        organisation=charlie_org, title="Samen met Alfa", procurement_type="werk"
    )
    joined_by_alfa.participating_organisations.add(alfa, charlie_org)
    Trajectory.objects.create(organisation=beta, title="Beta", procurement_type="levering")
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)

    in_view = set(Trajectory.objects.in_view_of(user).values_list("pk", flat=True))

    assert in_view == set(Trajectory.objects.visible_to(user).values_list("pk", flat=True))
    assert (elsewhere.pk in in_view) == (persona in ("charlie", "former", "staff"))


def test_trajectory_changes_are_kept_in_history(trajectory):
    trajectory.title = "Nieuwe titel"
    trajectory.save()
    titles = list(trajectory.history.values_list("title", flat=True))
    assert titles == ["Nieuwe titel", "Kantoormeubilair"]  # newest first, the old one kept
    assert "updated_at" not in {field.name for field in trajectory.history.model._meta.fields}
