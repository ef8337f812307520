"""The trajectory pages end to end through the test client: list, page, forms, phase
actions, answers, team, KPIs, documents, closing and turning a trajectory into a case."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from community.models import ProductCategory, Themegroup
from procurement import forms, reference, services
from procurement.models import (
    GuidingQuestion,
    PhaseProgress,
    QuestionAnswer,
    RStrategy,
    Trajectory,
)
from tests.procurement.factories import TrajectoryFactory

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\xdac\xfc\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
    b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def trajectory(guidance, alfa, alice):
    trajectory = services.trajectory_create(
        actor=alice,
        organisation=alfa,
        title="Kantoormeubilair stadhuis",
        procurement_type="levering",
        need_description="Nieuwe werkplekken zonder nieuw meubilair.",
        estimated_value=Decimal("250000"),
        supplier="Meubel B.V.",
        notes="Budget nog niet rond.",
        r_level_target=RStrategy.objects.get(pk=1),
    )
    services.trajectory_phase_start(
        actor=alice, trajectory=trajectory, number=1, started_on=timezone.localdate()
    )
    return trajectory


def detail_url(trajectory):
    return reverse("procurement:trajectory_detail", args=[trajectory.pk])


# --- list ------------------------------------------------------------------------------


def test_the_list_shows_own_and_region_trajectories_without_confidential_values(
    client, trajectory, bob, charlie, beta
):
    TrajectoryFactory(organisation=beta, title="Beta-traject", estimated_value=999_999)
    client.force_login(bob)
    page = soup(client.get(reverse("procurement:trajectory_list")))
    rows = page.select("[data-testid=trajectory-row]")
    assert {row["data-id"] for row in rows} == {str(t.pk) for t in Trajectory.objects.all()}
    by_id = {row["data-id"]: row for row in rows}
    alfa_value = by_id[str(trajectory.pk)].select_one("[data-testid=estimated-value]")
    assert "250" not in alfa_value.get_text()
    assert "999" in by_id[str(Trajectory.objects.get(title="Beta-traject").pk)].get_text()


def test_another_region_sees_nothing(client, trajectory, charlie):
    client.force_login(charlie)
    page = soup(client.get(reverse("procurement:trajectory_list")))
    assert page.select("[data-testid=trajectory-row]") == []
    assert client.get(detail_url(trajectory)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, trajectory):
    response = client.get(reverse("procurement:trajectory_list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_facets_count_with_the_other_facets_choices(client, alice, alfa, trajectory, guidance):
    TrajectoryFactory(organisation=alfa, procurement_type="werk", status="afgerond")
    TrajectoryFactory(organisation=alfa, procurement_type="werk")
    client.force_login(alice)
    page = soup(client.get(reverse("procurement:trajectory_list"), {"soort": "werk"}))
    assert len(page.select("[data-testid=trajectory-row]")) == 2
    counts = {
        (box["name"], box["value"]): int(box.find_next("span")["data-count"])
        for box in page.select(".portal-facet input")
    }
    # Its own facet ignores the choice (werk 2, levering 1); others apply it.
    assert counts[("soort", "werk")] == 2
    assert counts[("soort", "levering")] == 1
    assert counts[("status", "afgerond")] == 1
    assert counts[("status", "lopend")] == 1


def test_search_finds_by_need_and_never_errors(client, alice, trajectory):
    client.force_login(alice)
    found = soup(client.get(reverse("procurement:trajectory_list"), {"q": "werkplekken"}))
    assert len(found.select("[data-testid=trajectory-row]")) == 1
    for text in ["'", "&|!:*", "(" * 300, "\x00", "ë" * 5000]:
        assert client.get(reverse("procurement:trajectory_list"), {"q": text}).status_code == 200


def test_the_export_has_confidential_columns_only_for_own_rows(client, alice, bob, trajectory):
    client.force_login(alice)
    own = client.get(reverse("procurement:trajectory_export", args=["csv"]))
    rows = list(
        csv.reader(io.StringIO(b"".join(own.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    assert len(rows[0]) == 12
    assert rows[1][-2] == "250000.00"
    client.force_login(bob)
    other = client.get(reverse("procurement:trajectory_export", args=["csv"]))
    text = b"".join(other.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows[0]) == 10
    assert "250000" not in text
    assert "Meubel" not in text
    assert client.get(reverse("procurement:trajectory_export", args=["pdf"])).status_code == 404


# --- page ------------------------------------------------------------------------------


def test_the_page_shows_confidential_fields_to_the_own_organisation_only(
    client, trajectory, alice, dora, bob
):
    for user in (alice, dora):
        client.force_login(user)
        page = soup(client.get(detail_url(trajectory)))
        assert page.select_one("[data-testid=estimated-value]") is not None
        assert page.select_one("[data-testid=notes]") is not None
    client.force_login(bob)
    response = client.get(detail_url(trajectory))
    page = soup(response)
    assert page.select_one("[data-testid=estimated-value]") is None
    assert page.select_one("[data-testid=notes]") is None
    assert b"Meubel" not in response.content
    assert b"Budget nog niet" not in response.content
    assert page.select_one("[data-testid=confidential-hidden]") is not None


def test_the_page_shows_the_timeline_guidance_and_questions_up_to_the_ambition(
    client, trajectory, alice
):
    client.force_login(alice)
    page = soup(client.get(detail_url(trajectory)))
    phases = page.select("[data-testid=phase]")
    assert [p["data-status"] for p in phases] == ["bezig"] + ["open"] * 5
    assert phases[0].get("aria-current") == "step"
    assert page.select_one("[data-testid=guidance]") is not None
    shown = set()
    for number in range(1, 7):  # each phase lists its questions when in view
        in_view = soup(client.get(detail_url(trajectory), {"fase": number}))
        shown |= {
            int(q["id"].removeprefix("vraag-")) for q in in_view.select("[data-testid=question]")
        }
    expected = set(
        GuidingQuestion.objects.filter(kind="generiek").values_list("pk", flat=True)
    ) | set(GuidingQuestion.objects.filter(r_level__level__gte=1).values_list("pk", flat=True))
    assert shown == expected
    assert not GuidingQuestion.objects.filter(r_level__level=0, pk__in=shown).exists()


def test_a_bestuurder_reads_but_does_not_get_forms(client, trajectory, dora):
    client.force_login(dora)
    page = soup(client.get(detail_url(trajectory)))
    assert page.select("form[action*='fasen']") == []
    assert page.select_one("[data-testid=edit]") is None


def test_the_threshold_verdict_is_shown_to_confidential_readers_only(
    client, trajectory, alice, bob
):
    client.force_login(alice)
    verdict = soup(client.get(detail_url(trajectory))).select_one("[data-testid=threshold-verdict]")
    assert verdict is not None
    assert verdict["data-above"] == "true"
    client.force_login(bob)
    page = soup(client.get(detail_url(trajectory)))
    assert page.select_one("[data-testid=threshold]") is not None
    assert page.select_one("[data-testid=threshold-verdict]") is None


# --- writing ---------------------------------------------------------------------------


def test_an_inkoper_creates_a_trajectory_which_starts_in_phase_1(client, alice, alfa, guidance):
    client.force_login(alice)
    response = client.post(
        reverse("procurement:trajectory_create"),
        {
            "organisation": alfa.pk,
            "title": "Bedrijfskleding",
            "procurement_type": "levering",
            "tender_fee": "unknown",
        },
    )
    trajectory = Trajectory.objects.get(title="Bedrijfskleding")
    assert response.status_code == 302
    assert response["Location"] == detail_url(trajectory)
    assert trajectory.current_phase.number == 1
    assert trajectory.history.first().history_user == alice


def test_a_bad_form_keeps_what_was_typed_and_links_errors(client, alice, alfa, guidance):
    client.force_login(alice)
    response = client.post(
        reverse("procurement:trajectory_create"),
        {
            "organisation": alfa.pk,
            "title": "Bewaar mij",
            "procurement_type": "",
            "tenderned_id": "abc",
            "contract_start": "2026-05-01",
            "contract_end": "2026-01-01",
        },
    )
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("#id_title")["value"] == "Bewaar mij"
    links = {a["href"] for a in page.select("[data-testid=error-summary] a")}
    assert {"#id_procurement_type", "#id_tenderned_id", "#id_contract_end"} <= links


def test_a_bestuurder_may_not_create(client, dora):
    client.force_login(dora)
    assert client.get(reverse("procurement:trajectory_create")).status_code == 403


def test_phases_move_in_order_and_impossible_steps_are_refused(client, trajectory, alice):
    client.force_login(alice)
    today = timezone.localdate().isoformat()
    # Phase 3 cannot start before phase 2 has started.
    response = client.post(
        reverse("procurement:phase_start", args=[trajectory.pk, 3]), {"started_on": today}
    )
    assert response.status_code == 400
    assert soup(response).select_one("[data-testid=error-summary]") is not None
    # Phase 2 cannot complete before it has started.
    response = client.post(
        reverse("procurement:phase_complete", args=[trajectory.pk, 2]), {"completed_on": today}
    )
    assert response.status_code == 400
    assert (
        client.post(
            reverse("procurement:phase_start", args=[trajectory.pk, 2]), {"started_on": today}
        ).status_code
        == 302
    )
    # Phase 2 cannot complete while phase 1 runs.
    assert (
        client.post(
            reverse("procurement:phase_complete", args=[trajectory.pk, 2]), {"completed_on": today}
        ).status_code
        == 400
    )
    for number in (1, 2):
        assert (
            client.post(
                reverse("procurement:phase_complete", args=[trajectory.pk, number]),
                {"completed_on": today},
            ).status_code
            == 302
        )
    trajectory.refresh_from_db()
    assert trajectory.current_phase.number == 3
    statuses = list(
        PhaseProgress.objects.filter(trajectory=trajectory)
        .order_by("phase__number")
        .values_list("status", flat=True)
    )
    assert statuses == ["afgerond", "afgerond", "open", "open", "open", "open"]


def test_a_completion_before_the_start_is_refused_with_the_field_marked(client, trajectory, alice):
    client.force_login(alice)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("procurement:phase_complete", args=[trajectory.pk, 1]), {"completed_on": yesterday}
    )
    assert response.status_code == 400
    assert "#id_completed_on" in {
        a["href"] for a in soup(response).select("[data-testid=error-summary] a")
    }


def test_phase_actions_are_posts(client, trajectory, alice):
    client.force_login(alice)
    assert (
        client.get(reverse("procurement:phase_start", args=[trajectory.pk, 2])).status_code == 405
    )


def test_an_answer_is_saved_without_touching_the_others(client, trajectory, alice):
    client.force_login(alice)
    first, second = GuidingQuestion.objects.filter(phase__number=1, kind="generiek")[:2]
    services.question_answer(actor=alice, trajectory=trajectory, question=second, answer="Eerder")
    response = client.post(
        reverse("procurement:question_answer", args=[trajectory.pk, first.pk]),
        {f"q{first.pk}-answer": "Besproken met de budgethouder", f"q{first.pk}-is_done": "on"},
    )
    assert response.status_code == 302
    answers = dict(QuestionAnswer.objects.values_list("question_id", "answer"))
    assert answers == {first.pk: "Besproken met de budgethouder", second.pk: "Eerder"}
    assert QuestionAnswer.objects.get(question=first).answered_by == alice


def test_an_empty_answer_is_refused(client, trajectory, alice):
    client.force_login(alice)
    question = GuidingQuestion.objects.filter(kind="generiek").first()
    response = client.post(
        reverse("procurement:question_answer", args=[trajectory.pk, question.pk]), {}
    )
    assert response.status_code == 400
    assert not QuestionAnswer.objects.exists()


def test_kpis_with_target_and_actual_per_period_show_as_chart_and_table(client, trajectory, alice):
    client.force_login(alice)
    client.post(
        reverse("procurement:kpi_add", args=[trajectory.pk]),
        {"name": "Score", "unit": "punten", "direction": "lager"},
    )
    kpi = trajectory.kpis.get()
    for year, target, actual in ((2024, "20", "19"), (2025, "18", ""), (2026, "16", "")):
        response = client.post(
            reverse("procurement:measurement_record", args=[trajectory.pk, kpi.pk]),
            {
                f"m{kpi.pk}-label": f"Contractjaar {year - 2023}",
                f"m{kpi.pk}-period_start": f"{year}-01-01",
                f"m{kpi.pk}-period_end": f"{year + 1}-01-01",
                f"m{kpi.pk}-target": target,
                f"m{kpi.pk}-actual": actual,
            },
        )
        assert response.status_code == 302
    page = soup(client.get(detail_url(trajectory)))
    figure = page.select_one("[data-testid=kpi]")
    assert len(figure.select("svg rect")) == 4
    assert all("," not in rect["height"] for rect in figure.select("svg rect"))
    assert len(figure.select("[data-testid=kpi-table] tbody tr")) == 3
    rows = figure.select("[data-testid=kpi-table] tbody tr")
    assert [row.td.get_text() for row in rows] == ["20,00", "18,00", "16,00"]


def test_kpis_are_listed_by_name_each_with_its_own_measurements(client, trajectory, alice):
    """The page reads KPIs and measurements in one query: a KPI without measurements is
    listed once, with none, and no measurement lands under another KPI."""
    client.force_login(alice)
    later = services.kpi_create(
        actor=alice, trajectory=trajectory, name="Zonder metingen", unit="kg", direction="lager"
    )
    first = services.kpi_create(
        actor=alice, trajectory=trajectory, name="Afval", unit="kg", direction="lager"
    )
    for year in (2025, 2024):
        services.kpi_measurement_record(
            actor=alice,
            kpi=first,
            period_start=date(year, 1, 1),
            period_end=date(year + 1, 1, 1),
            label=str(year),
            target=Decimal("9"),
        )
    figures = soup(client.get(detail_url(trajectory))).select("[data-testid=kpi]")
    assert [f["id"] for f in figures] == [f"kpi-{first.pk}", f"kpi-{later.pk}"]
    first_rows = figures[0].select("[data-testid=kpi-table] tbody tr")
    assert [row.th.contents[0].strip() for row in first_rows] == ["2024", "2025"]
    assert figures[1].select("svg") == []
    assert len(figures[1].select("[data-testid=kpi-table] tbody tr td[colspan]")) == 1


def test_documents_are_checked_by_content_and_confidential_ones_hidden(
    client, trajectory, alice, bob
):
    client.force_login(alice)
    fake = SimpleUploadedFile("offerte.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("procurement:document_add", args=[trajectory.pk]),
        {"file": fake, "title": "Offerte"},
    )
    assert response.status_code == 400
    image = SimpleUploadedFile("foto.pdf", PNG, content_type="application/pdf")
    client.post(
        reverse("procurement:document_add", args=[trajectory.pk]),
        {"file": image, "title": "Foto", "is_confidential": "on"},
    )
    document = trajectory.documents.get()
    assert document.content_type == "image/png"
    url = reverse("procurement:document_download", args=[trajectory.pk, document.pk])
    assert client.get(url).status_code == 200
    client.force_login(bob)
    assert client.get(url).status_code == 404
    assert soup(client.get(detail_url(trajectory))).select("[data-testid=document]") == []


def test_close_then_turn_into_a_draft_case_linked_back(client, trajectory, alice):
    client.force_login(alice)
    question = GuidingQuestion.objects.filter(phase__number=1).first()
    services.question_answer(
        actor=alice, trajectory=trajectory, question=question, answer="Eerst hergebruiken."
    )
    response = client.post(
        reverse("procurement:trajectory_close", args=[trajectory.pk]),
        {
            "status": "afgerond",
            "closed_on": timezone.localdate().isoformat(),
            "r_level_achieved": 2,
            "outcome": "Hergebruikt meubilair.",
            "lessons": "Vroeg beginnen.",
        },
    )
    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.status == "afgerond"
    assert trajectory.lessons == "Vroeg beginnen."
    response = client.post(reverse("cases:case_from_trajectory", args=[trajectory.pk]))
    case = Case.objects.get(trajectories=trajectory)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_update", args=[case.slug])
    assert case.status == Case.Status.CONCEPT
    assert case.author == alice
    assert list(case.organisations.all()) == [trajectory.organisation]
    assert "Eerst hergebruiken." in case.approach
    assert list(case.lessons.values_list("text", flat=True)) == ["Vroeg beginnen."]
    assert list(case.strategies.values_list("r_level_id", flat=True)) == [2]


def test_a_running_trajectory_is_not_turned_into_a_case(client, trajectory, alice):
    client.force_login(alice)
    response = client.post(reverse("cases:case_from_trajectory", args=[trajectory.pk]))
    assert response.status_code == 302
    assert response["Location"] == detail_url(trajectory)
    assert not Case.objects.exists()


def test_closing_needs_outcome_and_lessons(client, trajectory, alice):
    client.force_login(alice)
    response = client.post(
        reverse("procurement:trajectory_close", args=[trajectory.pk]),
        {"status": "afgerond", "closed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    links = {a["href"] for a in soup(response).select("[data-testid=error-summary] a")}
    assert {"#id_outcome", "#id_lessons"} <= links


def test_a_participating_organisation_sees_a_joint_trajectory_as_its_own(
    client, trajectory, charlie, charlie_org
):
    trajectory.participating_organisations.add(charlie_org)
    client.force_login(charlie)
    page = soup(client.get(detail_url(trajectory)))
    assert page.select_one("[data-testid=estimated-value]") is not None
    assert page.select_one("[data-testid=edit]") is not None


def test_kpi_import_previews_then_saves_on_confirmation(client, trajectory, alice):
    client.force_login(alice)
    kpi = services.kpi_create(
        actor=alice, trajectory=trajectory, name="Score", unit="punten", direction="lager"
    )
    services.kpi_measurement_record(
        actor=alice,
        kpi=kpi,
        period_start=date(2025, 1, 1),
        period_end=date(2026, 1, 1),
        label="Contractjaar 1",
        target=Decimal("20"),
    )
    exported = client.get(reverse("procurement:kpi_export", args=[trajectory.pk, "csv"]))
    text = exported.content.decode("utf-8-sig")
    edited = (
        text.replace(";20,00;", ";18,00;")
        if ";20,00;" in text
        else text.replace(";20.00;", ";18.00;")
    )
    assert edited != text
    upload = SimpleUploadedFile("kpi.csv", edited.encode("utf-8-sig"), content_type="text/csv")
    preview = client.post(reverse("procurement:kpi_import"), {"file": upload})
    page = soup(preview)
    assert [r["data-status"] for r in page.select("[data-testid=preview-row]")] == ["changed"]
    assert kpi.measurements.get().target == Decimal("20")  # nothing saved yet
    token = page.select_one("[data-testid=kpi-confirm] input[name=token]")["value"]
    confirmed = client.post(reverse("procurement:kpi_import"), {"token": token, "bevestigen": "1"})
    assert confirmed.status_code == 302
    assert kpi.measurements.get().target == Decimal("18")


def test_kpi_import_with_a_broken_row_saves_nothing(client, trajectory, alice):
    client.force_login(alice)
    kpi = services.kpi_create(
        actor=alice, trajectory=trajectory, name="Score", unit="punten", direction="lager"
    )
    services.kpi_measurement_record(
        actor=alice,
        kpi=kpi,
        period_start=date(2025, 1, 1),
        period_end=date(2026, 1, 1),
        label="Contractjaar 1",
        target=Decimal("20"),
    )
    text = client.get(
        reverse("procurement:kpi_export", args=[trajectory.pk, "csv"])
    ).content.decode("utf-8-sig")
    broken = text.replace("2026-01-01", "geen datum")
    upload = SimpleUploadedFile("kpi.csv", broken.encode("utf-8-sig"), content_type="text/csv")
    response = client.post(reverse("procurement:kpi_import"), {"file": upload})
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("[data-testid=row-errors]") is not None
    assert page.select_one("[data-testid=kpi-confirm]") is None


def test_kpi_import_and_export_are_for_editors(client, trajectory, dora, bob):
    client.force_login(dora)
    assert client.get(reverse("procurement:kpi_import")).status_code == 403
    assert (
        client.get(reverse("procurement:kpi_export", args=[trajectory.pk, "csv"])).status_code
        == 403
    )
    client.force_login(bob)
    assert (
        client.get(reverse("procurement:kpi_export", args=[trajectory.pk, "csv"])).status_code
        == 403
    )


def _busy_trajectory(alice, alfa, title):
    trajectory = services.trajectory_create(
        actor=alice, organisation=alfa, title=title, procurement_type="werk"
    )
    services.trajectory_phase_start(
        actor=alice, trajectory=trajectory, number=1, started_on=timezone.localdate()
    )
    kpi = services.kpi_create(
        actor=alice, trajectory=trajectory, name="Score", unit="punten", direction="lager"
    )
    for year in (2024, 2025):
        services.kpi_measurement_record(
            actor=alice,
            kpi=kpi,
            period_start=date(year, 1, 1),
            period_end=date(year + 1, 1, 1),
            label=str(year),
            target=Decimal("10"),
        )
    for question in GuidingQuestion.objects.filter(phase__number=1)[:3]:
        services.question_answer(actor=alice, trajectory=trajectory, question=question, answer="Ja")
    services.team_member_add(actor=alice, trajectory=trajectory, role="inkoper", user=alice)
    return trajectory


def _queries(client, url) -> int:
    """Queries of a GET once the cache holds the seeded reference data (the first
    request of a process reads it: `procurement.reference`)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_and_page_queries_do_not_grow_with_the_data(
    client, alice, alfa, guidance, django_assert_num_queries
):
    client.force_login(alice)
    first = _busy_trajectory(alice, alfa, "Eerste")
    list_url = reverse("procurement:trajectory_list")
    list_queries, page_queries = _queries(client, list_url), _queries(client, detail_url(first))
    for n in range(6):
        _busy_trajectory(alice, alfa, f"Nog een {n}")
    kpi = first.kpis.get()
    for year in (2026, 2027, 2028):
        services.kpi_measurement_record(
            actor=alice,
            kpi=kpi,
            period_start=date(year, 1, 1),
            period_end=date(year + 1, 1, 1),
            label=str(year),
            target=Decimal("9"),
        )
    services.kpi_create(actor=alice, trajectory=first, name="Tweede", unit="kg", direction="lager")
    for question in GuidingQuestion.objects.filter(phase__number=1)[3:6]:
        services.question_answer(actor=alice, trajectory=first, question=question, answer="Ja")
    with django_assert_num_queries(list_queries):
        client.get(list_url)
    with django_assert_num_queries(page_queries):
        client.get(detail_url(first))


