"""The daily reminders about overdue phases (procurement.services.phase_reminders_send and
procurement.tasks): the team hears once per phase and planned end date, a rerun or a
redelivered job sends nothing twice, and the schedule is a database row staff can edit."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from community.models import Membership
from procurement import services, tasks
from procurement.models import Phase, PhaseProgress, PhaseReminder, TeamMember, Trajectory
from tests import factories
from tests.procurement.factories import TrajectoryFactory

TODAY = date(2026, 3, 10)
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture
def phases(db):
    names = ["Startoverleg", "Marktverkenning", "Specificeren"]
    return {
        number: Phase.objects.create(
            number=number, slug=name.lower(), name=name, goal=f"Doel van {name}"
        )
        for number, name in enumerate(names, start=1)
    }


@pytest.fixture
def trajectory(alfa, alice, dora, phases):
    """Alfa's trajectory, made by Alice, in phase 2 (in progress, planned to end
    yesterday); Dora is on the team."""
    trajectory = TrajectoryFactory(organisation=alfa, created_by=alice, current_phase=phases[2])
    PhaseProgress.objects.create(
        trajectory=trajectory,
        phase=phases[1],
        status=PhaseProgress.Status.AFGEROND,
        started_on=date(2026, 1, 5),
        completed_on=date(2026, 2, 1),
    )
    PhaseProgress.objects.create(
        trajectory=trajectory,
        phase=phases[2],
        status=PhaseProgress.Status.BEZIG,
        started_on=date(2026, 2, 2),
        planned_end_on=YESTERDAY,
    )
    TeamMember.objects.create(
        trajectory=trajectory, user=dora, role=TeamMember.Role.INTERNE_OPDRACHTGEVER
    )
    return trajectory


def current_progress(trajectory: Trajectory) -> PhaseProgress:
    return PhaseProgress.objects.get(trajectory=trajectory, phase=trajectory.current_phase)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the reminders as beat would on `today`, with what happens after commit."""

    def run(today=TODAY):
        with django_capture_on_commit_callbacks(execute=True):
            return services.phase_reminders_send(today=today)

    return run


def recipients(outbox) -> list[list[str]]:
    return sorted(message.to for message in outbox)


# --- who hears, and once ---------------------------------------------------------------


def test_it_mails_the_team_of_an_overdue_phase_once_each(
    run, trajectory, alice, dora, settings, mailoutbox
):
    settings.SITE_URL = "https://portal.example"

    assert run() == 1

    assert recipients(mailoutbox) == sorted([[alice.email], [dora.email]])
    for message in mailoutbox:
        assert trajectory.title in message.subject
        links = [line for line in message.body.splitlines() if line.startswith("https://")]
        assert links == [f"https://portal.example{trajectory.get_absolute_url()}"]
    reminder = PhaseReminder.objects.get()
    assert (reminder.progress, reminder.planned_end_on) == (current_progress(trajectory), YESTERDAY)


def test_a_second_run_sends_nothing_more(run, trajectory, mailoutbox):
    run()
    sent = len(mailoutbox)

    assert run() == 0
    assert run(TODAY + timedelta(days=1)) == 0

    assert sent == 2
    assert len(mailoutbox) == sent
    assert PhaseReminder.objects.count() == 1


def test_a_new_planned_end_date_starts_a_new_period_reminded_once(
    run, trajectory, alice, dora, mailoutbox
):
    run()
    progress = current_progress(trajectory)
    services.trajectory_phase_plan(
        actor=alice, trajectory=trajectory, number=2, planned_end_on=TODAY + timedelta(days=7)
    )
    mailoutbox.clear()
    later = TODAY + timedelta(days=10)

    assert run(later) == 1
    assert run(later) == 0

    assert recipients(mailoutbox) == sorted([[alice.email], [dora.email]])
    assert sorted(r.planned_end_on for r in progress.reminders.all()) == [
        YESTERDAY,
        TODAY + timedelta(days=7),
    ]


def test_it_mails_members_of_participating_organisations(run, trajectory, beta, bob, mailoutbox):
    TeamMember.objects.create(trajectory=trajectory, user=bob, role=TeamMember.Role.INKOPER)
    trajectory.participating_organisations.add(beta)

    run()

    assert [bob.email] in recipients(mailoutbox)


def test_it_skips_people_without_an_active_membership_there(
    run, trajectory, alice, dora, bob, charlie, former, suspended, mailoutbox
):
    inactive = factories.UserFactory(is_active=False)
    factories.MembershipFactory(user=inactive, organisation=trajectory.organisation)
    for user in (bob, charlie, former, suspended, inactive):  # bob's Beta does not take part
        TeamMember.objects.create(trajectory=trajectory, user=user, role=TeamMember.Role.OVERIG)
    TeamMember.objects.create(
        trajectory=trajectory, name="Piet Extern", role=TeamMember.Role.LEVERANCIER
    )

    run()

    assert recipients(mailoutbox) == sorted([[alice.email], [dora.email]])


