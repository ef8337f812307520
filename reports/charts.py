"""Charts drawn on the server as inline SVG, so the same chart appears on a dashboard and
in a PDF report: horizontal bar and stacked-bar charts whose geometry is computed here
once; `figure` writes it for a page with its title, text summary, legend and data table
(`{% chart_figure %}`), `templates/reports/pdf/_chart.html` for a PDF.

Accessible by construction: the SVG is `role="img"` labelled by the title and summary,
every series has a colour that contrasts at least 3:1 with white *and* its own pattern
(not colour alone), each bar carries its total as text, and the same numbers are in a
table with a caption.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass, field

from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

# (fill colour, pattern) per series. Each colour contrasts ≥ 4.5:1 with white; the
# patterns (drawn in white over the colour) tell the series apart without colour.
PALETTE = [
    ("#1d4f91", "solid"),
    ("#a14a00", "diagonal"),
    ("#1f6b3a", "dots"),
    ("#6b2c91", "cross"),
    ("#4b5563", "horizontal"),
]

WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 48
BAR_HEIGHT = 22
GAP = 10
TOP = 8


@dataclass
class Series:
    key: str
    label: str
    values: list[float]
    colour: str = ""
    pattern: str = ""


@dataclass
class Segment:
    x: float
    y: float
    width: float
    height: float
    value: float
    series: Series
    text_x: float = 0
    text_y: float = 0


@dataclass
class Bar:
    label: str
    y: float
    total: float
    segments: list[Segment] = field(default_factory=list)
    total_x: float = 0
    text_y: float = 0


@dataclass
class Chart:
    """A horizontal (stacked) bar chart ready to draw. `chart_id` makes the ids of the
    title, summary and patterns unique on a page."""

    chart_id: str
    title: str
    summary: str
    categories: list[str]
    series: list[Series]
    category_header: str
    bars: list[Bar] = field(default_factory=list)
    width: int = WIDTH
    height: int = 0
    label_width: int = LABEL_WIDTH
    label_x: int = LABEL_WIDTH - 8
    unit: str = ""

    grouped: bool = False

    @property
    def stacked(self) -> bool:
        return len(self.series) > 1 and not self.grouped

    @property
    def has_legend(self) -> bool:
        return len(self.series) > 1

    @property
    def rows(self):
        """The data table: (category, [value per series], total)."""
        return [
            (bar.label, [segment.value for segment in bar.segments], bar.total) for bar in self.bars
        ]

    @property
    def is_empty(self) -> bool:
        return not any(bar.total for bar in self.bars)


def _number(value: float) -> float:
    return round(value, 1)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    summary: str,
    categories: list[str],
    series: list[Series],
    category_header: str,
    grouped: bool = False,
    unit: str = "",
) -> Chart:
    """A bar chart (one series), a stacked bar chart (several series that add up to a
    whole) or, with `grouped`, bars side by side (several series to compare, such as
    R-ambition against R-achieved): one band per category, scaled to the largest bar."""
    for index, one in enumerate(series):
        one.colour, one.pattern = PALETTE[index % len(PALETTE)]
        if len(one.values) != len(categories):
            raise ValueError("Every series has one value per category.")
    chart = Chart(
        chart_id=chart_id,
        title=title,
        summary=summary,
        categories=categories,
        series=series,
        category_header=category_header,
        grouped=grouped and len(series) > 1,
        unit=unit,
    )
    totals = [sum(one.values[i] for one in series) for i in range(len(categories))]
    if chart.grouped:
        largest = max((v for one in series for v in one.values), default=0) or 1
        sub = max(12, BAR_HEIGHT * 2 // len(series))
        band = sub * len(series)
    else:
        largest = max(totals, default=0) or 1
        sub = band = BAR_HEIGHT
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    for index, label in enumerate(categories):
        y = TOP + index * (band + GAP)
        bar = Bar(label=label, y=y, total=totals[index], text_y=_number(y + band / 2 + 5))
        x = LABEL_WIDTH
        for position, one in enumerate(series):
            value = one.values[index]
            width = plot * value / largest
            segment_y = y + position * sub if chart.grouped else y
            segment = Segment(
                x=_number(x),
                y=_number(segment_y),
                width=_number(width),
                height=sub,
                value=value,
                series=one,
            )
            if chart.grouped:
                segment.text_x = _number(x + width + 6)
                segment.text_y = _number(segment_y + sub / 2 + 4)
            else:
                x += width
            bar.segments.append(segment)
        bar.total_x = _number(x + 6)
        chart.bars.append(bar)
    chart.height = TOP * 2 + len(categories) * (band + GAP)
    return chart


# --- drawing -----------------------------------------------------------------------------
# The SVG and its legend are written here in one pass, not by a template loop per bar and
# segment (a template spent ~1 ms per bar resolving variables): the markup is the same as
# a template would write with `{% localize off %}` (numbers as Python writes them, never
# localised) and every text is escaped.

# The white marks of a series' pattern on an 8×8 tile: used by the chart's <pattern> and
# drawn directly in its legend swatch (a PDF cannot point from one SVG into another's
# patterns).
PATTERN_MARKS = {
    "solid": "",
    "diagonal": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#ffffff" '
    'stroke-width="1.5"/>',
    "dots": '<circle cx="4" cy="4" r="1.6" fill="#ffffff"/>',
    "cross": '<path d="M0,0 l8,8 M8,0 l-8,8" stroke="#ffffff" stroke-width="1.2"/>',
    "horizontal": '<path d="M0,4 h8" stroke="#ffffff" stroke-width="1.5"/>',
}
LABEL_CHARACTERS = 32  # a bar's label in the SVG is cut to this (the table has it whole)


def _n(value) -> str:
    """A number as an SVG attribute wants it: never localised."""
    return str(value)


# Django's `escape` and `conditional_escape` without their lazy-string wrappers (which
# cost more than the escaping, called for every label and number of a chart): the same
# output, `html.escape` of the text.


def escape(value) -> str:
    """Escaped always, as `django.utils.html.escape`."""
    return html.escape(str(value))


def conditional_escape(value) -> str:
    """Escaped unless already safe, as a template writes `{{ value }}`."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _short_label(label: str) -> str:
    """The label as `Truncator(label).chars(LABEL_CHARACTERS)` writes it, without building
    a Truncator for the labels that fit (most do)."""
    text = unicodedata.normalize("NFC", str(label))
    if len(text) <= LABEL_CHARACTERS:
        return text
    return Truncator(label).chars(LABEL_CHARACTERS)


