"""The dashboards' KPI summary (procurement.summaries): what `metrics.kpi_progress` reads
equals `metrics.kpi_progress_measured` (the same figure counted over the measurements)
on the hand-made set of conftest.py plus measurements on the edges of the period, for
every scope and many periods; each write through the services refreshes it once its
transaction commits."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from procurement import services, summaries
from procurement.models import Kpi, KpiDaySummary, KpiExample, Trajectory
from reports import metrics
from reports.metrics import Period, Scope
from tests.reports.conftest import PERIOD, measurement

d = datetime.date
PERIODS = [
    PERIOD,
    Period.year(2025),
    Period.year(2027),
    Period.quarter(2026, 1),
    Period.quarter(2026, 4),
    Period(d(2026, 1, 1), d(2026, 1, 1)),  # the day a measurement ends
    Period(d(2026, 12, 31), d(2027, 1, 1)),  # the day one starts, and the next
    Period(d(2025, 12, 31), d(2025, 12, 31)),
    Period(d(2020, 1, 1), d(2030, 12, 31)),
]


@pytest.fixture
def edges(world):
    """Measurements that end on the period's first day, start on its last day, end the
    day before it, or have no target; and one of Charlie's joint tender with Alfa."""
    hoger, lager = KpiExample.Direction.HOGER, KpiExample.Direction.LAGER
    kpi = Kpi.objects.create(
        trajectory=world.trajectories["T1"], name="R", unit="%", direction=hoger
    )
    measurement(kpi, "Jaar 0", d(2024, 1, 1), d(2025, 12, 31), 1, 1)  # ended the day before
    measurement(kpi, "Jaar 1", d(2025, 1, 2), d(2026, 1, 1), 1, 2)  # ends on the first day, met
    measurement(kpi, "Jaar 2", d(2026, 12, 31), d(2027, 12, 30), 1, 0)  # starts on the last
    measurement(kpi, "Jaar 3", d(2026, 3, 1), d(2026, 4, 1), None, 5)  # no target
    joint = Kpi.objects.create(
        trajectory=world.trajectories["C1"], name="Textiel", unit="kg", direction=lager
    )
    measurement(joint, "Contractjaar 1", d(2026, 3, 1), d(2027, 2, 28), 3, 3)  # met
    summaries.rebuild()
    return world


def _scopes(alfa, beta, charlie_org, groene_hart, gww):
    return [Scope.of(o) for o in (alfa, beta, charlie_org, groene_hart, charlie_org.region, gww)]


def _rows(scope, period=PERIOD):
    return {
        row.label: (row.measurements, row.measured, row.met)
        for row in metrics.kpi_progress(scope, period)
    }


@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_the_summary_counts_what_the_measurements_count(
    edges, alfa, beta, charlie_org, groene_hart, gww, period
):
    for scope in _scopes(alfa, beta, charlie_org, groene_hart, gww):
        assert metrics.kpi_progress(scope, period) == metrics.kpi_progress_measured(
            scope, period
        ), scope


def test_measurements_on_the_edges_of_the_period_count_in_it(edges, alfa, charlie_org):
    # World: Contractjaar 1 of T2 (met), T3 (not met), T3 (no actual); with Charlie's
    # joint tender (met). Jaar 0 ended before 2026; Jaar 3 has no target.
    assert _rows(Scope.of(alfa)) == {
        "Contractjaar 1": (4, 3, 2),
        "Jaar 1": (1, 1, 1),
        "Jaar 2": (1, 1, 0),
    }
    assert _rows(Scope.of(charlie_org)) == {"Contractjaar 1": (1, 1, 1)}
    assert _rows(Scope.of(alfa), Period(d(2025, 12, 31), d(2025, 12, 31))) == {
        "Jaar 0": (1, 1, 1),
        "Jaar 1": (1, 1, 1),
    }


def test_the_platform_counts_over_the_measurements(edges):
    rows = metrics.kpi_progress(Scope.platform(), PERIOD)

    assert rows == metrics.kpi_progress_measured(Scope.platform(), PERIOD)
    assert sum(row.measurements for row in rows) == 7


