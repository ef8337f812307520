"""Background work of the community: the account mails, the themegroup mails, the
meeting reminders and the member digest."""

from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from community import digests, mails, services


@shared_task(
    name="community.tasks.account_mail_send",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def account_mail_send(
    *,
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    html_body: str = "",
    content_subtype: str = "plain",
    headers: dict[str, str] | None = None,
) -> int:
    """Send an account mail (verification, password reset, MFA notice, ...) that
    community.adapters.AccountAdapter rendered in the request; retried with back-off
    while the mail server is unreachable. Returns the number of messages sent."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=to, headers=headers
    )
    message.content_subtype = content_subtype
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()


@shared_task(
    name="community.tasks.themegroup_invitation_mail",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def themegroup_invitation_mail(invitation_id: int) -> bool:
    """Mail a themegroup invitation with its link (community.mails.invitation_send)."""
    return mails.invitation_send(invitation_id=invitation_id)


@shared_task(
    name="community.tasks.themegroup_join_request_mail",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def themegroup_join_request_mail(join_request_id: int) -> bool:
    """Tell the asker the decision on their request to join a themegroup."""
    return mails.join_request_decision_send(join_request_id=join_request_id)


@shared_task(
    name="community.tasks.membership_request_received_mail",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def membership_request_received_mail(request_id: int) -> int:
    """Tell the coordinators of the organisation's region that a request waits."""
    return mails.membership_request_received_send(request_id=request_id)


@shared_task(
    name="community.tasks.membership_request_decision_mail",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def membership_request_decision_mail(request_id: int) -> bool:
    """Tell the applicant whether their request for an organisation was approved."""
    return mails.membership_request_decision_send(request_id=request_id)


@shared_task(name="community.tasks.meeting_reminders_send")
def meeting_reminders_send() -> int:
    """Remind those registered for the meetings of tomorrow (celery beat, daily at 09:00;
    the schedule is a database row that staff edit in the admin). Safe to run again or
    to be redelivered: each meeting and start time is reminded once. Returns the number
    of reminders made."""
    return services.meeting_reminders_send(send=meeting_reminder_mail.delay)


@shared_task(
    name="community.tasks.meeting_reminder_mail",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def meeting_reminder_mail(reminder_id: int) -> int:
    """Mail one recorded meeting reminder; retried with back-off while the mail server
    is unreachable. Returns the number of messages sent."""
    return mails.meeting_reminder_send(reminder_id=reminder_id)


@shared_task(name="community.tasks.digests_send")
def digests_send() -> int:
    """Make the member digests due today and queue one mail each (celery beat, daily at
    07:00; the schedule is a database row staff edit in the admin). Returns how many
    digests were made."""
    return digests.digests_make(send=digest_mails.delay)


@shared_task(
    name="community.tasks.digest_mails",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def digest_mails(delivery_ids: list[int]) -> int:
    """Mail a batch of digests (each at most once; retried with back-off while the mail
    server is away). Returns the number of messages sent."""
    return mails.digests_send(delivery_ids=delivery_ids)
