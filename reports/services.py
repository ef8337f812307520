"""Writes of reporting: requesting a report, claiming and finishing a run. Keyword-only,
typed, `@transaction.atomic`, with `actor=`; the background work is enqueued on commit
and a task only takes an id and calls a service here.

A run moves wachtrij → bezig → klaar | mislukt; a failed run goes back to the queue
when its requester retries it. The claim is one conditional UPDATE (wachtrij → bezig),
and an attempt holds the run's advisory lock while it works, so a redelivered message
(acks late) never makes a report twice, and one whose worker died takes its run over."""

import datetime
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Q
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
TIMED_OUT = gettext_noop("Het maken van de rapportage duurde te lang en is afgebroken.")


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


# --- making a run: one attempt at a time -------------------------------------------------
#
# A message for a run can arrive more than once (acks late): put back at once when the
# worker process that ran it died (reject_on_worker_lost), handed out again by Redis once
# the visibility timeout has passed when the whole worker was killed, or sent twice. An
# attempt holds a PostgreSQL session-level advisory lock on its run from its claim until it
# has finished or failed the run. The lock lives in the attempt's database connection, so
# when its worker dies (SIGKILL, out of memory, a lost machine whose connection PostgreSQL
# closes) the lock goes with it: a later delivery that gets the lock knows that no attempt
# is working on the run any more and takes a run left "bezig" over at once; one that does
# not get it leaves the run to the living attempt.
#
# A run still "bezig" STALE_AFTER after its claim is taken over even without the lock (a
# connection PostgreSQL has not closed yet, or a database without advisory locks): the
# task's hard time limit (reports.tasks.REPORT_TIME_LIMIT) is shorter, so no attempt can
# still be running. Every claim counts in `attempts`, and only the attempt that made the
# latest claim may record progress, finish or fail the run: an attempt that was taken over
# writes nothing.

STALE_AFTER = timedelta(minutes=15)

# The first key of the advisory locks on report runs ("RPRT"); the second is the run's id
# (folded into PostgreSQL's int4: two runs 2^31 apart would only wait for each other).
RUN_LOCK = 0x52505254


@contextmanager
def _attempt(run_id: int, *, wait: int = 0) -> Iterator[bool | None]:
    """Hold the run's advisory lock for the duration of this attempt. Yields True when this
    attempt holds it (no other attempt is alive), False when another attempt holds it
    (after waiting up to `wait` seconds for it), and None without PostgreSQL (nothing
    tells a living attempt from a lost one there)."""
    if connection.vendor != "postgresql":
        yield None
        return
    key = [RUN_LOCK, run_id % 2**31]
    if wait:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{int(wait)}s'")
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)
            held = True
        except OperationalError:
            held = False
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
            (held,) = cursor.fetchone()
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            except DatabaseError:
                # The connection broke, and its session's locks went with it.
                logger.warning("report run %s: could not release its lock", run_id)


