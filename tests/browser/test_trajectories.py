"""Journeys through the procurement trajectories (/trajecten/) in a real browser.

1. alice (inkoper, Gemeente Alfa) creates a trajectory, answers a guiding question with
   htmx, records a KPI with two measurements, takes the phases in order, closes the
   trajectory and turns it into a draft case.
2. bob (coordinator, Gemeente Beta, same region) reads it without the confidential fields.
3. The answer form works with the keyboard alone, with a visible focus indicator.
4. A bad "Nieuw traject" form: an error summary whose links lead to the fields, the
   typed values kept.

axe (WCAG 2.1 A/AA) finds no violation on any page visited, also after each htmx update.
"""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from procurement import services
from procurement.models import QuestionAnswer, RStrategy, Trajectory
from tests.browser.axe import assert_accessible
from tests.procurement.factories import load_guidance

pytestmark = pytest.mark.browser

TRAJECTORY_LIST = "/trajecten/"
ERROR_SUMMARY = "[data-testid=error-summary]"
MAX_TABS = 40

NEW_TRAJECTORY = {
    "title": "Werkplekken zonder nieuw meubilair",
    "procurement_type": "levering",
    "r_level_target": "1",
    "estimated_value": "250000",
    "supplier": "Meubel Circulair B.V.",
}
ANSWER = "Besproken met de budgethouder: eerst hergebruiken wat er staat."
KPI = {"name": "Hergebruikte werkplekken", "unit": "procent"}
MEASUREMENTS = [
    # label, period start, period end, target, actual
    ("Contractjaar 1", "2025-01-01", "2025-12-31", "40", "35"),
    ("Contractjaar 2", "2026-01-01", "2026-12-31", "60", "62"),
]
CLOSING = {
    "outcome": "Tachtig procent van de werkplekken is hergebruikt.",
    "lessons": "Begin de inventarisatie van het bestaande meubilair vroeg.",
}
CONFIDENTIAL = {
    "estimated_value": Decimal("987654"),
    "supplier": "Geheime Leverancier B.V.",
    "notes": "Budget nog niet rond, niet delen met de regio.",
}


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def guidance(db):
    """The seeded R-ladder, phases (with guidance and questions) and thresholds (the
    fixture of tests/procurement/conftest.py applies under tests/procurement only)."""
    load_guidance()


@pytest.fixture
def running_trajectory(guidance, alfa, alice):
    """Gemeente Alfa's trajectory in phase 1, with every confidential field filled in."""
    trajectory = services.trajectory_create(
        actor=alice,
        organisation=alfa,
        title="Bedrijfskleding voor de buitendienst",
        procurement_type="levering",
        need_description="Kleding die langer meegaat en terug kan naar de leverancier.",
        r_level_target=RStrategy.objects.get(pk=2),
        **CONFIDENTIAL,
    )
    services.trajectory_phase_start(
        actor=alice, trajectory=trajectory, number=1, started_on=timezone.localdate()
    )
    return trajectory


# --- helpers ------------------------------------------------------------------------------


def submit_and_wait(page, button):
    """Press a form's submit button; returns the HTTP status of the page that follows."""
    with page.expect_navigation() as navigation:
        button.click()
    return navigation.value.status


def phase(page, number):
    return page.locator(f'[data-testid=phase][data-number="{number}"]')


def phase_action(page, number, action):
    """Start, complete or skip a phase with its button; the page reloads at #fasen."""
    status = submit_and_wait(page, phase(page, number).locator(f"[data-testid=phase-{action}]"))
    assert status == 200, f"phase {number} {action}: HTTP {status}"
    expect(page.locator(ERROR_SUMMARY)).to_have_count(0)
    assert_accessible(page)


def expect_phase_statuses(page, statuses):
    for number, status in enumerate(statuses, start=1):
        expect(phase(page, number)).to_have_attribute("data-status", status)


def first_question(page, number):
    """The first guiding question in the question group of phase `number`."""
    group = page.locator(f'[data-testid=question-group][data-number="{number}"]')
    return group, group.locator("[data-testid=question]").first