def _tables_read(client, url) -> set[str]:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # The trajectory's own query asks, in EXISTS subqueries, which parts there are.
    return {
        table
        for query in captured.captured_queries
        if 'FROM "procurement_trajectory" ' not in query["sql"]
        for table in PARTS
        if f'"{table}"' in query["sql"]
    }


# The parts of a trajectory the page reads only when the trajectory has them.
PARTS = {
    "procurement_kpi",
    "procurement_trajectorydocument",
    "procurement_trajectory_participating_organisations",
    "procurement_actiontrajectory",
}


def test_the_page_reads_only_the_parts_a_trajectory_has(client, alice, alfa, beta, guidance):
    """Whether a trajectory has KPIs, documents, participants, linked cases or themegroup
    actions comes with the trajectory itself: a trajectory without them costs no query
    for them (most trajectories before phase 3), one with them shows them."""
    client.force_login(alice)
    bare = services.trajectory_create(
        actor=alice, organisation=alfa, title="Kaal", procurement_type="werk"
    )
    assert _tables_read(client, detail_url(bare)) == set()

    full = _busy_trajectory(alice, alfa, "Vol")
    full.participating_organisations.add(beta)
    services.trajectory_document_add(
        actor=alice,
        trajectory=full,
        title="Foto van de locatie",
        upload=SimpleUploadedFile("foto.png", PNG, content_type="image/png"),
        is_confidential=False,
    )
    assert _tables_read(client, detail_url(full)) >= {
        "procurement_kpi",
        "procurement_trajectorydocument",
        "procurement_trajectory_participating_organisations",
    }
    page = soup(client.get(detail_url(full)))
    assert page.select('[data-testid="kpi"]')
    assert page.select('[data-testid="document"]')


