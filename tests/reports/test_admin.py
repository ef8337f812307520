"""The admin of reports: staff with MFA list, filter and open report runs (read-only,
the file through the download view) and subscriptions; nobody adds a run there; others
are kept out."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from reports import services
from reports.metrics import Scope
from reports.models import ReportDownload, ReportRun, ReportSubscription
from tests.reports.test_sharing_and_subscriptions import _finished


@pytest.fixture
def rows(dora, bob, alfa, groene_hart):
    done = _finished(dora, groene_hart)
    failed = _finished(dora, alfa, status=ReportRun.Status.MISLUKT)
    ReportDownload.objects.create(run=done, user=bob)
    subscription = services.subscription_create(
        actor=bob, scope=Scope.of(groene_hart), frequency="kwartaal", language="nl"
    )
    return done, failed, subscription


def _soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_staff_list_and_filter_report_runs(rows, client, staff_mfa):
    _done, failed, _subscription = rows
    client.force_login(staff_mfa)
    url = reverse("admin:reports_reportrun_changelist")

    page = _soup(client.get(url))
    assert len(page.select("#result_list tbody tr")) == 2
    filtered = _soup(client.get(url, {"status__exact": "mislukt"}))
    (row,) = filtered.select("#result_list tbody tr")
    assert row.select_one("th a")["href"].startswith(
        reverse("admin:reports_reportrun_change", args=[failed.pk])
    )
    add = reverse("admin:reports_reportrun_add")
    assert page.select_one(f"a[href='{add}']") is None  # runs are requested, not added


def test_a_run_s_page_is_read_only_and_offers_the_file_through_the_download_view(
    rows, client, staff_mfa
):
    done, _failed, _subscription = rows
    client.force_login(staff_mfa)

    page = _soup(client.get(reverse("admin:reports_reportrun_change", args=[done.pk])))

    assert page.select("form#reportrun_form input[name=status], select[name=status]") == []
    download = reverse("reports:report_download", args=[done.pk])
    assert page.select_one(f"a[href='{download}']") is not None
    assert client.get(download).status_code == 200
    assert client.get(reverse("admin:reports_reportrun_add")).status_code == 403


def test_staff_list_filter_and_open_subscriptions(rows, client, staff_mfa):
    _done, _failed, subscription = rows
    client.force_login(staff_mfa)
    url = reverse("admin:reports_reportsubscription_changelist")

    assert len(_soup(client.get(url)).select("#result_list tbody tr")) == 1
    monthly = _soup(client.get(url, {"frequency__exact": "maand"}))
    assert monthly.select("#result_list tbody tr") == []
    change = reverse("admin:reports_reportsubscription_change", args=[subscription.pk])
    page = _soup(client.get(change))
    assert page.select_one("select[name=frequency]") is not None
    assert page.select_one("select[name=user]") is None  # read-only

    response = client.post(change, {"frequency": "maand", "language": "en"})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.frequency, subscription.language) == ("maand", "en")
    assert subscription.history.first().history_user == staff_mfa
    assert ReportSubscription.objects.count() == 1


@pytest.mark.parametrize(
    "name", ["admin:reports_reportrun_changelist", "admin:reports_reportsubscription_changelist"]
)
def test_others_are_kept_out(rows, client, dora, staff, name):
    client.force_login(dora)
    assert client.get(reverse(name)).status_code in (302, 403)
    client.force_login(staff)  # staff without MFA: sent to set it up
    assert client.get(reverse(name))["Location"] == reverse("mfa_activate_totp")
