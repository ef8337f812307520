"""The daily trajectory reminders as a row of celery beat's schedule (django-celery-beat),
which staff edit in the admin. Made only when missing, so a staff change (another time,
switched off) stays as it is; nothing is removed when migrating back."""

from django.db import migrations, models
from django.utils import timezone

NAME = "procurement-trajectory-reminders"
TASK = "procurement.tasks.trajectory_reminders_send"
# Every day at 07:00 Dutch time.
SEVEN_AM = {
    "minute": "0",
    "hour": "7",
    "day_of_week": "*",
    "day_of_month": "*",
    "month_of_year": "*",
    "timezone": "Europe/Amsterdam",
}


def schedule_reminders(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    # Also when staff already scheduled the task under a name of their own.
    if PeriodicTask.objects.filter(models.Q(name=NAME) | models.Q(task=TASK)).exists():
        return
    crontab = CrontabSchedule.objects.filter(**SEVEN_AM).order_by("pk").first()
    if crontab is None:
        crontab = CrontabSchedule.objects.create(**SEVEN_AM)
    PeriodicTask.objects.create(
        name=NAME,
        task=TASK,
        crontab=crontab,
        description=(
            "Mailt het team van een lopend inkooptraject waarvan de huidige fase over de "
            "geplande einddatum is: één keer per fase en geplande einddatum."
        ),
    )
    # A running beat reloads its schedule when this marker changes (the admin sets it
    # through a signal, which historical models do not send).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0003_trajectory_pages"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(schedule_reminders, migrations.RunPython.noop),
    ]
