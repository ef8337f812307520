"""Commitments met and maturity per basisingrediënt, against the hand-computed sets of
tests/reports/conftest.py (`agreements`, `maturity_world`)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import dashboards, metrics
from reports.metrics import Scope
from tests.reports.conftest import PERIOD, make_trajectory


def _rows(figure):
    """{(agreement, commitment): {organisation: (count, met)}}"""
    return {
        (row.agreement, row.description): {
            p.organisation: (p.count, p.met) for p in row.participants
        }
        for row in figure.rows
    }


def test_a_region_counts_its_participants_per_commitment(agreements, groene_hart, dora):
    figure = metrics.commitments_met(Scope.of(groene_hart), PERIOD, dora)

    assert _rows(figure) == {
        # Charlie (Zwolle) takes part but is outside the scope; "drie" is for inkopers.
        ("Green Deal", "Toezegging een"): {"Gemeente Alfa": (6, True)},
        ("Manifest Groene Hart", "Toezegging drie"): {
            "Gemeente Alfa": (6, True),
            "Gemeente Beta": (2, False),
        },
        # Kept by hand: listed, not counted.
        ("Manifest Groene Hart", "Toezegging werkgroep"): {
            "Gemeente Alfa": (None, None),
            "Gemeente Beta": (None, None),
        },
    }
    assert [(row.label, row.met, row.not_met) for row in figure.measured_rows] == [
        ("Green Deal: Toezegging een", 1, 0),
        ("Manifest Groene Hart: Toezegging drie", 1, 1),
    ]
    assert (figure.met, figure.not_met) == (2, 1)


def test_an_organisation_sees_its_own_participations_of_its_region_and_national_ones(
    agreements, alfa, dora
):
    figure = metrics.commitments_met(Scope.of(alfa), PERIOD, dora)

    # Not the Zwolle manifest (another region's agreement).
    assert set(_rows(figure)) == {
        ("Green Deal", "Toezegging een"),
        ("Manifest Groene Hart", "Toezegging drie"),
        ("Manifest Groene Hart", "Toezegging werkgroep"),
    }
    assert all(list(people) == ["Gemeente Alfa"] for people in _rows(figure).values())


def test_a_themegroup_counts_the_organisations_of_its_members(agreements, gww, bob):
    # alice (Alfa) is a member, bob (Beta) coordinator, charlie (Zwolle) only a guest.
    figure = metrics.commitments_met(Scope.of(gww), PERIOD, bob)

    assert _rows(figure)[("Manifest Groene Hart", "Toezegging drie")] == {
        "Gemeente Alfa": (6, True),
        "Gemeente Beta": (2, False),
    }


def test_evidence_names_only_what_the_reader_may_see(agreements, groene_hart, dora):
    named = metrics.commitments_met(Scope.of(groene_hart), PERIOD, dora)
    anonymous = metrics.commitments_met(Scope.of(groene_hart), PERIOD, AnonymousUser())

    alfa_named = named.rows[0].participants[0]
    assert alfa_named.organisation == "Gemeente Alfa"
    assert {e.title for e in alfa_named.evidence} >= {"Alfa startoverleg", "Zwolle werkkleding"}
    assert len(alfa_named.evidence) + alfa_named.hidden == 6
    alfa_anonymous = anonymous.rows[0].participants[0]
    assert (alfa_anonymous.evidence, alfa_anonymous.hidden) == ((), 6)


def test_the_same_progress_as_the_agreement_page(agreements, client, dora, groene_hart):
    """One computation: the figure and the agreement page agree."""
    client.force_login(dora)
    response = client.get(agreements["manifest-gh"].get_absolute_url())
    page_rows = {row["commitment"].key: row["met"] for row in response.context["rows"]}
    figure = metrics.commitments_met(Scope.of(groene_hart), PERIOD, dora)
    by_description = {row.description: row.met for row in figure.rows}

    assert page_rows["drie"] == by_description["Toezegging drie"] == 1


def test_no_agreements_no_rows(world, alfa, dora):
    assert metrics.commitments_met(Scope.of(alfa), PERIOD, dora).rows == []


def test_the_commitment_chart_has_a_bar_per_measured_commitment(agreements, groene_hart, dora):
    chart = dashboards.commitment_chart(
        metrics.commitments_met(Scope.of(groene_hart), PERIOD, dora)
    )

    assert chart.rows == [
        ("Green Deal: Toezegging een", [1, 0], 1),
        ("Manifest Groene Hart: Toezegging drie", [1, 1], 2),
    ]


# --- maturity --------------------------------------------------------------------------


def test_an_organisation_s_own_reader_gets_this_year_against_last_year(maturity_world, alfa, dora):
    figure = metrics.maturity_levels(Scope.of(alfa), PERIOD, dora)

    assert figure.distribution is None
    assert figure.organisation == alfa
    rows = {
        row.aspect.key: (
            row.last_year.status if row.last_year else None,
            row.this_year.status if row.this_year else None,
            row.change,
        )
        for row in figure.profile["rows"]
    }
    assert rows == {
        "bestuurlijke-rugdekking": ("in_ontwikkeling", "ingericht", "up"),
        "organisatiebrede-kpis": (None, "geborgd", ""),
        "monitoren-en-bijsturen": (None, None, ""),
    }


@pytest.mark.parametrize("reader", ["bob", "anonymous"])
def test_others_get_only_the_anonymous_distribution_of_the_region(
    maturity_world, alfa, request, reader
):
    # bob coordinates the Groene Hart but is no member of Alfa; a scheduled report is
    # made for an anonymous reader.
    user = AnonymousUser() if reader == "anonymous" else request.getfixturevalue(reader)
    figure = metrics.maturity_levels(Scope.of(alfa), PERIOD, user)

    assert figure.profile is None
    assert figure.region == alfa.region
    _assert_groene_hart_distribution(figure)


def _assert_groene_hart_distribution(figure):
    shown = {d.aspect.key: [n for _s, _l, n in d.counts] for d in figure.shown}
    # niet gestart, in ontwikkeling, ingericht, geborgd
    assert shown == {"bestuurlijke-rugdekking": [1, 0, 2, 0]}
    assert {d.aspect.key: d.answered for d in figure.hidden} == {
        "organisatiebrede-kpis": 2,  # fewer than three: not shown
        "monitoren-en-bijsturen": 0,
    }


def test_a_region_gets_the_anonymous_distribution(maturity_world, groene_hart, dora):
    figure = metrics.maturity_levels(Scope.of(groene_hart), PERIOD, dora)

    assert figure.profile is None
    _assert_groene_hart_distribution(figure)
    chart = dashboards.maturity_chart(figure)
    assert chart.rows == [("Bestuurlijke rugdekking", [1, 0, 2, 0], 3)]
    assert [s.key for s in chart.series] == [
        "niet_gestart",
        "in_ontwikkeling",
        "ingericht",
        "geborgd",
    ]


def test_a_themegroup_has_no_maturity(maturity_world, gww, bob):
    figure = metrics.maturity_levels(Scope.of(gww), PERIOD, bob)
    assert (figure.profile, figure.distribution) == (None, None)


@pytest.mark.parametrize("kind", ["organisation", "region", "themegroup"])
def test_commitments_and_maturity_take_as_many_queries_for_many_rows_as_for_few(
    agreements, maturity_world, kind, alfa, beta, groene_hart, gww, dora
):
    scope = Scope.of({"organisation": alfa, "region": groene_hart, "themegroup": gww}[kind])

    def queries():
        with CaptureQueriesContext(connection) as context:
            metrics.commitments_met(scope, PERIOD, dora)
            metrics.maturity_levels(scope, PERIOD, dora)
        return len(context.captured_queries)

    queries()  # the reader's memberships are read once, then kept
    before = queries()
    for n in range(6):
        make_trajectory(alfa, phase=1, target=n % 10)
        make_trajectory(beta, phase=2, target=2)
    assert queries() == before
