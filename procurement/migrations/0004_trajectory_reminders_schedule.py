"""The daily trajectory reminders as a row of celery beat's schedule (django-celery-beat),
which staff edit in the admin. Made only when missing, so a staff change (another time,
switched off) stays as it is; nothing is removed when migrating back."""

from django.db import migrations

from kit import beat

NAME = "procurement-trajectory-reminders"
TASK = "procurement.tasks.trajectory_reminders_send"
# Every day at 07:00 Dutch time.
SEVEN_AM = beat.daily_at(7)


def schedule_reminders(apps, schema_editor):
    beat.schedule(
        apps,
        name=NAME,
        task=TASK,
        crontab=SEVEN_AM,
        description=(
            "Mailt het team van een lopend inkooptraject waarvan de huidige fase over de "
            "geplande einddatum is: één keer per fase en geplande einddatum."
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0003_trajectory_pages"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(schedule_reminders, migrations.RunPython.noop),
    ]
