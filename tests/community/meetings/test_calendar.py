"""Meetings as iCalendar: the .ics of a meeting and the signed feed of a themegroup,
parsed back with icalendar, with the right times on both sides of a daylight-saving
change."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from community import calendars
from community.models import Attendance
from tests import factories
from tests.community.meetings.conftest import group_url, meeting_url

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def winter(group):
    """19:00 Dutch winter time (CET, UTC+1) is 18:00 UTC."""
    return factories.MeetingFactory(
        themegroup=group,
        title="Winteroverleg",
        starts_at=datetime(2026, 1, 15, 19, 0, tzinfo=AMSTERDAM),
        ends_at=datetime(2026, 1, 15, 21, 0, tzinfo=AMSTERDAM),
    )


@pytest.fixture
def summer(group):
    """19:00 Dutch summer time (CEST, UTC+2) is 17:00 UTC."""
    return factories.MeetingFactory(
        themegroup=group,
        title="Zomeroverleg",
        starts_at=datetime(2026, 7, 15, 19, 0, tzinfo=AMSTERDAM),
        ends_at=datetime(2026, 7, 15, 21, 0, tzinfo=AMSTERDAM),
    )


def events(response) -> dict[str, tuple[datetime, datetime]]:
    calendar = Calendar.from_ical(b"".join([response.content]))
    return {
        str(event["summary"]).split(" – ")[0]: (
            event.decoded("dtstart").astimezone(UTC),
            event.decoded("dtend").astimezone(UTC),
        )
        for event in calendar.walk("VEVENT")
    }


def feed_url(user, group):
    return reverse(
        "community:themegroup_feed",
        kwargs={
            "region_slug": group.region.slug,
            "slug": group.slug,
            "token": calendars.feed_token(user, group),
        },
    )


def test_the_ics_of_a_meeting_has_the_right_time_in_winter_and_summer(
    client, alice, winter, summer
):
    client.force_login(alice)

    in_winter = client.get(meeting_url(winter, "community:meeting_ics"))
    in_summer = client.get(meeting_url(summer, "community:meeting_ics"))

    assert in_winter["Content-Type"].startswith("text/calendar")
    assert events(in_winter) == {
        "Winteroverleg": (
            datetime(2026, 1, 15, 18, tzinfo=UTC),
            datetime(2026, 1, 15, 20, tzinfo=UTC),
        )
    }
    assert events(in_summer) == {
        "Zomeroverleg": (
            datetime(2026, 7, 15, 17, tzinfo=UTC),
            datetime(2026, 7, 15, 19, tzinfo=UTC),
        )
    }
    calendar = Calendar.from_ical(in_summer.content)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    event = calendar.walk("VEVENT")[0]
    assert event["dtstart"].params["TZID"] == "Europe/Amsterdam"
    assert str(event["location"]) == "Gemeentehuis Alfa"
    assert str(event["url"]).endswith(summer.get_absolute_url())


def test_the_ics_needs_a_reader_who_sees_the_meeting(client, charlie, winter):
    url = meeting_url(winter, "community:meeting_ics")
    assert client.get(url).status_code == 302
    client.force_login(charlie)
    assert client.get(url).status_code == 404


def test_the_feed_works_without_login_and_holds_the_groups_meetings(
    client, alice, winter, summer, zwolle_gww
):
    factories.MeetingFactory(themegroup=zwolle_gww, title="Elders")

    response = client.get(feed_url(alice, winter.themegroup))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert events(response) == {
        "Winteroverleg": (
            datetime(2026, 1, 15, 18, tzinfo=UTC),
            datetime(2026, 1, 15, 20, tzinfo=UTC),
        ),
        "Zomeroverleg": (
            datetime(2026, 7, 15, 17, tzinfo=UTC),
            datetime(2026, 7, 15, 19, tzinfo=UTC),
        ),
    }


def test_a_guests_feed_holds_only_the_meeting_he_is_invited_to(client, gijs, winter, summer):
    Attendance.objects.create(meeting=summer, user=gijs, is_guest=True)

    response = client.get(feed_url(gijs, summer.themegroup))

    assert set(events(response)) == {"Zomeroverleg"}


def test_a_feed_of_someone_who_left_is_empty(client, alice, winter):
    alice.memberships.update(suspended_at=winter.starts_at)

    response = client.get(feed_url(alice, winter.themegroup))

    assert response.status_code == 200
    assert events(response) == {}


def test_a_bad_or_moved_token_is_not_found(client, alice, group, zwolle_gww, winter):
    good = feed_url(alice, group)
    other_group_token = calendars.feed_token(alice, zwolle_gww)
    through_other_address = reverse(
        "community:themegroup_feed",
        kwargs={"region_slug": group.region.slug, "slug": group.slug, "token": other_group_token},
    )
    assert client.get(good.replace(".ics", "x.ics")).status_code == 404
    assert client.get(through_other_address).status_code == 404
    assert client.get(good.rsplit("/", 1)[0] + "/onzin.ics").status_code == 404
    alice.is_active = False
    alice.save()
    assert client.get(good).status_code == 404


def test_the_list_page_offers_the_readers_own_feed(client, alice, group):
    client.force_login(alice)
    page = client.get(group_url(group)).content.decode()
    assert feed_url(alice, group) in page