def report_claim(*, run_id: int, alone: bool | None = None) -> ReportRun | None:
    """Claim a run for this attempt with one conditional UPDATE, counting the attempt.
    `alone` is what `_attempt` found: True, no other attempt is alive, so a queued run or
    one left "bezig" by a lost worker is claimed; False, another attempt holds the run,
    so only a run bezig for longer than STALE_AFTER; None (unknown), a queued run or a
    stale one. None if there is nothing to claim: the run is done, or another attempt may
    still be working on it."""
    now = timezone.now()
    stale = Q(status=ReportRun.Status.BEZIG, started_at__lt=now - STALE_AFTER)
    if alone is None:
        claimable = Q(status=ReportRun.Status.WACHTRIJ) | stale
    elif alone:
        claimable = Q(status__in=[ReportRun.Status.WACHTRIJ, ReportRun.Status.BEZIG])
    else:
        claimable = stale
    claimed = ReportRun.objects.filter(claimable, pk=run_id).update(
        status=ReportRun.Status.BEZIG, progress=0, started_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    run = ReportRun.objects.select_related(
        "requested_by", "organisation__region", "region", "themegroup__region"
    ).get(pk=run_id)
    _record(run, run.requested_by)
    return run


def report_wait(*, run_id: int) -> int | None:
    """Seconds after which a message that could not claim its run may try again: until
    the run may be taken over without the lock (STALE_AFTER after its claim; the task
    looks sooner, as a lost attempt's lock is usually gone within a moment), or 1 for a
    queued run (its lock held only for an instant). None when there is nothing to wait
    for: the run is done or gone."""
    run = ReportRun.objects.filter(
        pk=run_id, status__in=[ReportRun.Status.WACHTRIJ, ReportRun.Status.BEZIG]
    ).first()
    if run is None:
        return None
    if run.status == ReportRun.Status.WACHTRIJ or run.started_at is None:
        return 1
    left = (run.started_at + STALE_AFTER - timezone.now()).total_seconds()
    return max(int(left) + 1, 1)


def _progress(run_id: int, attempt: int, percentage: int) -> None:
    ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.BEZIG, attempts=attempt).update(
        progress=min(max(percentage, 0), 99)
    )


def report_make(*, run_id: int, mail: Callable[[int], object] | None = None) -> ReportRun | None:
    """Make the PDF of a queued run (the task calls this): claim it, compute and render
    with progress, store the file; on an error the run fails with a reason. `mail(run_id)`
    is queued on commit when the report is ready. None when this attempt made nothing:
    nothing to claim, or it was taken over meanwhile."""
    with _attempt(run_id) as alone:
        run = report_claim(run_id=run_id, alone=alone)
        if run is None:
            return None
        try:
            made = documents.build(run, progress=partial(_progress, run.pk, run.attempts))
        except Exception:
            logger.exception("report run %s failed", run.pk)
            return report_fail(run=run, reason=FAILED)
        return report_finish(run=run, content=made.content, pages=made.pages, mail=mail)


# Seconds to wait for the lock of an attempt killed by the hard time limit.
TIMED_OUT_WAIT = 10


def report_timed_out(*, run_id: int) -> ReportRun | None:
    """Fail a run whose attempt the hard time limit ended (the pool killed its process;
    the task's on_failure calls this), so that its requester may retry it instead of it
    staying "bezig". It waits a moment for PostgreSQL to release the killed attempt's
    lock. Nothing if another attempt holds the run, or if it is not "bezig"."""
    with _attempt(run_id, wait=TIMED_OUT_WAIT) as alone:
        if alone is False:
            return None
        run = (
            ReportRun.objects.select_related("requested_by")
            .filter(pk=run_id, status=ReportRun.Status.BEZIG)
            .first()
        )
        if run is None:
            return None
        return report_fail(run=run, reason=TIMED_OUT)


def _still_ours(run: ReportRun) -> bool:
    """Lock the run's row until the end of the transaction; True while it is not done and
    no later attempt has claimed it (the attempt that read `run` may still write it)."""
    return (
        ReportRun.objects.select_for_update()
        .filter(pk=run.pk, attempts=run.attempts)
        .exclude(status__in=[ReportRun.Status.KLAAR, ReportRun.Status.MISLUKT])
        .values_list("pk", flat=True)
        .first()
        is not None
    )


@transaction.atomic
def report_finish(*, run: ReportRun, content: bytes, pages: int, mail=None) -> ReportRun | None:
    """Store the file and mark the run ready; None (nothing stored) when the run was
    taken over by a later attempt or is already done."""
    if not _still_ours(run):
        logger.warning("report run %s: attempt %s was taken over", run.pk, run.attempts)
        return None
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
def report_fail(*, run: ReportRun, reason: str) -> ReportRun | None:
    """Mark the run failed with `reason` (stored as the Dutch source); None when the run
    was taken over by a later attempt or is already done."""
    if not _still_ours(run):
        logger.warning("report run %s: attempt %s was taken over", run.pk, run.attempts)
        return None
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