def test_editing_keeps_a_participant_from_another_region(
    client, trajectory, alice, charlie_org, beta
):
    trajectory.participating_organisations.add(charlie_org)
    client.force_login(alice)
    form = soup(client.get(reverse("procurement:trajectory_update", args=[trajectory.pk])))
    offered = {box["value"] for box in form.select("[name=participating_organisations]")}
    assert {str(charlie_org.pk), str(beta.pk)} <= offered
    response = client.post(
        reverse("procurement:trajectory_update", args=[trajectory.pk]),
        {
            "title": trajectory.title,
            "procurement_type": "levering",
            "participating_organisations": [charlie_org.pk, beta.pk],
            "tender_fee": "unknown",
        },
    )
    assert response.status_code == 302
    assert set(trajectory.participating_organisations.all()) == {charlie_org, beta}
    assert trajectory.history.first().history_user == alice


def test_answer_forms_are_for_one_phase_at_a_time(client, trajectory, alice):
    """The current phase's questions by default, another phase's with ?fase= (a page
    with every question as a form would be slow and long)."""
    client.force_login(alice)

    def phases_with_forms(page):
        return {
            int(group["data-number"])
            for group in page.select("[data-testid=question-group]")
            if group.select("form")
        }

    assert phases_with_forms(soup(client.get(detail_url(trajectory)))) == {1}
    page = soup(client.get(detail_url(trajectory), {"fase": "2"}))
    assert phases_with_forms(page) == {2}
    assert page.select_one("[data-testid=question-group][data-number='2']").has_attr("open")
    assert phases_with_forms(soup(client.get(detail_url(trajectory), {"fase": "x"}))) == {1}


