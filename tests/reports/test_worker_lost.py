"""A report is made exactly once, whatever happens to its worker: an attempt claims its
run under the run's advisory lock (reports.services), so a second delivery of the message
while the attempt is alive does nothing, and the delivery after the attempt's worker died
takes the run over at once (or, without the lock, once no attempt can still be running).

The last test kills real worker processes (tests/reports/killable_worker.py) on the
Redis and PostgreSQL of scripts/with-services.sh."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote
from uuid import uuid4

import psycopg
import pytest
import redis
from celery.exceptions import TimeLimitExceeded
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from portal.celery import app
from reports import services, tasks
from reports.metrics import Scope
from reports.models import ReportRun, private_storage
from tests.reports.conftest import PERIOD

# Generous: the machine running the tests may be busy; each wait normally takes seconds.
WAIT = 90


class Retried(Exception):
    pass


def _request(user, obj):
    return services.report_request(actor=user, scope=Scope.of(obj), period=PERIOD, language="nl")


@pytest.fixture
def region_run(world, dora, groene_hart, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return _request(dora, groene_hart)


@pytest.fixture
def retries(monkeypatch):
    """The countdowns of the task's retries (each retry raises Retried instead)."""
    countdowns = []

    def retry(countdown):
        countdowns.append(countdown)
        return Retried()

    monkeypatch.setattr(tasks.report_make, "retry", retry)
    return countdowns


def _connect() -> psycopg.Connection:
    params = connection.settings_dict
    return psycopg.connect(
        host=params["HOST"],
        port=params["PORT"],
        user=params["USER"],
        password=params["PASSWORD"],
        dbname=params["NAME"],
        autocommit=True,
    )


@pytest.fixture
def living_attempt():
    """Another database session, as an attempt alive in another worker: `hold(run)` takes
    the run's advisory lock there (released when the session ends)."""
    with _connect() as other:

        def hold(run):
            other.execute("SELECT pg_advisory_lock(%s, %s)", [services.RUN_LOCK, run.pk])

        yield hold


