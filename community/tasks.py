"""Background work of the community: the account mails and the themegroup mails."""

from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from community import mails


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
