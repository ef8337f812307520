"""`python -m benchmarks reports`: the suite runs end to end on a small scratch database
and prints the dashboards with their targets, a report request and the PDF figures."""

import re
from io import StringIO

import pytest
from django.db import connection

from benchmarks import harness
from benchmarks.reports import Reports


@pytest.fixture(scope="module")
def small_run(django_db_setup, django_db_blocker):
    assert connection.vendor == "postgresql", "run through scripts/with-services.sh (make test)"
    out = StringIO()
    with django_db_blocker.unblock():
        harness.run(Reports(), sizes=[40, 80], rounds=1, out=out)
    return out.getvalue()


def test_the_dashboards_are_measured_with_their_targets(small_run):
    for size in (40, 80):
        assert f"== {size} reports" in small_run
    for scenario, target in (("dashboard_organisation", 3), ("dashboard_region", 5)):
        assert small_run.count(f"  {scenario}") >= 2, scenario
        assert re.search(rf"[✔✘] {scenario}: median .* \(target ≤ {target}×\)", small_run)
        assert re.search(rf"[✔✘] {scenario}: ratio .* \(target ≤ 1.5×\)", small_run)


def test_a_report_request_is_timed_and_nothing_is_left_behind(small_run):
    assert len(re.findall(r"[✔✘] report request: median [\d.]+ ms = [\d.]+× floor", small_run)) == 2


def test_the_region_report_is_made_and_compared_with_a_plain_document(small_run):
    pages = re.findall(r"region report PDF: (\d+) pages, (\d+) KB", small_run)
    assert len(pages) == 2
    assert all(int(n) >= 3 for n, _kb in pages)
    assert len(re.findall(r"[✔✘] PDF layout \d+ ms/page = [\d.]+× a plain", small_run)) == 2
    assert len(re.findall(r"[✔✘] PDF size \d+ KB/page", small_run)) == 2
