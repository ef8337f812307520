"""The meeting pages: who sees and does what (persona × page/action), the agenda with and
without htmx, registration, attendance, minutes, actions linked to a trajectory, and
query counts that do not grow with the rows."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.models import AgendaItem, Attendance, Meeting, MeetingAction
from procurement.models import ActionTrajectory
from tests import factories
from tests.community.meetings.conftest import group_url, meeting_url
from tests.procurement.factories import TrajectoryFactory

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


PERSONAS = ("anonymous", "alice", "bob", "dora", "charlie", "ottilie", "gijs", "staff_mfa")


def login(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))


# --- who sees the meeting -------------------------------------------------------------


# The upcoming meeting: gijs is invited to it; the past one he is not.
DETAIL = {
    "anonymous": 302,
    "alice": 200,  # member
    "bob": 200,  # coordinator
    "dora": 200,  # region member, not in the group
    "charlie": 404,  # another region
    "ottilie": 200,  # coordinator of another group in the region
    "gijs": 200,  # invited guest
    "staff_mfa": 200,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_meeting_page_answers_each_persona(client, request, persona, meeting, gijs, ottilie):
    Attendance.objects.create(
        meeting=meeting, user=gijs, is_guest=True, status=Attendance.Status.UITGENODIGD
    )
    login(client, request, persona)

    response = client.get(meeting_url(meeting))

    assert response.status_code == DETAIL[persona]
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


def test_a_guest_does_not_see_a_meeting_he_is_not_invited_to(client, meeting, past_meeting, gijs):
    Attendance.objects.create(
        meeting=meeting, user=gijs, is_guest=True, status=Attendance.Status.UITGENODIGD
    )
    client.force_login(gijs)

    assert client.get(meeting_url(past_meeting)).status_code == 404
    assert client.get(meeting_url(meeting)).status_code == 200
    assert client.get(group_url(meeting.themegroup)).status_code == 404
    assert list(Meeting.objects.visible_to(gijs)) == [meeting]


def test_a_meeting_is_not_found_through_another_groups_address(client, alice, meeting, groene_hart):
    other = factories.ThemegroupFactory(region=groene_hart, slug="vastgoed")
    client.force_login(alice)
    url = reverse(
        "community:meeting_detail",
        kwargs={"region_slug": groene_hart.slug, "slug": other.slug, "pk": meeting.pk},
    )

    assert client.get(url).status_code == 404


def test_a_suspended_or_former_member_sees_no_meeting(meeting, former, suspended):
    assert not Meeting.objects.visible_to(former).exists()
    assert not Meeting.objects.visible_to(suspended).exists()


def test_the_page_shows_dutch_time_place_and_sanitised_minutes(client, alice, past_meeting):
    past_meeting.starts_at = timezone.make_aware(timezone.datetime(2026, 3, 3, 14, 30))
    past_meeting.ends_at = past_meeting.starts_at + timedelta(hours=2)
    past_meeting.save()
    client.force_login(alice)

    page = soup(client.get(meeting_url(past_meeting)))

    when = page.select_one("[data-testid=when]")
    assert " ".join(when.get_text().split()) == "dinsdag 3 maart 2026, 14:30 – 16:30"
    assert page.select_one("[data-testid=location]").get_text() == "Gemeentehuis Alfa"
    minutes = page.select_one("[data-testid=minutes]")
    assert minutes.select_one("h3").get_text() == "Besproken"
    assert minutes.select_one("strong").get_text() == "asfalt"
    assert minutes.select("script") == []
    # A past meeting takes no registrations.
    assert page.select_one("[data-testid=registration-form]") is None


# --- managing: 403 for those who see but may not ------------------------------------------


def _manage_urls(meeting):
    item = factories.AgendaItemFactory(meeting=meeting)
    return {
        "meeting_update": ("get", meeting_url(meeting, "community:meeting_update")),
        "agenda_item_add": ("post", meeting_url(meeting, "community:agenda_item_add")),
        "agenda_item_move": (
            "post",
            meeting_url(meeting, "community:agenda_item_move", item_pk=item.pk),
        ),
        "agenda_item_remove": (
            "post",
            meeting_url(meeting, "community:agenda_item_remove", item_pk=item.pk),
        ),
        "attendance_record": ("get", meeting_url(meeting, "community:attendance_record")),
        "meeting_minutes": ("get", meeting_url(meeting, "community:meeting_minutes")),
        "action_create": ("get", meeting_url(meeting, "community:action_create")),
        "guest_invite": ("post", meeting_url(meeting, "community:guest_invite")),
        "meeting_create": ("get", group_url(meeting.themegroup, "community:meeting_create")),
    }


MANAGE = {
    "alice": 403,
    "dora": 403,
    "ottilie": 403,
    "charlie": 404,
    "gijs": 403,  # invited, so he sees the meeting; but a guest manages nothing
}


@pytest.mark.parametrize("persona", MANAGE)
def test_only_the_groups_coordinator_manages_its_meetings(client, request, persona, meeting, gijs):
    Attendance.objects.create(meeting=meeting, user=gijs, is_guest=True)
    urls = _manage_urls(meeting)
    login(client, request, persona)

    for name, (method, url) in urls.items():
        expected = MANAGE[persona]
        if persona == "gijs" and name == "meeting_create":
            expected = 404  # he does not see the group itself
        assert getattr(client, method)(url).status_code == expected, name
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1


@pytest.mark.parametrize("persona", ["bob", "staff_mfa"])
def test_the_coordinator_and_staff_open_every_management_page(client, request, persona, meeting):
    urls = _manage_urls(meeting)
    login(client, request, persona)

    for name, (method, url) in urls.items():
        if method == "get":
            assert client.get(url).status_code == 200, name


@pytest.mark.parametrize(
    "name",
    ["agenda_item_add", "meeting_register", "guest_invite"],
)
def test_a_get_on_an_action_is_405(client, bob, meeting, name):
    client.force_login(bob)
    assert client.get(meeting_url(meeting, f"community:{name}")).status_code == 405


def test_a_post_on_a_page_is_405(client, bob, meeting):
    client.force_login(bob)
    assert client.post(meeting_url(meeting)).status_code == 405
    assert client.post(meeting_url(meeting, "community:meeting_ics")).status_code == 405
    assert client.post(group_url(meeting.themegroup)).status_code == 405


# --- planning a meeting -------------------------------------------------------------------


def test_the_coordinator_plans_a_meeting(client, bob, group):
    client.force_login(bob)

    response = client.post(
        group_url(group, "community:meeting_create"),
        {
            "title": "Hergebruik van betonpuin",
            "starts_at": "2026-06-02T14:00",
            "ends_at": "2026-06-02T16:30",
            "location": "Provinciehuis",
            "online_url": "",
        },
    )

    meeting = Meeting.objects.get(title="Hergebruik van betonpuin")
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    # 14:00 Dutch summer time is 12:00 UTC.
    assert meeting.starts_at.astimezone(timezone.UTC).hour == 12
    assert meeting.created_by == bob
    assert meeting.history.first().history_user == bob


def test_a_wrong_meeting_form_keeps_the_input_and_links_the_errors(client, bob, group):
    client.force_login(bob)

    response = client.post(
        group_url(group, "community:meeting_create"),
        {
            "title": "Zonder plaats",
            "starts_at": "2026-06-02T14:00",
            "ends_at": "2026-06-02T13:00",
        },
    )

    page = soup(response)
    assert response.status_code == 400
    links = [a["href"] for a in page.select("[data-testid=error-summary] a")]
    assert links == ["#id_ends_at", "#id_location"]
    assert page.select_one("#id_title")["value"] == "Zonder plaats"
    assert page.select_one("#id_starts_at")["value"] == "2026-06-02T14:00"
    assert not Meeting.objects.exists()


def test_the_coordinator_edits_a_meeting(client, bob, meeting):
    client.force_login(bob)
    url = meeting_url(meeting, "community:meeting_update")

    response = client.post(
        url,
        {
            "title": "Circulair asfalt (verplaatst)",
            "starts_at": "2026-12-15T10:00",
            "location": "",
            "online_url": "https://teams.example/asfalt",
        },
    )

    meeting.refresh_from_db()
    assert response.status_code == 302
    assert (meeting.title, meeting.location, meeting.ends_at) == (
        "Circulair asfalt (verplaatst)",
        "",
        None,
    )


# --- the agenda ---------------------------------------------------------------------------


def _titles(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("title", flat=True))


def test_the_coordinator_builds_and_reorders_the_agenda_without_javascript(client, bob, meeting):
    client.force_login(bob)
    add = meeting_url(meeting, "community:agenda_item_add")
    for title in ("Opening", "Asfalt", "Rondvraag"):
        assert client.post(add, {"title": title}).status_code == 302
    rondvraag = meeting.agenda_items.get(title="Rondvraag")

    response = client.post(
        meeting_url(meeting, "community:agenda_item_move", item_pk=rondvraag.pk),
        {"direction": "up"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{meeting.get_absolute_url()}#agendapunt-{rondvraag.pk}"
    assert _titles(meeting) == ["Opening", "Rondvraag", "Asfalt"]

    opening = meeting.agenda_items.get(title="Opening")
    client.post(
        meeting_url(meeting, "community:agenda_item_move", item_pk=opening.pk), {"direction": "up"}
    )
    assert _titles(meeting) == ["Opening", "Rondvraag", "Asfalt"]  # already at the top

    client.post(meeting_url(meeting, "community:agenda_item_remove", item_pk=opening.pk))
    assert _titles(meeting) == ["Rondvraag", "Asfalt"]
    assert list(meeting.agenda_items.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
    ]
    page = soup(client.get(meeting.get_absolute_url()))
    assert [li.strong.get_text() for li in page.select("[data-testid=agenda-item]")] == [
        "Rondvraag",
        "Asfalt",
    ]


def test_htmx_gets_only_the_agenda_back(client, bob, meeting):
    first = factories.AgendaItemFactory(meeting=meeting, position=1, title="Eerste")
    factories.AgendaItemFactory(meeting=meeting, position=2, title="Tweede")
    client.force_login(bob)

    response = client.post(
        meeting_url(meeting, "community:agenda_item_move", item_pk=first.pk),
        {"direction": "down"},
        HTTP_HX_REQUEST="true",
    )

    page = soup(response)
    assert response.status_code == 200
    assert page.select_one("h1") is None
    assert [li.strong.get_text() for li in page.select("[data-testid=agenda-item]")] == [
        "Tweede",
        "Eerste",
    ]


def test_an_agenda_item_of_another_meeting_is_not_found(client, bob, meeting, past_meeting):
    other = factories.AgendaItemFactory(meeting=past_meeting)
    client.force_login(bob)

    url = meeting_url(meeting, "community:agenda_item_remove", item_pk=other.pk)

    assert client.post(url).status_code == 404
    assert AgendaItem.objects.filter(pk=other.pk).exists()


def test_an_empty_agenda_item_shows_the_error_summary(client, bob, meeting):
    client.force_login(bob)

    response = client.post(meeting_url(meeting, "community:agenda_item_add"), {"title": ""})

    assert response.status_code == 400
    assert soup(response).select_one("[data-testid=error-summary] a")["href"] == "#id_title"


# --- registration -------------------------------------------------------------------------


def _counts(response):
    return {
        li["data-answer"]: int(li["data-count"])
        for li in soup(response).select("[data-testid=counts] li")
    }


def test_members_register_and_the_coordinator_sees_the_names(client, alice, bob, meeting):
    client.force_login(alice)
    url = meeting_url(meeting, "community:meeting_register")
    assert client.post(url, {"status": "misschien"}).status_code == 302
    assert client.post(url, {"status": "aanwezig"}).status_code == 302
    client.force_login(bob)
    client.post(url, {"status": "afwezig"})

    as_bob = client.get(meeting.get_absolute_url())
    client.force_login(alice)
    as_alice = client.get(meeting.get_absolute_url())

    assert _counts(as_alice) == {"aanwezig": 1, "misschien": 0, "afwezig": 1}
    assert soup(as_alice).select("[data-testid=attendee]") == []
    assert soup(as_alice).select_one("[data-testid=my-answer]")["data-answer"] == "aanwezig"
    names = {
        row.th.contents[0].strip(): row["data-answer"]
        for row in soup(as_bob).select("[data-testid=attendee]")
    }
    assert names == {"Alice Akkerman": "aanwezig", "Bob Bakker": "afwezig"}
    assert Attendance.objects.get(user=alice).history.first().history_user == alice


def test_a_region_member_outside_the_group_cannot_register(client, dora, meeting):
    client.force_login(dora)
    response = client.post(
        meeting_url(meeting, "community:meeting_register"), {"status": "aanwezig"}
    )
    assert response.status_code == 403
    assert (
        soup(client.get(meeting.get_absolute_url())).select_one("[data-testid=registration-form]")
        is None
    )


def test_an_invited_guest_registers(client, bob, gijs, meeting):
    client.force_login(bob)
    client.post(meeting_url(meeting, "community:guest_invite"), {"user": gijs.pk})
    client.force_login(gijs)

    response = client.post(
        meeting_url(meeting, "community:meeting_register"), {"status": "aanwezig"}
    )

    attendance = Attendance.objects.get(user=gijs)
    assert response.status_code == 302
    assert (attendance.is_guest, attendance.status) == (True, "aanwezig")


def test_only_a_guest_of_the_group_can_be_invited(client, bob, dora, meeting):
    client.force_login(bob)

    response = client.post(meeting_url(meeting, "community:guest_invite"), {"user": dora.pk})

    assert response.status_code == 400
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("answer", ["", "aangemeld", "uitgenodigd", "<script>"])
def test_a_wrong_answer_is_refused(client, alice, meeting, answer):
    client.force_login(alice)
    response = client.post(meeting_url(meeting, "community:meeting_register"), {"status": answer})
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_a_past_meeting_takes_no_registration(client, alice, past_meeting):
    client.force_login(alice)
    response = client.post(
        meeting_url(past_meeting, "community:meeting_register"), {"status": "aanwezig"}
    )
    assert response.status_code == 400
    assert not Attendance.objects.exists()


# --- attendance, minutes ------------------------------------------------------------------


def test_the_coordinator_records_attendance_afterwards(client, alice, bob, past_meeting, gijs):
    Attendance.objects.create(meeting=past_meeting, user=gijs, is_guest=True)
    client.force_login(bob)
    url = meeting_url(past_meeting, "community:attendance_record")
    offered = {box["value"] for box in soup(client.get(url)).select("input[name=present]")}

    response = client.post(url, {"present": [str(alice.pk), str(gijs.pk)]})

    assert offered == {str(alice.pk), str(bob.pk), str(gijs.pk)}
    assert response.status_code == 302
    recorded = dict(past_meeting.attendances.values_list("user__email", "attended"))
    assert recorded == {alice.email: True, gijs.email: True}
    client.post(url, {"present": [str(bob.pk)]})
    recorded = dict(past_meeting.attendances.values_list("user__email", "attended"))
    assert recorded == {alice.email: False, gijs.email: False, bob.email: True}


def test_an_unknown_person_cannot_be_recorded(client, bob, charlie, past_meeting):
    client.force_login(bob)
    url = meeting_url(past_meeting, "community:attendance_record")
    assert client.post(url, {"present": [str(charlie.pk)]}).status_code == 400
    assert client.post(url, {"present": ["x"]}).status_code == 400
    assert not Attendance.objects.exists()


def test_the_coordinator_writes_the_minutes(client, bob, past_meeting):
    client.force_login(bob)

    response = client.post(
        meeting_url(past_meeting, "community:meeting_minutes"),
        {"minutes": "Afgesproken: *proef* met [asfalt](javascript:alert(1))."},
    )

    past_meeting.refresh_from_db()
    page = soup(client.get(past_meeting.get_absolute_url()))
    minutes = page.select_one("[data-testid=minutes]")
    assert response.status_code == 302
    assert minutes.select_one("em").get_text() == "proef"
    assert not minutes.select_one("a").get("href", "").startswith("javascript")
    assert past_meeting.history.first().history_user == bob


# --- actions --------------------------------------------------------------------------------


@pytest.fixture
def trajectory(alfa, group):
    return TrajectoryFactory(organisation=alfa, title="Asfalt N207", themegroup=group)


def _action_data(owner, **extra):
    return {"title": "Offerte opvragen", "owner": owner.pk, "status": "open", **extra}


def test_the_coordinator_adds_an_action_linked_to_a_trajectory(
    client, bob, alice, past_meeting, meeting, trajectory
):
    client.force_login(bob)
    url = meeting_url(past_meeting, "community:action_create")
    offered = {o["value"] for o in soup(client.get(url)).select("#id_trajectory option")}

    response = client.post(
        url, _action_data(alice, due_on="2026-12-20", trajectory=str(trajectory.pk))
    )

    action = MeetingAction.objects.get()
    assert str(trajectory.pk) in offered
    assert response.status_code == 302
    assert action.owner == alice
    assert action.trajectory_link.trajectory == trajectory
    assert action.history.first().history_user == bob
    assert ActionTrajectory.history.first().history_user == bob
    # The open action of the earlier meeting is on the next meeting's page.
    client.force_login(alice)
    page = soup(client.get(meeting.get_absolute_url()))
    row = page.select_one("[data-testid=earlier-actions] [data-testid=action]")
    assert row.th.get_text() == "Offerte opvragen"
    assert row.select_one("[data-testid=action-trajectory]")["href"] == (
        trajectory.get_absolute_url()
    )


def test_a_finished_action_leaves_the_next_agenda(client, bob, alice, past_meeting, meeting):
    action = factories.MeetingActionFactory(meeting=past_meeting, owner=alice)
    client.force_login(bob)

    response = client.post(
        meeting_url(past_meeting, "community:action_update", action_pk=action.pk),
        _action_data(alice, status="afgerond"),
    )

    page = soup(client.get(meeting.get_absolute_url()))
    assert response.status_code == 302
    assert page.select("[data-testid=earlier-actions] [data-testid=action]") == []


def test_a_reader_who_may_not_see_the_trajectory_sees_no_link(
    client, bob, alice, past_meeting, meeting, zwolle, gijs
):
    """gijs (Regio Zwolle) is invited to the meeting; the linked Alfa trajectory is not
    his to see."""
    alfa_trajectory = TrajectoryFactory(organisation=alice.memberships.get().organisation)
    action = factories.MeetingActionFactory(meeting=past_meeting, owner=alice)
    ActionTrajectory.objects.create(action=action, trajectory=alfa_trajectory)
    Attendance.objects.create(meeting=meeting, user=gijs, is_guest=True)
    Attendance.objects.create(meeting=past_meeting, user=gijs, is_guest=True)
    client.force_login(gijs)

    page = soup(client.get(meeting.get_absolute_url()))

    assert page.select_one("[data-testid=earlier-actions] [data-testid=action]") is not None
    assert page.select("[data-testid=action-trajectory]") == []


def test_the_actions_links_are_read_without_the_actions_table(client, alice, past_meeting, meeting):
    """The page asks procurement for the trajectories its actions follow up; that query
    reads the links alone (the link's default ordering would join every action)."""
    trajectory = TrajectoryFactory(organisation=alice.memberships.get().organisation)
    action = factories.MeetingActionFactory(meeting=past_meeting, owner=alice)
    ActionTrajectory.objects.create(action=action, trajectory=trajectory)
    client.force_login(alice)

    with CaptureQueriesContext(connection) as queries:
        page = soup(client.get(meeting.get_absolute_url()))

    link_queries = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "procurement_actiontrajectory"')
    ]
    assert page.select_one("[data-testid=action-trajectory]")["href"] == (
        trajectory.get_absolute_url()
    )
    assert len(link_queries) == 1
    assert MeetingAction._meta.db_table not in link_queries[0]


