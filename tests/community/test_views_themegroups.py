"""The themegroup list and page, and what members do there: per persona (see
tests/community/conftest.py), structure read with BeautifulSoup."""

import base64

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import (
    LearningGoal,
    Meeting,
    ThemegroupAnnouncement,
    ThemegroupDocument,
    ThemegroupMembership,
)
from procurement import services as procurement_services
from procurement.models import ActionTrajectory, Trajectory
from tests import factories
from tests.cases.factories import CaseFactory
from tests.community.conftest import PERSONAS

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def url(name, themegroup, *args):
    return reverse(f"community:{name}", args=[themegroup.region.slug, themegroup.slug, *args])


def is_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


# --- the list ---------------------------------------------------------------------------


def test_the_list_shows_the_regions_groups_with_their_member_count(
    client, alice, group, vastgoed, zwolle_gww, gina
):
    client.force_login(alice)

    response = client.get(reverse("community:themegroup_list"))

    assert response.status_code == 200
    rows = soup(response).select("[data-testid=themegroup]")
    assert [row["data-slug"] for row in rows] == ["gww", "vastgoed"]  # not Zwolle's
    counts = [row.select_one("[data-testid=member-count]").get_text(strip=True) for row in rows]
    assert counts == ["2", "0"]  # the guest is not counted


def test_the_list_asks_anonymous_visitors_to_log_in(client, group):
    assert is_login(client.get(reverse("community:themegroup_list")))


def test_the_list_refuses_post(client, alice, group):
    client.force_login(alice)
    assert client.post(reverse("community:themegroup_list")).status_code == 405


def test_the_list_reads_a_constant_number_of_queries(
    client, alice, groene_hart, django_assert_max_num_queries
):
    def add_groups(n):
        for _ in range(n):
            themegroup = factories.ThemegroupFactory(region=groene_hart)
            factories.ThemegroupMembershipFactory(themegroup=themegroup)

    client.force_login(alice)
    add_groups(2)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("community:themegroup_list"))
    add_groups(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("community:themegroup_list"))
    assert len(soup(response).select("[data-testid=themegroup]")) == 10


# --- the page, per persona --------------------------------------------------------------

