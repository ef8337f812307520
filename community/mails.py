"""The e-mails of the themegroups: an invitation with its link, and the answer to a
request to join. Rendered in the portal's language and sent by community.tasks."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from community.models import ThemegroupInvitation, ThemegroupJoinRequest


def _send(template: str, context: dict, to: str) -> None:
    context = {**context, "site_url": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def invitation_send(*, invitation_id: int) -> bool:
    """Mail the invitation link, provided the invitation is still open (a retried task
    stays silent about one withdrawn in the meantime)."""
    invitation = (
        ThemegroupInvitation.objects.select_related(
            "themegroup", "themegroup__region", "invited_by"
        )
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_usable:
        return False
    _send("themegroup_invitation", {"invitation": invitation}, invitation.email)
    return True


def join_request_decision_send(*, join_request_id: int) -> bool:
    """Tell the asker whether their request to join was approved or declined."""
    join_request = (
        ThemegroupJoinRequest.objects.select_related("themegroup", "themegroup__region", "user")
        .filter(pk=join_request_id)
        .first()
    )
    if (
        join_request is None
        or join_request.status == ThemegroupJoinRequest.Status.OPEN
        or not join_request.user.email
    ):
        return False
    approved = join_request.status == ThemegroupJoinRequest.Status.GOEDGEKEURD
    _send(
        "themegroup_join_approved" if approved else "themegroup_join_declined",
        {"join_request": join_request, "themegroup": join_request.themegroup},
        join_request.user.email,
    )
    return True
