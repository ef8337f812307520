"""The onboarding pages (issue 10): asking for an organisation at sign-up or on
/account/organisatie/, the coordinator's queue /organisaties/aanvragen/ with its
decisions, the start page of an account that waits, and proof that a pending applicant
sees public content only."""

import re

import pytest
from allauth.account.models import EmailAddress
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import services
from community.models import Membership, MembershipRequest, ThemegroupMembership, User
from tests import factories
from tests.cases.factories import CaseFactory
from tests.procurement.factories import TrajectoryFactory

CREATE = reverse("community:membership_request_create")
QUEUE = reverse("community:membership_request_list")
CONFIRMATION_LINK = re.compile(r"/account/confirm-email/\S+/")
PASSWORD = "groene-hart-circulair-2030"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def decide_url(membership_request):
    return reverse("community:membership_request_decide", args=[membership_request.pk])


@pytest.fixture
def erik(db):
    """Self-registered and verified, without a membership."""
    return factories.UserFactory(email="erik@example.org", full_name="Erik Evers")


@pytest.fixture
def pending(erik, alfa):
    """Erik's open request to become inkoper of Gemeente Alfa."""
    return services.membership_request_create(actor=erik, organisation=alfa)


# --- sign-up ----------------------------------------------------------------------------


def _signup(client, **extra):
    return client.post(
        reverse("account_signup"),
        {
            "full_name": "Nina Nieuw",
            "email": "nina@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **extra,
        },
    )


def test_the_sign_up_form_offers_organisations_grouped_by_region(client, alfa, charlie_org):
    page = soup(client.get(reverse("account_signup")))

    select = page.select_one("select#id_organisation")
    groups = {
        group["label"]: [option.text for option in group.select("option")]
        for group in select.select("optgroup")
    }
    assert groups == {"Groene Hart": ["Gemeente Alfa"], "Regio Zwolle": ["Gemeente Charlie"]}
    assert select.select_one("option")["value"] == ""  # optional
    roles = [radio["value"] for radio in page.select("input[name=role]")]
    assert roles == ["inkoper", "bestuurder"]


def test_signing_up_with_an_organisation_makes_a_request_announced_on_verification(
    client, alfa, bob, mailoutbox, django_capture_on_commit_callbacks, celery_eager
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client, organisation=alfa.pk, role="bestuurder")
    assert response.status_code == 302
    nina = User.objects.get(email="nina@example.org")
    membership_request = MembershipRequest.objects.get(user=nina)
    assert (membership_request.organisation, membership_request.role) == (alfa, "bestuurder")
    assert membership_request.is_open
    assert not Membership.objects.filter(user=nina).exists()
    assert [message.to for message in mailoutbox] == [[nina.email]]  # only the verification

    with django_capture_on_commit_callbacks(execute=True):
        client.post(CONFIRMATION_LINK.search(mailoutbox[0].body)[0])

    assert EmailAddress.objects.get(user=nina).verified
    assert [message.to for message in mailoutbox[1:]] == [[bob.email]]
    assert not Membership.objects.filter(user=nina).exists()  # still waiting


def test_signing_up_without_an_organisation_makes_no_request(client, alfa):
    assert _signup(client).status_code == 302
    assert not MembershipRequest.objects.exists()


def test_a_sign_up_with_errors_keeps_the_chosen_organisation(client, alfa):
    response = _signup(client, organisation=alfa.pk, role="bestuurder", password2="anders-2030")

    assert response.status_code == 200  # allauth answers an invalid form with 200
    page = soup(response)
    assert page.select_one("select#id_organisation option[selected]")["value"] == str(alfa.pk)
    assert page.select_one("input[name=role][checked]")["value"] == "bestuurder"
    assert not User.objects.filter(email="nina@example.org").exists()


# --- asking for an organisation when signed in ---------------------------------------------


def test_a_signed_in_person_asks_for_an_organisation(client, erik, alfa):
    client.force_login(erik)
    assert client.get(CREATE).status_code == 200

    response = client.post(
        CREATE, {"organisation": alfa.pk, "role": "inkoper", "motivation": "Inkoper GWW"}
    )

    assert response.status_code == 302
    membership_request = MembershipRequest.objects.get(user=erik)
    assert membership_request.motivation == "Inkoper GWW"
    page = soup(client.get(CREATE))
    (row,) = page.select("[data-testid=own-request]")
    assert (row["data-organisation"], row["data-status"]) == ("gemeente-alfa", "open")
    assert row.select_one("form")["action"] == reverse(
        "community:membership_request_withdraw", args=[membership_request.pk]
    )