PAGE = {
    # persona: (status, sees the members and documents, may manage)
    "alice": (200, True, False),
    "gina": (404, False, False),  # a guest sees only their meetings
    "bob": (200, True, True),
    "olga": (200, False, False),  # coordinates another group: reads this one
    "dora": (200, False, False),
    "charlie": (404, False, False),
    "staff_mfa": (200, True, True),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_page_per_persona(as_persona, group, persona, gina, olga, staff_mfa):
    client = as_persona(persona)

    response = client.get(url("themegroup_detail", group))

    if persona == "anonymous":
        assert is_login(response)
        return
    status, member, manager = PAGE[persona]
    assert response.status_code == status
    if status != 200:
        return
    page = soup(response)
    assert bool(page.select("[data-testid=members]")) is member
    assert bool(page.select("[data-testid=documents]")) is member
    assert bool(page.select("[data-testid=announcements]")) is member
    assert bool(page.select("[data-testid=manage-members]")) is manager
    assert [c.get_text(strip=True) for c in page.select("[data-testid=coordinator]")] == [
        "Bob Bakker"
    ]
    assert page.select("[data-testid=themegroup-meetings]")
    if member:
        emails = {row["data-email"] for row in page.select("[data-testid=member]")}
        assert emails == {"alice@alfa.example", "bob@beta.example", gina.email}
        rows = {row["data-email"]: row for row in page.select("[data-testid=member]")}
        assert "Gemeente Alfa" in rows["alice@alfa.example"].get_text()


def test_the_page_refuses_post(client, alice, group):
    client.force_login(alice)
    assert client.post(url("themegroup_detail", group)).status_code == 405


def test_an_unknown_group_or_a_group_under_another_region_is_not_found(
    client, alice, group, zwolle_gww, zwolle
):
    client.force_login(alice)
    assert client.get("/themagroepen/groene-hart/bestaat-niet/").status_code == 404
    # Zwolle's GWW has the same slug; under the Groene Hart it is the Groene Hart's group.
    assert client.get("/themagroepen/regio-zwolle/gww/").status_code == 404


def test_the_page_shows_upcoming_and_past_meetings(client, alice, group):
    now = timezone.now()
    Meeting.objects.create(
        themegroup=group,
        title="Voorjaarssessie",
        starts_at=now + timezone.timedelta(days=9),
        location="Gouda",
    )
    Meeting.objects.create(
        themegroup=group,
        title="Kick-off",
        starts_at=now - timezone.timedelta(days=30),
        location="Gouda",
    )
    client.force_login(alice)

    page = soup(client.get(url("themegroup_detail", group)))

    upcoming = page.select_one("[data-testid=upcoming-meetings]")
    past = page.select_one("[data-testid=past-meetings]")
    assert [a.get_text(strip=True) for a in upcoming.select("a")] == ["Voorjaarssessie"]
    assert [a.get_text(strip=True) for a in past.select("a")] == ["Kick-off"]


@pytest.mark.parametrize("persona", ["bob", "alice"])
def test_the_page_reads_a_constant_number_of_queries(
    as_persona, bob, alice, group, alfa, django_assert_num_queries, settings, tmp_path, persona
):
    """For a coordinator and for a member: the same number of queries with 2 and with 8
    of everything (members, announcements, goals, cases, documents, meetings with
    actions, some following up a trajectory, trajectories), and the page stays short."""
    settings.MEDIA_ROOT = tmp_path

    def add_rows(n):
        for i in range(n):
            member = factories.UserFactory()
            factories.MembershipFactory(user=member, organisation=alfa)
            factories.ThemegroupMembershipFactory(themegroup=group, user=member)
            trajectory = procurement_services.trajectory_create(
                actor=alice,
                organisation=alfa,
                title=f"Traject {i}",
                procurement_type="werk",
                themegroup=group,
            )
            services.themegroup_announcement_create(
                actor=bob, themegroup=group, title=f"Bericht {i}", body="Tekst"
            )
            services.learning_goal_create(actor=bob, themegroup=group, title=f"Doel {i}")
            CaseFactory(published=True, themegroup=group, organisations=[alfa])
            services.themegroup_document_add(
                actor=bob, themegroup=group, upload=SimpleUploadedFile("f.png", PNG), title="D"
            )
            for days in (-20 - i, 20 + i):  # a past and an upcoming meeting
                meeting = factories.MeetingFactory(
                    themegroup=group, starts_at=timezone.now() + timezone.timedelta(days=days)
                )
                actions = factories.MeetingActionFactory.create_batch(
                    3, meeting=meeting, owner=member
                )
                ActionTrajectory.objects.create(action=actions[0], trajectory=trajectory)

    client = as_persona(persona)
    add_rows(2)
    client.get(url("themegroup_detail", group))  # the session and the like, once
    with django_assert_num_queries(15 if persona == "bob" else 14) as few:
        client.get(url("themegroup_detail", group))
    add_rows(6)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url("themegroup_detail", group))
    page = soup(response)
    assert len(page.select("[data-testid=member]")) == 10
    assert len(page.select("[data-testid=document]")) == 8
    assert len(page.select("[data-testid=open-actions] [data-testid=action]")) == 5
    assert page.select_one("[data-testid=all-meetings]")["data-open-actions"] == "48"
    assert len(page.select("[data-testid=section-trajecten] [data-testid=trajectory]")) == 5
    total = page.select_one("[data-testid=themegroup-trajectories-total]")
    assert total["data-total"] == "8"
    assert len(page.select("[data-testid=upcoming-meetings] li")) == 3
    assert len(page.select("[data-testid=past-meetings] li")) == 3


