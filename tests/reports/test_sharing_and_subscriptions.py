"""Sharing links of finished reports (signed, 7 days, no login, logged) and scheduled
reports (subscriptions managed on /rapportages/, one report per scope, frequency, language
and period, mailed to the subscribers who may still view the scope)."""

import datetime
from datetime import timedelta
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from community.models import Membership
from reports import mails, services, tasks
from reports.metrics import Period, Scope
from reports.models import ReportDownload, ReportRun, ReportSubscription
from tests import factories

D = datetime.date
PDF = b"%PDF-1.7 een rapportage"


def _finished(user, obj, *, status=ReportRun.Status.KLAAR) -> ReportRun:
    """A finished run of `user` (no PDF rendering: the file is a stand-in)."""
    scope = Scope.of(obj)
    run = ReportRun(
        requested_by=user,
        scope_kind=scope.kind,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        language="nl",
        status=status,
    )
    setattr(run, services.SCOPE_FIELDS[scope.kind], obj)
    run.save()
    if status == ReportRun.Status.KLAAR:
        run.file.save("rapport.pdf", ContentFile(PDF))
    return run


@pytest.fixture
def run(dora, groene_hart):
    return _finished(dora, groene_hart)


def _clock(monkeypatch, moment) -> None:
    """The signer's clock (only its own: the database keeps the real time)."""
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=moment.timestamp))


def _share(client, run) -> str:
    """POST "Deel-link maken", follow the redirect and read the link from the page."""
    response = client.post(reverse("reports:report_share", args=[run.pk]))
    assert response.status_code == 302
    soup = BeautifulSoup(client.get(response["Location"]).content, "html.parser")
    return soup.select_one("[data-testid=share-url]")["value"]


# --- sharing links ---------------------------------------------------------------------


def test_the_requester_makes_a_link_that_downloads_without_login_and_is_logged(run, client, dora):
    client.force_login(dora)
    page = BeautifulSoup(
        client.get(reverse("reports:report_detail", args=[run.pk])).content, "html.parser"
    )
    assert page.select_one("[data-testid=share-form]")["action"] == reverse(
        "reports:report_share", args=[run.pk]
    )
    url = _share(client, run)
    assert url.startswith("http")

    client.logout()
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
    download = ReportDownload.objects.get()
    assert (download.run, download.user, download.via_link) == (run, None, True)


def test_only_the_requester_sees_the_button_others_get_403_and_outsiders_404(
    run, client, bob, alice, charlie
):
    url = reverse("reports:report_share", args=[run.pk])
    detail = reverse("reports:report_detail", args=[run.pk])

    client.force_login(bob)  # coordinator of the region: reads the run
    soup = BeautifulSoup(client.get(detail).content, "html.parser")
    assert soup.select_one("[data-testid=share-form]") is None
    assert client.post(url).status_code == 403

    for outsider in (alice, charlie):  # may not read the region's reports
        client.force_login(outsider)
        assert client.post(url).status_code == 404


def test_an_unfinished_run_is_not_shared(dora, groene_hart, client):
    failed = _finished(dora, groene_hart, status=ReportRun.Status.MISLUKT)
    client.force_login(dora)
    soup = BeautifulSoup(
        client.get(reverse("reports:report_detail", args=[failed.pk])).content, "html.parser"
    )
    assert soup.select_one("[data-testid=share-form]") is None
    assert client.post(reverse("reports:report_share", args=[failed.pk])).status_code == 403


def test_a_tampered_link_is_not_found(run, client, dora):
    client.force_login(dora)
    url = _share(client, run)
    client.logout()
    token = url.rstrip("/").rsplit("/", 1)[1]
    other = _finished(dora, run.region)

    tampered = [
        url.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB")),
        reverse("reports:report_shared", args=[signing.dumps(other.pk, salt="andere-salt")]),
        reverse("reports:report_shared", args=["zomaar-iets"]),
        # A link to another run made with the right salt is only made by the portal.
        reverse("reports:report_shared", args=[token.replace(":", "x:", 1)]),
    ]
    for address in tampered:
        assert client.get(address).status_code == 404, address
    assert not ReportDownload.objects.exists()