def test_only_the_phase_in_view_lists_its_questions(client, trajectory, alice, bob):
    """The phase in view (the current one, or ?fase=) lists its questions with their
    answers; every other phase gives its number of questions and answers and a link to
    them, for editors and readers alike."""
    question = GuidingQuestion.objects.filter(phase__number=2).first()
    services.question_answer(
        actor=alice, trajectory=trajectory, question=question, answer="Gedaan.", is_done=True
    )
    for user, phase in ((alice, "1"), (bob, "1"), (bob, "2")):
        client.force_login(user)
        page = soup(client.get(detail_url(trajectory), {"fase": phase}))
        listed = {
            group["data-number"]
            for group in page.select("[data-testid=question-group]")
            if group.select("[data-testid=question]")
        }
        assert listed == {phase}
        others = page.select("[data-testid=question-phases] [data-testid=question-group]")
        assert len(others) == 5
        links = {a["href"] for a in page.select("[data-testid=question-phases] a")}
        assert links == {f"?fase={n}#hulpvragen" for n in "123456" if n != phase}
    # bob reads phase 2 with alice's answer in it.
    assert page.select_one("[data-testid=answer]").text.strip() == "Gedaan."


def test_an_account_without_an_active_membership_gets_an_empty_list(client, suspended, trajectory):
    """The scope is empty (no organisation ids at all): an empty list, not an error."""
    client.force_login(suspended)
    response = client.get(reverse("procurement:trajectory_list"), {"soort": "levering", "q": "x"})
    assert response.status_code == 200
    assert soup(response).select("[data-testid=trajectory-row]") == []


