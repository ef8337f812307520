"""Background work of reporting: making a requested PDF report and mailing its link.
Tasks take ids; the work is done by reports.services and reports.mails.

`report_make` runs on its own queue ("reports", settings.CELERY_TASK_ROUTES, so long
PDFs never hold up mail) with
late acknowledgement and a time limit; the service claims the run with a conditional
UPDATE, so a message delivered twice makes one report."""

from smtplib import SMTPException

from celery import shared_task

from reports import mails, services

# Seconds: a region report of a large platform takes well under a minute; the hard limit
# stays below the broker's visibility timeout (settings.CELERY_BROKER_TRANSPORT_OPTIONS).
REPORT_SOFT_TIME_LIMIT = 10 * 60
REPORT_TIME_LIMIT = 12 * 60


@shared_task(
    bind=True,
    name="reports.tasks.report_make",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=REPORT_SOFT_TIME_LIMIT,
    time_limit=REPORT_TIME_LIMIT,
    max_retries=3,
)
def report_make(self, run_id: int) -> str | None:
    """Make the report of one run. Nothing if it is done; if another attempt may still be
    working on it (a lost worker's message put back at once), try again once that
    attempt's time is up (services.STALE_AFTER), and then take the run over. Returns the
    run's status when this attempt made or failed it."""
    run = services.report_make(run_id=run_id, mail=report_ready_mail.delay)
    if run is not None:
        return run.status
    wait = services.report_wait(run_id=run_id)
    if wait is not None:
        raise self.retry(countdown=wait)
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