def _svg_head(chart: Chart, font: str, attributes: str) -> list[str]:
    """The opening <svg> (role img, labelled by the chart's title and summary) with
    these extra attributes, and its <defs>: one pattern per series."""
    cid = escape(chart.chart_id)
    parts = [
        f'<svg class="portal-figure__svg" role="img" aria-labelledby="{cid}-titel '
        f'{cid}-samenvatting" viewBox="0 0 {_n(chart.width)} {_n(chart.height)}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"'
        + attributes
        + (f' font-family="{escape(font)}"' if font else "")
        + "><defs>"
    ]
    for index, series in enumerate(chart.series, start=1):
        parts.append(
            f'<pattern id="{cid}-p{index}" patternUnits="userSpaceOnUse" width="8" height="8">'
            f'<rect width="8" height="8" fill="{escape(series.colour)}"/>'
            f"{PATTERN_MARKS.get(series.pattern, '')}</pattern>"
        )
    parts.append("</defs>")
    return parts


def svg(chart: Chart, font: str = "") -> SafeString:
    """The chart's <svg> (role img, labelled by its title and summary), with one pattern
    per series, a band per category and each bar's total (or each value, grouped)."""
    cid = escape(chart.chart_id)
    parts = _svg_head(chart, font, ' focusable="false"')
    for bar in chart.bars:
        label = escape(bar.label)
        parts.append(
            f'<g class="portal-figure__bar"><text x="{_n(chart.label_x)}" '
            f'y="{_n(bar.text_y)}" text-anchor="end" font-size="13" fill="#1f2937">'
            f"{escape(_short_label(bar.label))}</text>"
        )
        for index, segment in enumerate(bar.segments, start=1):
            if segment.width > 0:
                parts.append(
                    f'<rect x="{_n(segment.x)}" y="{_n(segment.y)}" '
                    f'width="{_n(segment.width)}" height="{_n(segment.height)}" '
                    f'fill="url(#{cid}-p{index})" stroke="#ffffff" stroke-width="1">'
                    f"<title>{label}, {escape(segment.series.label)}: "
                    f"{_n(segment.value)}</title></rect>"
                )
            if chart.grouped:
                parts.append(
                    f'<text x="{_n(segment.text_x)}" y="{_n(segment.text_y)}" font-size="11" '
                    f'fill="#1f2937">{_n(segment.value)}</text>'
                )
        if not chart.grouped:
            parts.append(
                f'<text x="{_n(bar.total_x)}" y="{_n(bar.text_y)}" font-size="13" '
                f'font-weight="bold" fill="#1f2937">{_n(bar.total)}</text>'
            )
        parts.append("</g>")
    parts.append(
        f'<line x1="{_n(chart.label_width)}" y1="0" x2="{_n(chart.label_width)}" '
        f'y2="{_n(chart.height)}" stroke="#1f2937" stroke-width="1"/></svg>'
    )
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def legend_swatch(series: Series) -> SafeString:
    """The small square of a series in the legend: its colour and pattern, outlined."""
    return mark_safe(  # noqa: S308 (colour and pattern come from PALETTE)
        '<svg width="18" height="18" viewBox="0 0 8 8" aria-hidden="true" focusable="false">'
        f'<rect width="8" height="8" fill="{escape(series.colour)}"/>'
        f"{PATTERN_MARKS.get(series.pattern, '')}"
        '<rect x="0.2" y="0.2" width="7.6" height="7.6" fill="none" stroke="#1f2937" '
        'stroke-width="0.4"/></svg>'
    )


