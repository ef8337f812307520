"""Background tasks of the portal itself."""

from celery import shared_task

from portal import health


@shared_task(name="portal.tasks.heartbeat")
def heartbeat() -> str:
    """Record that a worker is alive; scheduled every minute by celery beat."""
    return health.worker_heartbeat_record()