def test_an_expired_link_answers_gone(run, client, dora, monkeypatch):
    client.force_login(dora)
    url = _share(client, run)
    client.logout()
    later = timezone.now() + services.SHARE_VALID + timedelta(minutes=1)
    _clock(monkeypatch, later)

    response = client.get(url)

    assert response.status_code == 410
    assert BeautifulSoup(response.content, "html.parser").select_one("[data-testid=share-expired]")
    assert not ReportDownload.objects.exists()


def test_a_link_still_works_just_before_it_expires(run, client, dora, monkeypatch):
    client.force_login(dora)
    url = _share(client, run)
    client.logout()
    almost = timezone.now() + services.SHARE_VALID - timedelta(minutes=1)
    _clock(monkeypatch, almost)
    assert client.get(url).status_code == 200


def test_a_link_stops_when_its_requester_loses_access(run, client, dora):
    client.force_login(dora)
    url = _share(client, run)
    client.logout()
    dora.memberships.update(ended_at=timezone.now() - timedelta(minutes=1))
    assert client.get(url).status_code == 404


def test_wrong_methods_on_sharing_are_refused(run, client, dora):
    client.force_login(dora)
    assert client.get(reverse("reports:report_share", args=[run.pk])).status_code == 405
    url = _share(client, run)
    client.logout()
    assert client.post(url).status_code == 405


# --- subscriptions: the pages ------------------------------------------------------------


def test_a_coordinator_subscribes_the_region_quarterly_and_sees_it_listed(client, bob, groene_hart):
    client.force_login(bob)
    form = BeautifulSoup(client.get(reverse("reports:subscription_create")).content, "html.parser")
    options = {o["value"] for o in form.select("select[name=bereik] option") if o["value"]}
    assert f"regio-{groene_hart.pk}" in options

    response = client.post(
        reverse("reports:subscription_create"),
        {"bereik": f"regio-{groene_hart.pk}", "frequentie": "kwartaal", "taal": "nl"},
    )

    assert response.status_code == 302
    subscription = ReportSubscription.objects.get()
    assert (subscription.user, subscription.region, subscription.frequency) == (
        bob,
        groene_hart,
        "kwartaal",
    )
    assert subscription.history.first().history_user == bob
    page = BeautifulSoup(client.get(reverse("reports:report_list")).content, "html.parser")
    rows = page.select("[data-testid=subscription-table] tbody tr")
    assert [row["data-subscription"] for row in rows] == [str(subscription.pk)]


