"""What the eye sees: a required text area is not red before the user tried, and a
table's rows are ruled across every column (issue 12, bugs 4 and 5)."""

from django.urls import reverse

from tests.procurement.factories import TrajectoryFactory, load_guidance


def _border_color(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).borderTopColor")


def test_a_required_text_area_is_red_only_after_a_failed_send(page, login_as, live_server, alice):
    login_as(alice)
    page.goto(live_server.url + reverse("cases:case_create"))
    summary = page.locator("#id_summary")
    assert summary.evaluate("element => element.matches(':invalid')")
    optional = page.locator("#id_involved_parties")
    assert _border_color(summary) == _border_color(optional)
    page.locator("[data-testid=case-form] [data-testid=case-save]").click()
    summary = page.locator("#id_summary")
    assert summary.get_attribute("aria-invalid") == "true"
    assert _border_color(summary) != _border_color(page.locator("#id_involved_parties"))


def test_table_rows_are_ruled_across_every_column(page, login_as, live_server, alice, alfa):
    load_guidance()
    trajectory = TrajectoryFactory(organisation=alfa)
    login_as(alice)
    page.goto(live_server.url + trajectory.get_absolute_url())
    widths = (
        page.locator("[data-testid=ladder] tbody tr")
        .first.locator("th, td")
        .evaluate_all("cells => cells.map(c => getComputedStyle(c).borderBottomWidth)")
    )
    assert len(widths) == 3
    assert len(set(widths)) == 1
    assert widths[0] != "0px"
