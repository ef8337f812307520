"""Celery beat's schedule as database rows (django-celery-beat), made by migrations.

A schedule lives in the database so that staff can change or switch it off in the admin;
a migration makes the row only when it is missing (by name or by task), so a staff change
stays as it is, and nothing is removed when migrating back. For `RunPython`: pass the
historical `apps` of the migration."""

from django.db.models import Q
from django.utils import timezone


def daily_at(hour: int) -> dict:
    """A crontab for every day at `hour`:00 Dutch time."""
    return {
        "minute": "0",
        "hour": str(hour),
        "day_of_week": "*",
        "day_of_month": "*",
        "month_of_year": "*",
        "timezone": "Europe/Amsterdam",
    }


def schedule(apps, *, name: str, task: str, crontab: dict, description: str) -> None:
    """Make the periodic task `name` running `task` on `crontab`, unless a row for that
    name or task exists; then tell a running beat to reload its schedule."""
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    if PeriodicTask.objects.filter(Q(name=name) | Q(task=task)).exists():
        return
    row = CrontabSchedule.objects.filter(**crontab).order_by("pk").first()
    if row is None:
        row = CrontabSchedule.objects.create(**crontab)
    PeriodicTask.objects.create(name=name, task=task, crontab=row, description=description)
    # A running beat reloads its schedule when this marker changes (the admin sets it
    # through a signal, which historical models do not send).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