def test_the_request_form_keeps_what_was_typed_on_error(client, erik, alfa, pending):
    client.force_login(erik)

    missing = client.post(CREATE, {"role": "bestuurder", "motivation": "Wethouder"})
    twice = client.post(CREATE, {"organisation": alfa.pk, "role": "inkoper", "motivation": "x"})

    assert missing.status_code == twice.status_code == 400
    page = soup(missing)
    assert [a["href"] for a in page.select("[data-testid=error-summary] a")] == ["#id_organisation"]
    assert page.select_one("#id_motivation").text.strip() == "Wethouder"
    assert page.select_one("input[name=role][checked]")["value"] == "bestuurder"
    assert soup(twice).select("[data-testid=error-summary] li")
    assert MembershipRequest.objects.count() == 1


def test_the_applicant_withdraws_only_their_own_request(client, erik, alice, pending):
    url = reverse("community:membership_request_withdraw", args=[pending.pk])
    client.force_login(alice)
    assert client.post(url).status_code == 404
    client.force_login(erik)
    assert client.get(url).status_code == 405

    assert client.post(url).status_code == 302

    pending.refresh_from_db()
    assert pending.status == MembershipRequest.Status.INGETROKKEN


def test_anonymous_is_sent_to_log_in(client, pending):
    for url in (
        CREATE,
        QUEUE,
        decide_url(pending),
        reverse("community:membership_request_withdraw", args=[pending.pk]),
    ):
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


# --- the start page -----------------------------------------------------------------------


def test_the_start_page_says_the_account_waits_for_approval(client, erik, pending):
    client.force_login(erik)
    page = soup(client.get("/"))

    waiting = page.select_one("[data-testid=awaiting-approval]")
    assert waiting is not None
    assert "Gemeente Alfa" in waiting.text
    assert page.select_one("[data-testid=request-organisation]")["href"] == CREATE


def test_the_start_page_invites_an_unlinked_account_to_ask(client, erik):
    client.force_login(erik)
    page = soup(client.get("/"))

    assert page.select_one("[data-testid=awaiting-approval]") is None
    assert page.select_one("[data-testid=request-organisation]")["href"] == CREATE


def test_the_start_page_tells_a_coordinator_how_many_wait(client, bob, alice, pending):
    client.force_login(bob)
    assert "1" in soup(client.get("/")).select_one("[data-testid=queue-count]").text
    client.force_login(alice)
    assert soup(client.get("/")).select_one("[data-testid=queue-count]") is None


# --- the queue --------------------------------------------------------------------------


def test_the_queue_lists_the_regions_requests_oldest_first(
    client, bob, erik, alfa, beta, charlie_org
):
    first = services.membership_request_create(actor=erik, organisation=beta, motivation="Eerst")
    second = services.membership_request_create(actor=erik, organisation=alfa)
    services.membership_request_create(actor=erik, organisation=charlie_org)  # another region
    client.force_login(bob)

    page = soup(client.get(QUEUE))

    items = page.select("[data-testid=membership-request]")
    assert [item["id"] for item in items] == [f"aanvraag-{first.pk}", f"aanvraag-{second.pk}"]
    assert [item["data-organisation"] for item in items] == ["gemeente-beta", "gemeente-alfa"]
    assert items[0]["data-email"] == "erik@example.org"
    assert items[0]["data-verified"] == "true"
    assert "Eerst" in items[0].text
    assert [b["value"] for b in items[0].select("button[name$=decision]")] == [
        "goedkeuren",
        "afwijzen",
    ]


@pytest.mark.parametrize("persona", ["alice", "dora", "charlie"])
def test_inkopers_and_bestuurders_have_no_queue(client, request, persona, pending):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(QUEUE).status_code == 403
    assert (
        client.post(
            decide_url(pending), {f"aanvraag-{pending.pk}-decision": "goedkeuren"}
        ).status_code
        == 403
    )
    pending.refresh_from_db()
    assert pending.is_open


def test_the_queue_is_get_only_and_deciding_post_only(client, bob, pending):
    client.force_login(bob)
    assert client.post(QUEUE).status_code == 405
    assert client.get(decide_url(pending)).status_code == 405


def test_staff_see_every_region(client, staff_mfa, erik, alfa, charlie_org):
    services.membership_request_create(actor=erik, organisation=alfa)
    services.membership_request_create(actor=erik, organisation=charlie_org)
    client.force_login(staff_mfa)
    page = soup(client.get(QUEUE))
    assert len(page.select("[data-testid=membership-request]")) == 2


def test_a_coordinator_of_another_region_gets_404(client, erik, charlie_org, bob, pending):
    there = services.membership_request_create(actor=erik, organisation=charlie_org)
    client.force_login(bob)

    response = client.post(decide_url(there), {f"aanvraag-{there.pk}-decision": "goedkeuren"})

    assert response.status_code == 404
    there.refresh_from_db()
    assert there.is_open


