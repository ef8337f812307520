"""The e-mails of reporting: the requester hears that their report is ready, with a link
to its page (never the file: the download view checks their rights when they click)."""

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.template.loader import render_to_string
from django.utils import translation

from reports import permissions
from reports.models import ReportRun


def report_ready_send(*, run_id: int) -> int:
    """Mail the requester of a finished run, in the run's language, while their account is
    active, has an address and may still view the scope. Returns the messages sent."""
    run = (
        ReportRun.objects.select_related(
            "requested_by", "organisation__region", "region", "themegroup__region"
        )
        .filter(pk=run_id, status=ReportRun.Status.KLAAR)
        .first()
    )
    if run is None:
        return 0
    user = run.requested_by
    if not user.is_active or not user.email or not permissions.can_view_scope(user, run.scope):
        return 0
    context = {
        "user": user,
        "run": run,
        "scope": run.scope,
        "run_url": f"{settings.SITE_URL}{run.get_absolute_url()}",
    }
    with translation.override(run.language):
        subject = render_to_string("emails/report_ready_subject.txt", context).strip()
        body = render_to_string("emails/report_ready_body.txt", context)
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
    )
    return mailers.default.send_messages([message])
