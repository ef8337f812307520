"""The region map: the bundled municipal boundaries (`fixtures/groene_hart_gemeenten.geojson`,
Kadaster/CBS via cartomap, CC BY 4.0) drawn as server-side SVG. Nothing is loaded from
third parties.

The boundaries are static, so they are projected to the viewBox once, on first use, and
kept in memory as SVG path strings. A map is then those paths, each shaded by a figure
(in classes with a legend), linked to a dashboard where the reader may open one, with
the same figures in a table as the alternative.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.safestring import mark_safe
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
