"""PDF progress reports: requesting, the task that claims a run once, the PDF's content
(pdftotext, pdfinfo, pdffonts), the URL fetcher, the pages (persona × page, methods),
the download log, the ready mail, and a real worker making a report end to end."""

import re
import subprocess
import tempfile
import time
import zlib

import pytest
from bs4 import BeautifulSoup
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse

from community.models import Membership
from kit import pdf
from portal.celery import app
from reports import documents, mails, services, tasks
from reports.forms import ReportRequestForm
from reports.metrics import Period, Scope
from reports.models import ReportDownload, ReportRun, private_storage
from tests import factories
from tests.reports.conftest import PERIOD, SECRET_SUPPLIER, make_trajectory


def _request(user, obj, *, language="nl", period=PERIOD) -> ReportRun:
    return services.report_request(
        actor=user, scope=Scope.of(obj), period=period, language=language
    )


def _run(tool, *args, data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        extra = ["-"] if tool == "pdftotext" else []
        result = subprocess.run([tool, *args, handle.name, *extra], capture_output=True, check=True)
    return result.stdout.decode()


def _catalog_language(data: bytes) -> bytes | None:
    """The document's /Lang, read from its (compressed) object streams."""
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            inflated = zlib.decompress(raw)
        except zlib.error:
            continue
        if match := re.search(rb"/Type\s*/Catalog.*?/Lang\s*\(([^)]*)\)", inflated, re.DOTALL):
            return match[1]
        if match := re.search(rb"/Lang\s*\(([^)]*)\).*?/Type\s*/Catalog", inflated, re.DOTALL):
            return match[1]
    return None


def _text(data: bytes) -> str:
    return _run("pdftotext", "-layout", data=data)


@pytest.fixture
def region_run(world, dora, groene_hart, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = _request(dora, groene_hart)
    return run


# --- the task and its services -----------------------------------------------------------


def test_requesting_saves_a_queued_run_and_enqueues_it_on_commit(
    world, dora, groene_hart, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(tasks.report_make, "delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = _request(dora, groene_hart)
        assert queued == []  # not before the commit

    assert len(callbacks) == 1
    assert queued == [run.pk]
    assert run.status == ReportRun.Status.WACHTRIJ
    assert (run.scope_kind, run.region, run.requested_by) == ("regio", groene_hart, dora)
    assert run.history.first().history_user == dora


def test_a_message_delivered_twice_makes_one_report(region_run, mailoutbox, monkeypatch):
    mailed = []
    monkeypatch.setattr(tasks.report_ready_mail, "delay", mailed.append)

    assert tasks.report_make(region_run.pk) == ReportRun.Status.KLAAR
    assert tasks.report_make(region_run.pk) is None

    region_run.refresh_from_db()
    assert region_run.status == ReportRun.Status.KLAAR
    assert region_run.progress == 100
    files = private_storage.listdir(region_run.file.name.rsplit("/", 1)[0])[1]
    assert files == [region_run.file.name.rsplit("/", 1)[1]]
    assert region_run.size == private_storage.size(region_run.file.name)
    assert region_run.pages >= 4
    assert [h.status for h in region_run.history.order_by("history_date")] == [
        "wachtrij",
        "bezig",
        "klaar",
    ]


# A message delivered again while an attempt is alive, or after its worker died:
# tests/reports/test_worker_lost.py.


def test_progress_is_recorded_as_the_sections_are_made(region_run, monkeypatch):
    seen = []
    build = documents.build

    def watching(run, *, progress):
        def record(percentage):
            progress(percentage)
            seen.append(ReportRun.objects.get(pk=run.pk).progress)

        return build(run, progress=record)

    monkeypatch.setattr(documents, "build", watching)
    services.report_make(run_id=region_run.pk)

    assert seen == sorted(seen)
    assert 0 < seen[0] < seen[-1] < 100


def test_an_error_fails_the_run_with_a_reason_and_its_requester_retries_it(
    region_run, dora, bob, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(run, *, progress):
        raise RuntimeError("disk full at /secret/path")

    monkeypatch.setattr(documents, "build", broken)
    services.report_make(run_id=region_run.pk)
    region_run.refresh_from_db()
    assert region_run.status == ReportRun.Status.MISLUKT
    assert region_run.error == services.FAILED
    assert "secret" not in region_run.error

    with pytest.raises(services.PermissionDenied):
        services.report_retry(actor=bob, run=region_run)

    queued = []
    monkeypatch.setattr(tasks.report_make, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_retry(actor=dora, run=region_run)
    region_run.refresh_from_db()
    assert (region_run.status, region_run.error, queued) == ("wachtrij", "", [region_run.pk])


# --- the PDF ---------------------------------------------------------------------------


def test_the_pdf_holds_the_scope_and_its_figures_tagged_in_dutch_with_fonts_embedded(
    region_run,
):
    services.report_make(run_id=region_run.pk)
    region_run.refresh_from_db()
    data = region_run.file.read()

    info = _run("pdfinfo", data=data)
    assert "Tagged:          yes" in info
    assert f"Pages:           {region_run.pages}" in info
    assert "Title:           Voortgangsrapportage Groene Hart" in info
    assert _catalog_language(data) == b"nl"
    text = _text(data)
    assert "Groene Hart" in text
    assert "1 januari 2026 tot en met 31 december 2026" in text
    assert f"pagina 1 van {region_run.pages}" not in text  # the cover has no number
    assert f"pagina 2 van {region_run.pages}" in text
    # The same figures as the dashboard: 6 trajectories of the Groene Hart in 2026.
    figures = documents.summary(
        {
            name: function(region_run.scope, region_run.period, region_run.requested_by)
            for name, function in documents.metrics.FIGURES
        }
    )
    assert figures[0][1] == 6
    assert "Trajecten in de periode" in text
    assert SECRET_SUPPLIER not in text
    fonts = _run("pdffonts", data=data).splitlines()[2:]
    assert fonts
    # Every font embedded, and every one the bundled font (no system-font surprises).
    assert all(" yes " in line and "Portal-Sans" in line for line in fonts), fonts


def test_an_english_requester_gets_an_english_report(world, dora, alfa):
    run = _request(dora, alfa, language="en")
    services.report_make(run_id=run.pk)
    run.refresh_from_db()
    data = run.file.read()

    assert _catalog_language(data) == b"en"
    text = _text(data)
    assert "Gemeente Alfa" in text
    assert "January 2026" in text
    assert "Voortgangsrapportage" not in text


# --- the URL fetcher -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/logo.png",
        "http://127.0.0.1:8000/static/fonts/DejaVuSans.ttf",
        "file:///etc/passwd",
        "data:text/html,<p>hoi</p>",
        pdf.asset_url("../../etc/passwd"),
        pdf.asset_url("fonts/bestaat-niet.ttf"),
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(pdf.RefusedURL):
        pdf.StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_our_fonts_and_css():
    response = pdf.StaticOnlyFetcher().fetch(pdf.asset_url("fonts/DejaVuSans.ttf"))
    assert response.read()[:4] == b"\x00\x01\x00\x00"


def test_a_document_asking_for_a_file_url_fails_instead_of_reading_it():
    html = (
        '<html lang="nl"><title>x</title><body><img src="file:///etc/passwd" alt=""></body></html>'
    )
    with pytest.raises(pdf.RefusedURL):
        pdf.render(html, title="x", language="nl")


def test_urls_in_titles_are_text_and_never_fetched(world, dora, alfa, monkeypatch):
    for title in (
        '<img src="https://example.com/spion.png"> Afgerond',
        '<img src="file:///etc/passwd"> Ook afgerond',
    ):
        make_trajectory(alfa, phase=6, status="afgerond", closed_on=PERIOD.end, title=title)
    fetched = []
    fetch = pdf.StaticOnlyFetcher.fetch
    monkeypatch.setattr(
        pdf.StaticOnlyFetcher,
        "fetch",
        lambda self, url, headers=None: fetched.append(url) or fetch(self, url, headers),
    )
    run = _request(dora, alfa)
    services.report_make(run_id=run.pk)
    run.refresh_from_db()

    assert run.status == ReportRun.Status.KLAAR
    assert fetched
    assert all(url.startswith(pdf.static_prefix()) for url in fetched)
    text = _text(run.file.read())
    assert "https://example.com/spion.png" in text
    assert "file:///etc/passwd" in text


# --- the pages -------------------------------------------------------------------------


@pytest.fixture
def finished(region_run):
    services.report_make(run_id=region_run.pk)
    region_run.refresh_from_db()
    return region_run


@pytest.fixture
def other_bestuurder(charlie_org):
    user = factories.UserFactory(email="olga@charlie.example", full_name="Olga Overbeek")
    factories.MembershipFactory(
        user=user, organisation=charlie_org, role=Membership.Role.BESTUURDER
    )
    return user


# The Groene Hart report requested by dora (bestuurder Alfa): the region's bestuurders,
# its coordinator and staff see it; alice (inkoper) does not see the region, nor the
# bestuurder of another organisation.
RUN_VIEWERS = {"dora": 200, "bob": 200, "alice": 404, "charlie": 404, "other_bestuurder": 404}


@pytest.mark.parametrize("persona", sorted(RUN_VIEWERS))
@pytest.mark.parametrize("page", ["report_detail", "report_download"])
def test_who_sees_a_run_and_its_file(finished, client, request, persona, page):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse(f"reports:{page}", args=[finished.pk]))

    assert response.status_code == RUN_VIEWERS[persona]
    assert ReportDownload.objects.count() == (
        1 if page == "report_download" and RUN_VIEWERS[persona] == 200 else 0
    )


@pytest.mark.parametrize("page", ["report_list", "report_detail", "report_download"])
def test_anonymous_visitors_are_sent_to_log_in(finished, client, page):
    args = [] if page == "report_list" else [finished.pk]
    response = client.get(reverse(f"reports:{page}", args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_wrong_methods_are_refused(finished, client, dora):
    client.force_login(dora)
    assert client.post(reverse("reports:report_detail", args=[finished.pk])).status_code == 405
    assert client.post(reverse("reports:report_download", args=[finished.pk])).status_code == 405
    assert client.get(reverse("reports:report_retry", args=[finished.pk])).status_code == 405
    assert client.put(reverse("reports:report_list")).status_code == 405


def test_the_download_is_an_uncached_attachment_logged_each_time(finished, client, bob):
    client.force_login(bob)
    url = reverse("reports:report_download", args=[finished.pk])

    first = client.get(url)
    client.get(url)

    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"].startswith("attachment;")
    assert "no-store" in first["Cache-Control"]
    assert b"".join(first.streaming_content)[:5] == b"%PDF-"
    assert list(ReportDownload.objects.values_list("user", flat=True)) == [bob.pk, bob.pk]


def test_losing_access_refuses_the_download(finished, client, dora):
    dora.memberships.update(ended_at=finished.requested_at)
    client.force_login(dora)
    response = client.get(reverse("reports:report_download", args=[finished.pk]))
    assert response.status_code == 404
    assert not ReportDownload.objects.exists()


def test_the_run_page_polls_until_done_and_offers_the_download(region_run, client, dora):
    client.force_login(dora)
    url = reverse("reports:report_detail", args=[region_run.pk])

    waiting = BeautifulSoup(client.get(url).content, "html.parser")
    status = waiting.select_one("[data-testid=report-status]")
    assert status["data-status"] == "wachtrij"
    assert status["hx-get"] == url
    assert "every" in status["hx-trigger"]

    services.report_make(run_id=region_run.pk)
    part = client.get(url, headers={"HX-Request": "true"})
    soup = BeautifulSoup(part.content, "html.parser")
    status = soup.select_one("[data-testid=report-status]")
    assert status["data-status"] == "klaar"
    assert not status.has_attr("hx-get")  # polling stops
    assert soup.select_one("[data-testid=download]")["href"] == reverse(
        "reports:report_download", args=[region_run.pk]
    )
    assert soup.select_one("html") is None  # only the part


def test_a_failed_run_shows_its_reason_and_a_retry_for_its_requester_only(
    region_run, client, dora, bob, monkeypatch
):
    services.report_fail(run=region_run, reason=services.FAILED)
    url = reverse("reports:report_detail", args=[region_run.pk])
    retry = reverse("reports:report_retry", args=[region_run.pk])

    client.force_login(bob)
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    assert soup.select_one("[data-testid=reason]") is not None
    assert soup.select_one("[data-testid=retry-form]") is None
    assert client.post(retry).status_code == 403

    client.force_login(dora)
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    assert soup.select_one("[data-testid=retry-form]")["action"] == retry
    monkeypatch.setattr(tasks.report_make, "delay", lambda run_id: None)
    response = client.post(retry)
    assert response.status_code == 302
    assert response["Location"] == url
    region_run.refresh_from_db()
    assert region_run.status == ReportRun.Status.WACHTRIJ


def test_a_bestuurder_requests_a_report_of_a_scope_she_may_view(
    world, client, dora, groene_hart, zwolle, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.report_make, "delay", queued.append)
    client.force_login(dora)
    page = BeautifulSoup(client.get(reverse("reports:report_list")).content, "html.parser")
    options = {o["value"] for o in page.select("select[name=bereik] option") if o["value"]}
    assert options == {f"organisatie-{world_alfa(dora)}", f"regio-{groene_hart.pk}"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:report_list"),
            {"bereik": f"regio-{groene_hart.pk}", "periode": "kwartaal-2026-2"},
        )
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run.get_absolute_url()
    assert (run.region, run.period, run.language) == (
        groene_hart,
        Period.quarter(2026, 2),
        "nl",
    )
    assert queued == [run.pk]


def world_alfa(user):
    return user.memberships.get().organisation_id


def test_a_scope_she_may_not_view_is_an_error_and_keeps_what_was_typed(world, client, dora, zwolle):
    client.force_login(dora)
    response = client.post(
        reverse("reports:report_list"),
        {"bereik": f"regio-{zwolle.pk}", "periode": "aangepast", "van": "2026-02-01"},
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    links = {a["href"] for a in soup.select("[data-testid=error-summary] a")}
    assert {"#id_bereik", "#id_tot"} <= links
    assert soup.select_one("input[name=van]")["value"] == "2026-02-01"
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize(
    "key",
    ["regio-abc", "regio-", "regio-99999999999999999999", "land-1", "regio-١", "", "-", "x" * 300],
)
def test_a_key_naming_no_scope_is_an_error_not_a_crash(world, client, dora, key):
    client.force_login(dora)
    response = client.post(reverse("reports:report_list"), {"bereik": key, "periode": "jaar-2026"})
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert "#id_bereik" in {a["href"] for a in soup.select("[data-testid=error-summary] a")}
    assert not ReportRun.objects.exists()


def test_a_request_looks_up_only_the_scope_it_names(
    world, client, dora, groene_hart, monkeypatch, django_assert_num_queries
):
    """The options (every organisation, region and themegroup the reader may choose) are
    listed only to show the form; a valid request looks up its one scope."""
    monkeypatch.setattr(tasks.report_make, "delay", lambda run_id: None)
    client.force_login(dora)
    data = {"bereik": f"regio-{groene_hart.pk}", "periode": "jaar-2026"}
    client.post(reverse("reports:report_list"), data)  # the session's first request
    with django_assert_num_queries(7) as counted:
        assert client.post(reverse("reports:report_list"), data).status_code == 302
    tables = " ".join(query["sql"] for query in counted.captured_queries)
    assert 'community_themegroup"' not in tables.replace("community_themegroupmembership", "")
    assert tables.count('FROM "community_region"') == 1
    assert 'FROM "community_organisation"' not in tables


def test_a_scope_looked_up_for_one_reader_is_not_lent_to_the_next(
    world, dora, charlie, groene_hart
):
    key = f"regio-{groene_hart.pk}"
    assert ReportRequestForm({"bereik": key, "periode": "jaar-2026"}, user=dora).is_valid()
    other = ReportRequestForm({"bereik": key, "periode": "jaar-2026"}, user=charlie)
    assert not other.is_valid()
    assert "bereik" in other.errors


def test_the_list_shows_mine_and_others_finished_reports_in_constant_queries(
    world, client, dora, bob, alfa, groene_hart, django_assert_max_num_queries
):
    def rows():
        for user, obj in ((dora, groene_hart), (bob, groene_hart), (dora, alfa)):
            run = _request(user, obj)
            ReportRun.objects.filter(pk=run.pk).update(status="klaar")

    rows()
    client.force_login(dora)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("reports:report_list"))
    rows()
    rows()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("reports:report_list"))
    soup = BeautifulSoup(response.content, "html.parser")
    assert len(soup.select("[data-testid=mijn] tbody tr")) == 6
    assert len(soup.select("[data-testid=anderen] tbody tr")) == 3


# --- the mail --------------------------------------------------------------------------


def test_the_ready_mail_links_to_the_run_and_attaches_nothing(finished, dora, settings):
    assert mails.report_ready_send(run_id=finished.pk) == 1
    (message,) = mail.outbox
    assert message.to == [dora.email]
    assert f"{settings.SITE_URL}{finished.get_absolute_url()}" in message.body
    assert message.attachments == []
    assert "Groene Hart" in message.subject


def test_no_ready_mail_for_a_requester_who_lost_access(finished, dora):
    dora.memberships.update(ended_at=finished.requested_at)
    assert mails.report_ready_send(run_id=finished.pk) == 0


# --- a real worker ---------------------------------------------------------------------


@pytest.mark.integration
def test_a_real_worker_makes_a_report_end_to_end(
    client, transactional_db, world, dora, groene_hart, mailoutbox
):
    assert django_settings.REDIS_URL, "This needs a real Redis: run it through `make test`."
    app.control.purge()
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        queues=["celery", "reports"],
    ):
        client.force_login(dora)
        response = client.post(
            reverse("reports:report_list"),
            {"bereik": f"regio-{groene_hart.pk}", "periode": "jaar-2026"},
        )
        assert response.status_code == 302
        run = ReportRun.objects.get()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.is_done and mailoutbox:
                break
            time.sleep(0.2)
    assert run.status == ReportRun.Status.KLAAR, run.error
    assert run.file.read()[:5] == b"%PDF-"
    assert [m.to for m in mailoutbox] == [[dora.email]]


# --- commitments, maturity and the map in the PDF --------------------------------------


@pytest.fixture
def mapped_region(agreements, maturity_world, alfa, beta):
    """Alfa and Beta as two municipalities of the drawing (Alphen aan den Rijn, Gouda)."""
    alfa.cbs_code, beta.cbs_code = "GM0484", "GM0513"
    alfa.save()
    beta.save()


def test_the_region_pdf_holds_the_map_commitments_and_maturity_tagged_with_fonts_embedded(
    mapped_region, dora, groene_hart, tmp_path
):
    run = _request(dora, groene_hart)
    services.report_make(run_id=run.pk)
    run.refresh_from_db()
    data = run.file.read()
    (tmp_path / "regio.pdf").write_bytes(data)

    info = _run("pdfinfo", data=data)
    assert "Tagged:          yes" in info
    assert _catalog_language(data) == b"nl"
    fonts = _run("pdffonts", data=data).splitlines()[2:]
    assert all(" yes " in line and "Portal-Sans" in line for line in fonts), fonts
    text = _text(data)
    flat = " ".join(text.split())
    for heading in ("Kaart van de regio", "Toezeggingen uit afspraken", "Volwassenheid per"):
        assert text.count(heading) >= 2, heading  # in the contents and as a section
    # The map's table: every municipality of the drawing, ours with their figure.
    assert "Alphen aan den Rijn" in flat
    assert "Gemeente Alfa" in flat
    assert "Tabel: Kaart: Trajecten in de periode per gemeente" in flat
    # Commitments: the agreements of the region and the national one, not Zwolle's.
    assert "Manifest Groene Hart: Toezegging drie" in flat
    assert "Green Deal" in flat
    assert "Manifest Zwolle" not in flat
    assert "handmatig bijgehouden" in flat
    # Maturity: the anonymous distribution; the ingredient too few assessed is named
    # only as not shown, and no organisation is named with a level.
    assert "Bestuurlijke rugdekking" in flat
    assert "Niet getoond" in flat
    assert "Organisatiebrede KPI's" in flat
    assert "Gemeente Gamma" not in flat
    assert SECRET_SUPPLIER not in flat


def test_an_organisation_pdf_shows_its_own_maturity_to_its_bestuurder(mapped_region, dora, alfa):
    run = _request(dora, alfa)
    services.report_make(run_id=run.pk)
    run.refresh_from_db()
    flat = " ".join(_text(run.file.read()).split())

    assert "Basisingrediënten van Gemeente Alfa" in flat
    assert "gegroeid" in flat  # rugdekking: in ontwikkeling → ingericht
    assert "Kaart van de regio" not in flat  # an organisation has no map
    assert "Toezegging drie" in flat
