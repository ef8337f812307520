"""A real Celery worker for tests/reports/test_worker_lost.py, started as its own process
(and process group) so that the test can kill it outright.

    python -m tests.reports.killable_worker NAME

It is the production worker (prefork, acks late, prefetch 1) with the test's settings
from the environment (DATABASE_URL of the test database, REDIS_URL, REPORTS_ROOT,
EMAIL_URL) and three changes made here, in test code only:

- TEST_WORKER_QUEUE: the reports task and its ready mail are routed to, and consumed
  from, this private queue (nothing else of the test run reaches this worker);
- TEST_WORKER_VISIBILITY: the Redis visibility timeout in seconds, swept every second, so
  that a killed worker's message comes back within seconds rather than an hour;
- TEST_WORKER_PAUSE=1: the task stops for good after its first progress (the run is then
  "bezig" with a percentage and holds its claim): a pause point where the test kills it.

With TEST_WORKER_GO (a path) the process loads everything (Django, WeasyPrint: most of a
worker's start) and then waits until that file exists before it starts the worker, so
the test can start a second worker early and let it join when it is needed.
"""

import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from portal.celery import app  # noqa: E402  (after django.setup())
from reports import services  # noqa: E402

QUEUE = os.environ["TEST_WORKER_QUEUE"]
ROUTES = ("reports.tasks.report_make", "reports.tasks.report_ready_mail")


def pause_after_first_progress() -> None:
    record = services._progress

    def progress_then_pause(run_id: int, attempt: int, percentage: int) -> None:
        record(run_id, attempt, percentage)
        print(f"paused: run {run_id}, attempt {attempt} at {percentage}%", flush=True)
        while True:
            time.sleep(1)

    services._progress = progress_then_pause


def main(name: str) -> None:
    app.conf.update(
        task_routes={task: {"queue": QUEUE} for task in ROUTES},
        broker_transport_options={
            "visibility_timeout": int(os.environ.get("TEST_WORKER_VISIBILITY", 3600)),
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        },
    )
    if os.environ.get("TEST_WORKER_PAUSE") == "1":
        pause_after_first_progress()
    if go := os.environ.get("TEST_WORKER_GO"):
        print("loaded, waiting to start", flush=True)
        while not Path(go).exists():
            time.sleep(0.1)
    app.worker_main(
        [
            "worker",
            "--hostname",
            f"{name}@%h",
            "--queues",
            QUEUE,
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ]
    )


if __name__ == "__main__":
    main(sys.argv[1])
