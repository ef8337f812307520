"""The themegroup mails as their tasks send them (community.mails)."""

from datetime import timedelta

from django.utils import timezone

from community import mails, services
from community.models import ThemegroupInvitation


def test_the_invitation_mail_holds_the_link_and_the_expiry(bob, group, mailoutbox, settings):
    invitation = services.themegroup_invitation_create(
        actor=bob, themegroup=group, email="nieuw@example.org", role="gast"
    )

    assert mails.invitation_send(invitation_id=invitation.pk) is True

    (message,) = mailoutbox
    assert message.to == ["nieuw@example.org"]
    assert f"{settings.SITE_URL}{invitation.get_absolute_url()}" in message.body
    assert group.name in message.subject
    assert "Bob Bakker" in message.body


def test_a_withdrawn_or_expired_invitation_is_not_mailed(bob, group, mailoutbox):
    withdrawn = services.themegroup_invitation_create(
        actor=bob, themegroup=group, email="een@example.org"
    )
    services.themegroup_invitation_withdraw(actor=bob, invitation=withdrawn)
    expired = services.themegroup_invitation_create(
        actor=bob, themegroup=group, email="twee@example.org"
    )
    ThemegroupInvitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert mails.invitation_send(invitation_id=withdrawn.pk) is False
    assert mails.invitation_send(invitation_id=expired.pk) is False
    assert mails.invitation_send(invitation_id=999_999) is False
    assert mailoutbox == []


def test_an_open_request_is_not_mailed_about(dora, group, mailoutbox):
    join_request = services.themegroup_join_request_create(actor=dora, themegroup=group)
    assert mails.join_request_decision_send(join_request_id=join_request.pk) is False
    assert mailoutbox == []


def test_an_expired_invitation_may_be_sent_again(bob, dora, group):
    first = services.themegroup_invitation_create(actor=bob, themegroup=group, email=dora.email)
    ThemegroupInvitation.objects.filter(pk=first.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    again = services.themegroup_invitation_create(actor=bob, themegroup=group, email=dora.email)
    assert again.pk != first.pk
    assert again.is_usable