def test_a_guest_sees_no_action_of_a_meeting_he_was_not_invited_to(
    client, alice, past_meeting, meeting, gijs
):
    factories.MeetingActionFactory(meeting=past_meeting, owner=alice, title="Geheim")
    Attendance.objects.create(meeting=meeting, user=gijs, is_guest=True)
    client.force_login(gijs)

    page = soup(client.get(meeting.get_absolute_url()))

    assert page.select("[data-testid=earlier-actions] [data-testid=action]") == []
    assert past_meeting.get_absolute_url() not in page.decode()


def test_an_action_cannot_link_a_trajectory_the_coordinator_may_not_see(
    client, bob, alice, past_meeting, charlie_org
):
    hidden = TrajectoryFactory(organisation=charlie_org)
    client.force_login(bob)

    response = client.post(
        meeting_url(past_meeting, "community:action_create"),
        _action_data(alice, trajectory=str(hidden.pk)),
    )

    assert response.status_code == 400
    assert not MeetingAction.objects.exists()


def test_the_owner_of_an_action_is_a_member_of_the_group(client, bob, dora, past_meeting):
    client.force_login(bob)

    response = client.post(meeting_url(past_meeting, "community:action_create"), _action_data(dora))

    page = soup(response)
    assert response.status_code == 400
    assert page.select_one("[data-testid=error-summary] a")["href"] == "#id_owner"
    assert page.select_one("#id_title")["value"] == "Offerte opvragen"