def test_the_page_lists_the_first_twenty_places_with_the_total_and_a_link(
    client, alice, bob, gina, group, alfa
):
    for n in range(25):
        member = factories.UserFactory(full_name=f"Lid {n:02}")
        factories.MembershipFactory(user=member, organisation=alfa)
        factories.ThemegroupMembershipFactory(themegroup=group, user=member)
    client.force_login(alice)

    page = soup(client.get(url("themegroup_detail", group)))

    rows = page.select("[data-testid=members] [data-testid=member]")
    assert len(rows) == 20
    assert rows[0]["data-email"] == "bob@beta.example"  # the coordinator first
    assert all(row["data-role"] != "gast" for row in rows)  # the guest comes last
    link = page.select_one("[data-testid=all-members]")
    assert link["data-total"] == "28"  # bob, alice, gina and 25 more
    assert link.select_one("a")["href"] == url("themegroup_members", group)
    assert page.select_one("[data-testid=member-count]").get_text(strip=True).startswith("27")
    assert [c.get_text(strip=True) for c in page.select("[data-testid=coordinator]")] == [
        "Bob Bakker"
    ]


def test_a_small_group_lists_every_place_without_the_link(client, alice, gina, group):
    client.force_login(alice)
    page = soup(client.get(url("themegroup_detail", group)))
    assert len(page.select("[data-testid=members] [data-testid=member]")) == 3
    assert not page.select("[data-testid=all-members]")


# --- the sections of procurement and cases ---------------------------------------------


@pytest.fixture
def trajectories(group, alice, alfa, charlie, charlie_org, zwolle_gww, vastgoed):
    def make(title, actor, organisation, themegroup):
        return procurement_services.trajectory_create(
            actor=actor,
            organisation=organisation,
            title=title,
            procurement_type="werk",
            themegroup=themegroup,
            estimated_value=7654321,
        )

    return {
        "joint": make("Gezamenlijk bestek kademuren", alice, alfa, group),
        # Alice (a member) buys in the group's sector under another GWW group.
        "sector": make("Fietspad Alfa", alice, alfa, zwolle_gww),
        "other-sector": make("Gemeentehuis Alfa", alice, alfa, vastgoed),
        # Charlie (another region) is not a member; his trajectory is not this group's.
        "outsider": make("Rotonde Charlie", charlie, charlie_org, zwolle_gww),
    }


def test_the_group_shows_its_trajectories_without_confidential_fields(
    client, dora, group, trajectories
):
    client.force_login(dora)

    response = client.get(url("themegroup_detail", group))

    rows = soup(response).select("[data-testid=section-trajecten] [data-testid=trajectory]")
    shown = {int(row["data-pk"]) for row in rows}
    assert shown == {trajectories["joint"].pk, trajectories["sector"].pk}
    assert b"7654321" not in response.content
    assert b"7.654.321" not in response.content


def test_the_group_shows_its_latest_five_trajectories_with_the_total_and_a_link(
    client, dora, alice, alfa, group, trajectories
):
    for n in range(6):
        procurement_services.trajectory_create(
            actor=alice,
            organisation=alfa,
            title=f"Kademuur {n}",
            procurement_type="werk",
            themegroup=group,
        )
    client.force_login(dora)

    page = soup(client.get(url("themegroup_detail", group)))

    section = page.select_one("[data-testid=section-trajecten]")
    rows = section.select("[data-testid=trajectory]")
    assert [row.select_one("a").get_text(strip=True) for row in rows] == [
        f"Kademuur {n}" for n in (5, 4, 3, 2, 1)
    ]  # the last changed first
    total = section.select_one("[data-testid=themegroup-trajectories-total]")
    assert total["data-total"] == "8"  # six more, the joint one and the member's in the sector
    link = section.select_one("a[data-testid=themegroup-trajectories-all]")
    assert link["href"] == f"{reverse('procurement:trajectory_list')}?groep={group.pk}"