def _files() -> list[str]:
    root = Path(private_storage.location)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def _lock_holders(run) -> list[int]:
    """The server pids of the sessions that hold the run's advisory lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid::bigint = %s AND objid::bigint = %s AND objsubid = 2",
            [services.RUN_LOCK, run.pk],
        )
        return [pid for (pid,) in cursor.fetchall()]


def _claimed(run, *, started_at, attempts=1):
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.BEZIG, progress=30, started_at=started_at, attempts=attempts
    )


# --- a message delivered again, in one process ----------------------------------------------


def test_a_second_delivery_while_an_attempt_holds_the_run_does_nothing(
    region_run, living_attempt, retries
):
    started = timezone.now() - timedelta(minutes=1)
    _claimed(region_run, started_at=started)
    living_attempt(region_run)

    with pytest.raises(Retried):
        tasks.report_make(region_run.pk)

    region_run.refresh_from_db()
    assert (region_run.status, region_run.attempts) == (ReportRun.Status.BEZIG, 1)
    assert (region_run.started_at, region_run.progress) == (started, 30)
    assert not region_run.file
    assert _files() == []
    # It looks again soon: the living attempt will have finished the run, or died.
    assert retries == [tasks.REPORT_RECHECK]
    assert _lock_holders(region_run) != []  # still the other session's, not released by us


def test_a_run_whose_worker_is_gone_is_taken_over_at_once(region_run, retries, monkeypatch):
    """A run left "bezig" a minute ago and nobody holds its lock: its worker died, so the
    message that comes back takes it over without waiting, and makes one report."""
    mailed = []
    monkeypatch.setattr(tasks.report_ready_mail, "delay", mailed.append)
    _claimed(region_run, started_at=timezone.now() - timedelta(minutes=1))

    assert tasks.report_make(region_run.pk) == ReportRun.Status.KLAAR
    assert tasks.report_make(region_run.pk) is None

    region_run.refresh_from_db()
    assert (region_run.status, region_run.attempts) == (ReportRun.Status.KLAAR, 2)
    assert _files() == [region_run.file.name]
    assert retries == []
    assert _lock_holders(region_run) == []  # released when the attempt ended


def test_a_stale_run_is_taken_over_even_while_its_lock_looks_held(
    region_run, living_attempt, retries
):
    """A lock that outlives its attempt (a connection PostgreSQL has not closed yet) does
    not hold a run for ever: past STALE_AFTER no attempt can still be running."""
    _claimed(region_run, started_at=timezone.now() - services.STALE_AFTER - timedelta(seconds=1))
    living_attempt(region_run)

    assert tasks.report_make(region_run.pk) == ReportRun.Status.KLAAR

    region_run.refresh_from_db()
    assert (region_run.status, region_run.attempts) == (ReportRun.Status.KLAAR, 2)
    assert retries == []


def test_a_queued_run_whose_lock_is_held_for_a_moment_is_tried_again_in_a_second(
    region_run, living_attempt, retries
):
    """A failed run retried at once can find its last attempt just releasing the lock."""
    living_attempt(region_run)

    with pytest.raises(Retried):
        tasks.report_make(region_run.pk)

    region_run.refresh_from_db()
    assert (region_run.status, region_run.attempts) == (ReportRun.Status.WACHTRIJ, 0)
    assert retries == [1]


def test_the_waits_grow_until_the_run_may_be_taken_over(region_run, living_attempt, monkeypatch):
    started = timezone.now() - timedelta(minutes=1)
    _claimed(region_run, started_at=started)
    living_attempt(region_run)
    countdowns = []
    for attempt in range(tasks.REPORT_MAX_RETRIES):

        def retry(countdown):
            countdowns.append(countdown)
            return Retried()

        monkeypatch.setattr(tasks.report_make, "retry", retry)
        tasks.report_make.push_request(retries=attempt)
        try:
            with pytest.raises(Retried):
                tasks.report_make.run(region_run.pk)
        finally:
            tasks.report_make.pop_request()

    assert countdowns == [15, 30, 60, 120, 240, 480]
    # By the last retry the run may be taken over without the lock.
    assert sum(countdowns) >= services.STALE_AFTER.total_seconds()


def test_an_attempt_that_was_taken_over_writes_nothing(region_run, monkeypatch):
    mailed = []
    first = services.report_claim(run_id=region_run.pk)
    _claimed(region_run, started_at=timezone.now(), attempts=2)  # a later attempt's claim

    services._progress(region_run.pk, first.attempts, 50)
    assert services.report_finish(run=first, content=b"%PDF-", pages=1, mail=mailed.append) is None
    assert services.report_fail(run=first, reason=services.FAILED) is None

    region_run.refresh_from_db()
    assert (region_run.status, region_run.attempts) == (ReportRun.Status.BEZIG, 2)
    assert region_run.progress == 30
    assert not region_run.file
    assert _files() == []
    assert mailed == []


def test_a_run_ended_by_the_hard_time_limit_fails_and_may_be_retried(region_run, dora):
    _claimed(region_run, started_at=timezone.now() - timedelta(seconds=tasks.REPORT_TIME_LIMIT))
    limit = TimeLimitExceeded(tasks.REPORT_TIME_LIMIT)

    tasks.report_make.on_failure(limit, "task-id", (region_run.pk,), {}, None)

    region_run.refresh_from_db()
    assert (region_run.status, region_run.error) == ("mislukt", services.TIMED_OUT)
    assert region_run.history.first().status == "mislukt"
    assert services.report_retry(actor=dora, run=region_run).status == "wachtrij"


def test_the_hard_time_limit_of_one_attempt_leaves_a_living_one_alone(
    region_run, living_attempt, monkeypatch
):
    """A copy of the message that timed out while another attempt holds the run."""
    monkeypatch.setattr(services, "TIMED_OUT_WAIT", 1)
    _claimed(region_run, started_at=timezone.now(), attempts=2)
    living_attempt(region_run)

    limit = TimeLimitExceeded(tasks.REPORT_TIME_LIMIT)
    tasks.report_make.on_failure(limit, "task-id", (), {"run_id": region_run.pk}, None)
    tasks.report_make.on_failure(Retried(), "task-id", (region_run.pk,), {}, None)

    region_run.refresh_from_db()
    assert (region_run.status, region_run.attempts) == ("bezig", 2)


def test_the_limits_fit_the_broker(settings):
    """The hard time limit ends an attempt before its run may be taken over without the
    lock, and every task, and every wait of a retried message, ends well inside Redis's
    visibility timeout (after which Redis hands a message it holds out again)."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert tasks.REPORT_SOFT_TIME_LIMIT < tasks.REPORT_TIME_LIMIT
    assert services.STALE_AFTER.total_seconds() > tasks.REPORT_TIME_LIMIT
    assert visibility > settings.CELERY_TASK_TIME_LIMIT
    assert visibility > tasks.REPORT_RECHECK * 2 ** (tasks.REPORT_MAX_RETRIES - 1)
    assert tasks.report_make.acks_late
    assert tasks.report_make.reject_on_worker_lost
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


# --- real workers, killed ---------------------------------------------------------------------


class Worker:
    """A worker process in its own process group (it and its pool's children)."""

    def __init__(self, name: str, env: dict, log: Path):
        self.name, self.log = name, log
        self.go_file = Path(env["TEST_WORKER_GO"]) if "TEST_WORKER_GO" in env else None
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.reports.killable_worker", name],
                cwd=django_settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def go(self) -> None:
        """Let a worker started with `held=True` start consuming."""
        self.go_file.touch()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=WAIT)