def test_a_subscription_to_a_scope_she_may_not_view_is_an_error_keeping_the_input(
    client, dora, zwolle, groene_hart
):
    client.force_login(dora)
    response = client.post(
        reverse("reports:subscription_create"),
        {"bereik": f"regio-{zwolle.pk}", "frequentie": "maand", "taal": "en"},
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert "#id_bereik" in {a["href"] for a in soup.select("[data-testid=error-summary] a")}
    assert soup.select_one("input[name=frequentie][value=maand]").has_attr("checked")
    assert soup.select_one("select[name=taal] option[value=en]").has_attr("selected")
    assert not ReportSubscription.objects.exists()


def test_the_same_subscription_twice_is_an_error(client, dora, groene_hart):
    client.force_login(dora)
    data = {"bereik": f"regio-{groene_hart.pk}", "frequentie": "maand", "taal": "nl"}
    assert client.post(reverse("reports:subscription_create"), data).status_code == 302
    response = client.post(reverse("reports:subscription_create"), data)
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("select[name=bereik] option[selected]")["value"] == data["bereik"]
    assert ReportSubscription.objects.count() == 1


def test_the_same_subscription_sent_twice_at_once_is_an_error_not_a_crash(
    client, dora, groene_hart, monkeypatch
):
    """Two submissions at once both pass the form's check; the second save meets the
    unique constraint and gets the same Dutch message (400), not a 500."""
    client.force_login(dora)
    data = {"bereik": f"regio-{groene_hart.pk}", "frequentie": "maand", "taal": "nl"}
    create = services.subscription_create

    def racing(**kwargs):
        create(**kwargs)  # the other submission, a moment earlier
        return create(**kwargs)

    monkeypatch.setattr(services, "subscription_create", racing)
    response = client.post(reverse("reports:subscription_create"), data)

    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert "#id_bereik" in {a["href"] for a in soup.select("[data-testid=error-summary] a")}
    assert soup.select_one("select[name=bereik] option[selected]")["value"] == data["bereik"]
    assert ReportSubscription.objects.count() == 1


def test_the_service_refuses_a_duplicate_with_a_validation_error(dora, groene_hart):
    kwargs = {"actor": dora, "scope": Scope.of(groene_hart), "frequency": "maand", "language": "nl"}
    services.subscription_create(**kwargs)
    with pytest.raises(ValidationError) as error:
        services.subscription_create(**kwargs)
    assert error.value.code == "duplicate"
    assert ReportSubscription.objects.count() == 1


def test_making_a_link_redirects_so_a_refresh_does_not_post_again(run, client, dora):
    client.force_login(dora)
    detail = reverse("reports:report_detail", args=[run.pk])

    response = client.post(reverse("reports:report_share", args=[run.pk]))

    assert response.status_code == 302
    assert response["Location"] == detail + "#delen-titel"
    first = client.get(detail)
    again = client.get(detail)  # a refresh: a GET, the same link
    links = [
        BeautifulSoup(page.content, "html.parser").select_one("[data-testid=share-url]")["value"]
        for page in (first, again)
    ]
    assert links[0] == links[1]
    assert "no-store" in first["Cache-Control"]
    assert client.get(links[0]).status_code == 200


def test_the_link_of_this_session_is_not_shown_to_another_reader(run, client, dora, bob):
    client.force_login(dora)
    client.post(reverse("reports:report_share", args=[run.pk]))
    client.force_login(bob)  # another session
    page = BeautifulSoup(
        client.get(reverse("reports:report_detail", args=[run.pk])).content, "html.parser"
    )
    assert page.select_one("[data-testid=share-url]") is None


def test_an_expired_link_is_no_longer_shown_on_the_page(run, client, dora, monkeypatch):
    client.force_login(dora)
    client.post(reverse("reports:report_share", args=[run.pk]))
    later = timezone.now() + timedelta(days=8)
    monkeypatch.setattr(timezone, "now", lambda: later)
    page = BeautifulSoup(
        client.get(reverse("reports:report_detail", args=[run.pk])).content, "html.parser"
    )
    assert page.select_one("[data-testid=share-url]") is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_inkoper_may_not_subscribe(client, alice, groene_hart, method):
    client.force_login(alice)
    response = getattr(client, method)(
        reverse("reports:subscription_create"),
        {"bereik": f"organisatie-{alice.memberships.get().organisation_id}", "frequentie": "maand"},
    )
    assert response.status_code == 403
    page = BeautifulSoup(client.get(reverse("reports:report_list")).content, "html.parser")
    assert page.select_one("[data-testid=subscribe]") is None


def test_anonymous_visitors_are_sent_to_log_in_for_subscriptions(client, dora, groene_hart):
    subscription = services.subscription_create(
        actor=dora, scope=Scope.of(groene_hart), frequency="maand", language="nl"
    )
    for method, url in (
        ("get", reverse("reports:subscription_create")),
        ("post", reverse("reports:subscription_delete", args=[subscription.pk])),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_only_one_s_own_subscription_is_ended_and_only_by_post(client, dora, bob, groene_hart):
    subscription = services.subscription_create(
        actor=dora, scope=Scope.of(groene_hart), frequency="maand", language="nl"
    )
    url = reverse("reports:subscription_delete", args=[subscription.pk])

    client.force_login(bob)
    assert client.post(url).status_code == 404
    client.force_login(dora)
    assert client.get(url).status_code == 405
    response = client.post(url)

    assert response.status_code == 302
    assert not ReportSubscription.objects.exists()
    assert ReportSubscription.history.filter(history_type="-").get().history_user == dora


def test_the_subscription_list_is_constant_in_queries(
    client, bob, beta, groene_hart, gww, django_assert_max_num_queries
):
    client.force_login(bob)

    def subscribe(obj, frequency):
        services.subscription_create(
            actor=bob, scope=Scope.of(obj), frequency=frequency, language="nl"
        )

    subscribe(groene_hart, "maand")
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("reports:report_list"))
    subscribe(groene_hart, "kwartaal")
    subscribe(beta, "maand")
    subscribe(gww, "kwartaal")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("reports:report_list"))
    soup = BeautifulSoup(response.content, "html.parser")
    assert len(soup.select("[data-testid=subscription-table] tbody tr")) == 4


