"""Background work of reporting: making a requested PDF report and mailing its link.
Tasks take ids; the work is done by reports.services and reports.mails.

`report_make` runs on its own queue ("reports", settings.CELERY_TASK_ROUTES, so long
PDFs never hold up mail) with late acknowledgement, reject_on_worker_lost and a time
limit: a worker killed mid-run leaves the message to be delivered again (at once when only
the process running it died; after the broker's visibility timeout when the whole worker
was killed), and the service claims the run once (a conditional UPDATE under the run's
advisory lock), so the report is made exactly once."""

from smtplib import SMTPException

from celery import Task, shared_task
from celery.exceptions import TimeLimitExceeded

from reports import mails, services

# Seconds: a region report of a large platform takes well under a minute. The hard limit
# stays below services.STALE_AFTER (after which a run may be taken over without its lock)
# and far below the broker's visibility timeout (settings.CELERY_BROKER_TRANSPORT_OPTIONS).
REPORT_SOFT_TIME_LIMIT = 10 * 60
REPORT_TIME_LIMIT = 12 * 60
# A message that finds its run held by another attempt looks again after 15 s, then
# doubling (30 s, 1 min, ... 8 min): soon enough for a lost attempt whose database
# connection PostgreSQL had not closed yet, and, with REPORT_MAX_RETRIES, long enough to
# reach STALE_AFTER. Every wait stays far below the visibility timeout, as it must: Redis
# hands out again a message that a worker holds (unacknowledged) for longer.
REPORT_RECHECK = 15
REPORT_MAX_RETRIES = 6


class ReportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """The hard time limit killed the attempt's process (the soft one, earlier, lets
        the attempt fail its run itself): the message is acknowledged and will not come
        back, so the run fails here rather than stay "bezig". Celery calls this in the
        worker's main process."""
        if isinstance(exc, TimeLimitExceeded):
            run_id = args[0] if args else kwargs["run_id"]
            services.report_timed_out(run_id=run_id)


@shared_task(
    bind=True,
    base=ReportTask,
    name="reports.tasks.report_make",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=REPORT_SOFT_TIME_LIMIT,
    time_limit=REPORT_TIME_LIMIT,
    max_retries=REPORT_MAX_RETRIES,
)
def report_make(self, run_id: int) -> str | None:
    """Make the report of one run. Nothing if it is done; if another attempt is working on
    it (a message delivered twice), look again later (services.report_wait): by then
    the run is done, or its attempt was lost and this one takes it over. Returns the run's
    status when this attempt made or failed it."""
    run = services.report_make(run_id=run_id, mail=report_ready_mail.delay)
    if run is not None:
        return run.status
    wait = services.report_wait(run_id=run_id)
    if wait is not None:
        raise self.retry(countdown=min(wait, REPORT_RECHECK * 2**self.request.retries))
    return None


@shared_task(
    name="reports.tasks.report_ready_mail",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def report_ready_mail(run_id: int) -> int:
    """Tell the requester their report is ready (a link, never the file)."""
    return mails.report_ready_send(run_id=run_id)


@shared_task(name="reports.tasks.scheduled_reports_make")
def scheduled_reports_make() -> int:
    """The beat task (daily, migration 0003): make the report of the month or quarter just
    ended for each subscribed scope, once per period. Returns how many were made now."""
    return len(services.scheduled_reports_make())