def test_a_measurement_recorded_through_the_service_refreshes_every_scope_it_counts_in(
    edges,
    alice,
    alfa,
    beta,
    charlie_org,
    groene_hart,
    gww,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    joint = Kpi.objects.get(trajectory=edges.trajectories["C1"])
    own = Kpi.objects.get(trajectory=edges.trajectories["T2"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.kpi_measurement_record(
            actor=alice,
            kpi=joint,
            period_start=d(2026, 6, 1),
            period_end=d(2027, 5, 31),
            label="Nieuw jaar",
            target=Decimal("5"),
            actual=Decimal("4"),
        )
        services.kpi_measurement_record(  # replaces Contractjaar 1 of T2: now not met
            actor=alice,
            kpi=own,
            period_start=d(2026, 1, 1),
            period_end=d(2026, 12, 31),
            label="Contractjaar 1",
            target=Decimal("10"),
            actual=Decimal("9"),
        )

    assert len(callbacks) == 1  # both writes: one refresh
    assert _rows(Scope.of(charlie_org))["Nieuw jaar"] == (1, 1, 1)  # lager: 4 ≤ 5
    assert _rows(Scope.of(alfa))["Nieuw jaar"] == (1, 1, 1)  # Alfa takes part
    assert _rows(Scope.of(alfa))["Contractjaar 1"] == (4, 3, 1)
    assert "Nieuw jaar" not in _rows(Scope.of(groene_hart))  # owned in Zwolle
    for scope in _scopes(alfa, beta, charlie_org, groene_hart, gww):
        for period in PERIODS:
            assert metrics.kpi_progress(scope, period) == metrics.kpi_progress_measured(
                scope, period
            )


def test_a_trajectory_moved_to_another_themegroup_takes_its_kpis_along(
    edges, alice, gww, celery_eager, django_capture_on_commit_callbacks
):
    trajectory = Trajectory.objects.get(pk=edges.trajectories["T3"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.trajectory_update(actor=alice, trajectory=trajectory, themegroup=gww)

    assert _rows(Scope.of(gww)) == {"Contractjaar 1": (2, 1, 0)}

    with django_capture_on_commit_callbacks(execute=True):
        services.trajectory_update(actor=alice, trajectory=trajectory, themegroup=None)

    assert _rows(Scope.of(gww)) == {}


def test_nothing_is_queued_when_the_write_is_rolled_back(
    edges, alice, django_capture_on_commit_callbacks
):
    kpi = Kpi.objects.get(trajectory=edges.trajectories["T2"])

    def write_then_fail():
        with transaction.atomic():
            services.kpi_measurement_record(
                actor=alice,
                kpi=kpi,
                period_start=d(2026, 5, 1),
                period_end=d(2026, 6, 1),
                label="Teruggedraaid",
                target=Decimal("1"),
            )
            raise RuntimeError("the caller's transaction fails after the write")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        write_then_fail()

    assert callbacks == []


def test_a_refresh_is_idempotent_and_a_rebuild_makes_the_same_rows(edges, alfa, groene_hart):
    def snapshot():
        return sorted(
            KpiDaySummary.objects.values_list(
                "scope_kind", "scope_id", "label", "day", "starting", "ending_met"
            )
        )

    before = snapshot()
    summaries.refresh([("organisatie", alfa.pk), ("regio", groene_hart.pk)])
    summaries.refresh([("organisatie", alfa.pk)])
    assert snapshot() == before
    call_command("kpi_summaries_rebuild", stdout=StringIO())
    assert snapshot() == before


def test_a_scope_that_no_longer_exists_loses_its_rows(edges, gww):
    KpiDaySummary.objects.create(
        scope_kind="themagroep", scope_id=987654, label="x", day=d(2026, 1, 1)
    )

    assert summaries.refresh([("themagroep", 987654)]) == 0
    assert not KpiDaySummary.objects.filter(scope_id=987654).exists()


def test_the_summary_holds_counts_only():
    columns = {field.name for field in KpiDaySummary._meta.fields}

    assert not columns & {"estimated_value", "supplier", "notes", "target", "actual"}


def _form_data(page) -> dict:
    """What the admin's change form would post as it stands."""
    form = page.select_one("form#kpi_form")
    data = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        name = field["name"]
        if field.name == "select":
            chosen = field.select_one("option[selected]")
            data[name] = chosen["value"] if chosen else ""
        elif field.name == "textarea":
            data[name] = field.get_text()
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button"):
            data[name] = field.get("value", "")
    return data


def test_a_measurement_added_in_the_admin_refreshes_the_summary(
    edges, client, staff_mfa, alfa, celery_eager, django_capture_on_commit_callbacks
):
    """Staff correcting a KPI in the admin: the dashboards count it once the change
    commits, not only after the nightly rebuild."""
    kpi = Kpi.objects.get(trajectory=edges.trajectories["T2"])
    client.force_login(staff_mfa)
    url = reverse("admin:procurement_kpi_change", args=[kpi.pk])
    data = _form_data(BeautifulSoup(client.get(url).content, "html.parser"))
    row = int(data["measurements-TOTAL_FORMS"])
    data["measurements-TOTAL_FORMS"] = str(row + 1)
    data.update(
        {
            f"measurements-{row}-kpi": str(kpi.pk),
            f"measurements-{row}-label": "Uit de admin",
            f"measurements-{row}-period_start": "2026-02-01",
            f"measurements-{row}-period_end": "2026-11-30",
            f"measurements-{row}-target": "7",
            f"measurements-{row}-actual": "8",  # hoger is beter: met
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    assert kpi.measurements.filter(label="Uit de admin").exists()
    assert _rows(Scope.of(alfa))["Uit de admin"] == (1, 1, 1)
    assert metrics.kpi_progress(Scope.of(alfa), PERIOD) == metrics.kpi_progress_measured(
        Scope.of(alfa), PERIOD
    )
