"""`python manage.py kpi_summaries_rebuild`: the dashboards' KPI summary made again from
every measurement (after a restore, an import outside the portal, or a deploy that adds
the summary). Celery beat does the same every night."""

import time

from django.core.management.base import BaseCommand

from procurement import summaries


class Command(BaseCommand):
    help = "Rebuild the KPI summary that the dashboards read, from every KPI measurement."

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = summaries.rebuild()
        self.stdout.write(
            f"KPI summary rebuilt: {rows} rows in {time.perf_counter() - started:.1f} s."
        )