@pytest.fixture
def workers(transactional_db, settings, tmp_path):
    """Start worker processes on a private queue (the reports task is routed there for
    this test); every one is killed at the end, and the queue's messages removed."""
    assert settings.REDIS_URL, "This needs a real Redis: run it through `make test`."
    queue = f"reports-test-{uuid4().hex[:12]}"
    params = connection.settings_dict
    password = f":{quote(params['PASSWORD'])}" if params["PASSWORD"] else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{quote(params['USER'])}{password}@{params['HOST']}:"
        f"{params['PORT']}/{params['NAME']}",
        "REPORTS_ROOT": str(settings.REPORTS_ROOT),
        # Four slashes: an absolute path (three would make it relative).
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "TEST_WORKER_QUEUE": queue,
    }
    started = []
    routes = app.conf.task_routes

    class Workers:
        mail_dir = tmp_path / "mail"

        def start(self, name: str, *, pause=False, visibility=3600, held=False) -> Worker:
            """A worker process; with `held`, it loads and then waits for `go()`."""
            extra = {"TEST_WORKER_PAUSE": "1" if pause else "0"}
            extra["TEST_WORKER_VISIBILITY"] = str(visibility)
            if held:
                extra["TEST_WORKER_GO"] = str(tmp_path / f"{name}.go")
            worker = Worker(name, {**env, **extra}, tmp_path / f"{name}.log")
            started.append(worker)
            return worker

        def logs(self) -> str:
            return "\n".join(f"--- {w.name}\n{w.output()}" for w in started)

        def waiting(self) -> int:
            """Messages of the private queue waiting in Redis."""
            return broker.llen(queue)

        def held(self) -> int:
            """Messages of the private queue handed out and not acknowledged."""
            return sum(json.loads(value)[2] == queue for value in broker.hvals("unacked"))

        def settled(self) -> bool:
            return self.waiting() == 0 and self.held() == 0

    broker = redis.Redis.from_url(settings.REDIS_URL)
    app.conf.update(task_routes={"reports.tasks.report_make": {"queue": queue}})
    try:
        yield Workers()
    finally:
        app.conf.update(task_routes=routes)
        for worker in started:
            worker.kill()
        broker.delete(queue)
        for tag, value in broker.hgetall("unacked").items():
            if json.loads(value)[2] == queue:
                broker.hdel("unacked", tag)
                broker.zrem("unacked_index", tag)
        broker.close()


def _until(condition, what: str, workers) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting until {what}.\n{workers.logs()}")
        time.sleep(0.2)


def _run_state(run) -> ReportRun:
    run.refresh_from_db()
    return run


@pytest.mark.integration
def test_a_worker_killed_during_a_run_leaves_exactly_one_finished_report(
    client, world, dora, groene_hart, workers, retries
):
    client.force_login(dora)
    response = client.post(
        reverse("reports:report_list"),
        {"bereik": f"regio-{groene_hart.pk}", "periode": "jaar-2026"},
    )
    assert response.status_code == 302
    run = ReportRun.objects.get()

    # The first worker claims the run and stops in the middle, "bezig" with a percentage.
    # The second loads meanwhile (most of a worker's start), and starts when it is needed.
    first = workers.start("eerste", pause=True)
    second = workers.start("tweede", visibility=5, held=True)
    _until(
        lambda: _run_state(run).status == ReportRun.Status.BEZIG and run.progress > 0,
        "the first worker is making the report",
        workers,
    )
    _until(lambda: "paused" in first.output(), "the first worker pauses", workers)
    (holder,) = _lock_holders(run)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert holder != cursor.fetchone()[0]  # the worker's session
    assert run.attempts == 1

    # A second delivery while it is alive does nothing (it looks again later).
    with pytest.raises(Retried):
        tasks.report_make(run.pk)
    assert (_run_state(run).status, run.attempts, run.file.name) == ("bezig", 1, "")
    assert retries == [tasks.REPORT_RECHECK]

    # Killed outright: its message is left unacknowledged in Redis, its lock released.
    first.kill()
    _until(lambda: not _lock_holders(run), "PostgreSQL releases the dead worker's lock", workers)
    assert _run_state(run).status == ReportRun.Status.BEZIG
    assert (workers.waiting(), workers.held()) == (0, 1)

    # A new worker gets the message back once the visibility timeout (5 s here, an hour
    # in production) has passed, takes the run over at once (nobody holds its lock), and
    # makes the report; the ready mail goes out once.
    second.go()
    _until(
        lambda: _run_state(run).status == "klaar" and any(workers.mail_dir.glob("*")),
        "the second worker has made the report and mailed it",
        workers,
    )
    _until(workers.settled, "the queue is empty and nothing is held", workers)

    run.refresh_from_db()
    assert (run.status, run.progress, run.attempts, run.error) == ("klaar", 100, 2, "")
    assert _files() == [run.file.name]
    assert run.file.read()[:5] == b"%PDF-"
    assert [h.status for h in run.history.order_by("history_date", "history_id")] == [
        "wachtrij",
        "bezig",
        "bezig",
        "klaar",
    ]
    (mail,) = workers.mail_dir.iterdir()
    message = mail.read_text()
    assert f"To: {dora.email}" in message
    assert f"{django_settings.SITE_URL}{run.get_absolute_url()}" in message
    assert "Content-Disposition: attachment" not in message
    assert _lock_holders(run) == []
