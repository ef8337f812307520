"""`python -m benchmarks community`: the suite runs end to end on a small scratch
database, and its digest run sends every digest once and nothing on the second run."""

import re
from io import StringIO

import pytest
from django.db import connection

from benchmarks import harness
from benchmarks.community import Community


@pytest.fixture(scope="module")
def small_run(django_db_setup, django_db_blocker):
    assert connection.vendor == "postgresql", "run through scripts/with-services.sh (make test)"
    out = StringIO()
    with django_db_blocker.unblock():
        harness.run(Community(), sizes=[60, 120], rounds=1, out=out)
    return out.getvalue()


def test_the_digest_run_sends_each_digest_once(small_run):
    runs = re.findall(
        r"digest run: (\d+) digests for (\d+) subscribed members, (\d+) mails .*"
        r"second run: (\d+) made, (\d+) mails",
        small_run,
    )
    assert len(runs) == 2  # one per size
    for made, subscribed, mails, again, resent in runs:
        assert 0 < int(made) <= int(subscribed)
        assert int(mails) == int(made)
        assert (int(again), int(resent)) == (0, 0)


def test_it_prints_every_scenario_at_every_size(small_run):
    for size in (60, 120):
        assert f"== {size} community" in small_run
    for scenario in ("themegroup", "meeting", "digest_settings"):
        assert small_run.count(f"  {scenario}") >= 2, scenario


def test_the_pages_have_targets(small_run):
    for scenario in ("themegroup", "meeting"):
        assert re.search(rf"[✔✘] {scenario}: median .* \(target ≤ 5×\)", small_run), scenario
        assert re.search(rf"[✔✘] {scenario}: ratio .* \(target ≤ 1.5×\)", small_run), scenario