def is_answer_post(response):
    return (
        response.request.method == "POST"
        and response.request.headers.get("hx-request") == "true"
        and "/hulpvragen/" in response.url
    )


def wait_for_htmx_idle(page):
    """htmx marks the requesting element with .htmx-request until it has swapped."""
    page.wait_for_function("() => document.querySelector('.htmx-request') === null")


# What the keyboard user sees of the focused element: its outline and box-shadow.
FOCUSED_ELEMENT_JS = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        type: el.type || "",
        testid: el.dataset ? (el.dataset.testid || "") : "",
        html: el.outerHTML.slice(0, 120),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth) || 0,
        boxShadow: style.boxShadow,
    };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED_ELEMENT_JS)


def has_visible_focus_indicator(element: dict) -> bool:
    outline = element["outlineStyle"] != "none" and element["outlineWidth"] > 0
    shadow = element["boxShadow"] not in ("", "none")
    return outline or shadow


def tab_until(page, predicate, what):
    """Press Tab until the focused element matches; returns it."""
    visited = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
        visited.append(element["html"])
    pytest.fail(f"Tab never reached {what}; focus went to: {visited}")


# --- 1. an inkoper takes a trajectory from start to case ----------------------------------


def create_trajectory(page):
    page.goto(TRAJECTORY_LIST)
    assert_accessible(page)
    page.locator("[data-testid=trajectory-create]").click()
    expect(page).to_have_url(re.compile(r"/trajecten/nieuw/$"))
    assert_accessible(page)

    form = page.locator("[data-testid=trajectory-form]")
    form.locator("#id_organisation").select_option(label="Gemeente Alfa")
    form.locator("#id_title").fill(NEW_TRAJECTORY["title"])
    form.locator("#id_procurement_type").select_option(NEW_TRAJECTORY["procurement_type"])
    form.locator("#id_r_level_target").select_option(NEW_TRAJECTORY["r_level_target"])
    form.locator("#id_estimated_value").fill(NEW_TRAJECTORY["estimated_value"])
    form.locator("#id_supplier").fill(NEW_TRAJECTORY["supplier"])
    status = submit_and_wait(page, form.locator("button[type=submit]"))

    assert status == 200, f"creating the trajectory answered {status}"
    trajectory = Trajectory.objects.get(title=NEW_TRAJECTORY["title"])
    expect(page).to_have_url(re.compile(rf"/trajecten/{trajectory.pk}/$"))
    expect(page.locator("main h1")).to_have_text(NEW_TRAJECTORY["title"])
    expect(page.locator("[data-testid=trajectory]")).to_have_attribute("data-status", "lopend")
    expect_phase_statuses(page, ["bezig", "open", "open", "open", "open", "open"])
    expect(phase(page, 1)).to_have_attribute("aria-current", "step")
    expect(page.locator("[data-testid=estimated-value]")).to_have_text("€ 250.000")
    expect(page.locator("[data-testid=supplier]")).to_have_text(NEW_TRAJECTORY["supplier"])
    assert_accessible(page)
    return trajectory


def answer_a_question_with_htmx(page, trajectory):
    group, question = first_question(page, 1)
    expect(group).to_have_attribute("open", "")
    block_id = question.get_attribute("id")
    question_pk = int(block_id.removeprefix("vraag-"))
    expect(question).to_have_attribute("data-done", "false")
    # Survives an htmx swap, not a page load: proves the block was updated in place.
    page.evaluate("() => { window.__sameDocument = true; }")

    question.get_by_role("textbox", name="Antwoord").fill(ANSWER)
    question.get_by_role("checkbox", name="Afgevinkt").check()
    with page.expect_response(is_answer_post) as response:
        question.locator("[data-testid=answer-save]").click()
    assert response.value.status == 200
    wait_for_htmx_idle(page)

    block = page.locator(f"#{block_id}")
    expect(block.locator("[data-testid=answer-saved]")).to_be_visible()
    # Screen readers hear it through the page's live region, present before the swap.
    expect(page.locator("#antwoord-status[role=status]")).not_to_be_empty()
    expect(block).to_have_attribute("data-done", "true")
    expect(block.locator("[data-testid=answered-by]")).to_contain_text("Alice Akkerman")
    assert page.evaluate("() => window.__sameDocument === true"), "saving reloaded the page"
    assert_accessible(page)

    answer = QuestionAnswer.objects.get(trajectory=trajectory, question_id=question_pk)
    assert (answer.answer, answer.is_done) == (ANSWER, True)

    page.reload()
    block = page.locator(f"#{block_id}")
    expect(block).to_have_attribute("data-done", "true")
    expect(block.get_by_role("textbox", name="Antwoord")).to_have_value(ANSWER)
    expect(block.get_by_role("checkbox", name="Afgevinkt")).to_be_checked()
    expect(block.locator("[data-testid=answer-saved]")).to_have_count(0)


