"""Journeys through a themegroup's meetings in a real browser.

1. bob (coordinator of the GWW group) plans a meeting, builds its agenda (reordered with
   htmx), then records attendance, writes minutes and adds an action linked to a
   trajectory; the open action comes back on the next meeting's page.
2. alice (member) registers for the meeting and downloads its .ics.

axe (WCAG 2.1 A/AA) finds no violation on any page visited.
"""

import re
from datetime import UTC, datetime

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from community.models import Attendance, Meeting, MeetingAction, ThemegroupMembership
from tests import factories
from tests.browser.axe import assert_accessible
from tests.procurement.factories import TrajectoryFactory

pytestmark = pytest.mark.browser

MEETINGS = "/themagroepen/groene-hart/gww/bijeenkomsten/"
ERROR_SUMMARY = "[data-testid=error-summary]"


@pytest.fixture
def group(gww, bob, alice):
    factories.ThemegroupMembershipFactory(
        themegroup=gww, user=bob, role=ThemegroupMembership.Role.COORDINATOR
    )
    factories.ThemegroupMembershipFactory(themegroup=gww, user=alice)
    return gww


def submit_and_wait(page, button):
    with page.expect_navigation() as navigation:
        button.click()
    return navigation.value.status


def agenda_titles(page):
    return page.locator("[data-testid=agenda-item] strong").all_inner_texts()


def test_a_coordinator_plans_a_meeting_and_follows_it_up(page, login_as, bob, alice, alfa, group):
    trajectory = TrajectoryFactory(organisation=alfa, title="Asfalt N207", themegroup=group)
    login_as(bob)
    page.goto(MEETINGS)
    assert_accessible(page)

    # Plan: a wrong form first (no place, end before start) keeps what was typed.
    page.locator("[data-testid=meeting-create]").click()
    assert_accessible(page)
    form = page.locator("[data-testid=meeting-form]")
    form.locator("#id_title").fill("Circulair asfalt")
    form.locator("#id_starts_at").fill("2030-06-04T14:00")
    form.locator("#id_ends_at").fill("2030-06-04T13:00")
    assert submit_and_wait(page, form.locator("button[type=submit]")) == 400
    expect(page.locator(f"{ERROR_SUMMARY} a")).to_have_count(2)
    expect(page.locator("#id_title")).to_have_value("Circulair asfalt")
    assert_accessible(page)
    page.locator(f"{ERROR_SUMMARY} a").first.click()
    expect(page.locator("#id_ends_at")).to_be_focused()
    page.locator("#id_ends_at").fill("2030-06-04T16:30")
    page.locator("#id_location").fill("Provinciehuis Zuid-Holland")
    assert submit_and_wait(page, form.locator("button[type=submit]")) == 200
    meeting = Meeting.objects.get(title="Circulair asfalt")
    # (the browser keeps the fragment of the error link across the redirect)
    expect(page).to_have_url(re.compile(rf"/bijeenkomsten/{meeting.pk}/(#.*)?$"))
    expect(page.locator("[data-testid=when]")).to_contain_text("dinsdag 4 juni 2030, 14:00")
    assert_accessible(page)

    # The agenda: three items, then the last one up (htmx swaps the list in place).
    for title in ("Opening", "Asfalt in de N207", "Rondvraag"):
        agenda_form = page.locator("[data-testid=agenda-form]")
        agenda_form.locator("#id_title").fill(title)
        assert submit_and_wait(page, agenda_form.locator("button[type=submit]")) == 200
    assert agenda_titles(page) == ["Opening", "Asfalt in de N207", "Rondvraag"]
    with page.expect_response(lambda r: "/verplaatsen/" in r.url):
        page.locator("[data-testid=agenda-item]").nth(2).locator("[data-testid=agenda-up]").click()
    expect(page.locator("[data-testid=agenda-item] strong").nth(1)).to_have_text("Rondvraag")
    assert agenda_titles(page) == ["Opening", "Rondvraag", "Asfalt in de N207"]
    assert_accessible(page)

    # Afterwards: attendance, minutes and an action linked to the trajectory.
    page.locator("[data-testid=attendance-edit]").click()
    assert_accessible(page)
    page.get_by_label("Alice Akkerman").check()
    assert submit_and_wait(page, page.locator("[data-testid=attendance-form] button")) == 200
    assert Attendance.objects.get(meeting=meeting, user=alice).attended is True

    page.locator("[data-testid=minutes-edit]").click()
    assert_accessible(page)
    page.locator("#id_minutes").fill("### Afspraken\n\n- **Proefvak** met hergebruikt asfalt")
    assert submit_and_wait(page, page.locator("[data-testid=minutes-form] button")) == 200
    expect(page.locator("[data-testid=minutes] strong")).to_have_text("Proefvak")
    assert_accessible(page)

    page.locator("[data-testid=action-create]").click()
    assert_accessible(page)
    action_form = page.locator("[data-testid=action-form]")
    action_form.locator("#id_title").fill("Offerte proefvak opvragen")
    action_form.locator("#id_owner").select_option(label="Alice Akkerman")
    action_form.locator("#id_due_on").fill("2030-07-01")
    action_form.locator("#id_trajectory").select_option(str(trajectory.pk))
    assert submit_and_wait(page, action_form.locator("button[type=submit]")) == 200
    row = page.locator("[data-testid=actions] [data-testid=action]")
    expect(row.locator("th")).to_have_text("Offerte proefvak opvragen")
    expect(row.locator("[data-testid=action-trajectory]")).to_have_attribute(
        "href", trajectory.get_absolute_url()
    )
    assert_accessible(page)
    action = MeetingAction.objects.get()
    assert action.trajectory_link.trajectory == trajectory

    # The next meeting shows the open action.
    later = factories.MeetingFactory(
        themegroup=group, starts_at=datetime(2030, 9, 3, 12, tzinfo=UTC), title="Vervolg"
    )
    page.goto(later.get_absolute_url())
    expect(page.locator("[data-testid=earlier-actions] [data-testid=action] th")).to_have_text(
        "Offerte proefvak opvragen"
    )
    assert_accessible(page)


def test_a_member_registers_and_downloads_the_ics(page, login_as, alice, group):
    meeting = factories.MeetingFactory(
        themegroup=group,
        title="Circulair asfalt",
        starts_at=datetime(2030, 1, 15, 18, tzinfo=UTC),  # 19:00 Dutch winter time
        ends_at=datetime(2030, 1, 15, 20, tzinfo=UTC),
    )
    login_as(alice)
    page.goto(MEETINGS)
    assert_accessible(page)
    page.get_by_role("link", name="Circulair asfalt").click()
    expect(page.locator("[data-testid=when]")).to_contain_text("19:00")
    assert_accessible(page)

    page.get_by_label("Aanwezig").check()
    assert submit_and_wait(page, page.locator("[data-testid=registration-form] button")) == 200
    expect(page.locator("[data-testid=my-answer]")).to_have_attribute("data-answer", "aanwezig")
    expect(page.locator('[data-testid=counts] [data-answer="aanwezig"]')).to_have_attribute(
        "data-count", "1"
    )
    assert_accessible(page)

    with page.expect_download() as download:
        page.locator("[data-testid=ics]").click()
    calendar = Calendar.from_ical(open(download.value.path(), "rb").read())  # noqa: SIM115
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("dtstart").astimezone(UTC) == meeting.starts_at
    assert str(event["summary"]).startswith("Circulair asfalt")
    assert timezone.localtime(meeting.starts_at).hour == 19
