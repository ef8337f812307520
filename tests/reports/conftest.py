"""A small hand-made data set for the metrics and dashboards, with every figure worked
out by hand in the tests (period: the year 2026).

Gemeente Alfa (Groene Hart): T1 phase 1 lopend R0; T2 phase 3 lopend R2→R3 (KPI);
T3 phase 6 afgerond 15-06-2026 R1→R1 (KPIs); T4 gestopt 01-03-2025 (before the period);
T5 no phase, lopend, R5; T7 created in 2027 (after the period).
Gemeente Beta (GH): B1 phase 3 lopend R8→R8; B2 phase 6 afgerond 01-11-2026 R2→R1 (GWW).
Gemeente Charlie (Zwolle): C1 phase 2 lopend R0, Alfa participating (joint tender).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Case
from community.models import Attendance, Meeting, ThemegroupMembership
from procurement import summaries
from procurement.models import Kpi, KpiExample, KpiMeasurement, Phase, Trajectory
from reports.metrics import Period
from tests.cases.factories import CaseFactory
from tests.factories import ThemegroupMembershipFactory
from tests.procurement.factories import TrajectoryFactory, load_guidance

SECRET_VALUE = Decimal("8765432")
SECRET_VALUE_TEXTS = ("8765432", "8.765.432", "8,765,432", "8\u00a0765\u00a0432")
SECRET_SUPPLIER = "Roerdomp Grondwerken B.V."
PERIOD = Period.year(2026)


def moment(*args):
    return timezone.make_aware(datetime.datetime(*args))


@dataclass
class World:
    trajectories: dict
    cases: dict


def make_trajectory(
    organisation,
    *,
    phase=None,
    status="lopend",
    target=None,
    achieved=None,
    closed_on=None,
    created=(2026, 1, 10),
    title=None,
    **kwargs,
):
    trajectory = TrajectoryFactory(
        organisation=organisation,
        current_phase=Phase.objects.get(number=phase) if phase else None,
        status=status,
        r_level_target_id=target,
        r_level_achieved_id=achieved,
        closed_on=closed_on,
        estimated_value=SECRET_VALUE,
        supplier=SECRET_SUPPLIER,
        **({"title": title} if title else {}),
        **kwargs,
    )
    Trajectory.objects.filter(pk=trajectory.pk).update(created_at=moment(*created))
    return trajectory


def measurement(kpi, label, start, end, target, actual):
    return KpiMeasurement.objects.create(
        kpi=kpi, label=label, period_start=start, period_end=end, target=target, actual=actual
    )


@pytest.fixture
def world(db, alfa, beta, charlie_org, groene_hart, gww, alice, bob, charlie, dora):
    load_guidance()
    d = datetime.date
    t = {
        "T1": make_trajectory(alfa, phase=1, target=0, title="Alfa startoverleg"),
        "T2": make_trajectory(alfa, phase=3, target=2, achieved=3, title="Alfa KPI's"),
        "T3": make_trajectory(
            alfa,
            phase=6,
            status="afgerond",
            target=1,
            achieved=1,
            closed_on=d(2026, 6, 15),
            title="Alfa hergebruikte stoelen",
        ),
        "T4": make_trajectory(
            alfa, phase=6, status="gestopt", closed_on=d(2025, 3, 1), created=(2024, 5, 1)
        ),
        "T5": make_trajectory(alfa, target=5),
        "T7": make_trajectory(alfa, phase=1, target=0, created=(2027, 2, 1)),
        "B1": make_trajectory(beta, phase=3, target=8, achieved=8),
        "B2": make_trajectory(
            beta,
            phase=6,
            status="afgerond",
            target=2,
            achieved=1,
            closed_on=d(2026, 11, 1),
            themegroup=gww,
            title="Beta circulair asfalt",
        ),
        "C1": make_trajectory(charlie_org, phase=2, target=0, title="Zwolle werkkleding"),
    }
    t["C1"].participating_organisations.set([alfa])
    hoger, lager = KpiExample.Direction.HOGER, KpiExample.Direction.LAGER
    k2 = Kpi.objects.create(trajectory=t["T2"], name="Hergebruik", unit="%", direction=hoger)
    measurement(k2, "Contractjaar 1", d(2026, 1, 1), d(2026, 12, 31), 10, 12)  # met
    measurement(k2, "Contractjaar 2", d(2027, 1, 1), d(2027, 12, 31), 20, None)  # later
    k3 = Kpi.objects.create(trajectory=t["T3"], name="Nieuw materiaal", unit="kg", direction=lager)
    measurement(k3, "Contractjaar 1", d(2026, 1, 1), d(2026, 12, 31), 5, 7)  # not met
    k4 = Kpi.objects.create(trajectory=t["T3"], name="CO2", unit="t", direction=lager)
    measurement(k4, "Contractjaar 1", d(2026, 1, 1), d(2026, 12, 31), 5, None)  # not measured
    kb = Kpi.objects.create(trajectory=t["B1"], name="MKI", unit="€", direction=lager)
    measurement(kb, "Jaar 1", d(2026, 1, 1), d(2026, 12, 31), 100, 90)  # met

    def case(slug, published_at=None, **kwargs):
        return CaseFactory(
            slug=slug,
            organisations=[alfa],
            region=groene_hart,
            published_at=published_at,
            **kwargs,
        )

    public = Case.Visibility.OPENBAAR
    published = Case.Status.GEPUBLICEERD
    c = {
        "public": case(
            "alfa-openbaar",
            moment(2026, 3, 5),
            status=published,
            visibility=public,
            title="Alfa deelauto's",
        ),
        "community": case("alfa-community", moment(2026, 4, 5), status=published),
        "old": case("alfa-oud", moment(2025, 5, 5), status=published, visibility=public),
        "submitted": case("alfa-ingediend", status=Case.Status.INGEDIEND),
        "draft": case("alfa-concept"),
    }
    ThemegroupMembershipFactory(themegroup=gww, user=alice, role=ThemegroupMembership.Role.LID)
    ThemegroupMembershipFactory(
        themegroup=gww, user=bob, role=ThemegroupMembership.Role.COORDINATOR
    )
    ThemegroupMembershipFactory(themegroup=gww, user=charlie, role=ThemegroupMembership.Role.GAST)
    present, absent = Attendance.Status.AANWEZIG, Attendance.Status.AFWEZIG
    for when, rows in (
        (moment(2026, 3, 10, 14), [(alice, present), (bob, present), (charlie, absent)]),
        (moment(2026, 5, 10, 14), [(alice, absent), (bob, present)]),
        (moment(2025, 5, 10, 14), [(alice, present)]),
    ):
        meeting = Meeting.objects.create(
            themegroup=gww, title="Bijeenkomst", starts_at=when, location="Gouda"
        )
        for user, status in rows:
            Attendance.objects.create(meeting=meeting, user=user, status=status)
    # The measurements above are made directly, not through the services that queue the
    # KPI summary's refresh: make it as the nightly rebuild would.
    summaries.rebuild()
    return World(trajectories=t, cases=c)