def add_kpi_with_two_measurements(page):
    # The add forms have pages of their own, linked from the trajectory page.
    page.locator("[data-testid=kpi-add]").click()
    form = page.locator("[data-testid=kpi-form]")
    expect(form).to_be_visible()
    assert_accessible(page)
    form.locator("input[name=name]").fill(KPI["name"])
    form.locator("input[name=unit]").fill(KPI["unit"])
    form.locator("select[name=direction]").select_option("hoger")
    status = submit_and_wait(page, form.locator("button[type=submit]"))
    assert status == 200, f"adding the KPI answered {status}"
    kpi = page.locator("[data-testid=kpi]")
    expect(kpi).to_have_count(1)
    expect(kpi.locator("h3")).to_contain_text(KPI["name"])
    assert_accessible(page)

    for label, start, end, target, actual in MEASUREMENTS:
        kpi.locator("[data-testid=measurement-add]").click()
        measurement = page.locator("[data-testid=measurement-form]")
        expect(measurement).to_be_visible()
        assert_accessible(page)
        measurement.locator("input[name$='-label']").fill(label)
        measurement.locator("input[name$='-period_start']").fill(start)
        measurement.locator("input[name$='-period_end']").fill(end)
        measurement.locator("input[name$='-target']").fill(target)
        measurement.locator("input[name$='-actual']").fill(actual)
        status = submit_and_wait(page, measurement.locator("button[type=submit]"))
        assert status == 200, f"recording {label} answered {status}"
        expect(page.locator(ERROR_SUMMARY)).to_have_count(0)

    rows = kpi.locator("[data-testid=kpi-table] tbody tr")
    expect(rows).to_have_count(2)
    for row, (label, _start, _end, target, actual) in zip(rows.all(), MEASUREMENTS, strict=True):
        expect(row.locator("th")).to_contain_text(label)
        # Decimals with two places, in Dutch notation.
        expect(row.locator("td")).to_have_text([f"{target},00", f"{actual},00"])
    expect(kpi.locator("svg rect")).to_have_count(4)  # target and actual per period
    assert_accessible(page)


def take_the_phases_in_order(page):
    phase_action(page, 2, "start")
    expect_phase_statuses(page, ["bezig", "bezig", "open", "open", "open", "open"])
    phase_action(page, 1, "complete")
    phase_action(page, 2, "complete")
    expect_phase_statuses(page, ["afgerond", "afgerond", "open", "open", "open", "open"])
    expect(phase(page, 3)).to_have_attribute("aria-current", "step")
    # No market consultation and no tender of its own: phases 3 and 4 are skipped.
    phase_action(page, 3, "skip")
    phase_action(page, 4, "skip")
    phase_action(page, 5, "start")
    phase_action(page, 5, "complete")
    phase_action(page, 6, "start")
    expect_phase_statuses(
        page, ["afgerond", "afgerond", "overgeslagen", "overgeslagen", "afgerond", "bezig"]
    )
    expect(phase(page, 6)).to_have_attribute("aria-current", "step")


