"""A coordinator's journey through scheduled reports and sharing links in a real browser.

bob (coordinator, Groene Hart) opens /rapportages/, adds a subscription: an empty form
shows the error summary, then he subscribes the Groene Hart to a quarterly report and
sees it under "Mijn abonnementen"; he makes a sharing link of his own finished report and
the link downloads the PDF in a fresh browser context without login; he ends the
subscription. axe (WCAG 2.1 A/AA) finds no violation on any page visited.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from reports.models import ReportRun, ReportSubscription
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser


def test_a_coordinator_subscribes_the_region_and_shares_a_report(
    page, browser, live_server, login_as, bob, groene_hart
):
    run = ReportRun.objects.create(
        requested_by=bob,
        scope_kind="regio",
        region=groene_hart,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        language="nl",
        status=ReportRun.Status.KLAAR,
        pages=1,
        size=20,
    )
    run.file.save("rapport.pdf", ContentFile(b"%PDF-1.7 een rapportage"))
    login_as(bob)

    page.goto("/rapportages/")
    assert_accessible(page)
    page.get_by_test_id("subscribe").click()
    form = page.get_by_test_id("subscription-form")
    form.get_by_role("button", name="Abonnement opslaan").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    assert_accessible(page)

    form = page.get_by_test_id("subscription-form")
    form.get_by_label("Rapportage over").select_option(label="Groene Hart")
    form.get_by_label("Elk kwartaal").check()
    form.get_by_role("button", name="Abonnement opslaan").click()

    rows = page.get_by_test_id("subscription-table").locator("tbody tr")
    expect(rows).to_have_count(1)
    subscription = ReportSubscription.objects.get()
    assert (subscription.user, subscription.region, subscription.frequency) == (
        bob,
        groene_hart,
        "kwartaal",
    )
    assert_accessible(page)

    page.goto(f"/rapportages/{run.pk}/")
    page.get_by_test_id("share-form").get_by_role("button").click()
    link = page.get_by_label("Deel-link")
    expect(link).to_be_visible()
    url = link.input_value()
    assert_accessible(page)

    stranger = browser.new_context(base_url=live_server.url)
    try:
        response = stranger.request.get(url)
        assert response.status == 200
        assert response.body().startswith(b"%PDF-")
    finally:
        stranger.close()
    assert run.downloads.get().via_link

    page.goto("/rapportages/")
    rows.first.get_by_role("button", name="Opzeggen").click()
    expect(page.get_by_test_id("subscription-table")).to_have_count(0)
    assert not ReportSubscription.objects.exists()
    assert_accessible(page)