def test_every_facet_option_shown_can_be_chosen(client, alice, alfa, guidance):
    """Each option the list offers, ticked on its own, gives the count it showed."""
    themegroup = Themegroup.objects.create(
        region=alfa.region, sector="facilitair", name="Facilitair", slug="facilitair"
    )
    category = ProductCategory.objects.create(name="Meubilair", slug="meubilair")
    TrajectoryFactory(
        organisation=alfa,
        product_category=category,
        themegroup=themegroup,
        procedure="openbaar",
        contract_start=date(2025, 1, 1),
        r_level_target_id=2,
        r_level_achieved_id=3,
        status="afgerond",
    )
    TrajectoryFactory(organisation=alfa, procurement_type="werk")
    client.force_login(alice)
    page = soup(client.get(reverse("procurement:trajectory_list")))
    options = [
        (box["name"], box["value"], int(box.find_next("span")["data-count"]))
        for box in page.select(".portal-facet input")
    ]
    assert {name for name, _value, _count in options} >= {
        "organisatie",
        "categorie",
        "themagroep",
        "jaar",
        "procedure",
        "ambitie",
        "behaald",
    }
    for name, value, count in options:
        response = client.get(reverse("procurement:trajectory_list"), {name: value})
        assert response.status_code == 200, (name, value)
        rows = soup(response).select("[data-testid=trajectory-row]")
        assert len(rows) == count, (name, value)


