"""The SVG charts and the map, drawn without a database: geometry, accessibility hooks
and numbers in attributes written the same in every language."""

import re

from bs4 import BeautifulSoup
from django.template import engines
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
        html = charts.figure(chart)

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
        html = maps.figure(drawn)
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


def _render(source, **context):
    return engines["django"].from_string("{% load reports_charts %}" + source).render(context)


def test_a_chart_on_a_page_escapes_every_text_and_localises_only_its_table():
    """`charts.figure` (`{% chart_figure %}`) marks the whole figure safe: titles, labels
    and names (an organisation may be called `<b>`) come out as text; numbers in the SVG's
    attributes are written the same in every language, numbers in the table in Dutch."""
    chart = charts.bar_chart(
        chart_id="test",
        title="Titel <script>alert(1)</script>",
        summary='Samenvatting & "meer" <i>x</i>',
        categories=["Gemeente <b>A</b>", "B & C"],
        series=[
            charts.Series(key="a", label="<u>Lopend</u>", values=[1.5, 1205]),
            charts.Series(key="b", label="Afgerond", values=[2, 0]),
        ],
        category_header="<em>Fase</em>",
    )

    with translation.override("nl"):
        html = _render("{% chart_figure chart %}", chart=chart)

    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(["script", "b", "i", "u", "em"]) is None
    figure = soup.find("figure", attrs={"data-chart": "test"})
    assert figure.find(id="test-titel").get_text() == "Titel <script>alert(1)</script>"
    assert figure.find(id="test-samenvatting").get_text() == 'Samenvatting & "meer" <i>x</i>'
    assert figure.svg["role"] == "img"
    assert figure.svg["aria-labelledby"] == "test-titel test-samenvatting"
    assert {p["id"] for p in figure.svg.select("pattern")} == {"test-p1", "test-p2"}
    assert [li.get_text(strip=True) for li in figure.select("ul li")] == [
        "<u>Lopend</u>",
        "Afgerond",
    ]
    assert figure.select_one("ul")["aria-label"] == "Legenda"
    values = list(_svg_numbers(html))
    assert values
    assert all(NUMBER.match(v) for v in values), values
    wrapper = figure.select_one("div[role=region]")
    assert wrapper["tabindex"] == "0"
    assert wrapper["aria-labelledby"] == "test-tabel"
    table = wrapper.table
    assert table.caption.get_text() == "Tabel: Titel <script>alert(1)</script>"
    assert [th.get_text() for th in table.thead.select("th")] == [
        "<em>Fase</em>",
        "<u>Lopend</u>",
        "Afgerond",
        "Totaal",
    ]
    rows = [[cell.get_text() for cell in tr.find_all(["th", "td"])] for tr in table.tbody("tr")]
    assert rows == [
        ["Gemeente <b>A</b>", "1,5", "2", "3,5"],
        ["B & C", "1205", "0", "1205"],
    ]


def test_an_empty_chart_says_so_in_the_language_of_the_page():
    chart = charts.bar_chart(
        chart_id="leeg",
        title="Titel",
        summary="Niets.",
        categories=["Fase 1"],
        series=[charts.Series(key="a", label="Lopend", values=[0])],
        category_header="Fase",
    )

    with translation.override("en"):
        soup = BeautifulSoup(charts.figure(chart), "html.parser")

    assert soup.svg is None
    assert soup.select_one(".portal-figure__empty").get_text() == "No data in this period."
    assert soup.table.caption.get_text() == "Table: Titel"


def test_the_map_on_a_page_escapes_names_and_writes_attributes_unlocalised():
    drawn = maps.region_map(
        map_id="k",
        title="Kaart <b>",
        summary="Samen & vatting",
        figure_label="Trajecten <i>",
        organisations={
            "GM0484": ("Gemeente <Alphen>", 1234, '/voortgang/organisatie/alphen/?a=1&b="2"'),
            "GM0513": ("Gemeente Gouda", 1, None),
        },
    )

    with translation.override("nl"):
        html = _render("{% map_figure drawn %}", drawn=drawn)

    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(["b", "i"]) is None
    assert soup.figure.find(id="k-titel").get_text() == "Kaart <b>"
    svg = soup.find("svg", attrs={"role": "group"})
    assert svg["aria-labelledby"] == "k-titel"
    assert {p["id"] for p in svg.select("pattern")} == {"k-sparse", "k-medium"}
    (link,) = svg.find_all("a")
    assert link["href"] == '/voortgang/organisatie/alphen/?a=1&b="2"'
    assert link["aria-label"] == "Alphen aan den Rijn: Trajecten <i> 1234"
    assert link.title.get_text() == "Alphen aan den Rijn: 1234"
    waddinxveen = svg.select_one("[data-code=GM0627]")
    assert waddinxveen.name == "g"
    assert waddinxveen.title.get_text() == "Waddinxveen: neemt niet deel"
    assert soup.select_one("ul")["aria-label"] == "Legenda: Trajecten <i>"
    for element in svg.select("[viewBox], rect, circle"):
        for name in ("viewBox", "width", "height", "cx", "cy", "r"):
            if element.has_attr(name) and element[name] != "100%":
                assert all(NUMBER.match(n) for n in element[name].split()), element
    row = soup.select_one("table[data-map-table=k] tr[data-code=GM0484]")
    assert [cell.get_text() for cell in row.find_all(["th", "td"])] == [
        "Alphen aan den Rijn",
        "Gemeente <Alphen>",
        "1234",
    ]
    assert row.th.a["href"] == '/voortgang/organisatie/alphen/?a=1&b="2"'
    row = soup.select_one("table[data-map-table=k] tr[data-code=GM0627]")
    assert [cell.get_text() for cell in row.find_all(["th", "td"])] == [
        "Waddinxveen",
        "neemt niet deel",
        "–",
    ]