# --- subscriptions: the beat task and the mail -------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "today", "period"),
    [
        ("maand", D(2026, 3, 1), Period(D(2026, 2, 1), D(2026, 2, 28))),
        ("maand", D(2026, 1, 15), Period(D(2025, 12, 1), D(2025, 12, 31))),
        ("kwartaal", datetime.date(2026, 4, 1), Period.quarter(2026, 1)),
        ("kwartaal", datetime.date(2026, 2, 10), Period.quarter(2025, 4)),
        ("kwartaal", datetime.date(2026, 12, 31), Period.quarter(2026, 3)),
    ],
)
def test_the_period_just_ended(frequency, today, period):
    assert services.period_just_ended(frequency, today) == period


@pytest.fixture
def subscribed(dora, bob, groene_hart):
    """dora and bob take the quarterly Groene Hart report in Dutch (before April 2026)."""
    for user in (dora, bob):
        subscription = services.subscription_create(
            actor=user, scope=Scope.of(groene_hart), frequency="kwartaal", language="nl"
        )
        ReportSubscription.objects.filter(pk=subscription.pk).update(
            created_at=timezone.make_aware(datetime.datetime(2026, 2, 1))
        )


def test_a_scheduled_report_is_made_once_per_period(
    subscribed, groene_hart, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.report_make, "delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        made = services.scheduled_reports_make(today=datetime.date(2026, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        again = services.scheduled_reports_make(today=datetime.date(2026, 4, 2))

    (run,) = made
    assert again == []
    assert queued == [run.pk]
    assert ReportRun.objects.count() == 1
    assert (run.region, run.period, run.language, run.requested_by) == (
        groene_hart,
        Period.quarter(2026, 1),
        "nl",
        None,
    )
    # The next quarter: a new report.
    with django_capture_on_commit_callbacks(execute=True):
        (next_run,) = services.scheduled_reports_make(today=datetime.date(2026, 7, 1))
    assert next_run.period == Period.quarter(2026, 2)


def test_the_beat_task_runs_the_service_and_is_scheduled(subscribed, monkeypatch):
    monkeypatch.setattr(tasks.report_make, "delay", lambda run_id: None)
    assert PeriodicTask.objects.filter(task="reports.tasks.scheduled_reports_make").exists()
    assert tasks.scheduled_reports_make() == 1
    assert tasks.scheduled_reports_make() == 0


def test_a_subscription_made_after_the_period_waits_for_the_next(dora, groene_hart, monkeypatch):
    monkeypatch.setattr(tasks.report_make, "delay", lambda run_id: None)
    services.subscription_create(
        actor=dora, scope=Scope.of(groene_hart), frequency="maand", language="nl"
    )
    today = timezone.localdate()
    assert services.scheduled_reports_make(today=today) == []


def _scheduled_finished(groene_hart) -> ReportRun:
    (run,) = services.scheduled_reports_make(today=datetime.date(2026, 4, 1))
    run.file.save("rapport.pdf", ContentFile(PDF), save=False)
    run.status = ReportRun.Status.KLAAR
    run.save()
    return run


def test_the_mail_goes_to_each_subscriber_who_still_may_view_the_scope(
    subscribed, dora, bob, groene_hart, monkeypatch, settings
):
    monkeypatch.setattr(tasks.report_make, "delay", lambda run_id: None)
    run = _scheduled_finished(groene_hart)
    # dora is no longer bestuurder of Alfa: she no longer sees the region.
    dora.memberships.update(ended_at=timezone.now() - timedelta(minutes=1))
    # An inkoper of the region with a (stale) subscription does not see the region either.
    ingrid = factories.UserFactory(email="ingrid@beta.example")
    factories.MembershipFactory(
        user=ingrid,
        organisation=bob.memberships.get().organisation,
        role=Membership.Role.INKOPER,
    )
    ReportSubscription.objects.create(
        user=ingrid,
        scope_kind="regio",
        region=groene_hart,
        frequency="kwartaal",
        language="nl",
    )
    ReportSubscription.objects.filter(user=ingrid).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 2, 1))
    )

    assert mails.report_ready_send(run_id=run.pk) == 1

    (message,) = mail.outbox
    assert message.to == [bob.email]
    assert f"{settings.SITE_URL}{run.get_absolute_url()}" in message.body
    assert message.attachments == []


