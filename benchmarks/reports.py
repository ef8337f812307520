"""Progress for bestuurders: `python -m benchmarks reports --sizes 1000,10000,100000`

The dashboards and the PDF report on the trajectories suite's data (`benchmarks/data/
trajectories.py`: phases, answers, KPIs with measurements). The reader is a bestuurder
of the gemeente the trajectories suite reads as; `dashboard_organisation` is that
organisation's dashboard, `dashboard_region` its region's (about an eighth of all
trajectories), each for a period not asked before on every request (a year, a quarter
or custom dates), so no answer of an earlier request can help.

Printed under each size, not as scenarios (the harness times GETs):
- a report request (the POST of `/rapportages/`: the run is saved and queued, nothing
  is made in the request) against the floor, median of several;
- the region report as a PDF (figures, layout by WeasyPrint): seconds and pages, and
  WeasyPrint's time per page against its time per page for a plain document of the
  same number of pages in the same run (the PDF floor), with the size per page.
"""

import datetime
import statistics
import time

from django.conf import settings
from django.test import Client
from django.urls import reverse

from benchmarks import harness
from benchmarks.trajectories import GROWTH, Trajectories
from community.models import Membership, Organisation, User
from kit import pdf
from procurement import summaries
from procurement.models import KpiDaySummary, KpiMeasurement
from reports import documents, metrics
from reports.forms import CUSTOM
from reports.models import ReportRun

ORGANISATION_MEDIAN = 3
REGION_MEDIAN = 5
REQUEST_MEDIAN = 2  # a report request against the floor
PDF_PER_PAGE = 1.5  # WeasyPrint per page against the plain document's per page
PDF_BYTES_PER_PAGE = 200_000
REQUESTS = 7  # report requests timed per size
PRESET_SHARE = 0.4  # of dashboard requests: a year or quarter from the selector
FIRST_YEAR = 2020  # custom periods start in or after this year

PLAIN_PAGE = '<section style="break-after: page"><h1>Pagina {n}</h1><p>{text}</p></section>'