def close_trajectory(page, trajectory):
    page.locator("[data-testid=close]").click()
    expect(page).to_have_url(re.compile(rf"/trajecten/{trajectory.pk}/afsluiten/$"))
    assert_accessible(page)

    form = page.locator("[data-testid=close-form]")
    form.locator('input[name=status][value="afgerond"]').check()
    form.locator("select[name=r_level_achieved]").select_option("2")
    form.locator("textarea[name=outcome]").fill(CLOSING["outcome"])
    form.locator("textarea[name=lessons]").fill(CLOSING["lessons"])
    status = submit_and_wait(page, form.locator("button[type=submit]"))

    assert status == 200, f"closing answered {status}"
    expect(page).to_have_url(re.compile(rf"/trajecten/{trajectory.pk}/$"))
    expect(page.locator("[data-testid=trajectory]")).to_have_attribute("data-status", "afgerond")
    # The running phase 6 was completed with the trajectory; nothing can change any more.
    expect_phase_statuses(
        page, ["afgerond", "afgerond", "overgeslagen", "overgeslagen", "afgerond", "afgerond"]
    )
    expect(page.locator("[data-testid=close]")).to_have_count(0)
    expect(page.locator("[data-testid=phase-start]")).to_have_count(0)
    expect(page.locator("[data-testid=answer-save]")).to_have_count(0)
    assert_accessible(page)


def turn_into_case(page, trajectory):
    status = submit_and_wait(page, page.locator("[data-testid=to-case]"))

    assert status == 200, f"making a case answered {status}"
    case = Case.objects.get(trajectories=trajectory)
    expect(page).to_have_url(re.compile(rf"/praktijkvoorbeelden/{case.slug}/bewerken/$"))
    form = page.locator("[data-testid=case-form]")
    expect(form.locator("#id_title")).to_have_value(NEW_TRAJECTORY["title"])
    assert case.status == Case.Status.CONCEPT
    assert ANSWER in case.approach
    assert_accessible(page)


def test_an_inkoper_takes_a_trajectory_from_start_to_case(page, log_in, alice, guidance):
    log_in(alice.email)
    trajectory = create_trajectory(page)
    answer_a_question_with_htmx(page, trajectory)
    add_kpi_with_two_measurements(page)
    take_the_phases_in_order(page)
    close_trajectory(page, trajectory)
    turn_into_case(page, trajectory)


# --- 2. a colleague from the region reads it without the confidential fields -------------


def test_a_colleague_in_the_region_sees_no_confidential_fields(
    page, login_as, bob, running_trajectory
):
    login_as(bob)
    hidden_texts = ["987.654", "987654", CONFIDENTIAL["supplier"], CONFIDENTIAL["notes"]]

    page.goto(TRAJECTORY_LIST)
    row = page.locator(f'[data-testid=trajectory-row][data-id="{running_trajectory.pk}"]')
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name=running_trajectory.title)).to_be_visible()
    expect(page.locator("[data-testid=trajectory-create]")).to_be_visible()  # bob may create
    list_text = page.locator("main").inner_text()
    for text in hidden_texts:
        assert text not in list_text, f"the list shows {text!r} to another municipality"
    assert_accessible(page)

    row.get_by_role("link", name=running_trajectory.title).click()
    expect(page).to_have_url(re.compile(rf"/trajecten/{running_trajectory.pk}/$"))
    expect(page.locator("main h1")).to_have_text(running_trajectory.title)
    for testid in ("estimated-value", "supplier", "notes", "threshold-verdict", "history"):
        expect(page.locator(f"[data-testid={testid}]")).to_have_count(0)
    expect(page.locator("[data-testid=confidential-hidden]")).to_be_visible()
    # A reader from another organisation gets no forms.
    for testid in ("edit", "close", "phase-start", "answer-save", "kpi-add", "measurement-add"):
        expect(page.locator(f"[data-testid={testid}]")).to_have_count(0)
    page_text = page.content()
    for text in hidden_texts:
        assert text not in page_text, f"the trajectory page holds {text!r} for bob"
    assert_accessible(page)


# --- 3. the answer form with the keyboard alone -------------------------------------------


