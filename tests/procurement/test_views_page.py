"""The trajectory page as it is drawn: what the view prepares for the template (answer
inputs written by hand, texts written once, plain rows) must come out as the forms and
models would have drawn it, and the page must ask the same number of queries however
many rows each part has."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procurement import forms, services
from procurement.models import GuidingQuestion, RStrategy, Trajectory

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\xdac\xfc\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
    b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def detail_url(trajectory):
    return reverse("procurement:trajectory_detail", args=[trajectory.pk])


@pytest.fixture
def trajectory(guidance, alfa, alice):
    trajectory = services.trajectory_create(
        actor=alice,
        organisation=alfa,
        title="Schoonmaak gemeentehuis",
        procurement_type="dienst",
        estimated_value=Decimal("120000"),
        r_level_target=RStrategy.objects.get(pk=2),
    )
    services.trajectory_phase_start(
        actor=alice, trajectory=trajectory, number=1, started_on=timezone.localdate()
    )
    return trajectory


def _elements(node) -> list[tuple]:
    """Every element under `node` as (name, attributes, own text), whitespace aside:
    markup compared by structure, not by its layout."""
    return [
        (
            element.name,
            sorted(
                (name, " ".join(value) if isinstance(value, list) else value)
                for name, value in element.attrs.items()
            ),
            " ".join(text.strip() for text in element.find_all(string=True, recursive=False))
            .strip()
            .split(),
        )
        for element in node.find_all(True)
    ]


@pytest.mark.parametrize("answered", [False, True])
def test_the_hand_written_answer_inputs_are_the_forms_own_markup(
    client, trajectory, alice, answered
):
    """An editor's answer inputs are written by the template, not by a form per
    question: the same names, ids, labels, help text, limits and values as the
    AnswerForm's own `as_field_group`."""
    question = GuidingQuestion.objects.filter(phase__number=1).first()
    if answered:
        services.question_answer(
            actor=alice,
            trajectory=trajectory,
            question=question,
            answer="Ja <b>zeker</b>",
            is_done=True,
        )
    client.force_login(alice)
    block = soup(client.get(detail_url(trajectory))).select_one(f"#vraag-{question.pk}")
    drawn = block.select_one("form")
    form = forms.AnswerForm(
        prefix=f"q{question.pk}",
        initial={"answer": "Ja <b>zeker</b>", "is_done": True} if answered else {},
    )
    expected = BeautifulSoup(
        str(form["answer"].as_field_group()) + str(form["is_done"].as_field_group()),
        "html.parser",
    )
    fields = drawn.find_all("div", class_="utrecht-form-field", recursive=False)
    assert [_elements(field) for field in fields] == [
        _elements(group)
        for group in expected.find_all("div", class_="utrecht-form-field", recursive=False)
    ]
    textarea = drawn.select_one("textarea")
    assert textarea.get_text().strip() == ("Ja <b>zeker</b>" if answered else "")
    assert drawn.select_one("input[type=checkbox]").has_attr("checked") is answered
    if answered:
        assert block.select_one("[data-testid=answered-by]").get_text().strip().startswith("✓")
        assert "Alice" in block.select_one("[data-testid=answered-by]").get_text()


def test_an_answer_sent_back_with_an_error_is_drawn_by_its_form(client, trajectory, alice):
    """A refused answer comes back with the error by its field and in the summary, the
    summary's link pointing at the field."""
    question = GuidingQuestion.objects.filter(phase__number=1).first()
    client.force_login(alice)
    response = client.post(
        reverse("procurement:question_answer", args=[trajectory.pk, question.pk]),
        {f"q{question.pk}-answer": "   "},
    )
    assert response.status_code == 400
    page = soup(response)
    links = {a["href"] for a in page.select("[data-testid=error-summary] a")}
    assert links == {f"#id_q{question.pk}-answer"}
    field = page.select_one(f"#id_q{question.pk}-answer")
    assert field is not None
    assert field.name == "textarea"
    assert page.select_one(f"#id_q{question.pk}-answer_error") is not None
    # The other questions of the phase keep their hand-written inputs.
    others = page.select("[data-testid=question] textarea")
    assert (
        len(others)
        == GuidingQuestion.objects.filter(phase__number=1, kind="generiek").count()
        + GuidingQuestion.objects.filter(phase__number=1, r_level__level__gte=2).count()
    )


