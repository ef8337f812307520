"""Membership of a themegroup: the coordinators' members page, invitations for existing
accounts and new addresses (expired, withdrawn, reused links), requests to join and
the last coordinator. Personas: tests/community/conftest.py."""

import re
import time
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import (
    Membership,
    ThemegroupInvitation,
    ThemegroupJoinRequest,
    ThemegroupMembership,
    User,
)
from tests import factories
from tests.community.conftest import PERSONAS

CONFIRMATION_LINK = re.compile(r"/account/confirm-email/\S+/")
INVITATION_LINK = re.compile(r"/themagroepen/uitnodiging/[\w-]+/")


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def url(name, themegroup, *args):
    return reverse(f"community:{name}", args=[themegroup.region.slug, themegroup.slug, *args])


@pytest.fixture
def committed(django_capture_on_commit_callbacks, celery_eager):
    """Run what a request queues after commit (the mail tasks), in-process."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


# --- the members page, per persona ------------------------------------------------------

MANAGERS = {"bob", "staff_mfa"}
# Members read the list (without the forms); who reads the group without a place in it
# gets 403.
READERS = MANAGERS | {"alice"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_members_page_is_for_the_groups_members_and_managed_by_its_coordinators(
    as_persona, group, persona, gina, olga, staff_mfa
):
    response = as_persona(persona).get(url("themegroup_members", group))

    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in {"gina", "charlie"}:
        assert response.status_code == 404
    elif persona in READERS:
        assert response.status_code == 200
        page = soup(response)
        rows = page.select("[data-testid=members] [data-testid=member]")
        assert {r["data-email"]: r["data-role"] for r in rows} == {
            "bob@beta.example": "coordinator",
            "alice@alfa.example": "lid",
            gina.email: "gast",
        }
        manages = persona in MANAGERS
        assert bool(page.select("[data-testid=invite-form]")) is manages
        assert bool(page.select("[data-testid=invitations]")) is manages
        assert bool(page.select("[data-testid=members] form")) is manages
    else:
        assert response.status_code == 403


def test_the_members_page_pages_a_large_group(client, alice, alfa, group, gina):
    for n in range(52):  # with bob, alice and gina: 55 places, two pages of 50
        member = factories.UserFactory(full_name=f"Lid {n:02}")
        factories.MembershipFactory(user=member, organisation=alfa)
        factories.ThemegroupMembershipFactory(themegroup=group, user=member)
    client.force_login(alice)

    first = soup(client.get(url("themegroup_members", group)))
    second = soup(client.get(url("themegroup_members", group) + "?pagina=2"))

    assert first.select_one("[data-testid=members]")["data-total"] == "55"
    first_rows = [r["data-email"] for r in first.select("[data-testid=member]")]
    second_rows = [r["data-email"] for r in second.select("[data-testid=member]")]
    assert len(first_rows) == 50
    assert len(second_rows) == 5
    assert not set(first_rows) & set(second_rows)
    assert first_rows[0] == "bob@beta.example"  # coordinators first
    assert first.select_one("[data-testid=pagination] a[rel=next]")["href"].startswith("?pagina=2")
    assert second.select_one("[data-testid=pagination] a[rel=prev]")


def test_the_members_page_refuses_post(client, bob, group):
    client.force_login(bob)
    assert client.post(url("themegroup_members", group)).status_code == 405


# --- inviting ---------------------------------------------------------------------------


def test_a_coordinator_invites_an_existing_account_who_accepts_after_logging_in(
    client, bob, dora, group, mailoutbox, committed
):
    client.force_login(bob)
    response = committed(
        client.post, url("invitation_create", group), {"email": dora.email, "role": "lid"}
    )
    assert response.status_code == 302
    invitation = ThemegroupInvitation.objects.get()
    assert invitation.history.get().history_user == bob
    (message,) = mailoutbox
    assert message.to == [dora.email]
    link = INVITATION_LINK.search(message.body)[0]
    assert link == invitation.get_absolute_url()

    client.logout()
    anonymous = client.get(link)
    assert soup(anonymous).select("[data-testid=signup]")
    client.force_login(dora)
    assert soup(client.get(link)).select("[data-testid=accept-form]")
    accepted = client.post(link)

    assert accepted.status_code == 302
    assert accepted["Location"] == group.get_absolute_url()
    assert group.memberships.get(user=dora).role == ThemegroupMembership.Role.LID
    invitation.refresh_from_db()
    assert invitation.status == ThemegroupInvitation.Status.GEACCEPTEERD
    # Used once: the link now says so (for anyone else) and makes nothing more.
    client.force_login(bob)
    reused = client.get(link)
    assert reused.status_code == 410
    assert soup(reused).select_one("[data-testid=invitation-problem]")["data-status"] == (
        "geaccepteerd"
    )


def test_an_invitation_is_accepted_only_by_the_invited_address(client, alice, dora, group):
    invitation = services.themegroup_invitation_create(
        actor=alice, themegroup=group, email=dora.email, role="lid"
    )
    client.force_login(factories.UserFactory(email="iemand@anders.example"))

    response = client.post(invitation.get_absolute_url())

    assert response.status_code == 400
    assert soup(response).select("[data-testid=invitation-error]")
    assert not group.memberships.filter(user__email="iemand@anders.example").exists()


@pytest.mark.parametrize("state", ["expired", "withdrawn"])
def test_an_expired_or_withdrawn_link_says_so_and_makes_nothing(client, bob, dora, group, state):
    invitation = services.themegroup_invitation_create(
        actor=bob, themegroup=group, email=dora.email, role="lid"
    )
    if state == "expired":
        ThemegroupInvitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    else:
        client.force_login(bob)
        client.post(url("invitation_withdraw", group, invitation.pk))
    client.force_login(dora)

    shown = client.get(invitation.get_absolute_url())
    posted = client.post(invitation.get_absolute_url())

    assert shown.status_code == posted.status_code == 410
    assert soup(shown).select("[data-testid=invitation-problem]")
    assert not soup(shown).select("[data-testid=accept-form]")
    assert not group.memberships.filter(user=dora).exists()


def test_an_unknown_invitation_link_is_not_found(client, db):
    assert client.get("/themagroepen/uitnodiging/bestaat-niet/").status_code == 404


def test_a_new_address_signs_up_through_the_link_and_becomes_a_member_on_verifying(
    client, bob, beta, group, mailoutbox, committed
):
    client.force_login(bob)
    committed(
        client.post,
        url("invitation_create", group),
        {"email": "nina@beta.example", "role": "lid", "organisation": beta.pk},
    )
    link = INVITATION_LINK.search(mailoutbox[0].body)[0]
    client.logout()

    page = client.get(link)
    signup = soup(page).select_one("[data-testid=signup]")["href"]
    committed(
        client.post,
        signup,
        {
            "full_name": "Nina Nieuw",
            "email": "nina@beta.example",
            "password1": "groene-hart-circulair-2030",
            "password2": "groene-hart-circulair-2030",
        },
    )
    nina = User.objects.get(email="nina@beta.example")
    assert not group.memberships.filter(user=nina).exists()  # not before verifying
    confirmation = CONFIRMATION_LINK.search(mailoutbox[-1].body)[0]
    verified = client.post(confirmation, follow=True)

    assert group.memberships.get(user=nina).role == ThemegroupMembership.Role.LID
    assert Membership.objects.active().get(user=nina).organisation == beta
    assert verified.redirect_chain[-1][0] == group.get_absolute_url()
    assert soup(verified).select_one("[data-testid=themegroup]")["data-role"] == "lid"


def test_verifying_after_the_invitation_was_withdrawn_makes_no_membership(
    client, bob, beta, group, mailoutbox, committed
):
    invitation = services.themegroup_invitation_create(
        actor=bob, themegroup=group, email="nina@beta.example", organisation=beta
    )
    client.get(invitation.get_absolute_url())  # the token goes into the session
    committed(
        client.post,
        reverse("account_signup"),
        {
            "full_name": "Nina Nieuw",
            "email": "nina@beta.example",
            "password1": "groene-hart-circulair-2030",
            "password2": "groene-hart-circulair-2030",
        },
    )
    services.themegroup_invitation_withdraw(actor=bob, invitation=invitation)

    client.post(CONFIRMATION_LINK.search(mailoutbox[-1].body)[0])

    nina = User.objects.get(email="nina@beta.example")
    assert EmailAddress.objects.get(user=nina).verified
    assert not group.memberships.filter(user=nina).exists()
    assert not Membership.objects.filter(user=nina).exists()


def test_inviting_a_new_member_asks_for_their_organisation(client, bob, group):
    client.force_login(bob)

    response = client.post(
        url("invitation_create", group), {"email": "nieuw@example.org", "role": "lid"}
    )

    assert response.status_code == 400
    page = soup(response)
    assert [a["href"] for a in page.select("[data-testid=error-summary] a")] == ["#id_organisation"]
    assert page.select_one("#id_email")["value"] == "nieuw@example.org"
    assert not ThemegroupInvitation.objects.exists()


def test_a_group_coordinator_vouches_only_for_their_own_organisation(client, bob, alfa, group):
    """Bob coordinates the region, so all its organisations; alice (made coordinator of
    the group) only Gemeente Alfa."""
    alice_place = group.memberships.get(user__email="alice@alfa.example")
    services.themegroup_member_role_set(actor=bob, place=alice_place, role="coordinator")
    client.force_login(alice_place.user)

    page = soup(client.get(url("themegroup_members", group)))

    options = [o.get_text() for o in page.select("#id_organisation option") if o["value"]]
    assert options == ["Gemeente Alfa"]


def test_an_address_with_a_place_or_an_open_invitation_is_not_invited_again(
    client, bob, dora, group
):
    client.force_login(bob)
    first = client.post(url("invitation_create", group), {"email": dora.email, "role": "lid"})
    again = client.post(url("invitation_create", group), {"email": dora.email, "role": "lid"})
    member = client.post(
        url("invitation_create", group), {"email": "alice@alfa.example", "role": "lid"}
    )

    assert first.status_code == 302
    assert again.status_code == member.status_code == 400
    assert ThemegroupInvitation.objects.count() == 1


@pytest.mark.parametrize(("persona", "status"), [("alice", 403), ("olga", 403), ("charlie", 404)])
def test_only_the_groups_coordinators_invite_and_withdraw(
    as_persona, group, bob, olga, persona, status
):
    invitation = services.themegroup_invitation_create(
        actor=bob, themegroup=group, email="x@example.org", role="gast"
    )
    client = as_persona(persona)
    invited = client.post(url("invitation_create", group), {"email": "y@example.org"})
    withdrawn = client.post(url("invitation_withdraw", group, invitation.pk))

    assert invited.status_code == withdrawn.status_code == status
    invitation.refresh_from_db()
    assert invitation.status == "open"
    assert ThemegroupInvitation.objects.count() == 1


def test_a_guest_accepts_and_lands_on_the_start_page(client, bob, gina, group, vastgoed):
    factories.ThemegroupMembershipFactory(themegroup=vastgoed, user=bob, role="coordinator")
    invitation = services.themegroup_invitation_create(
        actor=bob, themegroup=vastgoed, email=gina.email, role="gast"
    )
    client.force_login(gina)

    response = client.post(invitation.get_absolute_url())

    assert response["Location"] == reverse("portal:home")
    assert vastgoed.memberships.get(user=gina).role == "gast"


# --- requests to join -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "status"), [("goedkeuren", "goedgekeurd"), ("afwijzen", "afgewezen")]
)
def test_a_coordinator_decides_on_a_request_and_the_asker_hears_of_it(
    client, bob, dora, group, mailoutbox, committed, decision, status
):
    join_request = services.themegroup_join_request_create(actor=dora, themegroup=group)
    client.force_login(bob)
    page = soup(client.get(url("themegroup_members", group)))
    assert [r["data-email"] for r in page.select("[data-testid=join-request]")] == [dora.email]

    response = committed(
        client.post, url("join_request_decide", group, join_request.pk), {"decision": decision}
    )

    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == status
    assert join_request.decided_by == bob
    assert group.memberships.filter(user=dora).exists() is (decision == "goedkeuren")
    (message,) = mailoutbox
    assert message.to == [dora.email]
    assert (group.get_absolute_url() in message.body) is (decision == "goedkeuren")


def test_a_decided_request_is_not_decided_again(client, bob, dora, group, committed):
    join_request = services.themegroup_join_request_create(actor=dora, themegroup=group)
    services.themegroup_join_request_decide(actor=bob, join_request=join_request, approve=False)
    client.force_login(bob)

    committed(
        client.post, url("join_request_decide", group, join_request.pk), {"decision": "goedkeuren"}
    )

    assert not group.memberships.filter(user=dora).exists()
    assert len(mail.outbox) == 0  # the mail of the first decision was never committed here


@pytest.mark.parametrize(("persona", "status"), [("alice", 403), ("olga", 403), ("charlie", 404)])
def test_only_the_groups_coordinators_decide(as_persona, group, dora, olga, persona, status):
    join_request = services.themegroup_join_request_create(actor=dora, themegroup=group)
    response = as_persona(persona).post(
        url("join_request_decide", group, join_request.pk), {"decision": "goedkeuren"}
    )
    assert response.status_code == status
    assert ThemegroupJoinRequest.objects.get().status == "open"


# --- roles, removing, the last coordinator ---------------------------------------------


def test_a_coordinator_changes_a_role_and_removes_a_member(client, bob, alice, group):
    place = group.memberships.get(user=alice)
    client.force_login(bob)

    client.post(url("member_role_set", group, place.pk), {"role": "coordinator"})
    place.refresh_from_db()
    assert place.role == "coordinator"
    client.post(url("member_remove", group, place.pk))

    assert not group.memberships.filter(user=alice).exists()
    assert [r.history_user for r in ThemegroupMembership.history.filter(id=place.pk)] == [
        bob,
        bob,
        None,  # made by the factory
    ]


def test_the_last_coordinator_is_neither_demoted_nor_removed(client, bob, group):
    place = group.memberships.get(user=bob)
    client.force_login(bob)

    demoted = client.post(url("member_role_set", group, place.pk), {"role": "lid"}, follow=True)
    removed = client.post(url("member_remove", group, place.pk), follow=True)

    place.refresh_from_db()
    assert place.role == "coordinator"
    for response in (demoted, removed):
        assert any("laatste coördinator" in m.message for m in response.context["messages"])


def test_with_two_coordinators_one_may_go(bob, alice, group):
    services.themegroup_member_role_set(
        actor=bob, place=group.memberships.get(user=alice), role="coordinator"
    )
    services.themegroup_member_remove(actor=bob, place=group.memberships.get(user=bob))
    assert list(group.memberships.values_list("role", flat=True)) == ["coordinator"]


def test_a_place_of_another_group_is_not_found(client, bob, group, olga, vastgoed):
    place = vastgoed.memberships.get(user=olga)
    client.force_login(bob)
    assert client.post(url("member_remove", group, place.pk)).status_code == 404
    assert client.post(url("member_role_set", group, place.pk), {"role": "lid"}).status_code == 404
    assert vastgoed.memberships.filter(user=olga).exists()


@pytest.mark.parametrize(
    "name", ["invitation_create", "join_request_decide", "member_role_set", "member_remove"]
)
def test_the_actions_are_posts(client, bob, group, name):
    args = () if name == "invitation_create" else (group.memberships.first().pk,)
    client.force_login(bob)
    assert client.get(url(name, group, *args)).status_code == 405


@pytest.mark.integration
def test_the_decision_mail_is_sent_by_a_real_worker_after_commit(
    transactional_db, redis_worker, bob, dora, group, mailoutbox
):
    join_request = services.themegroup_join_request_create(actor=dora, themegroup=group)
    services.themegroup_join_request_decide(actor=bob, join_request=join_request, approve=True)
    deadline = time.monotonic() + 30
    while not mailoutbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.to for m in mailoutbox] == [[dora.email]]
    assert group.name in mailoutbox[0].subject


def test_the_members_page_reads_a_constant_number_of_queries(
    client, bob, group, alfa, django_assert_max_num_queries
):
    def add_rows(n):
        for i in range(n):
            member = factories.UserFactory()
            factories.MembershipFactory(user=member, organisation=alfa)
            factories.ThemegroupMembershipFactory(themegroup=group, user=member)
            asker = factories.UserFactory()
            factories.MembershipFactory(user=asker, organisation=alfa)
            services.themegroup_join_request_create(actor=asker, themegroup=group)
            services.themegroup_invitation_create(
                actor=bob, themegroup=group, email=f"uitgenodigd{i}-{n}@example.org", role="gast"
            )

    client.force_login(bob)
    add_rows(2)
    with django_assert_max_num_queries(40) as few:
        client.get(url("themegroup_members", group))
    add_rows(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("themegroup_members", group))
    page = soup(response)
    assert len(page.select("[data-testid=members] [data-testid=member]")) == 10
    assert len(page.select("[data-testid=join-request]")) == 8
    assert len(page.select("[data-testid=invitation]")) == 8
