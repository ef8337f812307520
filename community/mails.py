"""The e-mails of the themegroups: an invitation with its link, the answer to a request
to join, and the reminder the day before a meeting. Rendered in the portal's language
and sent by community.tasks."""

from django.conf import settings
from django.core.mail import EmailMessage, mailers, send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from community.models import (
    Attendance,
    MeetingReminder,
    Membership,
    ThemegroupInvitation,
    ThemegroupJoinRequest,
    User,
)


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


def reminder_recipients(meeting) -> list[User]:
    """Who registered for the meeting as attending or maybe, while their account is
    active, has an e-mail address and holds an active membership."""
    registered = Attendance.objects.filter(
        meeting=meeting,
        status__in=[Attendance.Status.AANWEZIG, Attendance.Status.MISSCHIEN],
    ).values("user")
    linked = Membership.objects.active().values("user")
    return list(
        User.objects.filter(pk__in=registered, is_active=True)
        .filter(pk__in=linked)
        .exclude(email="")
        .order_by("pk")
    )


def meeting_reminder_send(*, reminder_id: int) -> int:
    """Mail the reminder to each registered person (one message each, in the portal's
    language), provided the meeting still starts when the reminder was made for: a
    retried task stays silent about a meeting moved in the meantime. Returns the number
    of messages sent. Sent by community.tasks.meeting_reminder_mail."""
    reminder = (
        MeetingReminder.objects.select_related("meeting__themegroup__region")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None or reminder.meeting.starts_at != reminder.starts_at:
        return 0
    meeting = reminder.meeting
    url = f"{settings.SITE_URL}{meeting.get_absolute_url()}"
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for user in reminder_recipients(meeting):
            context = {
                "user": user,
                "meeting": meeting,
                "starts_at": timezone.localtime(meeting.starts_at),
                "meeting_url": url,
            }
            subject = render_to_string("emails/meeting_reminder_subject.txt", context).strip()
            body = render_to_string("emails/meeting_reminder_body.txt", context)
            messages.append(
                EmailMessage(
                    subject=subject,
                    body=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[user.email],
                )
            )
    if not messages:
        return 0
    return mailers.default.send_messages(messages)
