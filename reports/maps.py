"""The region map: the bundled municipal boundaries (`fixtures/groene_hart_gemeenten.geojson`,
Kadaster/CBS via cartomap, CC BY 4.0) drawn as server-side SVG. Nothing is loaded from
third parties.

The boundaries are static, so they are projected to the viewBox once, on first use, and
kept in memory as SVG path strings. A map is then those paths, each shaded by a figure
(in classes with a legend), linked to a dashboard where the reader may open one, with
the same figures in a table as the alternative; `figure` writes it for a page
(`{% map_figure %}`), `templates/reports/pdf/_map.html` for a PDF.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

GEOJSON = Path(settings.BASE_DIR) / "fixtures" / "groene_hart_gemeenten.geojson"
WIDTH = 600
MARGIN = 6

# Sequential classes, lightest first; each darker class also has a denser pattern, and
# the boundaries are drawn dark, so areas and classes are told apart without colour.
CLASSES = [
    ("#f3f4f6", "none"),
    ("#bcd4ec", "sparse"),
    ("#5b8fc7", "medium"),
    ("#1d4f91", "dense"),
]

# The classes drawn with a pattern: (tile, the marks over the class's colour). "none" is
# the plain light colour, "dense" the plain dark one.
PATTERN_MARKS = {
    "sparse": (10, '<circle cx="5" cy="5" r="1.4" fill="#1d4f91"/>'),
    "medium": (
        8,
        '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#1d4f91" stroke-width="1.5"/>',
    ),
}


@dataclass(frozen=True)
class Shape:
    code: str  # CBS code, e.g. GM0484
    name: str
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Outline:
    width: int
    height: int
    shapes: tuple[Shape, ...]


@cache
def outline() -> Outline:
    """The municipalities projected to SVG coordinates (equirectangular, scaled by the
    cosine of the mean latitude, which is close enough for a region this small)."""
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    features = data["features"]
    points = [
        point for feature in features for ring in _rings(feature["geometry"]) for point in ring
    ]
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    scale_x = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = (max(lons) - min(lons)) * scale_x
    span_y = max(lats) - min(lats)
    factor = (WIDTH - 2 * MARGIN) / span_x
    height = round(span_y * factor + 2 * MARGIN)

    def project(lon, lat):
        return (
            round(MARGIN + (lon - min(lons)) * scale_x * factor, 1),
            round(MARGIN + (max(lats) - lat) * factor, 1),
        )

    shapes = []
    for feature in features:
        parts, xs, ys = [], [], []
        for ring in _rings(feature["geometry"]):
            projected = [project(lon, lat) for lon, lat in ring]
            xs += [x for x, _y in projected]
            ys += [y for _x, y in projected]
            parts.append("M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in projected) + " Z")
        properties = feature["properties"]
        shapes.append(
            Shape(
                code=properties["statcode"],
                name=properties["statnaam"],
                # Numbers and letters only: marked safe once, not escaped per request.
                path=mark_safe(" ".join(parts)),  # noqa: S308
                label_x=round(sum(xs) / len(xs), 1),
                label_y=round(sum(ys) / len(ys), 1),
            )
        )
    shapes.sort(key=lambda shape: shape.name)
    return Outline(width=WIDTH, height=height, shapes=tuple(shapes))


def _rings(geometry):
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


@dataclass(frozen=True)
class Area:
    shape: Shape
    value: int | None  # None: not taking part (no organisation on the portal)
    level: int  # the class, 0 (lightest) to 3
    url: str | None
    organisation: str | None

    @property
    def fill(self) -> str:
        return CLASSES[self.level][0]

    @property
    def pattern(self) -> str:
        return CLASSES[self.level][1]


@dataclass(frozen=True)
class LegendClass:
    level: int
    label: str
    fill: str
    pattern: str


@dataclass(frozen=True)
class Map:
    map_id: str
    title: str
    summary: str
    figure_label: str
    width: int
    height: int
    areas: list[Area]
    legend: list[LegendClass]

    @property
    def participating(self) -> bool:
        """Does any municipality of the drawing take part (is the map worth showing)?"""
        return any(area.organisation for area in self.areas)


def _bounds(largest: int) -> list[tuple[int, int]]:
    """Classes 1–3 over 1..largest (class 0 is zero or not taking part)."""
    if largest <= 3:
        return [(n, n) for n in range(1, 4)]
    step = math.ceil(largest / 3)
    return [(1, step), (step + 1, 2 * step), (2 * step + 1, largest)]


def region_map(
    *,
    map_id: str,
    title: str,
    summary: str,
    figure_label: str,
    organisations: dict[str, tuple[str, int, str | None]],
) -> Map:
    """The map shaded by a figure. `organisations`: {CBS code: (organisation name,
    value, dashboard URL or None when the reader may not open it)}."""
    drawing = outline()
    largest = max((value for _name, value, _url in organisations.values()), default=0)
    bounds = _bounds(largest)

    def level_of(value):
        if not value:
            return 0
        for index, (_low, high) in enumerate(bounds, start=1):
            if value <= high:
                return index
        return 3

    areas = []
    for shape in drawing.shapes:
        name, value, url = organisations.get(shape.code, (None, None, None))
        areas.append(
            Area(
                shape=shape,
                value=value,
                level=level_of(value),
                url=url,
                organisation=name,
            )
        )
    legend = [LegendClass(0, str(_("0 of neemt niet deel")), *CLASSES[0])]
    for index, (low, high) in enumerate(bounds, start=1):
        label = str(low) if low == high else f"{low}–{high}"
        legend.append(LegendClass(index, label, *CLASSES[index]))
    return Map(
        map_id=map_id,
        title=title,
        summary=summary,
        figure_label=figure_label,
        width=drawing.width,
        height=drawing.height,
        areas=areas,
        legend=legend,
    )


# --- drawing -----------------------------------------------------------------------------
# The map is written here in one pass, not by a template loop per municipality: the same
# markup a template would write, numbers in attributes never localised, every text
# escaped.


def pattern_defs(map_id: str) -> str:
    """A <pattern> per patterned class, with ids `<map_id>-sparse` and so on."""
    cid = escape(map_id)
    fills = {pattern: fill for fill, pattern in CLASSES}
    return "".join(
        f'<pattern id="{cid}-{pattern}" patternUnits="userSpaceOnUse" width="{tile}" '
        f'height="{tile}"><rect width="{tile}" height="{tile}" fill="{fills[pattern]}"/>'
        f"{marks}</pattern>"
        for pattern, (tile, marks) in PATTERN_MARKS.items()
    )


def figure(drawn: Map) -> SafeString:
    """The map on a page: a <figure> with its title and summary as caption, the SVG (a
    group labelled by the title) with a path per municipality, linked where it has a
    URL and titled with its figure, the legend, and the table as the alternative."""
    cid = conditional_escape(drawn.map_id)
    label = conditional_escape(drawn.figure_label)
    absent = escape(gettext("neemt niet deel"))

    def fill(level_pattern, level_fill):
        if level_pattern in PATTERN_MARKS:
            return f"url(#{cid}-{level_pattern})"
        return escape(level_fill)

    parts = [
        f'<figure class="portal-map" id="{cid}" data-map="{cid}">\n<figcaption>\n'
        f'<span class="portal-figure__title utrecht-heading-3" id="{cid}-titel">'
        f"{conditional_escape(drawn.title)}</span>\n"
        f'<span class="portal-figure__summary utrecht-paragraph" id="{cid}-samenvatting">'
        f"{conditional_escape(drawn.summary)}</span>\n</figcaption>\n"
        f'<svg class="portal-map__svg" role="group" aria-labelledby="{cid}-titel" '
        f'viewBox="0 0 {drawn.width} {drawn.height}" width="100%" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">\n'
        f"<defs>{pattern_defs(drawn.map_id)}</defs>\n"
    ]
    for area in drawn.areas:
        name = conditional_escape(area.shape.name)
        code = conditional_escape(area.shape.code)
        path = (
            f'<path d="{area.shape.path}" fill="{fill(area.pattern, area.fill)}" '
            f'stroke="#1f2937" stroke-width="1"><title>{name}: '
            f"{absent if area.value is None else area.value}</title></path>"
        )
        if area.url:
            if area.value is None:
                aria = gettext("%(name)s: neemt niet deel") % {"name": name}
            else:
                aria = f"{name}: {label} {area.value}"
            parts.append(
                f'<a href="{conditional_escape(area.url)}" class="portal-map__area" '
                f'data-code="{code}" aria-label="{aria}">{path}</a>\n'
            )
        else:
            parts.append(f'<g class="portal-map__area" data-code="{code}">{path}</g>\n')
    legend_label = gettext("Legenda: %(figure)s") % {"figure": label}
    parts.append(f'</svg>\n<ul class="portal-figure__legend" aria-label="{legend_label}">\n')
    parts.extend(
        '<li><svg width="18" height="18" aria-hidden="true" focusable="false">'
        f'<rect width="18" height="18" fill="{fill(entry.pattern, entry.fill)}" '
        f'stroke="#1f2937"/></svg> {conditional_escape(entry.label)}</li>\n'
        for entry in drawn.legend
    )
    header = "utrecht-table__header-cell"
    parts.append(
        "</ul>\n"
        f'<div class="portal-table-wrapper" role="region" tabindex="0" '
        f'aria-labelledby="{cid}-tabel">\n'
        f'<table class="utrecht-table utrecht-table--html-table" data-map-table="{cid}">\n'
        f'<caption class="utrecht-table__caption" id="{cid}-tabel">'
        f"{gettext('Tabel: %(title)s') % {'title': conditional_escape(drawn.title)}}"
        "</caption>\n"
        '<thead class="utrecht-table__header">\n<tr class="utrecht-table__row">\n'
        f'<th class="{header}" scope="col">{escape(gettext("Gemeente"))}</th>\n'
        f'<th class="{header}" scope="col">{escape(gettext("Organisatie op het portaal"))}'
        "</th>\n"
        f'<th class="{header} {header}--numeric" scope="col">{label}</th>\n'
        '</tr>\n</thead>\n<tbody class="utrecht-table__body">\n'
    )
    for area in drawn.areas:
        name = conditional_escape(area.shape.name)
        if area.url:
            name = (
                f'<a class="utrecht-link utrecht-link--html-a" '
                f'href="{conditional_escape(area.url)}">{name}</a>'
            )
        organisation = conditional_escape(area.organisation) if area.organisation else absent
        value = "–" if area.value is None else escape(localize(area.value))
        parts.append(
            f'<tr class="utrecht-table__row" data-code="{conditional_escape(area.shape.code)}">'
            f'<th class="{header}" scope="row">{name}</th>'
            f'<td class="utrecht-table__cell">{organisation}</td>'
            f'<td class="utrecht-table__cell utrecht-table__cell--numeric">{value}</td></tr>\n'
        )
    parts.append("</tbody>\n</table>\n</div>\n</figure>\n")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
