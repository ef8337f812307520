"""Writes of reporting: requesting a report, claiming and finishing a run. Keyword-only,
typed, `@transaction.atomic`, with `actor=`; the background work is enqueued on commit
and a task only takes an id and calls a service here.

A run moves wachtrij → bezig → klaar | mislukt; a failed run goes back to the queue
when its requester retries it. The claim is one conditional UPDATE (wachtrij → bezig),
so a redelivered message (acks late) never makes a report twice."""

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from reports import documents, permissions, tasks
from reports.metrics import Period, Scope
from reports.models import ReportDownload, ReportRun

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