def test_a_coordinator_approves(
    client, bob, erik, alfa, pending, mailoutbox, django_capture_on_commit_callbacks, celery_eager
):
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide_url(pending), {f"aanvraag-{pending.pk}-decision": "goedkeuren"}
        )

    assert response.status_code == 302
    assert response["Location"] == QUEUE
    assert Membership.objects.active().get(user=erik).organisation == alfa
    assert [message.to for message in mailoutbox] == [[erik.email]]
    assert soup(client.get(QUEUE)).select("[data-testid=membership-request]") == []


def test_declining_without_a_reason_is_refused_with_the_error_linked(client, bob, erik, pending):
    client.force_login(bob)
    prefix = f"aanvraag-{pending.pk}"

    response = client.post(decide_url(pending), {f"{prefix}-decision": "afwijzen"})

    assert response.status_code == 400
    page = soup(response)
    assert [a["href"] for a in page.select("[data-testid=error-summary] a")] == [
        f"#id_{prefix}-decline_reason"
    ]
    assert page.select_one(f"#id_{prefix}-decline_reason") is not None
    pending.refresh_from_db()
    assert pending.is_open

    response = client.post(
        decide_url(pending),
        {f"{prefix}-decision": "afwijzen", f"{prefix}-decline_reason": "Onbekend bij Alfa"},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.decline_reason) == ("afgewezen", "Onbekend bij Alfa")
    assert not Membership.objects.filter(user=erik).exists()


def test_an_unverified_applicant_is_not_approved(client, bob, alfa):
    ursula = factories.UserFactory(email="ursula@example.org", verified_email=False)
    EmailAddress.objects.create(user=ursula, email=ursula.email, primary=True, verified=False)
    membership_request = services.membership_request_create(actor=ursula, organisation=alfa)
    client.force_login(bob)

    item = soup(client.get(QUEUE)).select_one("[data-testid=membership-request]")
    assert item["data-verified"] == "false"
    assert [b["value"] for b in item.select("button[name$=decision]")] == ["afwijzen"]

    response = client.post(
        decide_url(membership_request),
        {f"aanvraag-{membership_request.pk}-decision": "goedkeuren"},
    )
    assert response.status_code == 400
    assert soup(response).select("[data-testid=error-summary] li")
    assert not Membership.objects.filter(user=ursula).exists()


def test_a_decided_request_is_not_decided_again(client, bob, staff_mfa, erik, pending):
    services.membership_request_decide(actor=bob, membership_request=pending, approve=True)
    client.force_login(staff_mfa)

    response = client.post(
        decide_url(pending),
        {
            f"aanvraag-{pending.pk}-decision": "afwijzen",
            f"aanvraag-{pending.pk}-decline_reason": "x",
        },
    )

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == MembershipRequest.Status.GOEDGEKEURD


def test_the_queue_takes_the_same_number_of_queries_as_it_grows(client, bob, alfa, beta):
    client.force_login(bob)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        return len(queries)

    for _n in range(2):
        user = factories.UserFactory()
        services.membership_request_create(actor=user, organisation=alfa)
    few = count()
    for n in range(6):
        user = factories.UserFactory()
        services.membership_request_create(actor=user, organisation=beta, motivation=f"{n}")
    assert count() == few


# --- until approved: public content only ------------------------------------------------


def test_a_pending_applicant_sees_public_content_only(client, erik, pending, alfa, alice, gww):
    public = CaseFactory(public=True, organisations=[alfa], region=alfa.region, author=alice)
    community = CaseFactory(published=True, organisations=[alfa], region=alfa.region, author=alice)
    trajectory = TrajectoryFactory(organisation=alfa)
    factories.ThemegroupMembershipFactory(
        themegroup=gww, user=alice, role=ThemegroupMembership.Role.COORDINATOR
    )
    client.force_login(erik)

    case_list = client.get(reverse("cases:case_list"))
    assert case_list.status_code == 200
    assert public.get_absolute_url().encode() in case_list.content
    assert community.get_absolute_url().encode() not in case_list.content
    assert client.get(public.get_absolute_url()).status_code == 200
    assert client.get(community.get_absolute_url()).status_code == 404
    assert client.get(trajectory.get_absolute_url()).status_code == 404
    trajectories = client.get(reverse("procurement:trajectory_list"))
    assert trajectory.title.encode() not in trajectories.content
    group = {"region_slug": gww.region.slug, "slug": gww.slug}
    assert client.get(reverse("community:themegroup_detail", kwargs=group)).status_code == 404
    assert client.get(reverse("community:themegroup_members", kwargs=group)).status_code == 404

    # Approved: the same pages open.
    services.membership_request_decide(
        actor=factories.UserFactory(is_staff=True), membership_request=pending, approve=True
    )
    assert client.get(community.get_absolute_url()).status_code == 200
    assert client.get(trajectory.get_absolute_url()).status_code == 200
    assert client.get(reverse("community:themegroup_detail", kwargs=group)).status_code == 200
