"""The e-mails of reporting: the requester hears that their report is ready, with a link
to its page (never the file: the download view checks their rights when they click). A
scheduled report goes to its subscribers who may still view its scope when it is sent."""

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from reports import permissions
from reports.models import ReportRun, ReportSubscription


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
    if run.scheduled_key:
        return _scheduled_send(run)
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


def _scheduled_send(run: ReportRun) -> int:
    """Mail each subscriber of a scheduled run: subscribed before its period ended, still
    subscribed, active, with an address, and still allowed to view the scope now."""
    subscriptions = ReportSubscription.objects.filter(
        scope_kind=run.scope_kind,
        organisation=run.organisation_id,
        region=run.region_id,
        themegroup=run.themegroup_id,
        language=run.language,
        created_at__lt=run.period.end_moment(),
        user__is_active=True,
    ).select_related("user")
    recipients = [
        subscription.user
        for subscription in subscriptions
        if subscription.key_for(run.period) == run.scheduled_key
        and subscription.user.email
        and permissions.can_view_scope(subscription.user, run.scope)
    ]
    run_url = f"{settings.SITE_URL}{run.get_absolute_url()}"
    list_url = f"{settings.SITE_URL}{reverse('reports:report_list')}"
    messages = []
    for user in recipients:
        context = {
            "user": user,
            "run": run,
            "scope": run.scope,
            "run_url": run_url,
            "list_url": list_url,
        }
        with translation.override(run.language):
            subject = render_to_string("emails/report_scheduled_subject.txt", context).strip()
            body = render_to_string("emails/report_scheduled_body.txt", context)
        messages.append(
            EmailMessage(
                subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
            )
        )
    if not messages:
        return 0
    return mailers.default.send_messages(messages)