# --- the pages with the forms to add a team member, KPI, measurement or document -------


def _addition_urls(trajectory):
    kpi = services.kpi_create(
        actor=trajectory.created_by,
        trajectory=trajectory,
        name="Score",
        unit="punten",
        direction="lager",
    )
    return {
        "team": (
            reverse("procurement:team_new", args=[trajectory.pk]),
            reverse("procurement:team_add", args=[trajectory.pk]),
        ),
        "kpi": (
            reverse("procurement:kpi_new", args=[trajectory.pk]),
            reverse("procurement:kpi_add", args=[trajectory.pk]),
        ),
        "measurement": (
            reverse("procurement:measurement_new", args=[trajectory.pk, kpi.pk]),
            reverse("procurement:measurement_record", args=[trajectory.pk, kpi.pk]),
        ),
        "document": (
            reverse("procurement:document_new", args=[trajectory.pk]),
            reverse("procurement:document_add", args=[trajectory.pk]),
        ),
    }


def test_the_trajectory_page_links_to_the_addition_pages_and_holds_no_such_form(
    client, trajectory, alice
):
    urls = _addition_urls(trajectory)
    client.force_login(alice)
    page = soup(client.get(detail_url(trajectory)))
    links = {a["href"] for a in page.select("a[href]")}
    for kind, (page_url, action) in urls.items():
        assert page_url in links, kind
        assert page.select(f"form[action='{action}']") == [], kind


