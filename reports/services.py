"""Writes of reporting: requesting a report, claiming and finishing a run. Keyword-only,
typed, `@transaction.atomic`, with `actor=`; the background work is enqueued on commit
and a task only takes an id and calls a service here.

A run moves wachtrij → bezig → klaar | mislukt; a failed run goes back to the queue
when its requester retries it. The claim is one conditional UPDATE (wachtrij → bezig),
so a redelivered message (acks late) never makes a report twice."""

import datetime
import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from reports import documents, models, permissions, tasks
from reports.metrics import Period, Scope
from reports.models import ReportDownload, ReportRun, ReportSubscription

logger = logging.getLogger(__name__)

SCOPE_FIELDS = {
    Scope.ORGANISATION: "organisation",
    Scope.REGION: "region",
    Scope.THEMEGROUP: "themegroup",
}

# The reason a failed run shows: never the exception's text (it could hold anything).
FAILED = gettext_noop("Het maken van de rapportage is mislukt door een fout in het systeem.")


def _enqueue(run: ReportRun) -> None:
    transaction.on_commit(partial(tasks.report_make.delay, run.pk), robust=True)


@transaction.atomic
def report_request(*, actor, scope: Scope, period: Period, language: str) -> ReportRun:
    """Record a request for the report of `scope` over `period` in `language`, and
    enqueue it once the row is committed."""
    if not permissions.can_request_report(actor, scope):
        raise PermissionDenied
    run = ReportRun(
        requested_by=actor,
        scope_kind=scope.kind,
        period_start=period.start,
        period_end=period.end,
        language=language,
    )
    setattr(run, SCOPE_FIELDS[scope.kind], scope.obj)
    run._history_user = actor
    run.save()
    _enqueue(run)
    return run


@transaction.atomic
def report_retry(*, actor, run: ReportRun) -> ReportRun:
    """Put a failed run back in the queue (its requester only)."""
    if not permissions.can_retry_report(actor, run):
        raise PermissionDenied
    updated = ReportRun.objects.filter(pk=run.pk, status=ReportRun.Status.MISLUKT).update(
        status=ReportRun.Status.WACHTRIJ, progress=0, error="", started_at=None, finished_at=None
    )
    run.refresh_from_db()
    if updated:
        _record(run, actor)
        _enqueue(run)
    return run


def _record(run: ReportRun, actor) -> None:
    """A history row for a state that a conditional UPDATE set."""
    run._history_user = actor
    run.save()


# A run still "bezig" this long after it started was lost with its worker: the task's
# hard time limit (reports.tasks.REPORT_TIME_LIMIT) is shorter, so no attempt can still
# be running, and the next delivery of its message may take it over.
STALE_AFTER = timedelta(minutes=15)


def report_claim(*, run_id: int) -> ReportRun | None:
    """Claim a run for this worker with one conditional UPDATE: a queued run, or one whose
    worker was lost (bezig for longer than STALE_AFTER). None if there is nothing to
    claim: the run is done, or another attempt may still be working on it."""
    now = timezone.now()
    claimable = Q(status=ReportRun.Status.WACHTRIJ) | Q(
        status=ReportRun.Status.BEZIG, started_at__lt=now - STALE_AFTER
    )
    claimed = ReportRun.objects.filter(claimable, pk=run_id).update(
        status=ReportRun.Status.BEZIG, progress=0, started_at=now
    )
    if not claimed:
        return None
    run = ReportRun.objects.select_related(
        "requested_by", "organisation__region", "region", "themegroup__region"
    ).get(pk=run_id)
    _record(run, run.requested_by)
    return run


def report_wait(*, run_id: int) -> int | None:
    """Seconds until a run that is "bezig" may be taken over (its message came back while
    an attempt may still be working: a worker lost mid-run whose message was put back at
    once); None when there is nothing to wait for (done, failed, queued or gone)."""
    run = ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.BEZIG).first()
    if run is None or run.started_at is None:
        return None
    left = (run.started_at + STALE_AFTER - timezone.now()).total_seconds()
    return max(int(left) + 1, 1)


def _progress(run_id: int, percentage: int) -> None:
    ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.BEZIG).update(
        progress=min(max(percentage, 0), 99)
    )


def report_make(*, run_id: int, mail: Callable[[int], object] | None = None) -> ReportRun | None:
    """Make the PDF of a queued run (the task calls this): claim it, compute and render
    with progress, store the file; on an error the run fails with a reason. `mail(run_id)`
    is queued on commit when the report is ready."""
    run = report_claim(run_id=run_id)
    if run is None:
        return None
    try:
        made = documents.build(run, progress=partial(_progress, run.pk))
    except Exception:
        logger.exception("report run %s failed", run.pk)
        return report_fail(run=run, reason=FAILED)
    return report_finish(run=run, content=made.content, pages=made.pages, mail=mail)


@transaction.atomic
def report_finish(*, run: ReportRun, content: bytes, pages: int, mail=None) -> ReportRun:
    run.file.save(run.filename, ContentFile(content), save=False)
    run.status = ReportRun.Status.KLAAR
    run.progress = 100
    run.pages = pages
    run.size = len(content)
    run.finished_at = timezone.now()
    run._history_user = run.requested_by
    run.save()
    if mail is not None:
        transaction.on_commit(partial(mail, run.pk), robust=True)
    return run


@transaction.atomic
def report_fail(*, run: ReportRun, reason: str) -> ReportRun:
    run.status = ReportRun.Status.MISLUKT
    run.error = reason
    run.finished_at = timezone.now()
    run._history_user = run.requested_by
    run.save()
    return run