def test_editing_an_action_keeps_a_link_the_editor_cannot_see(
    client, bob, alice, past_meeting, charlie_org
):
    hidden = TrajectoryFactory(organisation=charlie_org)
    action = factories.MeetingActionFactory(meeting=past_meeting, owner=alice)
    ActionTrajectory.objects.create(action=action, trajectory=hidden)
    client.force_login(bob)

    client.post(
        meeting_url(past_meeting, "community:action_update", action_pk=action.pk),
        _action_data(alice, status="bezig"),
    )

    action.refresh_from_db()
    assert action.status == "bezig"
    assert action.trajectory_link.trajectory == hidden


def test_an_action_of_another_meeting_is_not_found(client, bob, alice, meeting, past_meeting):
    action = factories.MeetingActionFactory(meeting=past_meeting, owner=alice)
    client.force_login(bob)
    url = meeting_url(meeting, "community:action_update", action_pk=action.pk)
    assert client.get(url).status_code == 404


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_upcoming_and_past_meetings_and_open_actions(
    client, alice, meeting, past_meeting
):
    factories.MeetingActionFactory(meeting=past_meeting, owner=alice, title="Bellen")
    client.force_login(alice)

    page = soup(client.get(group_url(meeting.themegroup)))

    upcoming = [a["href"] for a in page.select("[data-testid=upcoming-meetings] a")]
    past = [a["href"] for a in page.select("[data-testid=past-meetings] a")]
    assert upcoming == [meeting.get_absolute_url()]
    assert past == [past_meeting.get_absolute_url()]
    assert [
        row.th.get_text() for row in page.select("[data-testid=open-actions] tr[data-status]")
    ] == ["Bellen"]
    assert page.select_one("[data-testid=feed-url]")["value"].endswith(".ics")
    assert page.select_one("[data-testid=meeting-create]") is None


