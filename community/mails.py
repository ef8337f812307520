"""The e-mails of the community: the reminder the day before a themegroup meeting."""

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.template.loader import render_to_string
from django.utils import timezone, translation

from community.models import Attendance, MeetingReminder, Membership, User


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