class Reports(Trajectories):
    """The organisation and region dashboards; a report request and a PDF report."""

    name = "reports"

    def prepare(self, bench):
        super().prepare(bench)
        organisation = Organisation.objects.select_related("region").get(
            pk=self.refs.member_organisation
        )
        self.organisation = organisation
        self.bestuurder = User.objects.create_user(
            email="bestuurder@benchmark.example", full_name="Bestuurder Bench"
        )
        Membership.objects.create(
            user=self.bestuurder, organisation=organisation, role=Membership.Role.BESTUURDER
        )
        self.reader = Client()
        self.reader.force_login(self.bestuurder)
        bench.line(
            f"Reader: bestuurder of {organisation.name}; Celery eager: "
            f"{bool(getattr(settings, 'CELERY_TASK_ALWAYS_EAGER', False))}"
        )

    def load(self, bench, size):
        """The trajectories suite's data, then the dashboards' KPI summary as the
        services' refresh leaves it (rebuilt whole: the data is copied in, not written
        through the services)."""
        super().load(bench, size)
        started = time.perf_counter()
        rows = summaries.rebuild()
        built = time.perf_counter() - started
        harness.vacuum_analyze(KpiDaySummary)
        bench.line(
            f"  KPI summary: {rows} rows for {KpiMeasurement.objects.count()} measurements, "
            f"rebuilt in {built:.1f} s"
        )

    def scenarios(self, bench, size):
        organisation = reverse("reports:dashboard_organisation", args=[self.organisation.slug])
        region = reverse("reports:dashboard_region", args=[self.organisation.region.slug])
        return [
            harness.floor_scenario("floor", self.reader),
            harness.Scenario(
                "dashboard_organisation",
                self.reader,
                lambda rng: organisation + self._period_query(rng),
                median_at_most=ORGANISATION_MEDIAN,
                growth_at_most=GROWTH,
            ),
            harness.Scenario(
                "dashboard_region",
                self.reader,
                lambda rng: region + self._period_query(rng),
                median_at_most=REGION_MEDIAN,
                growth_at_most=GROWTH,
            ),
        ]

    def _period_query(self, rng) -> str:
        """A period as the selector sends it: a year or quarter, else custom dates."""
        today = datetime.date.today()
        if rng.random() < PRESET_SHARE:
            if rng.random() < 0.5:
                return f"?periode=jaar-{today.year - rng.randrange(3)}"
            year = today.year - rng.randrange(2)
            return f"?periode=kwartaal-{year}-{rng.randrange(1, 5)}"
        start = datetime.date(FIRST_YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(2000))
        end = start + datetime.timedelta(days=rng.randrange(30, 730))
        return f"?periode={CUSTOM}&van={start.isoformat()}&tot={end.isoformat()}"

    def summary(self, bench, size, timings):
        return [self._request_line(bench, timings), *self._pdf_lines(bench, size)]

    def _request_line(self, bench, timings) -> str:
        """POST /rapportages/ for the region, REQUESTS times, against the floor median."""
        url = reverse("reports:report_list")
        scope = metrics.Scope.of(self.organisation.region)
        data = {"bereik": f"{scope.kind}-{self.organisation.region.pk}", "periode": "jaar-2025"}
        times = []
        for _index in range(REQUESTS):
            started = time.perf_counter()
            response = self.reader.post(url, data, secure=True)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 302:
                raise RuntimeError(f"POST {url} answered {response.status_code}, not 302.")
        ReportRun.objects.filter(requested_by=self.bestuurder).delete()
        ratio = statistics.median(times) / timings.median("floor")
        mark = "✔" if ratio <= REQUEST_MEDIAN else "✘"
        return (
            f"{mark} report request: median {statistics.median(times):.1f} ms = {ratio:.2f}× "
            f"floor (target ≤ {REQUEST_MEDIAN}×; the run is queued, not made)"
        )

    def _pdf_lines(self, bench, size) -> list[str]:
        """The region report, then a plain document of as many pages (WeasyPrint only)."""
        run = ReportRun(
            requested_by=self.bestuurder,
            scope_kind=metrics.Scope.of(self.organisation.region).kind,
            region=self.organisation.region,
            period_start=datetime.date(datetime.date.today().year - 1, 1, 1),
            period_end=datetime.date(datetime.date.today().year - 1, 12, 31),
            language="nl",
        )
        marks = {}
        started = time.perf_counter()
        # The last mark (FIGURES_DONE + 10) is set just before kit.pdf.render: what
        # follows is WeasyPrint's alone, as the plain document's time below is (the map,
        # the charts and the template before it count with the figures).
        report = documents.build(
            run,
            progress=lambda percentage: marks.setdefault(
                percentage > documents.FIGURES_DONE, time.perf_counter()
            ),
        )
        total = time.perf_counter() - started
        layout = time.perf_counter() - marks.get(True, started)
        plain_html = "<!DOCTYPE html><html lang='nl'><head><title>Vloer</title></head><body>"
        plain_html += "".join(
            PLAIN_PAGE.format(n=n, text="Circulair inkopen in de regio. " * 60)
            for n in range(1, report.pages + 1)
        )
        plain_html += "</body></html>"
        started = time.perf_counter()
        plain = pdf.render(plain_html, title="Vloer", language="nl")
        plain_seconds = time.perf_counter() - started
        per_page = layout / report.pages
        floor_per_page = plain_seconds / max(plain.pages, 1)
        ratio = per_page / floor_per_page
        size_per_page = len(report.content) / report.pages
        return [
            f"region report PDF: {report.pages} pages, {len(report.content) / 1000:.0f} KB, "
            f"{total:.2f} s in all ({total - layout:.2f} s figures and template, "
            f"{layout:.2f} s WeasyPrint)",
            f"{'✔' if ratio <= PDF_PER_PAGE else '✘'} PDF layout {per_page * 1000:.0f} ms/page "
            f"= {ratio:.2f}× a plain document's {floor_per_page * 1000:.0f} ms/page "
            f"({plain.pages} pages; target ≤ {PDF_PER_PAGE}×)",
            f"{'✔' if size_per_page <= PDF_BYTES_PER_PAGE else '✘'} PDF size "
            f"{size_per_page / 1000:.0f} KB/page (target ≤ {PDF_BYTES_PER_PAGE // 1000} KB)",
        ]
