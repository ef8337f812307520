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
from community.models import (
    Agreement,
    AgreementParticipant,
    Attendance,
    Commitment,
    Meeting,
    OrganisationMaturity,
    ParticipantType,
    ThemegroupMembership,
)
from procurement import summaries
from procurement.models import Kpi, KpiExample, KpiMeasurement, Phase, Trajectory
from reports.metrics import Period
from tests.cases.factories import CaseFactory
from tests.community.maturity_helpers import assess, make_aspects
from tests.factories import OrganisationFactory, ThemegroupMembershipFactory
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


# --- commitments and maturity (hand-computed in tests/reports/test_metrics_agreements.py) --
#
# Circular trajectories (with an R-ambition, whenever made, owned or joined): Alfa six
# (T1, T2, T3, T5, T7 and the joint C1; T4 has none), Beta two (B1, B2).
# "Manifest Groene Hart" (region GH): Alfa and Beta inkopende deelnemers, Charlie
# (Zwolle) kennispartner; commitments "drie" (trajectories_started, 3, inkopende
# deelnemers: Alfa met, Beta not yet) and "werkgroep" (kept by hand, all participants).
# "Green Deal" (national): Alfa; commitment "een" (trajectories_started, 1, all: met).
# "Manifest Zwolle" (region Zwolle): Alfa and Charlie; never in a Groene Hart scope.


@pytest.fixture
def agreements(world, alfa, beta, charlie_org, groene_hart, zwolle):
    inkopend, kennis = ParticipantType.INKOPENDE_DEELNEMER, ParticipantType.KENNISPARTNER
    started, other = Commitment.Metric.TRAJECTORIES_STARTED, Commitment.Metric.OTHER
    made = {}
    for slug, name, region, participants, commitments in (
        (
            "manifest-gh",
            "Manifest Groene Hart",
            groene_hart,
            [(alfa, inkopend), (beta, inkopend), (charlie_org, kennis)],
            [("drie", started, 3, inkopend), ("werkgroep", other, None, "")],
        ),
        ("green-deal", "Green Deal", None, [(alfa, kennis)], [("een", started, 1, "")]),
        (
            "manifest-zwolle",
            "Manifest Zwolle",
            zwolle,
            [(alfa, inkopend), (charlie_org, inkopend)],
            [("twee", started, 2, "")],
        ),
    ):
        agreement = Agreement.objects.create(slug=slug, name=name, region=region)
        for organisation, kind in participants:
            AgreementParticipant.objects.create(
                agreement=agreement, organisation=organisation, participant_type=kind
            )
        for key, metric, target, applies_to in commitments:
            Commitment.objects.create(
                agreement=agreement,
                key=key,
                description=f"Toezegging {key}",
                metric=metric,
                target=target,
                applies_to=applies_to,
                unit="trajecten" if target else "",
            )
        made[slug] = agreement
    return made


# Maturity: three basisingrediënten (tests/community/maturity_helpers.ASPECTS).
# Alfa: rugdekking "in ontwikkeling" last year, "ingericht" this year; KPI's "geborgd"
# this year. Beta: rugdekking "ingericht", KPI's "in ontwikkeling". Gamma (a third
# organisation of the Groene Hart): rugdekking "niet gestart". So the region's
# distribution shows rugdekking (3 organisations: 1 niet gestart, 2 ingericht) and hides
# KPI's (2) and monitoren (0).


@pytest.fixture
def maturity_world(world, alfa, beta, groene_hart):
    aspects = make_aspects()
    gamma = OrganisationFactory(name="Gemeente Gamma", slug="gemeente-gamma", region=groene_hart)
    this_year = timezone.localdate().year
    this, last = datetime.date(this_year, 3, 1), datetime.date(this_year - 1, 5, 1)
    rugdekking, kpis, _monitoren = aspects
    status = OrganisationMaturity.Status
    assess(alfa, rugdekking, status.IN_ONTWIKKELING, on=last)
    assess(alfa, rugdekking, status.INGERICHT, on=this)
    assess(alfa, kpis, status.GEBORGD, on=this)
    assess(beta, rugdekking, status.INGERICHT, on=this)
    assess(beta, kpis, status.IN_ONTWIKKELING, on=this)
    assess(gamma, rugdekking, status.NIET_GESTART, on=this)
    return aspects
