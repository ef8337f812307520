"""The README's sample report pages: a PDF progress report of a region over this year,
made exactly as the worker makes it (`reports.documents.build`) for an anonymous reader
(like a scheduled report: nothing named that not everyone may read), and its first pages
as small PNG images (`pdftoppm -png -r 60`).

    python manage.py report_samples            # docs/report-page-1.png … -4.png
    scripts/report-samples.sh                  # the same from a fresh demo database
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from community.models import Region
from reports import documents
from reports.metrics import Period, Scope
from reports.models import ReportRun

MAX_BYTES = 150_000  # each image stays small enough for a README
PDFTOPPM = shutil.which("pdftoppm")  # poppler-utils


class Command(BaseCommand):
    help = "Render a sample report of a region and write its first pages as PNG images."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="groene-hart", help="The region's slug.")
        parser.add_argument("--pages", type=int, default=4, help="How many pages, from 1.")
        parser.add_argument("--resolution", type=int, default=60, help="Dots per inch.")
        parser.add_argument(
            "--out", default=str(Path(settings.BASE_DIR) / "docs"), help="Folder of the images."
        )
        parser.add_argument("--pdf", help="Also keep the PDF at this path.")

    def handle(self, *args, region, pages, resolution, out, pdf=None, **options):
        if PDFTOPPM is None:
            raise CommandError("pdftoppm not found: run scripts/ensure-pdf-libs.sh.")
        found = Region.objects.filter(slug=region).first()
        if found is None:
            raise CommandError(f"No region {region!r}: run `manage.py seed` and `demo` first.")
        scope = Scope.of(found)
        period = Period.year(timezone.localdate().year)
        # Never saved: only the fields documents.build reads.
        run = ReportRun(
            scope_kind=scope.kind,
            region=found,
            period_start=period.start,
            period_end=period.end,
            language="nl",
        )
        report = documents.build(run)
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        if pdf:
            Path(pdf).write_bytes(report.content)
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "report.pdf"
            source.write_bytes(report.content)
            for page in range(1, min(pages, report.pages) + 1):
                target = out_dir / f"report-page-{page}"
                subprocess.run(  # noqa: S603 (our own arguments, no shell)
                    [
                        PDFTOPPM,
                        "-png",
                        "-r",
                        str(resolution),
                        "-f",
                        str(page),
                        "-l",
                        str(page),
                        "-singlefile",
                        str(source),
                        str(target),
                    ],
                    check=True,
                )
                size = target.with_suffix(".png").stat().st_size
                if size > MAX_BYTES:
                    raise CommandError(f"{target}.png is {size} bytes (more than {MAX_BYTES}).")
                self.stdout.write(f"{target}.png ({size // 1000} kB)")
        self.stdout.write(
            self.style.SUCCESS(
                f"{scope.name}, {period.start:%d-%m-%Y}–{period.end:%d-%m-%Y}: "
                f"{report.pages} pages, {len(report.content) // 1000} kB"
            )
        )