def test_a_members_trajectory_outside_the_readers_regions_stays_hidden(
    client, dora, charlie, group, trajectories
):
    """Charlie (Regio Zwolle) joins the group: his GWW trajectory becomes the group's,
    but a reader of the Groene Hart may not see Zwolle's trajectories, so neither the
    rows nor the total count it; Charlie himself sees it."""
    factories.ThemegroupMembershipFactory(themegroup=group, user=charlie)
    client.force_login(dora)

    section = soup(client.get(url("themegroup_detail", group))).select_one(
        "[data-testid=section-trajecten]"
    )

    shown = {int(row["data-pk"]) for row in section.select("[data-testid=trajectory]")}
    assert shown == {trajectories["joint"].pk, trajectories["sector"].pk}
    assert section.select_one("[data-testid=themegroup-trajectories-total]")["data-total"] == "2"
    client.force_login(charlie)
    section = soup(client.get(url("themegroup_detail", group))).select_one(
        "[data-testid=section-trajecten]"
    )
    shown = {int(row["data-pk"]) for row in section.select("[data-testid=trajectory]")}
    assert trajectories["outsider"].pk in shown


@pytest.mark.parametrize("persona", ["alice", "bob", "dora", "charlie", "staff_mfa"])
def test_the_section_is_the_visible_part_of_the_groups_trajectories(
    request, client, group, trajectories, beta, bob, charlie, persona
):
    """The section's reader scope (read from the memberships of the request) is exactly
    `Trajectory.objects.visible_to`: the same rows and total for every persona, a
    joint tender one of the reader's organisations takes part in included."""
    factories.ThemegroupMembershipFactory(themegroup=group, user=charlie)
    joint_elsewhere = procurement_services.trajectory_create(
        actor=charlie,
        organisation=trajectories["outsider"].organisation,
        title="Gezamenlijk over de grens",
        procurement_type="werk",
        themegroup=group,
    )
    joint_elsewhere.participating_organisations.add(beta)
    user = request.getfixturevalue(persona)
    client.force_login(user)

    section = soup(client.get(url("themegroup_detail", group))).select_one(
        "[data-testid=section-trajecten]"
    )

    expected = Trajectory.objects.visible_to(user).of_themegroup(group)
    shown = {int(row["data-pk"]) for row in section.select("[data-testid=trajectory]")}
    assert shown == set(expected.values_list("pk", flat=True))
    total = section.select_one("[data-testid=themegroup-trajectories-total]")
    assert total["data-total"] == str(expected.count())
    assert (joint_elsewhere.pk in shown) == (persona in ("bob", "charlie", "staff_mfa"))


@pytest.mark.parametrize("persona", ["alice", "dora", "charlie"])
def test_the_sections_total_is_what_its_link_lists(
    request, client, group, alice, alfa, trajectories, charlie, persona
):
    """The section's "all" link opens the trajectory list filtered on the group, which
    counts the same set (joint ones and the members' ones in the sector) for the
    reader."""
    factories.ThemegroupMembershipFactory(themegroup=group, user=charlie)
    for n in range(6):
        procurement_services.trajectory_create(
            actor=alice,
            organisation=alfa,
            title=f"Kademuur {n}",
            procurement_type="werk",
            themegroup=group,
        )
    client.force_login(request.getfixturevalue(persona))

    section = soup(client.get(url("themegroup_detail", group))).select_one(
        "[data-testid=section-trajecten]"
    )
    total = int(section.select_one("[data-testid=themegroup-trajectories-total]")["data-total"])
    link = section.select_one("a[data-testid=themegroup-trajectories-all]")
    listed = soup(client.get(link["href"]))

    rows = {int(row["data-id"]) for row in listed.select("[data-testid=trajectory-row]")}
    assert total == len(rows)  # fewer than a page of the list
    assert {int(row["data-pk"]) for row in section.select("[data-testid=trajectory]")} <= rows
    assert listed.select_one("[data-testid=group-filter]")["data-group"] == str(group.pk)
    assert listed.select_one("input[type=hidden][name=groep]")["value"] == str(group.pk)
    assert total == (8 if persona != "charlie" else 1)


