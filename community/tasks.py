"""Background work of the community: the account mails and the member digest."""

from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from community import digests, mails


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
