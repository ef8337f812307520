"""Background work of procurement: the daily reminders about overdue phases. Tasks take
ids; the reminders are found and recorded by procurement.services."""

from smtplib import SMTPException

from celery import shared_task

from procurement import mails, services
from procurement.summaries import kpi_summaries_rebuild, kpi_summaries_refresh


@shared_task(name="procurement.tasks.trajectory_reminders_send")
def trajectory_reminders_send() -> int:
    """Remind the teams of trajectories whose current phase passed its planned end date
    (celery beat, daily at 07:00; the schedule is a database row that staff edit in the
    admin). Safe to run again or to be redelivered: each phase and planned end date is
    reminded once. Returns the number of reminders made."""
    return services.phase_reminders_send(send=phase_reminder_mail.delay)


@shared_task(
    name="procurement.tasks.phase_reminder_mail",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def phase_reminder_mail(reminder_id: int) -> int:
    """Mail one recorded reminder to the trajectory's team; retried with back-off while
    the mail server is unreachable. Returns the number of messages sent."""
    return mails.phase_reminder_send(reminder_id=reminder_id)


# The KPI summary's refresh after a write and its nightly rebuild live with the summary
# (procurement.summaries); named here so that the worker's autodiscovery registers them.
__all__ = [
    "kpi_summaries_rebuild",
    "kpi_summaries_refresh",
    "phase_reminder_mail",
    "trajectory_reminders_send",
]