def test_the_group_shows_its_published_cases_as_far_as_the_reader_may_browse(
    client, dora, group, alfa
):
    published = CaseFactory(published=True, themegroup=group, organisations=[alfa])
    CaseFactory(themegroup=group, organisations=[alfa])  # a draft
    client.force_login(dora)

    page = soup(client.get(url("themegroup_detail", group)))

    rows = page.select("[data-testid=section-praktijkvoorbeelden] [data-testid=case]")
    assert [row["data-slug"] for row in rows] == [published.slug]
    assert rows[0].select_one("a")["href"] == published.get_absolute_url()
    assert "Gemeente Alfa" in rows[0].get_text()


# --- asking to join, leaving ------------------------------------------------------------


def test_a_member_of_the_region_asks_to_join(client, dora, group):
    client.force_login(dora)

    response = client.post(url("join_request_create", group), {"aanvraag-message": "Graag!"})

    assert response.status_code == 302
    assert group.join_requests.get().user == dora
    page = soup(client.get(url("themegroup_detail", group)))
    assert page.select("[data-testid=pending-request]")
    assert not page.select("[data-testid=join-form]")


@pytest.mark.parametrize(("persona", "status"), [("alice", 403), ("charlie", 404)])
def test_who_is_in_the_group_or_outside_the_region_cannot_ask(as_persona, group, persona, status):
    client = as_persona(persona)
    assert client.post(url("join_request_create", group)).status_code == status
    assert not group.join_requests.exists()


def test_asking_to_join_is_a_post(client, dora, group):
    client.force_login(dora)
    assert client.get(url("join_request_create", group)).status_code == 405


def test_a_member_leaves(client, alice, group):
    client.force_login(alice)

    response = client.post(url("themegroup_leave", group))

    assert response.status_code == 302
    assert not group.memberships.filter(user=alice).exists()
    record = ThemegroupMembership.history.filter(user_id=alice.pk).latest("history_date")
    assert record.history_type == "-"
    assert record.history_user == alice


def test_the_last_coordinator_cannot_leave(client, bob, group):
    client.force_login(bob)

    response = client.post(url("themegroup_leave", group), follow=True)

    assert group.memberships.filter(user=bob, role="coordinator").exists()
    messages = [m.message for m in response.context["messages"]]
    assert any("laatste coördinator" in m for m in messages)


@pytest.mark.parametrize(("persona", "status"), [("dora", 403), ("charlie", 404)])
def test_who_is_not_in_the_group_cannot_leave_it(as_persona, group, persona, status):
    assert as_persona(persona).post(url("themegroup_leave", group)).status_code == status


# --- announcements ----------------------------------------------------------------------


def test_a_coordinator_posts_an_announcement_with_sanitised_markdown(client, bob, alice, group):
    client.force_login(bob)

    response = client.post(
        url("announcement_create", group),
        {
            "mededeling-title": "Nieuw bestek",
            "mededeling-body": "**Let op** <script>alert(1)</script>[x](javascript:1)",
        },
    )

    assert response.status_code == 302
    announcement = ThemegroupAnnouncement.objects.get()
    assert announcement.history.get().history_user == bob
    client.force_login(alice)
    page = soup(client.get(url("themegroup_detail", group)))
    body = page.select_one("[data-testid=announcement] .portal-markdown")
    assert body.select_one("strong").get_text() == "Let op"
    assert not body.select("script")
    assert all("javascript" not in (a.get("href") or "") for a in body.select("a"))


def test_announcements_are_newest_first(client, bob, alice, group):
    services.themegroup_announcement_create(actor=bob, themegroup=group, title="Oud", body="a")
    services.themegroup_announcement_create(actor=bob, themegroup=group, title="Nieuw", body="b")
    client.force_login(alice)
    page = soup(client.get(url("themegroup_detail", group)))
    titles = [a.select_one("h3").get_text() for a in page.select("[data-testid=announcement]")]
    assert titles == ["Nieuw", "Oud"]


