"""Checks behind /health/: can we reach the database, the cache and the broker?"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from kombu import Connection

logger = logging.getLogger(__name__)

HEARTBEAT_CACHE_KEY = "portal:worker-heartbeat"


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def check_database() -> CheckResult:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("health check database failed: %s", exc)
        return CheckResult("database", False, exc.__class__.__name__)
    return CheckResult("database", True, connection.vendor)


def check_cache() -> CheckResult:
    key = "portal:health-probe"
    try:
        cache.set(key, "ok", timeout=10)
        ok = cache.get(key) == "ok"
    except Exception as exc:
        logger.warning("health check cache failed: %s", exc)
        return CheckResult("cache", False, exc.__class__.__name__)
    return CheckResult("cache", ok, "ok" if ok else "value not read back")


def check_broker() -> CheckResult:
    """Open a connection to the Celery broker; eager mode (no broker) counts as healthy."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return CheckResult("broker", True, "eager (no broker)")
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        logger.warning("health check broker failed: %s", exc)
        return CheckResult("broker", False, exc.__class__.__name__)
    return CheckResult("broker", True, "ok")


def run_checks() -> list[CheckResult]:
    return [check_database(), check_cache(), check_broker()]


def worker_heartbeat_record() -> str:
    """Remember when a worker last ran a task (shown to staff on /health/)."""
    stamp = timezone.now().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, stamp, timeout=None)
    return stamp


def worker_heartbeat_last() -> str | None:
    try:
        return cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:
        return None