def test_no_mail_to_who_ended_the_subscription_or_takes_another_frequency(
    subscribed, dora, bob, groene_hart, monkeypatch
):
    monkeypatch.setattr(tasks.report_make, "delay", lambda run_id: None)
    run = _scheduled_finished(groene_hart)
    ReportSubscription.objects.filter(user=dora).delete()
    services.subscription_create(
        actor=dora, scope=Scope.of(groene_hart), frequency="maand", language="nl"
    )
    ReportSubscription.objects.filter(user=bob).update(language="en")

    assert mails.report_ready_send(run_id=run.pk) == 0
    assert mail.outbox == []


def test_a_scheduled_report_is_listed_for_its_readers_without_a_share_button(
    subscribed, bob, groene_hart, client, monkeypatch
):
    monkeypatch.setattr(tasks.report_make, "delay", lambda run_id: None)
    run = _scheduled_finished(groene_hart)
    client.force_login(bob)

    page = BeautifulSoup(client.get(reverse("reports:report_list")).content, "html.parser")
    assert [row["data-run"] for row in page.select("[data-testid=anderen] tbody tr")] == [
        str(run.pk)
    ]
    detail = client.get(reverse("reports:report_detail", args=[run.pk]))
    assert detail.status_code == 200
    soup = BeautifulSoup(detail.content, "html.parser")
    assert soup.select_one("[data-testid=share-form]") is None
    assert client.post(reverse("reports:report_share", args=[run.pk])).status_code == 403


def test_a_scheduled_report_is_made_and_mailed_end_to_end(
    subscribed, dora, bob, groene_hart, monkeypatch, django_capture_on_commit_callbacks
):
    """The beat task's run goes through the worker's task (no requester: an anonymous
    reader) and its ready mail reaches both subscribers."""
    queued = []
    monkeypatch.setattr(tasks.report_make, "delay", queued.append)
    monkeypatch.setattr(tasks.report_ready_mail, "delay", tasks.report_ready_mail)
    with django_capture_on_commit_callbacks(execute=True):
        services.scheduled_reports_make(today=datetime.date(2026, 4, 1))
    (run_id,) = queued

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.report_make(run_id) == ReportRun.Status.KLAAR

    run = ReportRun.objects.get(pk=run_id)
    assert run.file
    assert run.pages >= 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted([dora.email, bob.email])
