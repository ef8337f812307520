"""The e-mails of the case library: what its author hears about a case, what the
region's coordinators hear about a submitted one, and a member's message about a
published case."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMessage, mailers, send_mail
from django.template.loader import render_to_string
from django.utils import translation

from cases import permissions
from cases.models import Case
from community.models import Membership, User


def author_mail_send(*, case_id: int, event: str, site_url: str | None = None) -> bool:
    """Render and send the mail about this event (case_submitted, case_published,
    case_returned, case_withdrawn) to the case's author, in the portal's language; False
    if there is no one to tell (the case or author is gone). Sent by
    cases.tasks.author_mail."""
    case = Case.objects.select_related("author").filter(pk=case_id).first()
    author = case.author if case else None
    if author is None or not author.email:
        return False
    context = {"case": case, "author": author, "site_url": site_url or settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{event}_subject.txt", context).strip()
        body = render_to_string(f"emails/{event}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [author.email])
    return True


def reviewers_of(case: Case) -> list[User]:
    """The coordinators who review this case: active coordinator memberships in its
    region, with an active account and an address; not its author."""
    if case.region_id is None:
        return []
    coordinators = (
        Membership.objects.active()
        .filter(role=Membership.Role.COORDINATOR, organisation__region=case.region_id)
        .values("user")
    )
    users = User.objects.filter(pk__in=coordinators, is_active=True).exclude(email="")
    if case.author_id is not None:
        users = users.exclude(pk=case.author_id)
    return list(users.order_by("pk"))


def reviewers_mail_send(*, case_id: int, site_url: str | None = None) -> int:
    """Tell the region's coordinators that a case awaits review (one message each), if
    it still does: a retried task stays silent about a case reviewed in the meantime.
    Returns the number of messages sent. Sent by cases.tasks.reviewers_mail."""
    case = (
        Case.objects.select_related("author", "region")
        .filter(pk=case_id, status=Case.Status.INGEDIEND)
        .first()
    )
    if case is None:
        return 0
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for user in reviewers_of(case):
            context = {
                "case": case,
                "user": user,
                "site_url": site_url or settings.SITE_URL,
            }
            subject = render_to_string("emails/case_to_review_subject.txt", context).strip()
            body = render_to_string("emails/case_to_review_body.txt", context)
            messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    if not messages:
        return 0
    return mailers.default.send_messages(messages)


def contact_mail_send(
    *, case_id: int, sender_id: int, message: str, site_url: str | None = None
) -> bool:
    """Send a member's message about a published case to its contact or author, with the
    sender's verified address as reply-to (the recipient answers them directly; neither
    address is shown in the portal). False if the case is no longer published, nobody can
    receive it or the sender has no verified address."""
    case = (
        Case.objects.select_related("author", "contact")
        .filter(pk=case_id, status=Case.Status.GEPUBLICEERD)
        .first()
    )
    sender = User.objects.filter(pk=sender_id, is_active=True).first()
    recipient = permissions.contact_recipient(case) if case else None
    if case is None or sender is None or recipient is None:
        return False
    reply_to = (
        EmailAddress.objects.filter(user=sender, verified=True)
        .order_by("-primary", "pk")
        .values_list("email", flat=True)
        .first()
    )
    if reply_to is None:
        return False
    context = {
        "case": case,
        "recipient": recipient,
        "sender": sender,
        "message": message,
        "site_url": site_url or settings.SITE_URL,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("emails/case_contact_subject.txt", context).strip()
        body = render_to_string("emails/case_contact_body.txt", context)
    mail = EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email], reply_to=[reply_to]
    )
    mail.send()
    return True
