"""A bestuurder's journey through the PDF reports (/rapportages/) in a real browser.

dora (bestuurder, Gemeente Alfa) asks for a report of the Groene Hart over a quarter,
lands on its page, which says it is queued and polls (htmx); the report is made (the
worker's service, called here) and the page shows it done without a reload, with the
download; the download is a PDF. axe (WCAG 2.1 A/AA) finds no violation on any page
visited, also after the htmx update.
"""

import re

import pytest
from playwright.sync_api import expect

from reports import services, tasks
from reports.models import ReportRun
from tests.browser.axe import assert_accessible
from tests.reports.conftest import world  # noqa: F401 (the hand-made data set)

pytestmark = pytest.mark.browser


def test_a_bestuurder_requests_watches_and_downloads_a_report(
    page,
    login_as,
    world,  # noqa: F811
    dora,
    monkeypatch,
):
    queued = []
    monkeypatch.setattr(tasks.report_make, "delay", queued.append)  # made below instead
    login_as(dora)
    page.goto("/rapportages/")
    assert_accessible(page)

    form = page.locator("[data-testid=report-form]")
    form.get_by_label("Rapportage over").select_option(label="Groene Hart")
    form.get_by_label("Periode").select_option("kwartaal-2026-2")
    form.get_by_role("button", name="Rapportage aanvragen").click()

    expect(page).to_have_url(re.compile(r"/rapportages/\d+/$"))
    status = page.get_by_test_id("report-status")
    expect(status).to_have_attribute("data-status", "wachtrij")
    assert_accessible(page)

    (run_id,) = queued
    services.report_make(run_id=run_id)

    expect(status).to_have_attribute("data-status", "klaar", timeout=15_000)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_test_id("download").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert download.value.suggested_filename.endswith(".pdf")

    page.goto("/rapportages/")
    mine = page.get_by_test_id("mijn")
    expect(mine.locator("tbody tr")).to_have_count(1)
    expect(mine.locator("[data-status]")).to_have_attribute("data-status", "klaar")
    assert ReportRun.objects.get().downloads.get().user == dora
    assert_accessible(page)
