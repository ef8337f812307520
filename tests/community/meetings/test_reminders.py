"""The reminder the day before a meeting (community.services.meeting_reminders_send and
community.tasks): to those registered as attending or maybe, once per meeting and start
time, also when the job runs twice; and the schedule is a database row."""

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from community import services, tasks
from community.models import Attendance, MeetingReminder
from tests import factories

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 3, 10)


@pytest.fixture
def tomorrow(group):
    return factories.MeetingFactory(
        themegroup=group,
        title="Asfaltoverleg",
        starts_at=datetime(2026, 3, 11, 9, 30, tzinfo=AMSTERDAM),
    )


@pytest.fixture
def registered(tomorrow, alice, bob, dora):
    Attendance.objects.create(meeting=tomorrow, user=alice, status=Attendance.Status.AANWEZIG)
    Attendance.objects.create(meeting=tomorrow, user=bob, status=Attendance.Status.MISSCHIEN)
    Attendance.objects.create(meeting=tomorrow, user=dora, status=Attendance.Status.AFWEZIG)
    return tomorrow


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(today=TODAY):
        with django_capture_on_commit_callbacks(execute=True):
            return services.meeting_reminders_send(today=today)

    return run


def recipients(outbox):
    return sorted(message.to[0] for message in outbox)


def test_it_reminds_those_attending_or_maybe_once(run, registered, alice, bob, mailoutbox):
    assert run() == 1
    assert recipients(mailoutbox) == sorted([alice.email, bob.email])
    message = mailoutbox[0]
    assert "Asfaltoverleg" in message.subject
    assert "09:30" in message.body
    assert registered.get_absolute_url() in message.body

    assert run() == 0
    assert len(mailoutbox) == 2


def test_other_days_are_not_reminded(run, registered, mailoutbox):
    assert run(TODAY - timedelta(days=1)) == 0
    assert run(TODAY + timedelta(days=1)) == 0
    assert mailoutbox == []


def test_a_moved_meeting_is_reminded_again_and_a_late_mail_stays_silent(
    registered, django_capture_on_commit_callbacks, mailoutbox, run
):
    with django_capture_on_commit_callbacks(execute=False):
        services.meeting_reminders_send(today=TODAY)
    reminder = MeetingReminder.objects.get()
    registered.starts_at += timedelta(hours=3)
    registered.ends_at += timedelta(hours=3)
    registered.save()

    assert tasks.meeting_reminder_mail(reminder.pk) == 0
    assert mailoutbox == []
    assert run() == 1
    assert len(mailoutbox) == 2


def test_nobody_without_an_active_membership_is_mailed(run, registered, alice, bob, mailoutbox):
    alice.memberships.update(suspended_at=timezone.now())
    run()
    assert recipients(mailoutbox) == [bob.email]


def test_the_daily_task_queues_the_mails_once_however_often_it_runs(
    group, alice, celery_eager, django_capture_on_commit_callbacks, mailoutbox
):
    meeting = factories.MeetingFactory(
        themegroup=group, starts_at=timezone.now().replace(microsecond=0) + timedelta(days=1)
    )
    # Tomorrow by the Dutch calendar, whatever the hour the test runs.
    local = timezone.localtime(meeting.starts_at)
    meeting.starts_at = local.replace(hour=12, minute=0, second=0)
    meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    meeting.save()
    Attendance.objects.create(meeting=meeting, user=alice)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        made = tasks.meeting_reminders_send.delay().get()
        again = tasks.meeting_reminders_send.delay().get()

    assert (made, again, len(callbacks)) == (1, 0, 1)
    assert recipients(mailoutbox) == [alice.email]


@pytest.mark.integration
def test_a_real_worker_sends_the_reminder_once(transactional_db, redis_worker, request):
    alice = request.getfixturevalue("alice")
    group = request.getfixturevalue("group")
    mailoutbox = request.getfixturevalue("mailoutbox")
    start = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    meeting = factories.MeetingFactory(themegroup=group, starts_at=start + timedelta(days=1))
    Attendance.objects.create(meeting=meeting, user=alice)

    made = tasks.meeting_reminders_send.delay().get(timeout=30)
    again = tasks.meeting_reminders_send.delay().get(timeout=30)
    deadline = time.monotonic() + 30
    while not mailoutbox and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)

    assert (made, again) == (1, 0)
    assert [m.to for m in mailoutbox] == [[alice.email]]


def test_the_migration_schedules_the_reminders_daily(db):
    task = PeriodicTask.objects.get(name="community-meeting-reminders")

    assert task.task == tasks.meeting_reminders_send.name
    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone)) == (
        "0",
        "9",
        "Europe/Amsterdam",
    )
