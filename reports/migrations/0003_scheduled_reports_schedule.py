"""The scheduled reports run as a row of celery beat's schedule (django-celery-beat),
which staff edit in the admin. Made only when missing, so a staff change stays as it is;
nothing is removed when migrating back."""

from django.db import migrations

from kit import beat

NAME = "reports-scheduled-reports"
TASK = "reports.tasks.scheduled_reports_make"
# Every day at 06:00 Dutch time: the report of each month or quarter just ended is made
# once (the task is idempotent), so a day the beat missed is made up the next day.
SIX_AM = beat.daily_at(6)


def schedule_reports(apps, schema_editor):
    beat.schedule(
        apps,
        name=NAME,
        task=TASK,
        crontab=SIX_AM,
        description=(
            "Maakt de rapportages van de abonnementen: per bereik, frequentie en taal één "
            "rapportage over de maand of het kwartaal dat net voorbij is, en mailt de link "
            "aan wie het bereik nog mag bekijken."
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_sharing_links_and_subscriptions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(schedule_reports, migrations.RunPython.noop),
    ]
