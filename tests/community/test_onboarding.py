"""Onboarding (issue 10): a self-registered person asks for an organisation; a
coordinator of its region approves (the membership is made) or declines. The services,
the mails and the announcement on e-mail verification."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError

from community import mails, permissions, services, tasks
from community.models import Membership, MembershipRequest, Organisation
from tests import factories


@pytest.fixture
def erik(db):
    """Self-registered, verified, no membership."""
    return factories.UserFactory(email="erik@example.org", full_name="Erik Evers")


@pytest.fixture
def unverified(db):
    user = factories.UserFactory(
        email="ursula@example.org", full_name="Ursula Onbevestigd", verified_email=False
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    return user


def test_approving_makes_the_membership_and_records_the_actor(erik, alfa, bob):
    membership_request = services.membership_request_create(
        actor=erik, organisation=alfa, role="bestuurder", motivation="  Wethouder  "
    )
    assert membership_request.motivation == "Wethouder"
    assert not permissions.is_linked(erik)

    services.membership_request_decide(
        actor=bob, membership_request=membership_request, approve=True
    )

    membership_request.refresh_from_db()
    assert membership_request.status == MembershipRequest.Status.GOEDGEKEURD
    assert membership_request.decided_by == bob
    assert membership_request.decided_at is not None
    assert Membership.objects.active().get(user=erik).organisation == alfa
    assert Membership.objects.get(user=erik).role == Membership.Role.BESTUURDER
    permissions.forget_memberships(erik)  # the next request reads them again
    assert permissions.is_linked(erik)
    latest = membership_request.history.first()
    assert latest.history_user == bob
    assert latest.status == MembershipRequest.Status.GOEDGEKEURD
    assert membership_request.history.last().history_user == erik


def test_declining_needs_a_reason_and_makes_nothing(erik, alfa, bob):
    membership_request = services.membership_request_create(actor=erik, organisation=alfa)

    with pytest.raises(ValidationError) as refused:
        services.membership_request_decide(
            actor=bob, membership_request=membership_request, approve=False, reason="  "
        )
    assert "decline_reason" in refused.value.message_dict

    services.membership_request_decide(
        actor=bob, membership_request=membership_request, approve=False, reason="Onbekend"
    )
    membership_request.refresh_from_db()
    assert membership_request.status == MembershipRequest.Status.AFGEWEZEN
    assert membership_request.decline_reason == "Onbekend"
    assert not Membership.objects.filter(user=erik).exists()


@pytest.mark.parametrize("first", [True, False])
def test_a_request_is_decided_once(erik, alfa, bob, staff, first):
    membership_request = services.membership_request_create(actor=erik, organisation=alfa)
    services.membership_request_decide(
        actor=bob, membership_request=membership_request, approve=first, reason="Nee"
    )

    for approve in (True, False):
        with pytest.raises(ValidationError) as refused:
            services.membership_request_decide(
                actor=staff, membership_request=membership_request, approve=approve, reason="x"
            )
        assert refused.value.code == "decided"
    assert Membership.objects.filter(user=erik).count() == (1 if first else 0)
    membership_request.refresh_from_db()
    assert membership_request.decided_by == bob


def test_an_unverified_address_is_not_approved_but_may_be_declined(unverified, alfa, bob):
    membership_request = services.membership_request_create(actor=unverified, organisation=alfa)

    with pytest.raises(ValidationError) as refused:
        services.membership_request_decide(
            actor=bob, membership_request=membership_request, approve=True
        )
    assert refused.value.code == "unverified"
    assert not Membership.objects.filter(user=unverified).exists()
    membership_request.refresh_from_db()
    assert membership_request.is_open

    EmailAddress.objects.filter(user=unverified).update(verified=True)
    services.membership_request_decide(
        actor=bob, membership_request=membership_request, approve=True
    )
    assert Membership.objects.filter(user=unverified, organisation=alfa).exists()


def test_one_open_request_per_person_and_organisation(erik, alfa, beta):
    services.membership_request_create(actor=erik, organisation=alfa)

    with pytest.raises(ValidationError) as refused:
        services.membership_request_create(actor=erik, organisation=alfa, role="bestuurder")
    assert "openstaande aanvraag" in " ".join(refused.value.messages)

    # Another organisation, or the same one after withdrawing, is fine.
    services.membership_request_create(actor=erik, organisation=beta)
    first = MembershipRequest.objects.get(user=erik, organisation=alfa)
    services.membership_request_withdraw(actor=erik, membership_request=first)
    again = services.membership_request_create(actor=erik, organisation=alfa)
    assert again.pk != first.pk
    assert MembershipRequest.objects.open().filter(user=erik).count() == 2


def test_a_withdrawn_request_cannot_be_decided(erik, alfa, bob):
    membership_request = services.membership_request_create(actor=erik, organisation=alfa)
    services.membership_request_withdraw(actor=erik, membership_request=membership_request)

    with pytest.raises(ValidationError):
        services.membership_request_decide(
            actor=bob, membership_request=membership_request, approve=True
        )
    with pytest.raises(ValidationError):
        services.membership_request_withdraw(actor=erik, membership_request=membership_request)
    assert membership_request.history.first().history_user == erik


def test_market_parties_and_organisations_without_a_region_are_not_offered(erik, alfa):
    market = factories.OrganisationFactory(
        type=Organisation.Type.MARKTPARTIJ, cbs_code="", region=alfa.region
    )
    loose = factories.OrganisationFactory(region=None)

    assert list(services.requestable_organisations()) == [alfa]
    for organisation in (market, loose):
        with pytest.raises(ValidationError):
            services.membership_request_create(actor=erik, organisation=organisation)


def test_a_role_one_already_holds_is_not_asked_for(alice, alfa):
    with pytest.raises(ValidationError):
        services.membership_request_create(actor=alice, organisation=alfa, role="inkoper")
    assert services.membership_request_create(actor=alice, organisation=alfa, role="bestuurder")


def test_a_coordinator_role_cannot_be_asked_for(erik, alfa):
    with pytest.raises(ValidationError) as refused:
        services.membership_request_create(actor=erik, organisation=alfa, role="coordinator")
    assert "role" in refused.value.message_dict


def test_the_queue_holds_only_the_coordinators_regions(erik, alfa, charlie_org, bob, staff, alice):
    here = services.membership_request_create(actor=erik, organisation=alfa)
    there = services.membership_request_create(actor=erik, organisation=charlie_org)

    assert list(MembershipRequest.objects.decidable_by(bob)) == [here]
    assert set(MembershipRequest.objects.decidable_by(staff)) == {here, there}
    assert list(MembershipRequest.objects.decidable_by(alice)) == []
    assert permissions.can_decide_membership_request(bob, here)
    assert not permissions.can_decide_membership_request(bob, there)
    assert not permissions.can_decide_membership_request(alice, here)
    assert permissions.can_view_membership_requests(bob)
    assert not permissions.can_view_membership_requests(alice)


# --- mails ----------------------------------------------------------------------------


def test_a_verified_request_is_announced_to_the_regions_coordinators_after_commit(
    erik, alfa, bob, charlie_org, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    other_coordinator = factories.UserFactory(email="otto@charlie.example")
    factories.MembershipFactory(
        user=other_coordinator, organisation=charlie_org, role="coordinator"
    )
    queued = []
    monkeypatch.setattr(tasks.membership_request_received_mail, "delay", queued.append)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        membership_request = services.membership_request_create(
            actor=erik, organisation=alfa, motivation="Inkoper facilitair"
        )
    assert queued == []  # not before the commit
    for callback in callbacks:
        callback()
    assert queued == [membership_request.pk]

    assert mails.membership_request_received_send(request_id=membership_request.pk) == 1
    (message,) = mailoutbox
    assert message.to == [bob.email]  # not the coordinator of another region
    assert "Erik Evers" in message.subject
    assert "erik@example.org" in message.body
    assert "Inkoper facilitair" in message.body
    assert "/organisaties/aanvragen/" in message.body


def test_a_request_made_at_sign_up_is_announced_on_verification(
    unverified, alfa, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(tasks.membership_request_received_mail, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        membership_request = services.membership_request_create(actor=unverified, organisation=alfa)
    assert queued == []

    with django_capture_on_commit_callbacks(execute=True):
        assert services.membership_requests_announce(user=unverified) == 1
    assert queued == [membership_request.pk]


def test_the_applicant_hears_of_the_decision_either_way(
    erik, alfa, beta, bob, mailoutbox, django_capture_on_commit_callbacks, celery_eager
):
    approved = services.membership_request_create(actor=erik, organisation=alfa)
    declined = services.membership_request_create(actor=erik, organisation=beta)

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_request_decide(actor=bob, membership_request=approved, approve=True)
        services.membership_request_decide(
            actor=bob,
            membership_request=declined,
            approve=False,
            reason="Bij Beta werkt u niet.",
        )

    assert [message.to for message in mailoutbox] == [[erik.email], [erik.email]]
    assert "Gemeente Alfa" in mailoutbox[0].subject
    assert "Inkoper" in mailoutbox[0].body
    assert "Gemeente Beta" in mailoutbox[1].subject
    assert "Bij Beta werkt u niet." in mailoutbox[1].body


def test_no_mail_about_an_open_or_closed_request_that_does_not_fit(erik, alfa, bob, mailoutbox):
    membership_request = services.membership_request_create(actor=erik, organisation=alfa)
    assert mails.membership_request_decision_send(request_id=membership_request.pk) is False
    services.membership_request_withdraw(actor=erik, membership_request=membership_request)
    assert mails.membership_request_decision_send(request_id=membership_request.pk) is False
    assert mails.membership_request_received_send(request_id=membership_request.pk) == 0
    assert mails.membership_request_received_send(request_id=999_999) == 0
    assert mailoutbox == []