@pytest.mark.parametrize("kind", ["team", "kpi", "measurement", "document"])
def test_an_addition_page_gives_editors_its_form_posting_to_the_action(
    client, trajectory, alice, kind
):
    page_url, action = _addition_urls(trajectory)[kind]
    client.force_login(alice)
    response = client.get(page_url)
    assert response.status_code == 200
    form = soup(response).select_one(f"main form[data-testid={kind}-form]")
    assert form["action"] == action
    assert form.select_one("input[name=csrfmiddlewaretoken]") is not None
    assert form.select("input, select, textarea")
    assert client.post(page_url).status_code == 405


@pytest.mark.parametrize("kind", ["team", "kpi", "measurement", "document"])
def test_an_addition_page_is_for_editors_only(client, trajectory, kind, dora, bob, charlie):
    page_url, _action = _addition_urls(trajectory)[kind]
    response = client.get(page_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(dora)  # bestuurder of the owner: reads, may not add
    assert client.get(page_url).status_code == 403
    client.force_login(bob)  # another organisation of the region: reads, may not add
    assert client.get(page_url).status_code == 403
    client.force_login(charlie)  # another region: does not see it
    assert client.get(page_url).status_code == 404


def test_a_kpi_of_another_trajectory_is_not_found_on_the_measurement_page(
    client, trajectory, alice, alfa
):
    other = services.trajectory_create(
        actor=alice, organisation=alfa, title="Ander traject", procurement_type="dienst"
    )
    kpi = services.kpi_create(
        actor=alice, trajectory=other, name="Score", unit="punten", direction="lager"
    )
    client.force_login(alice)
    url = reverse("procurement:measurement_new", args=[trajectory.pk, kpi.pk])
    assert client.get(url).status_code == 404


def test_a_refused_addition_shows_its_page_again_with_what_was_typed(client, trajectory, alice):
    urls = _addition_urls(trajectory)
    client.force_login(alice)
    kpi = trajectory.kpis.get()
    response = client.post(
        urls["measurement"][1],
        {
            f"m{kpi.pk}-label": "Contractjaar 1",
            f"m{kpi.pk}-period_start": "2026-01-01",
            f"m{kpi.pk}-period_end": "2025-01-01",
            f"m{kpi.pk}-target": "20",
        },
    )
    assert response.status_code == 400
    page = soup(response)
    form = page.select_one("main form[data-testid=measurement-form]")
    assert form["action"] == urls["measurement"][1]
    assert form.select_one(f"input[name=m{kpi.pk}-label]")["value"] == "Contractjaar 1"
    summary = page.select_one("[data-testid=error-summary]")
    assert summary.select_one(f"a[href='#id_m{kpi.pk}-period_end']") is not None
    response = client.post(urls["kpi"][1], {"name": "", "unit": "kg"})
    assert response.status_code == 400
    form = soup(response).select_one("main form[data-testid=kpi-form]")
    assert form.select_one("input[name=unit]")["value"] == "kg"


def test_a_reader_of_the_page_builds_no_form(client, trajectory, bob, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a form was built for a reader")

    for name in ("AnswerForm", "PhaseStartForm", "PhaseCompleteForm", "MeasurementForm"):
        monkeypatch.setattr(forms, name, refuse)
    client.force_login(bob)
    assert client.get(detail_url(trajectory)).status_code == 200


def test_the_page_reads_the_seeded_reference_data_once_and_again_after_a_change(
    client, trajectory, alice
):
    client.force_login(alice)
    url = detail_url(trajectory)
    cold = _queries_once(client, url)
    warm = _queries_once(client, url)
    assert warm == cold - 5  # phases, guidance, questions, R-ladder, thresholds
    phase = trajectory.current_phase
    phase.goal = "Een nieuw doel voor de eerste fase."
    phase.save()
    reference.forget()  # as the seed loader and the admin do
    page = soup(client.get(url))
    assert "Een nieuw doel voor de eerste fase." in page.select_one("[data-testid=guidance]").text


def _queries_once(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)