def test_an_ended_membership_of_the_creator_stops_their_mail(
    run, trajectory, alice, dora, mailoutbox
):
    Membership.objects.filter(user=alice).update(ended_at=timezone.now() - timedelta(hours=1))

    run()

    assert recipients(mailoutbox) == [[dora.email]]


def test_no_mail_leaves_before_the_reminder_is_committed(
    trajectory, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.phase_reminders_send(today=TODAY) == 1

    assert mailoutbox == []
    assert len(callbacks) == 1


# --- when nobody hears -------------------------------------------------------------------


@pytest.mark.parametrize("planned_end_on", [TODAY, TODAY + timedelta(days=3), None])
def test_a_phase_not_past_its_planned_end_is_not_reminded(
    run, trajectory, planned_end_on, mailoutbox
):
    PhaseProgress.objects.filter(pk=current_progress(trajectory).pk).update(
        planned_end_on=planned_end_on
    )

    assert run() == 0
    assert mailoutbox == []
    assert not PhaseReminder.objects.exists()


@pytest.mark.parametrize(
    "status", [PhaseProgress.Status.AFGEROND, PhaseProgress.Status.OVERGESLAGEN]
)
def test_a_finished_phase_is_not_reminded(run, trajectory, status, mailoutbox):
    PhaseProgress.objects.filter(pk=current_progress(trajectory).pk).update(
        status=status, completed_on=YESTERDAY
    )

    assert run() == 0
    assert mailoutbox == []


def test_an_overdue_phase_that_is_not_the_current_one_is_not_reminded(
    run, trajectory, phases, mailoutbox
):
    Trajectory.objects.filter(pk=trajectory.pk).update(current_phase=phases[3])

    assert run() == 0
    assert mailoutbox == []


@pytest.mark.parametrize("status", [Trajectory.Status.AFGEROND, Trajectory.Status.GESTOPT])
def test_a_closed_trajectory_is_not_reminded(run, trajectory, status, mailoutbox):
    Trajectory.objects.filter(pk=trajectory.pk).update(status=status, closed_on=YESTERDAY)

    assert run() == 0
    assert mailoutbox == []


def test_a_reminder_mailed_late_stays_silent_about_a_phase_finished_meanwhile(
    trajectory, django_capture_on_commit_callbacks, mailoutbox
):
    """A mail task retried or redelivered after the team completed the phase."""
    with django_capture_on_commit_callbacks(execute=False):
        services.phase_reminders_send(today=TODAY)
    PhaseProgress.objects.filter(pk=current_progress(trajectory).pk).update(
        status=PhaseProgress.Status.AFGEROND, completed_on=TODAY
    )
    reminder = PhaseReminder.objects.get()

    assert tasks.phase_reminder_mail(reminder.pk) == 0
    assert mailoutbox == []


# --- the beat task and its schedule ------------------------------------------------------


def test_the_daily_task_queues_the_mails_once_however_often_it_runs(
    trajectory, alice, dora, celery_eager, django_capture_on_commit_callbacks, mailoutbox
):
    PhaseProgress.objects.filter(pk=current_progress(trajectory).pk).update(
        planned_end_on=timezone.localdate() - timedelta(days=1)
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        made = tasks.trajectory_reminders_send.delay().get()
        again = tasks.trajectory_reminders_send.delay().get()

    assert (made, again, len(callbacks)) == (1, 0, 1)
    assert recipients(mailoutbox) == sorted([[alice.email], [dora.email]])


def test_the_migration_schedules_the_reminders_daily_in_the_database(db):
    task = PeriodicTask.objects.get(name="procurement-trajectory-reminders")

    assert task.task == tasks.trajectory_reminders_send.name
    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone)) == (
        "0",
        "7",
        "Europe/Amsterdam",
    )
    assert (task.crontab.day_of_week, task.crontab.day_of_month) == ("*", "*")


def test_the_migration_leaves_a_schedule_staff_changed_alone(db):
    migration = importlib.import_module("procurement.migrations.0004_trajectory_reminders_schedule")
    task = PeriodicTask.objects.get(name="procurement-trajectory-reminders")
    task.crontab.hour = "6"
    task.crontab.save()
    task.enabled = False
    task.save()

    migration.schedule_reminders(apps, None)

    task = PeriodicTask.objects.get(task=tasks.trajectory_reminders_send.name)
    assert (task.crontab.hour, task.enabled) == ("6", False)