def test_an_announcement_names_its_author_by_name_else_address_and_no_one_once_gone(
    client, bob, alice, group
):
    """The page reads the author's name and address only (not the whole user row)."""
    writer = factories.UserFactory(full_name="", email="schrijver@example.org")
    for author, title in ((bob, "Van Bob"), (writer, "Zonder naam"), (None, "Vertrokken")):
        ThemegroupAnnouncement.objects.create(
            themegroup=group, title=title, body="Tekst", author=author
        )
    client.force_login(alice)

    page = soup(client.get(url("themegroup_detail", group)))

    metas = {
        a.select_one("h3").get_text(): a.select_one(".portal-card__meta").get_text()
        for a in page.select("[data-testid=announcement]")
    }
    assert metas["Van Bob"].endswith(f" · {bob.full_name}")
    assert metas["Zonder naam"].endswith(" · schrijver@example.org")
    assert "·" not in metas["Vertrokken"]


def test_an_empty_announcement_keeps_what_was_typed_with_the_error_summary(client, bob, group):
    client.force_login(bob)

    response = client.post(
        url("announcement_create", group), {"mededeling-title": "Alleen een titel"}
    )

    assert response.status_code == 400
    page = soup(response)
    assert [a["href"] for a in page.select("[data-testid=error-summary] a")] == [
        "#id_mededeling-body"
    ]
    assert page.select_one("#id_mededeling-title")["value"] == "Alleen een titel"


@pytest.mark.parametrize(("persona", "status"), [("alice", 403), ("olga", 403), ("charlie", 404)])
def test_only_the_groups_coordinators_post_announcements(as_persona, group, olga, persona, status):
    response = as_persona(persona).post(
        url("announcement_create", group), {"mededeling-title": "x", "mededeling-body": "y"}
    )
    assert response.status_code == status
    assert not ThemegroupAnnouncement.objects.exists()


# --- documents --------------------------------------------------------------------------


def upload(title="Verslag", guests=False):
    data = {
        "document-file": SimpleUploadedFile("foto.png", PNG, content_type="image/png"),
        "document-title": title,
    }
    if guests:
        data["document-shared_with_guests"] = "on"
    return data


def test_the_group_page_links_to_the_upload_page_instead_of_holding_the_form(client, alice, group):
    client.force_login(alice)
    page = soup(client.get(url("themegroup_detail", group)))
    documents = page.select_one("[data-testid=documents]")
    assert not documents.select("form[enctype]")
    assert documents.select_one("a[data-testid=document-new]")["href"] == url("document_new", group)


def test_a_member_opens_the_upload_page(client, alice, group):
    client.force_login(alice)

    response = client.get(url("document_new", group))

    assert response.status_code == 200
    form = soup(response).select_one("form[data-testid=document-form]")
    assert form["method"] == "post"
    assert form["enctype"] == "multipart/form-data"
    assert {field["name"] for field in form.select("input:not([type=hidden])")} == {
        "document-file",
        "document-title",
        "document-shared_with_guests",
    }
    assert form.select_one("input[name=csrfmiddlewaretoken]")


