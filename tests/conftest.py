"""Shared fixtures: the personas every test speaks of.

- alice: inkoper of Gemeente Alfa (Groene Hart)
- bob: coordinator of Gemeente Beta, so coordinator of the Groene Hart region
- charlie: inkoper of Gemeente Charlie in another region (Regio Zwolle)
- dora: bestuurder of Gemeente Alfa
- staff: platform beheerder without MFA
"""

import os
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.functional import empty

from community.models import Membership
from reports.models import private_storage as report_storage
from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made
# by live_server fixtures from that thread are safe here (one thread, no concurrency).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Finished PDF reports: the private storage is lazy, so it is made again here.
    settings.REPORTS_ROOT = tmp_path / "reports"
    report_storage._wrapped = empty
    # Personas get hashed passwords; the production hasher costs ~0.5 s per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The database rolls back after each test; the (Redis) cache must forget too, or
    # cached facet counts and rate limits would leak from one test into the next.
    cache.clear()
    # Unit tests call services directly; nothing may silently run a task in-process.
    settings.CELERY_TASK_ALWAYS_EAGER = False


@pytest.fixture
def groene_hart(db):
    return factories.RegionFactory(name="Groene Hart", slug="groene-hart")


@pytest.fixture
def zwolle(db):
    return factories.RegionFactory(name="Regio Zwolle", slug="regio-zwolle")


@pytest.fixture
def gww(groene_hart):
    """The GWW themegroup of the Groene Hart (no members: tests place them)."""
    return factories.ThemegroupFactory(region=groene_hart, sector="gww", name="GWW", slug="gww")


@pytest.fixture
def zwolle_gww(zwolle):
    """The GWW themegroup of Regio Zwolle: another region's group."""
    return factories.ThemegroupFactory(region=zwolle, sector="gww", name="GWW Zwolle", slug="gww")


@pytest.fixture
def alfa(groene_hart):
    return factories.OrganisationFactory(
        name="Gemeente Alfa", slug="gemeente-alfa", region=groene_hart
    )


@pytest.fixture
def beta(groene_hart):
    return factories.OrganisationFactory(
        name="Gemeente Beta", slug="gemeente-beta", region=groene_hart
    )


@pytest.fixture
def charlie_org(zwolle):
    return factories.OrganisationFactory(
        name="Gemeente Charlie", slug="gemeente-charlie", region=zwolle
    )


@pytest.fixture
def alice(alfa):
    user = factories.UserFactory(email="alice@alfa.example", full_name="Alice Akkerman")
    factories.MembershipFactory(user=user, organisation=alfa, role=Membership.Role.INKOPER)
    return user


@pytest.fixture
def bob(beta):
    user = factories.UserFactory(email="bob@beta.example", full_name="Bob Bakker")
    factories.MembershipFactory(user=user, organisation=beta, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def charlie(charlie_org):
    user = factories.UserFactory(email="charlie@charlie.example", full_name="Charlie Claes")
    factories.MembershipFactory(user=user, organisation=charlie_org, role=Membership.Role.INKOPER)
    return user


@pytest.fixture
def dora(alfa):
    user = factories.UserFactory(email="dora@alfa.example", full_name="Dora Dekker")
    factories.MembershipFactory(user=user, organisation=alfa, role=Membership.Role.BESTUURDER)
    return user


@pytest.fixture
def staff(db):
    return factories.UserFactory(
        email="beheer@portal.example", full_name="Sam Staff", is_staff=True, is_superuser=True
    )


@pytest.fixture
def redis_worker():
    """A real Celery worker (in a thread) on the real Redis broker of `make test`.

    Tasks queued by earlier tests (writes that committed in browser tests) are purged
    first: they belong to data that is gone."""
    from portal.celery import app

    assert django_settings.REDIS_URL, "This needs a real Redis: run it through `make test`."
    assert app.conf.broker_url.startswith("redis://")
    assert not app.conf.task_always_eager
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture
def celery_eager():
    """Tasks queued in this test run at once, in-process: their real code, without a
    worker. For tests about what a task does (an e-mail); whether the worker picks it up
    is tested with `redis_worker`."""
    from portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


# --- personas of the access rules: MFA, ended and suspended memberships ----------------


@pytest.fixture
def bob_mfa(bob):
    """Bob with an authenticator app: a coordinator who may publish."""
    return factories.give_totp(bob)


@pytest.fixture
def staff_mfa(staff):
    """The platform beheerder with an authenticator app: may do everything."""
    return factories.give_totp(staff)


@pytest.fixture
def former(alfa, charlie_org):
    """Fay left Gemeente Alfa yesterday (her inkoper membership ended) and is now an
    inkoper of Gemeente Charlie in Regio Zwolle."""
    user = factories.UserFactory(email="fay@charlie.example", full_name="Fay Former")
    factories.MembershipFactory(
        user=user,
        organisation=alfa,
        role=Membership.Role.INKOPER,
        ended_at=timezone.now() - timedelta(days=1),
    )
    factories.MembershipFactory(user=user, organisation=charlie_org, role=Membership.Role.INKOPER)
    return user


@pytest.fixture
def suspended(alfa):
    """Sid, inkoper of Gemeente Alfa, suspended: no other membership."""
    user = factories.UserFactory(email="sid@alfa.example", full_name="Sid Suspended")
    factories.MembershipFactory(
        user=user, organisation=alfa, role=Membership.Role.INKOPER, suspended_at=timezone.now()
    )
    return user


@pytest.fixture(autouse=True)
def _organisation_numbers_per_test():
    """Number each test's organisations from 0: the CBS code is GM and four digits
    (GM9000 + n), so a session-wide sequence overflows after 1000 organisations, which
    the access matrix (tests/test_isolation.py) alone creates."""
    factories.OrganisationFactory.reset_sequence()
