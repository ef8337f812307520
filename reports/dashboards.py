"""What a dashboard (and later a PDF report) shows, made from `reports.metrics` figures:
the charts with their titles and text summaries, and the map of a region. No query of
its own beyond what the metric functions and the map's organisations need."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.models import Organisation
from reports import charts, maps, metrics, permissions


def phase_chart(figure: metrics.PhaseFigure, chart_id="fasen") -> charts.Chart:
    running = figure.status_total("lopend")
    busiest = max(figure.rows, key=lambda row: row.total, default=None)
    summary = ngettext(
        "%(total)s traject in deze periode, waarvan %(running)s lopend.",
        "%(total)s trajecten in deze periode, waarvan %(running)s lopend.",
        figure.total,
    ) % {"total": figure.total, "running": running}
    if busiest is not None and busiest.total:
        summary += " " + _("De meeste staan in fase %(phase)s (%(n)s).") % {
            "phase": busiest.name,
            "n": busiest.total,
        }
    return charts.bar_chart(
        chart_id=chart_id,
        title=_("Trajecten per fase en status"),
        summary=summary,
        categories=[row.name for row in figure.rows],
        series=[
            charts.Series(key=value, label=label, values=[row.counts[value] for row in figure.rows])
            for value, label in figure.statuses
        ],
        category_header=_("Fase"),
    )


def r_ladder_chart(figure: metrics.RLadderFigure, chart_id="r-ladder") -> charts.Chart:
    if figure.with_target:
        summary = _(
            "%(high)s van de %(with_target)s trajecten met een R-ambitie mikken op R0–R2 "
            "(%(share)s%%); %(achieved_high)s behaalden R0–R2 en %(met)s haalden hun "
            "ambitie of beter."
        ) % {
            "high": figure.aimed_high,
            "with_target": figure.with_target,
            "share": figure.aimed_high_share,
            "achieved_high": figure.achieved_high,
            "met": figure.met,
        }
    else:
        summary = _("Nog geen trajecten met een R-ambitie in deze periode.")
    return charts.bar_chart(
        chart_id=chart_id,
        title=_("R-ambitie tegenover behaald R-niveau"),
        summary=summary,
        categories=[label for _level, label in figure.levels],
        series=[
            charts.Series(
                key="ambitie",
                label=_("R-ambitie"),
                values=[figure.target[level] for level, _label in figure.levels],
            ),
            charts.Series(
                key="behaald",
                label=_("Behaald"),
                values=[figure.achieved[level] for level, _label in figure.levels],
            ),
        ],
        category_header=_("R-niveau"),
        grouped=True,
    )


def kpi_chart(rows: list[metrics.KpiRow], chart_id="kpis") -> charts.Chart:
    measured = sum(row.measured for row in rows)
    met = sum(row.met for row in rows)
    if measured:
        summary = _(
            "%(met)s van de %(measured)s gemeten KPI-doelen in deze periode zijn gehaald."
        ) % {"met": met, "measured": measured}
    else:
        summary = _("Nog geen gemeten KPI-doelen in deze periode.")
    return charts.bar_chart(
        chart_id=chart_id,
        title=_("KPI's tegenover hun doel per periode van het groeimodel"),
        summary=summary,
        categories=[row.label for row in rows],
        series=[
            charts.Series(key="gehaald", label=_("Doel gehaald"), values=[r.met for r in rows]),
            charts.Series(
                key="niet",
                label=_("Doel niet gehaald"),
                values=[r.measured - r.met for r in rows],
            ),
            charts.Series(
                key="open",
                label=_("Nog niet gemeten"),
                values=[r.measurements - r.measured for r in rows],
            ),
        ],
        category_header=_("Periode"),
    )


def region_map(scope: metrics.Scope, period, reader, figure: str, map_id="kaart") -> maps.Map:
    """The map of a region (or of every municipality on the platform), shaded by one of
    `metrics.MAP_FIGURES`; a municipality links to its dashboard if the reader may open
    it. Two queries."""
    values = metrics.organisation_figures(scope, period, reader)
    return maps.region_map(
        map_id=map_id,
        title=_("Kaart: %(figure)s per gemeente") % {"figure": metrics.MAP_FIGURES[figure]},
        summary=_(
            "Elke gemeente is een link naar haar dashboard, als u dat mag bekijken. "
            "De tabel onder de kaart geeft dezelfde cijfers."
        ),
        figure_label=str(metrics.MAP_FIGURES[figure]),
        organisations=_municipalities(
            scope,
            lambda organisation: values.get(organisation.pk, {}).get(figure, 0),
            lambda organisation: (
                metrics.Scope.of(organisation).get_absolute_url()
                if permissions.can_view_organisation_dashboard(reader, organisation)
                else None
            ),
        ),
    )


def public_map(scope: metrics.Scope) -> maps.Map:
    """The home page's map: the participating municipalities, shaded by their public
    cases. Two queries."""
    values = metrics.public_cases_per_organisation(scope)
    return maps.region_map(
        map_id="kaart",
        title=_("Deelnemende gemeenten en hun openbare praktijkvoorbeelden"),
        summary=_("De tabel onder de kaart geeft dezelfde cijfers."),
        figure_label=_("Openbare praktijkvoorbeelden"),
        organisations=_municipalities(
            scope, lambda organisation: values.get(organisation.pk, 0), lambda _o: None
        ),
    )


def _municipalities(scope, value_of, url_of) -> dict:
    """{CBS code: (name, value, url)} of the municipalities on the map
    (`metrics.municipalities`), each read as an unsaved Organisation for `value_of`
    and `url_of`."""
    return {
        organisation.cbs_code: (organisation.name, value_of(organisation), url_of(organisation))
        for organisation in (
            Organisation(pk=pk, name=name, slug=slug, cbs_code=cbs_code, region_id=region_id)
            for pk, name, slug, cbs_code, region_id in metrics.municipalities(scope)
        )
    }


def commitment_chart(figure: metrics.CommitmentFigure, chart_id="afspraken") -> charts.Chart:
    """Per measured commitment with a number: participants in the scope that met it and
    those that have not yet."""
    rows = figure.measured_rows
    if rows:
        summary = _(
            "Bij %(rows)s toezeggingen met een doel: %(met)s keer gehaald door een "
            "deelnemer, %(not_met)s keer nog niet."
        ) % {"rows": len(rows), "met": figure.met, "not_met": figure.not_met}
    else:
        summary = _("Geen gemeten toezeggingen voor de deelnemers in dit bereik.")
    return charts.bar_chart(
        chart_id=chart_id,
        title=_("Toezeggingen: deelnemers die hun doel haalden"),
        summary=summary,
        categories=[row.label for row in rows],
        series=[
            charts.Series(key="gehaald", label=_("Gehaald"), values=[r.met for r in rows]),
            charts.Series(
                key="niet", label=_("Nog niet gehaald"), values=[r.not_met for r in rows]
            ),
        ],
        category_header=_("Toezegging"),
    )


def maturity_chart(figure: metrics.MaturityFigure, chart_id="volwassenheid") -> charts.Chart:
    """The anonymous distribution per basisingrediënt (only the ingredients that enough
    organisations assessed): how many organisations stand at each level."""
    shown = figure.shown
    hidden = len(figure.hidden)
    summary = _("Hoeveel organisaties in %(region)s op elk niveau staan, zonder namen.") % {
        "region": figure.region.name if figure.region else ""
    }
    if hidden:
        summary += " " + ngettext(
            "%(n)s basisingrediënt is door minder dan %(min)s organisaties beoordeeld en "
            "wordt niet getoond.",
            "%(n)s basisingrediënten zijn door minder dan %(min)s organisaties beoordeeld "
            "en worden niet getoond.",
            hidden,
        ) % {"n": hidden, "min": figure.min_organisations}
    statuses = shown[0].counts if shown else []
    return charts.bar_chart(
        chart_id=chart_id,
        title=_("Volwassenheid per basisingrediënt in de regio"),
        summary=summary,
        categories=[str(d.aspect) for d in shown],
        series=[
            charts.Series(
                key=status,
                label=str(label),
                values=[d.counts[index][2] for d in shown],
            )
            for index, (status, label, _n) in enumerate(statuses)
        ],
        category_header=_("Basisingrediënt"),
    )