def test_a_member_shares_a_document_and_members_download_it(client, alice, bob, group):
    client.force_login(alice)

    response = client.post(url("document_new", group), upload())

    assert response.status_code == 302
    assert response["Location"] == url("themegroup_detail", group) + "#documenten"
    document = ThemegroupDocument.objects.get()
    assert document.content_type == "image/png"
    assert document.uploaded_by == alice
    assert document.history.get().history_user == alice
    page = soup(client.get(response["Location"]))
    assert [a.get_text(strip=True) for a in page.select("[data-testid=document] a")] == ["Verslag"]
    client.force_login(bob)
    download = client.get(url("document_download", group, document.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert "no-store" in download["Cache-Control"]


def test_a_file_that_is_not_what_it_says_is_refused_and_the_title_kept(client, alice, group):
    client.force_login(alice)
    fake = SimpleUploadedFile(
        "stiekem.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )

    response = client.post(
        url("document_new", group), {"document-file": fake, "document-title": "Echt"}
    )

    assert response.status_code == 400
    page = soup(response)
    assert [a["href"] for a in page.select("[data-testid=error-summary] a")] == [
        "#id_document-file"
    ]
    assert page.select_one("#id_document-title")["value"] == "Echt"
    assert not ThemegroupDocument.objects.exists()


def test_an_upload_without_a_file_names_the_field(client, alice, group):
    client.force_login(alice)
    response = client.post(url("document_new", group), {"document-title": "Zonder bestand"})
    assert response.status_code == 400
    assert [a["href"] for a in soup(response).select("[data-testid=error-summary] a")] == [
        "#id_document-file"
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("gina", 404), ("dora", 403), ("olga", 403), ("charlie", 404)],
)
def test_who_is_not_a_member_shares_nothing(as_persona, group, gina, olga, persona, status):
    client = as_persona(persona)
    assert client.get(url("document_new", group)).status_code == status
    assert client.post(url("document_new", group), upload()).status_code == status
    assert not ThemegroupDocument.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_the_upload_page_takes_only_get_and_post(client, alice, group, method):
    client.force_login(alice)
    assert getattr(client, method)(url("document_new", group)).status_code == 405


def test_staff_share_a_document(as_persona, group, staff_mfa):
    response = as_persona("staff_mfa").post(url("document_new", group), upload("Van beheer"))
    assert response.status_code == 302
    assert ThemegroupDocument.objects.get().title == "Van beheer"


@pytest.mark.parametrize(
    ("persona", "for_guests", "status"),
    [
        ("alice", False, 200),
        ("gina", False, 404),
        ("gina", True, 200),
        ("dora", True, 404),  # in the region, not in the group
        ("olga", True, 404),
        ("charlie", True, 404),
        ("staff_mfa", False, 200),
    ],
)
def test_who_downloads_a_document(
    as_persona, group, alice, gina, olga, staff_mfa, persona, for_guests, status
):
    document = services.themegroup_document_add(
        actor=alice,
        themegroup=group,
        upload=SimpleUploadedFile("foto.png", PNG),
        title="Foto",
        shared_with_guests=for_guests,
    )
    response = as_persona(persona).get(url("document_download", group, document.pk))
    assert response.status_code == status


def test_a_document_is_not_found_through_another_groups_address(
    client, alice, group, vastgoed, bob
):
    document = services.themegroup_document_add(
        actor=alice, themegroup=group, upload=SimpleUploadedFile("f.png", PNG), title="Foto"
    )
    factories.ThemegroupMembershipFactory(themegroup=vastgoed, user=alice)
    client.force_login(alice)
    assert client.get(url("document_download", vastgoed, document.pk)).status_code == 404


# --- deleting an announcement or a document ----------------------------------------------


@pytest.fixture
def announcement(bob, group):
    return services.themegroup_announcement_create(
        actor=bob, themegroup=group, title="Verouderd bericht", body="Tekst"
    )


@pytest.fixture
def document(alice, group, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return services.themegroup_document_add(
        actor=alice, themegroup=group, upload=SimpleUploadedFile("f.png", PNG), title="Oud verslag"
    )


def _confirmation(response):
    form = soup(response).select_one("form[data-testid=delete-confirmation]")
    assert form is not None
    return {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}


def test_a_coordinator_deletes_an_announcement_after_confirming(client, bob, group, announcement):
    client.force_login(bob)
    page = soup(client.get(url("themegroup_detail", group)))
    button = page.select_one("[data-testid=announcement] form[data-testid=announcement-delete]")
    assert button["action"] == url("announcement_delete", group, announcement.pk)

    asked = client.post(button["action"])  # the button on the group's page: asks first

    assert asked.status_code == 200
    fields = _confirmation(asked)
    assert fields["bevestigd"] == "ja"
    assert ThemegroupAnnouncement.objects.filter(pk=announcement.pk).exists()

    response = client.post(button["action"], fields)

    assert response.status_code == 302
    assert response["Location"].endswith("#mededelingen")
    assert not ThemegroupAnnouncement.objects.exists()
    deleted = ThemegroupAnnouncement.history.get(id=announcement.pk, history_type="-")
    assert deleted.history_user == bob
    assert (
        soup(client.get(url("themegroup_detail", group))).select("[data-testid=announcement]") == []
    )


def test_a_coordinator_deletes_a_document_and_its_file(
    client, bob, group, document, django_capture_on_commit_callbacks
):
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)
    client.force_login(bob)
    page = soup(client.get(url("themegroup_detail", group)))
    button = page.select_one("[data-testid=document] form[data-testid=document-delete]")
    assert button["action"] == url("document_delete", group, document.pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(button["action"], _confirmation(client.post(button["action"])))

    assert response.status_code == 302
    assert response["Location"].endswith("#documenten")
    assert not ThemegroupDocument.objects.exists()
    assert not storage.exists(name)
    deleted = ThemegroupDocument.history.get(id=document.pk, history_type="-")
    assert deleted.history_user == bob
    assert client.get(url("document_download", group, document.pk)).status_code == 404


def test_members_see_no_delete_buttons(client, alice, group, announcement, document):
    client.force_login(alice)
    page = soup(client.get(url("themegroup_detail", group)))
    assert page.select("[data-testid=announcement]")
    assert page.select("[data-testid=document]")
    assert page.select("[data-testid=announcement-delete], [data-testid=document-delete]") == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("alice", 403), ("olga", 403), ("dora", 403), ("charlie", 404)],
)
@pytest.mark.parametrize("route", ["announcement_delete", "document_delete"])
def test_only_the_groups_coordinators_delete(
    as_persona, group, olga, announcement, document, persona, status, route
):
    pk = announcement.pk if route == "announcement_delete" else document.pk

    response = as_persona(persona).post(url(route, group, pk), {"bevestigd": "ja"})

    assert response.status_code == status
    assert ThemegroupAnnouncement.objects.exists()
    assert ThemegroupDocument.objects.exists()


@pytest.mark.parametrize("route", ["announcement_delete", "document_delete"])
def test_deleting_is_a_post(client, bob, group, announcement, document, route):
    client.force_login(bob)
    pk = announcement.pk if route == "announcement_delete" else document.pk
    assert client.get(url(route, group, pk)).status_code == 405
    assert ThemegroupAnnouncement.objects.exists()
    assert ThemegroupDocument.objects.exists()


@pytest.mark.parametrize("route", ["announcement_delete", "document_delete"])
def test_another_groups_item_is_not_found_through_this_groups_address(
    client, olga, group, vastgoed, announcement, document, route
):
    client.force_login(olga)  # coordinates Vastgoed, not GWW
    pk = announcement.pk if route == "announcement_delete" else document.pk
    assert client.post(url(route, vastgoed, pk), {"bevestigd": "ja"}).status_code == 404
    assert ThemegroupAnnouncement.objects.exists()
    assert ThemegroupDocument.objects.exists()


# --- learning goals ---------------------------------------------------------------------


def test_a_coordinator_adds_a_learning_goal_and_follows_its_status(client, bob, group):
    client.force_login(bob)

    client.post(
        url("learning_goal_create", group), {"leerdoel-title": "Circulair uitvragen in GWW"}
    )
    goal = LearningGoal.objects.get()
    client.post(url("learning_goal_status", group, goal.pk), {"status": "bereikt"})

    page = soup(client.get(url("themegroup_detail", group)))
    (item,) = page.select("[data-testid=learning-goal]")
    assert item["data-status"] == "bereikt"
    assert [r.history_user for r in goal.history.all()] == [bob, bob]


@pytest.mark.parametrize(("persona", "status"), [("alice", 403), ("charlie", 404)])
def test_only_coordinators_change_learning_goals(as_persona, group, bob, persona, status):
    goal = services.learning_goal_create(actor=bob, themegroup=group, title="Doel")
    client = as_persona(persona)
    assert (
        client.post(url("learning_goal_create", group), {"leerdoel-title": "x"}).status_code
        == status
    )
    assert (
        client.post(url("learning_goal_status", group, goal.pk), {"status": "bezig"}).status_code
        == status
    )
    goal.refresh_from_db()
    assert goal.status == "open"