def test_the_themegroup_page_summarises_what_the_list_shows_in_full(
    client, alice, meeting, past_meeting
):
    """The group's page shows the open actions due first and links to the meetings list
    with their total; the list shows every one of them."""
    for day in range(8):
        factories.MeetingActionFactory(
            meeting=past_meeting,
            owner=alice,
            title=f"Actie {day}",
            due_on=timezone.localdate() + timedelta(days=day),
        )
    client.force_login(alice)

    page = soup(client.get(meeting.themegroup.get_absolute_url()))
    rows = page.select("[data-testid=open-actions] tr[data-status]")
    assert [row.th.get_text() for row in rows] == [f"Actie {day}" for day in range(5)]
    link = page.select_one("[data-testid=all-meetings]")
    assert link["data-open-actions"] == "8"
    assert link.a["href"] == group_url(meeting.themegroup)

    full = soup(client.get(group_url(meeting.themegroup)))
    assert len(full.select("[data-testid=open-actions] tr[data-status]")) == 8
    assert full.select_one("[data-testid=all-meetings]") is None


def test_the_meeting_page_shows_the_ten_earlier_actions_due_first_and_links_to_all(
    client, alice, meeting, past_meeting
):
    for day in range(12):
        factories.MeetingActionFactory(
            meeting=past_meeting,
            owner=alice,
            title=f"Actie {day:02}",
            due_on=timezone.localdate() + timedelta(days=day),
        )
    client.force_login(alice)

    page = soup(client.get(meeting.get_absolute_url()))

    rows = page.select("[data-testid=earlier-actions] tr[data-status]")
    assert [row.th.get_text() for row in rows] == [f"Actie {day:02}" for day in range(10)]
    link = page.select_one("[data-testid=all-earlier-actions]")
    assert link["data-count"] == "12"
    assert link.a["href"] == group_url(meeting.themegroup)