def test_an_answer_saved_with_htmx_returns_its_question_with_who_answered(
    client, trajectory, alice
):
    question = GuidingQuestion.objects.filter(phase__number=1).first()
    client.force_login(alice)
    response = client.post(
        reverse("procurement:question_answer", args=[trajectory.pk, question.pk]),
        {f"q{question.pk}-answer": "Gedaan", f"q{question.pk}-is_done": "on"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    block = soup(response).select_one(f"#vraag-{question.pk}")
    assert block["data-done"] == "true"
    assert "Alice" in block.select_one("[data-testid=answered-by]").get_text()
    assert block.select_one("[data-testid=answer-saved]") is not None
    assert block.select_one(f"textarea#id_q{question.pk}-answer").get_text().strip() == "Gedaan"


def test_a_reader_sees_answers_as_text_without_inputs(client, trajectory, alice, bob):
    question = GuidingQuestion.objects.filter(phase__number=1).first()
    services.question_answer(
        actor=alice, trajectory=trajectory, question=question, answer="Eerst delen."
    )
    client.force_login(bob)
    page = soup(client.get(detail_url(trajectory)))
    block = page.select_one(f"#vraag-{question.pk}")
    assert block.select("form, textarea, input") == []
    assert block.select_one("[data-testid=answer]").get_text().strip() == "Eerst delen."
    assert "Alice" in block.select_one("[data-testid=answered-by]").get_text()


def test_a_refused_phase_action_keeps_what_was_typed_in_that_phase_form(client, trajectory, alice):
    """The phase whose action was refused shows the dates as typed, its inputs carrying
    the ids the error summary links to; the other phases' forms keep their own ids."""
    client.force_login(alice)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("procurement:phase_complete", args=[trajectory.pk, 1]),
        {"completed_on": yesterday},
    )
    assert response.status_code == 400
    page = soup(response)
    for link in page.select("[data-testid=error-summary] a"):
        target = page.select_one(link["href"])
        assert target is not None, f"{link['href']} points at nothing"
    field = page.select_one("#id_completed_on")
    assert field["value"] == yesterday
    assert page.select_one("label[for=id_completed_on]") is not None
    assert field.find_parent(attrs={"data-testid": "phase"})["data-number"] == "1"
    assert page.select_one("#start-2")["value"] == timezone.localdate().isoformat()

    planned = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(
        reverse("procurement:phase_start", args=[trajectory.pk, 3]),
        {"started_on": "2020-13-40", "planned_end_on": planned},
    )
    assert response.status_code == 400
    page = soup(response)
    phase = page.select_one("[data-testid=phase][data-number='3']")
    assert phase.select_one("#id_started_on")["value"] == "2020-13-40"
    assert phase.select_one("#id_planned_end_on")["value"] == planned
    assert page.select_one("#plan-2").get("value") is None
    assert {a["href"] for a in page.select("[data-testid=error-summary] a")} == {"#id_started_on"}


def test_the_history_names_who_changed_which_fields(client, trajectory, alice, dora, bob):
    services.trajectory_update(
        actor=alice, trajectory=trajectory, title="Schoonmaak stadskantoor", supplier="Schoon BV"
    )
    client.force_login(dora)  # a bestuurder of the organisation reads the history
    entries = soup(client.get(detail_url(trajectory))).select("[data-testid=history-entry]")
    texts = [" ".join(entry.get_text().split()) for entry in entries]
    assert texts[0].endswith("Alice Akkerman: leverancier, titel"), texts
    assert any(": aangemaakt" in text for text in texts)
    assert any(text.endswith("1. Startoverleg: Bezig") for text in texts), texts
    client.force_login(bob)
    assert soup(client.get(detail_url(trajectory))).select("[data-testid=history]") == []


def test_team_documents_and_ladder_are_drawn_from_plain_rows(client, trajectory, alice, bob):
    services.team_member_add(actor=alice, trajectory=trajectory, role="inkoper", user=alice)
    services.team_member_add(
        actor=alice, trajectory=trajectory, role="contractmanager", name="Carla Contract"
    )
    for title, confidential in (("Offerte", True), ("Foto", False)):
        services.trajectory_document_add(
            actor=alice,
            trajectory=trajectory,
            title=title,
            upload=SimpleUploadedFile("foto.png", PNG, content_type="image/png"),
            is_confidential=confidential,
        )
    client.force_login(alice)
    page = soup(client.get(detail_url(trajectory)))
    members = [
        " ".join(li.find(string=True, recursive=False).split())
        for li in page.select("[data-testid=team-member]")
    ]
    assert members == ["Contractmanager: Carla Contract", "Inkoper: Alice Akkerman"]
    assert len(page.select("[data-testid=team-member] form button")) == 2
    assert [a.get_text() for a in page.select("[data-testid=document] a")] == ["Foto", "Offerte"]
    assert len(page.select("[data-testid=document] .portal-badge")) == 1
    marked = page.select("[data-testid=ladder-marked]")
    assert [row.th.get_text() for row in marked] == [str(RStrategy.objects.get(pk=2))]
    client.force_login(bob)
    page = soup(client.get(detail_url(trajectory)))
    assert [a.get_text() for a in page.select("[data-testid=document] a")] == ["Foto"]
    assert page.select("[data-testid=team-member] form") == []


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(trajectory, alice, alfa, n):
    """More of every part the page lists: team, documents, answers, KPIs with
    measurements, history of the trajectory and its phases."""
    services.team_member_add(actor=alice, trajectory=trajectory, role="overig", name=f"Lid {n}")
    services.trajectory_document_add(
        actor=alice,
        trajectory=trajectory,
        title=f"Document {n}",
        upload=SimpleUploadedFile("foto.png", PNG, content_type="image/png"),
        is_confidential=bool(n % 2),
    )
    question = GuidingQuestion.objects.filter(kind="generiek").order_by("phase__number", "pk")[n]
    services.question_answer(actor=alice, trajectory=trajectory, question=question, answer="Ja")
    kpi = services.kpi_create(
        actor=alice, trajectory=trajectory, name=f"KPI {n}", unit="kg", direction="lager"
    )
    services.kpi_measurement_record(
        actor=alice,
        kpi=kpi,
        period_start=date(2025 + n, 1, 1),
        period_end=date(2026 + n, 1, 1),
        label=str(2025 + n),
        target=Decimal("9"),
    )
    services.trajectory_update(actor=alice, trajectory=trajectory, title=f"Titel {n}")
    services.trajectory_phase_plan(
        actor=alice,
        trajectory=trajectory,
        number=1,
        planned_end_on=timezone.localdate() + timedelta(days=n + 1),
    )


def test_the_page_asks_as_many_queries_with_more_rows_in_every_part(
    client, trajectory, alice, alfa, bob, dora, django_assert_num_queries
):
    """For an editor, a bestuurder and a reader of the region: the same number of
    queries with one row in each part as with four."""
    _grow(trajectory, alice, alfa, 0)
    counts = {}
    for user in (alice, dora, bob):
        client.force_login(user)
        counts[user.pk] = _queries(client, detail_url(trajectory))
    for n in (1, 2, 3):
        _grow(trajectory, alice, alfa, n)
    for user in (alice, dora, bob):
        client.force_login(user)
        client.get(detail_url(trajectory))
        with django_assert_num_queries(counts[user.pk]):
            client.get(detail_url(trajectory))


def test_the_guidance_and_ladder_drawn_once_follow_the_language_and_the_levels(
    client, trajectory, alice, bob
):
    """The guidance and the R-ladder are drawn once per process and kept: each language
    and each pair of levels gets its own, whoever reads it."""
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = soup(client.get(detail_url(trajectory)))
    assert page.select_one("[data-testid=guidance] h3").get_text().startswith("Guidance for")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    client.force_login(bob)
    page = soup(client.get(detail_url(trajectory)))
    assert page.select_one("[data-testid=guidance] h3").get_text().startswith("Handvatten")
    marked = [row.th.get_text() for row in page.select("[data-testid=ladder-marked]")]
    assert marked == [str(RStrategy.objects.get(pk=2))]
    Trajectory.objects.filter(pk=trajectory.pk).update(r_level_achieved_id=5)
    page = soup(client.get(detail_url(trajectory)))
    marked = [row.th.get_text() for row in page.select("[data-testid=ladder-marked]")]
    assert marked == [str(RStrategy.objects.get(pk=2)), str(RStrategy.objects.get(pk=5))]
