"""`make run` serves on SQLite with eager Celery and no Redis: the case library's pages
must work there too (SQLite lacks some of what PostgreSQL offers: full-text search,
ordered aggregates, bit aggregates). Runs the real commands in a fresh process."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PAGES = """
from django.test import Client
from cases.models import Case
from community.models import User
client = Client(HTTP_HOST="127.0.0.1")
case = Case.objects.filter(status="gepubliceerd", visibility="openbaar").first()
urls = ["/", "/praktijkvoorbeelden/", "/praktijkvoorbeelden/?q=hergebruik&r=3",
        "/praktijkvoorbeelden/?sorteer=titel", case.get_absolute_url(),
        "/praktijkvoorbeelden/export.csv", "/praktijkvoorbeelden/export.xlsx", "/kennisbank/"]
from cases.models import KnowledgeItem
item = KnowledgeItem.objects.filter(source__isnull=False, phases__isnull=False).first()
urls += ["/kennisbank/?q=markt+inkopen&fase=2&soort=succesfactor&pagina=2",
         item.get_absolute_url(), f"/kennisbank/bronnen/{item.source.key}/", "/beveiliging/"]
answers = [client.get(url).status_code for url in urls]
client.force_login(User.objects.get(email="inkoper@demo.example"))
answers += [client.get(url).status_code for url in urls]
from procurement.models import Trajectory
trajectory = Trajectory.objects.filter(
    kpis__isnull=False, organisation__slug="gemeente-gouda"
).first()
signed_in = ["/trajecten/", "/trajecten/?q=meubilair&soort=levering&jaar=2024",
             "/trajecten/?sorteer=titel", trajectory.get_absolute_url(),
             "/trajecten/export.csv", "/trajecten/kpis/import/",
             f"/trajecten/{trajectory.pk}/kpis/export.xlsx",
             "/voortgang/", "/voortgang/organisatie/gemeente-gouda/?periode=aangepast"
             "&van=2024-01-01&tot=2026-12-31", "/rapportages/"]
answers += [client.get(url).status_code for url in signed_in]
# The community's pages and the other scopes' dashboards, for a coordinator of a group.
from community.models import Meeting, ThemegroupMembership
membership = ThemegroupMembership.objects.filter(role="coordinator").select_related(
    "user", "themegroup__region").first()
group = membership.themegroup
meeting = Meeting.objects.filter(themegroup=group).order_by("-starts_at").first()
client.force_login(membership.user)
community = ["/themagroepen/", group.get_absolute_url(), f"{group.get_absolute_url()}leden/",
             f"{group.get_absolute_url()}bijeenkomsten/", meeting.get_absolute_url(),
             "/afspraken/", f"/voortgang/regio/{group.region.slug}/",
             f"/voortgang/themagroep/{group.region.slug}/{group.slug}/"]
answers += [client.get(url).status_code for url in community]
print(answers)
"""


def _manage(env, *args, stdin=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_portals_pages_work_on_sqlite_without_services(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        DJANGO_DEBUG="1",
        REPORTS_ROOT=str(tmp_path / "reports"),  # the demo's PDF reports
    )
    for command in (["migrate", "--noinput"], ["seed"], ["demo"]):
        result = _manage(env, *command)
        assert result.returncode == 0, result.stderr[-2000:]
    result = _manage(env, "shell", stdin=PAGES)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == str([200] * 42)
