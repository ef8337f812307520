"""The daily member digest run as a row of celery beat's schedule (django-celery-beat),
which staff edit in the admin. Made only when missing, so a staff change stays as it is;
nothing is removed when migrating back."""

from django.db import migrations, models
from django.utils import timezone

NAME = "community-member-digests"
TASK = "community.tasks.digests_send"
# Every day at 07:00 Dutch time: the daily digests every day, the weekly ones on Mondays.
SEVEN_AM = {
    "minute": "0",
    "hour": "7",
    "day_of_week": "*",
    "day_of_month": "*",
    "month_of_year": "*",
    "timezone": "Europe/Amsterdam",
}


def schedule_digests(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
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
            "Maakt de samenvattingen voor de leden van themagroepen: elke dag de dagelijkse, "
            "op maandag de wekelijkse; één e-mail per persoon en periode."
        ),
    )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0010_member_digest"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(schedule_digests, migrations.RunPython.noop),
    ]
