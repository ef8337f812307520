"""The e-mails of the case library: what its author hears about a case."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from cases.models import Case


def author_mail_send(*, case_id: int, event: str, site_url: str | None = None) -> bool:
    """Render and send the mail about this event (case_submitted, case_published,
    case_returned) to the case's author, in the portal's language; False if there is no
    one to tell (the case or author is gone). Sent by cases.tasks.author_mail."""
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
