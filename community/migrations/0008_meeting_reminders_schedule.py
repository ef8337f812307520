"""Registrations get the words of the meeting page (aangemeld becomes aanwezig), and the
daily meeting reminders become a row of celery beat's schedule (django-celery-beat),
which staff edit in the admin. The row is made only when missing, so a staff change
stays as it is; nothing is removed when migrating back."""

from django.db import migrations

from kit import beat

NAME = "community-meeting-reminders"
TASK = "community.tasks.meeting_reminders_send"
# Every day at 09:00 Dutch time: meetings of the next day.
NINE_AM = beat.daily_at(9)


def registrations_renamed(apps, schema_editor):
    Attendance = apps.get_model("community", "Attendance")
    Attendance.objects.filter(status="aangemeld").update(status="aanwezig")


def schedule_reminders(apps, schema_editor):
    beat.schedule(
        apps,
        name=NAME,
        task=TASK,
        crontab=NINE_AM,
        description=(
            "Mailt wie zich voor een bijeenkomst van een themagroep heeft aangemeld "
            "(aanwezig of misschien) de dag ervoor een herinnering: één keer per bijeenkomst."
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0007_meetings_registration_actions_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(registrations_renamed, migrations.RunPython.noop),
        migrations.RunPython(schedule_reminders, migrations.RunPython.noop),
    ]