def test_ten_earlier_actions_or_fewer_need_no_link(client, alice, meeting, past_meeting):
    for _index in range(10):
        factories.MeetingActionFactory(meeting=past_meeting, owner=alice)
    client.force_login(alice)

    page = soup(client.get(meeting.get_absolute_url()))

    assert len(page.select("[data-testid=earlier-actions] tr[data-status]")) == 10
    assert page.select_one("[data-testid=all-earlier-actions]") is None


# --- query counts ---------------------------------------------------------------------------


def _fill(group, meeting, past_meeting, people, n):
    for _index in range(n):
        factories.AgendaItemFactory(meeting=meeting, position=meeting.agenda_items.count() + 1)
        action = factories.MeetingActionFactory(meeting=past_meeting, owner=people[0])
        ActionTrajectory.objects.create(
            action=action,
            trajectory=TrajectoryFactory(
                organisation=people[0].memberships.get().organisation, themegroup=group
            ),
        )
        factories.MeetingActionFactory(meeting=meeting, owner=people[0])
        user = factories.UserFactory()
        factories.ThemegroupMembershipFactory(themegroup=group, user=user)
        Attendance.objects.create(meeting=meeting, user=user)
        factories.MeetingFactory(themegroup=group)
        factories.MeetingFactory(themegroup=group, starts_at=timezone.now() - timedelta(days=9))


