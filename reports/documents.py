"""The PDF progress report: its HTML, made from the same figures (`reports.metrics`) and
the same SVG charts (`reports.dashboards`, `reports.charts`) as the
dashboard, rendered by `kit.pdf` in the requester's language.

`build(run, progress=...)` computes the figures one by one (calling `progress` with a
percentage after each, which the run page shows) and returns the PDF."""

import dataclasses
from collections.abc import Callable
from itertools import groupby

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kit import pdf
from reports import dashboards, maps, metrics

# Share of the work done once all figures are computed; the rest is layout (WeasyPrint).
FIGURES_DONE = 60


@dataclasses.dataclass(frozen=True)
class Shade:
    """The municipalities of one class of the map, drawn as one path in the PDF."""

    fill: str
    pattern: str
    tile: int
    marks: SafeString
    path: SafeString


@dataclasses.dataclass(frozen=True)
class LegendEntry:
    label: str
    swatch: SafeString


def build(run, *, progress: Callable[[int], None] = lambda percentage: None) -> pdf.Pdf:
    """The report of a run, for its requester (their reading rights name trajectories in
    the highlights; confidential values never enter a figure); a scheduled report is made
    for an anonymous reader."""
    requester = run.requested_by
    # A scheduled report goes to several people: it names only what anyone may read.
    reader = requester if requester is not None and requester.is_active else AnonymousUser()
    scope, period = run.scope, run.period
    with translation.override(run.language):
        figures = {}
        for done, (name, function) in enumerate(metrics.FIGURES, start=1):
            figures[name] = function(scope, period, reader)
            progress(round(FIGURES_DONE * done / len(metrics.FIGURES)))
        region_map = _map(scope, period)
        title = _("Voortgangsrapportage %(scope)s") % {"scope": scope.name}
        html = render_to_string(
            "reports/pdf/report.html",
            {
                "title": title,
                "language": run.language,
                "scope": scope,
                "period": period,
                "made_on": timezone.localdate(),
                "requested_by": run.requested_by,
                "figures": figures,
                "charts": {
                    "phases": dashboards.phase_chart(figures["phases"], chart_id="pdf-fasen"),
                    "r_ladder": dashboards.r_ladder_chart(
                        figures["r_ladder"], chart_id="pdf-r-ladder"
                    ),
                    "kpis": dashboards.kpi_chart(figures["kpis"], chart_id="pdf-kpis"),
                    "commitments": dashboards.commitment_chart(
                        figures["commitments"], chart_id="pdf-afspraken"
                    ),
                    "maturity": dashboards.maturity_chart(
                        figures["maturity"], chart_id="pdf-volwassenheid"
                    ),
                },
                "map": region_map,
                "map_shades": print_map_shades(region_map) if region_map else [],
                "map_legend": print_map_legend(region_map) if region_map else [],
                "summary": summary(figures),
                # SVG text does not take the document's CSS: the charts name the font.
                "svg_font": "Portal Sans",
                "font_regular": pdf.asset_url("fonts/DejaVuSans.ttf"),
                "font_bold": pdf.asset_url("fonts/DejaVuSans-Bold.ttf"),
                "stylesheet": pdf.asset_url("reports/report.css"),
            },
        )
        progress(FIGURES_DONE + 10)
        return pdf.render(html, title=title, language=run.language)


def _map(scope, period):
    """The region map of the dashboard (shaded by its first figure), or None where the
    dashboard shows none: only a region has a map, and only if it takes part in the
    drawing. Municipalities are not links in a PDF."""
    if scope.kind != metrics.Scope.REGION:
        return None
    # An anonymous reader: the same figures (counts only), no links to dashboards.
    region_map = dashboards.region_map(
        scope, period, AnonymousUser(), next(iter(metrics.MAP_FIGURES)), map_id="pdf-kaart"
    )
    if not region_map.participating:
        return None
    return dataclasses.replace(
        region_map, summary=_("De tabel onder de kaart geeft dezelfde cijfers.")
    )


def print_map_shades(region_map) -> list[Shade]:
    """The map's areas joined into one path per class (the same picture in a few
    elements: WeasyPrint's cost grows with the elements, and each patterned shape writes
    a pattern of its own). The table under the map names every municipality."""
    shades = []
    by_level = sorted(region_map.areas, key=lambda area: area.level)
    for _level, grouped in groupby(by_level, lambda area: area.level):
        areas = list(grouped)
        first = areas[0]
        tile, marks = maps.PATTERN_MARKS.get(first.pattern, (0, ""))
        shades.append(
            Shade(
                fill=first.fill,
                pattern=first.pattern,
                tile=tile,
                marks=mark_safe(marks),  # noqa: S308 (constants of reports.maps)
                path=mark_safe(" ".join(area.shape.path for area in areas)),  # noqa: S308 (projected paths, marked safe by reports.maps)
            )
        )
    return shades


def print_map_legend(region_map) -> list[LegendEntry]:
    """The map's legend, each swatch drawing its class's colour and marks itself (an SVG
    in a PDF cannot use the map's patterns)."""
    entries = []
    for entry in region_map.legend:
        tile, marks = maps.PATTERN_MARKS.get(entry.pattern, (8, ""))
        swatch = (
            f'<svg width="18" height="18" viewBox="0 0 {tile} {tile}" aria-hidden="true" '
            f'focusable="false"><rect width="{tile}" height="{tile}" fill="{escape(entry.fill)}"/>'
            f'{marks}<rect width="{tile}" height="{tile}" fill="none" stroke="#1f2937" '
            f'stroke-width="{tile / 9:.2f}"/></svg>'
        )
        entries.append(LegendEntry(label=entry.label, swatch=mark_safe(swatch)))  # noqa: S308 (constants and an escaped colour)
    return entries


def summary(figures: dict) -> list[tuple[str, object]]:
    """The key figures on the summary page: (label, value), from the figures only."""
    phases, ladder, kpis = figures["phases"], figures["r_ladder"], figures["kpis"]
    cases, community = figures["cases"], figures["community"]
    commitments = figures["commitments"]
    pledged = commitments.met + commitments.not_met
    measured = sum(row.measured for row in kpis)
    met = sum(row.met for row in kpis)
    return [
        (_("Trajecten in de periode"), phases.total),
        (_("Waarvan lopend"), phases.status_total("lopend")),
        (_("Waarvan afgerond"), phases.status_total("afgerond")),
        (
            _("Trajecten met ambitie R0–R2"),
            f"{ladder.aimed_high} ({ladder.aimed_high_share}%)"
            if ladder.aimed_high_share is not None
            else ladder.aimed_high,
        ),
        (_("KPI-doelen gehaald"), f"{met} / {measured}" if measured else "–"),
        (
            _("Toezeggingen gehaald (per deelnemer)"),
            f"{commitments.met} / {pledged}" if pledged else "–",
        ),
        (_("Praktijkvoorbeelden gepubliceerd in de periode"), cases.published_in_period),
        (_("Bijeenkomsten gehouden"), community.meetings_held),
    ]
