"""Registrations get the words of the meeting page (aangemeld becomes aanwezig), and the
daily meeting reminders become a row of celery beat's schedule (django-celery-beat),
which staff edit in the admin. The row is made only when missing, so a staff change
stays as it is; nothing is removed when migrating back."""

from django.db import migrations, models
from django.utils import timezone

NAME = "community-meeting-reminders"
TASK = "community.tasks.meeting_reminders_send"
# Every day at 09:00 Dutch time: meetings of the next day.
NINE_AM = {
    "minute": "0",
    "hour": "9",
    "day_of_week": "*",
    "day_of_month": "*",
    "month_of_year": "*",
    "timezone": "Europe/Amsterdam",
}


def registrations_renamed(apps, schema_editor):
    Attendance = apps.get_model("community", "Attendance")
    Attendance.objects.filter(status="aangemeld").update(status="aanwezig")


def schedule_reminders(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    if PeriodicTask.objects.filter(models.Q(name=NAME) | models.Q(task=TASK)).exists():
        return
    crontab = CrontabSchedule.objects.filter(**NINE_AM).order_by("pk").first()
    if crontab is None:
        crontab = CrontabSchedule.objects.create(**NINE_AM)
    PeriodicTask.objects.create(
        name=NAME,
        task=TASK,
        crontab=crontab,
        description=(
            "Mailt wie zich voor een bijeenkomst van een themagroep heeft aangemeld "
            "(aanwezig of misschien) de dag ervoor een herinnering: één keer per bijeenkomst."
        ),
    )
    # A running beat reloads its schedule when this marker changes.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0007_meetings_registration_actions_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(registrations_renamed, migrations.RunPython.noop),
        migrations.RunPython(schedule_reminders, migrations.RunPython.noop),
    ]