@transaction.atomic
def report_download(*, actor, run: ReportRun) -> ReportDownload:
    """Log a download (the view has checked the reader's rights and the file)."""
    if run.status != ReportRun.Status.KLAAR or not permissions.can_view_scope(actor, run.scope):
        raise PermissionDenied
    return ReportDownload.objects.create(run=run, user=actor)


def failure_reason(run: ReportRun) -> str:
    """The stored reason in the reader's language (it is stored as the Dutch source)."""
    return _(run.error) if run.error else ""


# --- sharing links -----------------------------------------------------------------------

# A sharing link is the run's id signed with its own salt and a timestamp: nothing is
# stored, it works without login for SHARE_VALID, and only for a finished report whose
# requester is still active and may still view its scope.
SHARE_SALT = "reports.share-link"
SHARE_VALID = timedelta(days=7)


class LinkInvalid(Exception):
    """A tampered link, or one whose report cannot be shared (any more)."""


class LinkExpired(LinkInvalid):
    """A genuine link older than SHARE_VALID."""


def report_share_token(*, actor, run: ReportRun) -> str:
    """A sharing link's token for a finished run (its requester only)."""
    if not permissions.can_share_report(actor, run):
        raise PermissionDenied
    logger.info("user %s made a sharing link for report run %s", actor.pk, run.pk)
    return signing.dumps(run.pk, salt=SHARE_SALT)


def shared_run(token: str) -> ReportRun:
    """The run behind a sharing link, or LinkExpired / LinkInvalid."""
    try:
        run_id = signing.loads(token, salt=SHARE_SALT, max_age=SHARE_VALID)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    if not isinstance(run_id, int):
        raise LinkInvalid
    run = (
        ReportRun.objects.select_related(
            "requested_by", "organisation__region", "region", "themegroup__region"
        )
        .filter(pk=run_id, status=ReportRun.Status.KLAAR)
        .first()
    )
    if run is None or not run.file or run.requested_by is None:
        raise LinkInvalid
    requester = run.requested_by
    if not requester.is_active or not permissions.can_view_scope(requester, run.scope):
        raise LinkInvalid
    return run


@transaction.atomic
def report_shared_download(*, run: ReportRun) -> ReportDownload:
    """Log a download through a sharing link (who: anyone holding the link)."""
    return ReportDownload.objects.create(run=run, user=None, via_link=True)


# --- scheduled reports -------------------------------------------------------------------


@transaction.atomic
def subscription_create(
    *, actor, scope: Scope, frequency: str, language: str
) -> ReportSubscription:
    if not permissions.can_subscribe_scope(actor, scope):
        raise PermissionDenied
    subscription = ReportSubscription(
        user=actor, scope_kind=scope.kind, frequency=frequency, language=language
    )
    setattr(subscription, SCOPE_FIELDS[scope.kind], scope.obj)
    subscription._history_user = actor
    try:
        # A savepoint: the form checked for a duplicate, but the same form sent twice at
        # once passes that check twice; the unique constraint then decides.
        with transaction.atomic():
            subscription.save()
    except IntegrityError as error:
        raise ValidationError(
            _("U hebt hier al een abonnement met deze frequentie op."), code="duplicate"
        ) from error
    return subscription


@transaction.atomic
def subscription_delete(*, actor, subscription: ReportSubscription) -> None:
    if subscription.user_id != actor.pk:
        raise PermissionDenied
    subscription._history_user = actor
    subscription.delete()


def period_just_ended(frequency: str, today: datetime.date) -> Period:
    """The last whole month or quarter before `today`."""
    first_of_month = today.replace(day=1)
    if frequency == ReportSubscription.Frequency.MAAND:
        end = first_of_month - timedelta(days=1)
        return Period(end.replace(day=1), end)
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year - 1, 4) if quarter == 1 else (today.year, quarter - 1)
    return Period.quarter(year, quarter)


def scheduled_reports_make(*, today: datetime.date | None = None) -> list[ReportRun]:
    """Make (enqueue) the report of the period just ended for each scope, frequency and
    language that someone subscribed to before that period ended: once per period, however
    often this runs (get_or_create on the unique `scheduled_key`). Returns the runs made
    now; the mail goes out when each is ready (reports.mails)."""
    today = today or timezone.localdate()
    made = []
    for frequency in ReportSubscription.Frequency.values:
        period = period_just_ended(frequency, today)
        wanted = (
            ReportSubscription.objects.filter(
                frequency=frequency, created_at__lt=period.end_moment()
            )
            .values_list("scope_kind", "organisation", "region", "themegroup", "language")
            .distinct()
            .order_by()
        )
        for kind, organisation, region, themegroup, language in wanted:
            key = models.scheduled_key(
                frequency=frequency,
                scope_kind=kind,
                scope_id=organisation or region or themegroup,
                language=language,
                period=period,
            )
            run = _scheduled_run(
                key=key,
                defaults={
                    "scope_kind": kind,
                    "organisation_id": organisation,
                    "region_id": region,
                    "themegroup_id": themegroup,
                    "period_start": period.start,
                    "period_end": period.end,
                    "language": language,
                },
            )
            if run is not None:
                made.append(run)
    return made


@transaction.atomic
def _scheduled_run(*, key: str, defaults: dict) -> ReportRun | None:
    """The run of `key`, made and enqueued if it did not exist; None if it did."""
    run, created = ReportRun.objects.get_or_create(scheduled_key=key, defaults=defaults)
    if not created:
        return None
    _enqueue(run)
    return run
