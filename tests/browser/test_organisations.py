"""Journeys through the organisation pages and agreements in a real browser.

1. alice (inkoper, Gemeente Alfa) fills in her organisation's maturity: a first try
   with a level missing shows the error summary, whose link leads to the field, and
   keeps what she typed; then she saves. dora (bestuurder of Alfa) sees this year
   against last year on the maturity page and on the profile.
2. bob (coordinator of the Groene Hart) adds a regional agreement whose commitment
   counts trajectories, and sees the progress computed per participant.

axe (WCAG 2.1 A/AA) finds no violation on any page visited.
"""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from community import services
from community.models import Agreement, OrganisationMaturity
from procurement.models import RStrategy
from tests.browser.axe import assert_accessible
from tests.community.maturity_helpers import make_aspects
from tests.procurement.factories import TrajectoryFactory, load_guidance

pytestmark = pytest.mark.browser

ERROR_SUMMARY = "[data-testid=error-summary]"


@pytest.fixture
def aspects(db):
    return make_aspects()


def test_an_inkoper_fills_in_the_maturity_and_the_bestuurder_compares_the_years(
    page, login_as, alice, dora, alfa, aspects, browser_context
):
    last_year = date(timezone.localdate().year - 1, 6, 1)
    for aspect in aspects:
        services.maturity_set(
            actor=alice,
            organisation=alfa,
            aspect=aspect,
            status="in_ontwikkeling",
            assessed_on=last_year,
        )
    login_as(alice)
    page.goto(f"/organisaties/{alfa.slug}/")
    assert_accessible(page)
    page.get_by_test_id("maturity-link").click()
    expect(page.get_by_test_id("maturity-form")).to_be_visible()
    assert_accessible(page)

    form = page.get_by_test_id("maturity-form")
    form.locator(f"#id_{aspects[0].key}-status").select_option("geborgd")
    form.locator(f"#id_{aspects[0].key}-note").fill("Het college stelde het beleid vast.")
    form.locator(f"#id_{aspects[1].key}-status").select_option("")
    form.get_by_role("button", name="Opslaan").click()

    summary = page.locator(ERROR_SUMMARY)
    expect(summary).to_be_visible()
    assert_accessible(page)
    expect(form.locator(f"#id_{aspects[0].key}-note")).to_have_value(
        "Het college stelde het beleid vast."
    )
    summary.locator(f"a[href='#id_{aspects[1].key}-status']").click()
    expect(page.locator(f"#id_{aspects[1].key}-status")).to_be_focused()
    page.locator(f"#id_{aspects[1].key}-status").select_option("in_ontwikkeling")
    page.get_by_test_id("maturity-form").get_by_role("button", name="Opslaan").click()

    expect(page.locator(ERROR_SUMMARY)).to_have_count(0)
    row = page.locator(f"[data-testid=maturity-row][data-aspect={aspects[0].key}]")
    expect(row.get_by_test_id("change")).to_have_attribute("data-change", "up")
    assert_accessible(page)
    saved = OrganisationMaturity.objects.get(organisation=alfa, aspect=aspects[0])
    assert saved.history.first().history_user == alice

    browser_context.clear_cookies()
    login_as(dora)
    page.goto(f"/organisaties/{alfa.slug}/volwassenheid/")
    expect(page.get_by_test_id("maturity-form")).to_have_count(0)
    row = page.locator(f"[data-testid=maturity-row][data-aspect={aspects[0].key}]")
    expect(row.get_by_test_id("last-year")).to_have_attribute("data-status", "in_ontwikkeling")
    expect(row.get_by_test_id("this-year")).to_have_attribute("data-status", "geborgd")
    same = page.locator(f"[data-testid=maturity-row][data-aspect={aspects[1].key}]")
    expect(same.get_by_test_id("change")).to_have_attribute("data-change", "same")
    assert_accessible(page)
    page.goto(f"/organisaties/{alfa.slug}/")
    expect(page.get_by_test_id("maturity-profile")).to_be_visible()
    assert_accessible(page)


def test_a_coordinator_adds_an_agreement_and_sees_its_progress(page, login_as, bob, alfa, beta, db):
    load_guidance()
    ambition = RStrategy.objects.get(pk=2)
    TrajectoryFactory.create_batch(2, organisation=alfa, r_level_target=ambition)
    TrajectoryFactory(organisation=beta, r_level_target=ambition)
    login_as(bob)
    page.goto("/afspraken/")
    assert_accessible(page)
    page.get_by_test_id("agreement-create").click()
    assert_accessible(page)

    form = page.get_by_test_id("agreement-form")
    form.get_by_label("Naam").fill("Manifest Circulair Groene Hart")
    form.get_by_label("Regio").select_option(label="Groene Hart")
    form.locator("fieldset", has_text="Inkopende deelnemers").get_by_label("Gemeente Alfa").check()
    form.locator("fieldset", has_text="Inkopende deelnemers").get_by_label("Gemeente Beta").check()
    form.locator("#id_commitment_description").fill("Twee circulaire trajecten per gemeente.")
    form.locator("#id_commitment_applies_to").select_option("inkopende_deelnemer")
    form.locator("#id_commitment_metric").select_option("trajectories_started")
    form.locator("#id_commitment_target").fill("2")
    form.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_test_id("agreement")).to_be_visible()
    rows = page.get_by_test_id("progress-row")
    expect(rows).to_have_count(2)
    expect(
        page.locator("[data-testid=progress-row][data-organisation=gemeente-alfa]")
    ).to_have_attribute("data-met", "true")
    expect(
        page.locator("[data-testid=progress-row][data-organisation=gemeente-beta]")
    ).to_have_attribute("data-met", "false")
    expect(
        page.locator("[data-testid=progress-row][data-organisation=gemeente-alfa]").get_by_test_id(
            "evidence-link"
        )
    ).to_have_count(2)
    assert_accessible(page)
    assert Agreement.objects.get().history.get().history_user == bob