def test_the_answer_form_works_with_the_keyboard_alone(page, login_as, alice, running_trajectory):
    login_as(alice)
    page.goto(f"/trajecten/{running_trajectory.pk}/")
    group, question = first_question(page, 1)
    expect(group).to_have_attribute("open", "")
    block_id = question.get_attribute("id")
    textarea_id = question.get_by_role("textbox", name="Antwoord").get_attribute("id")
    checkbox_id = question.get_by_role("checkbox", name="Afgevinkt").get_attribute("id")

    # Start from the group's summary, as a keyboard user who just opened it.
    group.locator("summary").focus()
    element = tab_until(page, lambda f: f["id"] == textarea_id, f"the answer (#{textarea_id})")
    assert has_visible_focus_indicator(element), f"no visible focus indicator on {element}"
    page.keyboard.type(ANSWER)

    page.keyboard.press("Tab")
    element = focused(page)
    assert element["id"] == checkbox_id, f"Tab after the answer went to {element['html']}"
    assert has_visible_focus_indicator(element), f"no visible focus indicator on {element}"
    page.keyboard.press("Space")
    expect(page.locator(f"#{checkbox_id}")).to_be_checked()

    page.keyboard.press("Tab")
    element = focused(page)
    assert element["testid"] == "answer-save", f"Tab after the tick went to {element['html']}"
    assert has_visible_focus_indicator(element), f"no visible focus indicator on {element}"
    with page.expect_response(is_answer_post) as response:
        page.keyboard.press("Enter")
    assert response.value.status == 200
    wait_for_htmx_idle(page)

    block = page.locator(f"#{block_id}")
    expect(block.locator("[data-testid=answer-saved]")).to_be_visible()
    expect(block).to_have_attribute("data-done", "true")
    expect(block.get_by_role("textbox", name="Antwoord")).to_have_value(ANSWER)
    # The swap replaced the button; htmx puts focus back on the new one (same id), so
    # the keyboard user stays where they were instead of starting again from <body>.
    expect(block.locator("[data-testid=answer-save]")).to_be_focused()
    element = focused(page)
    assert has_visible_focus_indicator(element), f"no visible focus indicator on {element}"
    answer = QuestionAnswer.objects.get(
        trajectory=running_trajectory, question_id=int(block_id.removeprefix("vraag-"))
    )
    assert (answer.answer, answer.is_done) == (ANSWER, True)
    assert_accessible(page)


# --- 4. a bad form ------------------------------------------------------------------------


def test_a_bad_new_trajectory_form_links_errors_to_fields_and_keeps_values(
    page, login_as, alice, guidance
):
    login_as(alice)
    page.goto("/trajecten/nieuw/")
    form = page.locator("[data-testid=trajectory-form]")
    form.locator("#id_title").fill("")
    form.locator("#id_procurement_type").select_option("dienst")
    form.locator("#id_r_level_target").select_option("3")
    form.locator("#id_tenderned_id").fill("12ab")
    form.locator("#id_estimated_value").fill("125000")
    form.locator("#id_supplier").fill("Nog onbekend")
    status = submit_and_wait(page, form.locator("button[type=submit]"))

    assert status == 400, f"a form without a title answered {status}"
    assert not Trajectory.objects.exists(), "a trajectory without a title was saved"
    summary = page.locator(ERROR_SUMMARY)
    expect(summary).to_be_visible()
    links = summary.locator("a")
    expect(links).to_have_count(2)
    for field_id in ("id_title", "id_tenderned_id"):
        expect(summary.locator(f'a[href="#{field_id}"]')).to_have_count(1)
        field = page.locator(f"#{field_id}")
        expect(field).to_have_attribute("aria-invalid", "true")
        for described in (field.get_attribute("aria-describedby") or "").split():
            expect(page.locator(f"[id='{described}']")).to_have_count(1)

    form = page.locator("[data-testid=trajectory-form]")
    expect(form.locator("#id_title")).to_have_value("")
    expect(form.locator("#id_procurement_type")).to_have_value("dienst")
    expect(form.locator("#id_r_level_target")).to_have_value("3")
    expect(form.locator("#id_tenderned_id")).to_have_value("12ab")
    expect(form.locator("#id_estimated_value")).to_have_value("125000")
    expect(form.locator("#id_supplier")).to_have_value("Nog onbekend")
    assert_accessible(page)

    for field_id in ("id_title", "id_tenderned_id"):
        summary.locator(f'a[href="#{field_id}"]').click()
        expect(page.locator(f"#{field_id}")).to_be_focused()