def table_body(chart: Chart) -> SafeString:
    """The rows of the chart's data table: the category as a row header, a cell per
    series and, stacked, the total; numbers localised as `{{ value }}` would write them."""
    numeric = "utrecht-table__cell utrecht-table__cell--numeric"
    written = {}  # a number's cell, localised once (tables repeat their zeros)

    def cell(value):
        key = (type(value), str(value))  # 1 == 1.0 and Decimal 1.0 == 1.00, not so written
        if key not in written:
            written[key] = f'<td class="{numeric}">{escape(localize(value))}</td>'
        return written[key]

    rows = []
    for label, values, total in chart.rows:
        cells = "".join(cell(v) for v in values)
        if chart.stacked:
            cells += cell(total)
        rows.append(
            '<tr class="utrecht-table__row"><th class="utrecht-table__header-cell" '
            f'scope="row">{escape(label)}</th>{cells}</tr>'
        )
    return mark_safe("".join(rows))  # noqa: S308 (labels and numbers escaped)


def figure(chart: Chart, font: str = "") -> SafeString:
    """The chart on a page: a <figure> with its title and summary as caption (which label
    the SVG), the SVG (or a line saying there is nothing to draw), the legend of several
    series and the data table in a wrapper reachable by keyboard. Written in one pass
    like `svg`: texts escaped as a template would, numbers in the table localised."""
    cid = conditional_escape(chart.chart_id)
    title = conditional_escape(chart.title)
    parts = [
        f'<figure class="portal-figure" id="{cid}" data-chart="{cid}">\n<figcaption>\n'
        f'<span class="portal-figure__title utrecht-heading-3" id="{cid}-titel">{title}</span>\n'
        f'<span class="portal-figure__summary utrecht-paragraph" id="{cid}-samenvatting">'
        f"{conditional_escape(chart.summary)}</span>\n</figcaption>\n"
    ]
    if chart.is_empty:
        parts.append(
            '<p class="utrecht-paragraph portal-figure__empty">'
            f"{escape(_('Geen gegevens in deze periode.'))}</p>\n"
        )
    else:
        parts.append(svg(chart, font))
        if chart.has_legend:
            parts.append(
                f'\n<ul class="portal-figure__legend" aria-label="{escape(_("Legenda"))}">\n'
            )
            parts.extend(
                f"<li>{legend_swatch(series)} {conditional_escape(series.label)}</li>\n"
                for series in chart.series
            )
            parts.append("</ul>")
        parts.append("\n")
    header = "utrecht-table__header-cell"
    numeric = f"{header} {header}--numeric"
    parts.append(
        f'<div class="portal-table-wrapper" role="region" tabindex="0" '
        f'aria-labelledby="{cid}-tabel">\n'
        f'<table class="utrecht-table utrecht-table--html-table portal-figure__table" '
        f'data-chart-table="{cid}">\n'
        f'<caption class="utrecht-table__caption" id="{cid}-tabel">'
        f"{_('Tabel: %(title)s') % {'title': title}}</caption>\n"
        '<thead class="utrecht-table__header">\n<tr class="utrecht-table__row">\n'
        f'<th class="{header}" scope="col">{conditional_escape(chart.category_header)}</th>\n'
    )
    parts.extend(
        f'<th class="{numeric}" scope="col">{conditional_escape(series.label)}</th>'
        for series in chart.series
    )
    if chart.stacked:
        parts.append(f'\n<th class="{numeric}" scope="col">{escape(_("Totaal"))}</th>')
    parts.append(
        '\n</tr>\n</thead>\n<tbody class="utrecht-table__body">\n'
        f"{table_body(chart)}\n</tbody>\n</table>\n</div>\n</figure>\n"
    )
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def print_svg(chart: Chart, font: str = "") -> SafeString:
    """The chart as `svg` draws it, in fewer elements for a PDF: one <path> per series
    (each bar a subpath) instead of a <rect> with a <title> per segment, no group per
    bar. WeasyPrint's cost grows with the elements of the picture (each is cascaded,
    parsed again as SVG and drawn, and each shape filled with a pattern writes a pattern
    of its own), not with its area. The same bars, patterns, labels and totals; the
    numbers are in the data table under it, as on the dashboard."""
    cid = escape(chart.chart_id)
    parts = _svg_head(chart, font, ' fill="#1f2937"')
    for index in range(len(chart.series)):
        shapes = "".join(
            f"M{_n(segment.x)} {_n(segment.y)}h{_n(segment.width)}v{_n(segment.height)}"
            f"h{_n(-segment.width)}z"
            for bar in chart.bars
            for segment in bar.segments[index : index + 1]
            if segment.width > 0
        )
        if shapes:
            parts.append(
                f'<path d="{shapes}" fill="url(#{cid}-p{index + 1})" stroke="#ffffff" '
                'stroke-width="1"/>'
            )
    for bar in chart.bars:
        parts.append(
            f'<text x="{_n(chart.label_x)}" y="{_n(bar.text_y)}" text-anchor="end" '
            f'font-size="13">{escape(_short_label(bar.label))}</text>'
        )
        if chart.grouped:
            parts.extend(
                f'<text x="{_n(segment.text_x)}" y="{_n(segment.text_y)}" font-size="11">'
                f"{_n(segment.value)}</text>"
                for segment in bar.segments
            )
        else:
            parts.append(
                f'<text x="{_n(bar.total_x)}" y="{_n(bar.text_y)}" font-size="13" '
                f'font-weight="bold">{_n(bar.total)}</text>'
            )
    parts.append(
        f'<path d="M{_n(chart.label_width)} 0V{_n(chart.height)}" stroke="#1f2937" '
        'stroke-width="1"/></svg>'
    )
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