@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_the_meeting_page_and_list_take_the_same_queries_with_more_rows(
    client, request, django_assert_num_queries, persona, alice, meeting, past_meeting
):
    group = meeting.themegroup
    _fill(group, meeting, past_meeting, [alice], 2)
    client.force_login(request.getfixturevalue(persona))
    client.get(meeting.get_absolute_url())  # session, content types: warm
    counts = {}
    for url in (meeting.get_absolute_url(), group_url(group)):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured)

    _fill(group, meeting, past_meeting, [alice], 4)

    for url, before in counts.items():
        with django_assert_num_queries(before):
            assert client.get(url).status_code == 200


def test_no_box_ticked_records_everyone_absent(client, alice, bob, past_meeting):
    Attendance.objects.create(meeting=past_meeting, user=alice, attended=True)
    client.force_login(bob)

    response = client.post(meeting_url(past_meeting, "community:attendance_record"), {})

    assert response.status_code == 302
    assert past_meeting.attendances.get(user=alice).attended is False


def test_the_trajectory_page_lists_its_actions_from_meetings_the_reader_sees(
    client, alice, bob, past_meeting, trajectory
):
    action = factories.MeetingActionFactory(meeting=past_meeting, owner=alice, title="Bellen")
    ActionTrajectory.objects.create(action=action, trajectory=trajectory)
    client.force_login(alice)

    page = soup(client.get(trajectory.get_absolute_url()))

    items = page.select("[data-testid=meeting-actions] li")
    assert [item.a["href"] for item in items] == [past_meeting.get_absolute_url()]
    assert items[0]["data-status"] == "open"


@pytest.mark.parametrize("persona", ["alice", "bob", "gijs"])
def test_the_meeting_page_takes_the_same_queries_with_many_earlier_actions(
    client, request, django_assert_num_queries, persona, alice, gijs, meeting, past_meeting
):
    """More earlier actions than the page shows (its count is one query), linked to
    trajectories, for a member, the coordinator and an invited guest."""
    Attendance.objects.create(meeting=meeting, user=gijs, is_guest=True)
    Attendance.objects.create(meeting=past_meeting, user=gijs, is_guest=True)
    _fill(meeting.themegroup, meeting, past_meeting, [alice], 12)
    client.force_login(request.getfixturevalue(persona))
    client.get(meeting.get_absolute_url())  # session, content types: warm
    with CaptureQueriesContext(connection) as captured:
        first = soup(client.get(meeting.get_absolute_url()))

    _fill(meeting.themegroup, meeting, past_meeting, [alice], 10)

    with django_assert_num_queries(len(captured)):
        again = soup(client.get(meeting.get_absolute_url()))
    for page, count in ((first, "12"), (again, "22")):
        assert len(page.select("[data-testid=earlier-actions] tr[data-status]")) == 10
        assert page.select_one("[data-testid=all-earlier-actions]")["data-count"] == count
