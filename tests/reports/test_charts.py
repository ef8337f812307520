"""The SVG charts and the map, drawn without a database: geometry, accessibility hooks
and numbers in attributes written the same in every language."""

import re

from bs4 import BeautifulSoup
from django.template.loader import render_to_string
from django.utils import translation

from reports import charts, maps

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _chart(**kwargs):
    return charts.bar_chart(
        chart_id="test",
        title="Trajecten per fase",
        summary="Drie trajecten.",
        categories=["Fase 1", "Fase 2"],
        series=[
            charts.Series(key="lopend", label="Lopend", values=[1, 2]),
            charts.Series(key="afgerond", label="Afgerond", values=[2, 0]),
        ],
        category_header="Fase",
        **kwargs,
    )


def test_a_stacked_bar_puts_segments_end_to_end_scaled_to_the_largest_total():
    chart = _chart()

    first, second = chart.bars
    assert first.total == 3
    assert second.total == 2
    assert first.segments[1].x == round(first.segments[0].x + first.segments[0].width, 1)
    assert first.segments[0].width + first.segments[1].width == charts.WIDTH - 220 - 48
    assert chart.rows == [("Fase 1", [1, 2], 3), ("Fase 2", [2, 0], 2)]


def test_a_grouped_bar_gives_each_series_its_own_row():
    chart = _chart(grouped=True)

    segments = chart.bars[0].segments
    assert segments[0].x == segments[1].x  # side by side, not end to end
    assert segments[1].y == segments[0].y + segments[0].height
    assert not chart.stacked
    assert chart.has_legend


def test_series_differ_by_pattern_not_only_by_colour():
    chart = _chart()

    assert len({s.pattern for s in chart.series}) == len(chart.series)


def _svg_numbers(html):
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.select("svg, svg *"):
        for name in ("x", "y", "width", "height", "x1", "x2", "y1", "y2"):
            if element.has_attr(name) and element[name] != "100%":
                yield element[name]


def test_numbers_in_svg_attributes_are_not_localised():
    chart = _chart()
    chart.bars[0].segments[0].width = 123.4  # a decimal the Dutch locale would write 123,4

    with translation.override("nl"):
        html = render_to_string("reports/_chart.html", {"chart": chart})

    values = list(_svg_numbers(html))
    assert values
    assert all(NUMBER.match(v) for v in values), values
    soup = BeautifulSoup(html, "html.parser")
    svg = soup.find("svg", attrs={"role": "img"})
    assert svg["aria-labelledby"] == "test-titel test-samenvatting"
    assert soup.find("table").caption.get_text(strip=True) == "Tabel: Trajecten per fase"


def test_the_map_outline_is_projected_once_and_kept():
    first = maps.outline()

    assert maps.outline() is first
    assert len(first.shapes) == 19
    assert all(shape.path.startswith("M") and shape.path.endswith("Z") for shape in first.shapes)
    assert all(0 <= shape.label_x <= first.width for shape in first.shapes)


def test_the_map_shades_in_classes_and_links_only_what_it_is_given():
    drawn = maps.region_map(
        map_id="k",
        title="Kaart",
        summary="",
        figure_label="Trajecten",
        organisations={
            "GM0484": ("Gemeente Alphen", 9, "/voortgang/organisatie/alphen/"),
            "GM0513": ("Gemeente Gouda", 1, None),
        },
    )

    by_code = {area.shape.code: area for area in drawn.areas}
    assert by_code["GM0484"].level == 3
    assert by_code["GM0513"].level == 1
    assert by_code["GM0627"].value is None
    assert by_code["GM0627"].level == 0
    with translation.override("nl"):
        html = render_to_string("reports/_map.html", {"map": drawn})
    soup = BeautifulSoup(html, "html.parser")
    assert [a["href"] for a in soup.select("svg a")] == ["/voortgang/organisatie/alphen/"]
    assert len(soup.select("table tbody tr")) == 19
    assert [li.get_text(strip=True) for li in soup.select("ul li")] == [
        "0 of neemt niet deel",
        "1–3",
        "4–6",
        "7–9",
    ]


def test_texts_in_the_charts_written_in_python_are_escaped():
    """`charts.svg` and `charts.table_body` mark their markup safe: every text in them
    (a category, a series label) must come out as text, never as markup."""
    chart = charts.bar_chart(
        chart_id="test",
        title="Titel",
        summary="Samenvatting.",
        categories=['<script>alert("x")</script>', "Fase & <b>2</b>"],
        series=[charts.Series(key="a", label="<i>Lopend</i>", values=[1, 2])],
        category_header="Fase",
    )
    for markup in (charts.svg(chart), charts.table_body(chart)):
        page = BeautifulSoup(f"<div>{markup}</div>", "html.parser")
        assert page.find(["script", "b", "i"]) is None
    table = BeautifulSoup(f"<table>{charts.table_body(chart)}</table>", "html.parser")
    assert [th.get_text() for th in table.select("th")] == [
        '<script>alert("x")</script>',
        "Fase & <b>2</b>",
    ]
