"""A real task through a real Celery worker against real Redis."""

import pytest
from django.core.cache import cache

from portal import health, tasks
from portal.celery import app


@pytest.mark.integration
def test_the_heartbeat_task_runs_on_a_real_worker(redis_worker):
    cache.delete(health.HEARTBEAT_CACHE_KEY)
    result = tasks.heartbeat.delay()
    stamp = result.get(timeout=30)
    assert result.successful()
    assert cache.get(health.HEARTBEAT_CACHE_KEY) == stamp


@pytest.mark.integration
def test_the_worker_is_configured_for_production_safety():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit
    assert app.conf.task_serializer == "json"
