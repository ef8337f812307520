"""The daily member digest run as a row of celery beat's schedule (django-celery-beat),
which staff edit in the admin. Made only when missing, so a staff change stays as it is;
nothing is removed when migrating back."""

from django.db import migrations

from kit import beat

NAME = "community-member-digests"
TASK = "community.tasks.digests_send"
# Every day at 07:00 Dutch time: the daily digests every day, the weekly ones on Mondays.
SEVEN_AM = beat.daily_at(7)


def schedule_digests(apps, schema_editor):
    beat.schedule(
        apps,
        name=NAME,
        task=TASK,
        crontab=SEVEN_AM,
        description=(
            "Maakt de samenvattingen voor de leden van themagroepen: elke dag de dagelijkse, "
            "op maandag de wekelijkse; één e-mail per persoon en periode."
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0010_member_digest"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(schedule_digests, migrations.RunPython.noop),
    ]
