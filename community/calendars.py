"""Meetings as iCalendar (RFC 5545), written with the kept `icalendar` library: one
`.ics` per meeting and a feed per themegroup. Times are written in Europe/Amsterdam with
its VTIMEZONE, so calendar apps keep them right across daylight-saving changes.

A calendar app cannot sign in, so the feed's address carries a signed token naming the
user and the themegroup (`feed_token`); the feed shows what that user may see of that
group when it is read."""

from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.utils import timezone
from icalendar import Calendar, Event

FEED_SALT = "community.themegroup_feed"
PRODUCT = "-//Circulair Inkopen Groene Hart//Bijeenkomsten//NL"


def feed_token(user, themegroup) -> str:
    """The signed token of the feed of this group for this user."""
    return signing.Signer(salt=FEED_SALT).sign_object(
        {"u": user.pk, "g": themegroup.pk}, compress=True
    )


def feed_token_read(token: str) -> tuple[int, int] | None:
    """(user id, themegroup id) of a valid token, or None."""
    try:
        data = signing.Signer(salt=FEED_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not {"u", "g"} <= set(data):
        return None
    user_id, themegroup_id = data["u"], data["g"]
    if not isinstance(user_id, int) or not isinstance(themegroup_id, int):
        return None
    return user_id, themegroup_id


def _event(meeting, zone) -> Event:
    event = Event()
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    event.add("uid", f"bijeenkomst-{meeting.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    ends_at = meeting.ends_at or meeting.starts_at + timedelta(hours=2)
    event.add("dtend", ends_at.astimezone(zone))
    event.add("summary", f"{meeting.title} – {meeting.themegroup.name}")
    location = meeting.location or meeting.online_url
    if location:
        event.add("location", location)
    url = f"{settings.SITE_URL}{meeting.get_absolute_url()}"
    event.add("url", url)
    event.add("description", "\n".join(filter(None, [meeting.online_url, url])))
    return event


def calendar_bytes(meetings, *, name: str) -> bytes:
    """An iCalendar file with these meetings (their themegroup and region selected)."""
    zone = timezone.get_default_timezone()
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(zone))
    for meeting in meetings:
        calendar.add_component(_event(meeting, zone))
    # The rules from 2000 on: enough for every meeting the portal holds, a short file.
    calendar.add_missing_timezones(first_date=date(2000, 1, 1))
    return calendar.to_ical()
