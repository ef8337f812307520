"""The PDF report's shape: the same pictures and tables as the dashboard in fewer boxes
(WeasyPrint's time grows with the elements of a document and the rules matched on each).
One path per chart series and per map class, no tooltips or scrolling wrappers on paper,
and every bar, municipality and table row still there. The content of the PDF itself is
checked in test_pdf_reports.py (pdftotext, pdfinfo, pdffonts)."""

import re

import pytest
from bs4 import BeautifulSoup
from django.template.loader import render_to_string
from django.utils import translation

from kit import pdf
from reports import charts, documents, maps
from reports.metrics import Scope
from reports.models import ReportRun
from tests.reports.conftest import PERIOD
from tests.reports.test_charts import NUMBER, _chart

SUBPATH = re.compile(r"M(-?[\d.]+) (-?[\d.]+)h(-?[\d.]+)v(-?[\d.]+)h(-?[\d.]+)z")


def _svg(markup) -> BeautifulSoup:
    return BeautifulSoup(markup, "html.parser").svg


@pytest.mark.parametrize("grouped", [False, True])
def test_a_chart_for_print_draws_one_path_per_series_with_every_bar(grouped):
    chart = _chart(grouped=grouped)

    svg = _svg(charts.print_svg(chart, "Portal Sans"))

    shapes = svg.find_all("path", fill=re.compile("^url"))
    assert [path["fill"] for path in shapes] == ["url(#test-p1)", "url(#test-p2)"]
    assert not svg.find_all(["rect", "title", "g"], recursive=False)
    for index, path in enumerate(shapes):
        drawn = [tuple(float(n) for n in m) for m in SUBPATH.findall(path["d"])]
        expected = [
            (s.x, s.y, s.width, s.height, -s.width)
            for bar in chart.bars
            for s in bar.segments[index : index + 1]
            if s.width > 0
        ]
        assert drawn == expected
    labels = [text.get_text() for text in svg.find_all("text")]
    assert labels[0] == "Fase 1"
    assert svg["font-family"] == "Portal Sans"
    assert svg["role"] == "img"
    assert svg["aria-labelledby"] == "test-titel test-samenvatting"


def test_a_chart_for_print_escapes_its_labels_and_never_localises_numbers():
    chart = charts.bar_chart(
        chart_id="t",
        title="t",
        summary="s",
        categories=['<img src="https://example.com/x.png">'],
        series=[charts.Series(key="a", label="A", values=[1.5])],
        category_header="c",
    )
    with translation.override("nl"):
        markup = charts.print_svg(chart)

    assert "<img" not in markup
    svg = _svg(markup)
    for path in svg.find_all("path"):
        assert "," not in path["d"]
    assert all(NUMBER.match(text["x"]) for text in svg.find_all("text"))


@pytest.fixture
def region_html(world, dora, groene_hart, monkeypatch):
    """The HTML of the Groene Hart report as documents.build hands it to kit.pdf."""
    captured = {}
    render = pdf.render

    def capture(html, **kwargs):
        captured["html"] = html
        return render(html, **kwargs)

    monkeypatch.setattr(pdf, "render", capture)
    scope = Scope.of(groene_hart)
    run = ReportRun(
        scope_kind=scope.kind,
        region=groene_hart,
        period_start=PERIOD.start,
        period_end=PERIOD.end,
        language="nl",
        requested_by=dora,
    )
    documents.build(run)
    return BeautifulSoup(captured["html"], "html.parser")


def test_the_report_draws_its_charts_and_map_in_few_elements(region_html):
    figures = region_html.select("figure[data-chart]")
    assert figures
    for figure in figures:
        table = figure.select_one("table[data-chart-table]")
        svg = figure.select_one("svg.portal-figure__svg")
        if svg is None:  # an empty chart: the text says so, the table stays
            assert table is not None
            continue
        series = (
            len(table.select("thead th[scope=col]"))
            - 1
            - (1 if table.select("thead th")[-1].get_text() == "Totaal" else 0)
        )
        assert len(svg.find_all("path", fill=re.compile("^url"))) <= series
        assert not svg.find_all(["title", "rect", "g"], recursive=False)
        labels = svg.find_all("text", attrs={"text-anchor": "end"})
        assert len(table.select("tbody tr")) == len(labels)

    # Paper does not scroll and has no tooltips or links out of the document.
    assert not region_html.select(".portal-table-wrapper, svg title, svg a, a[href^='/']")


def _print_map():
    drawn = maps.region_map(
        map_id="k",
        title="Kaart",
        summary="",
        figure_label="Trajecten",
        organisations={
            "GM0484": ("Gemeente Alphen", 9, "/voortgang/organisatie/alphen/"),
            "GM0513": ("Gemeente Gouda", 1, None),
            "GM0632": ("Gemeente Woerden", 5, None),
        },
    )
    with translation.override("nl"):
        html = render_to_string(
            "reports/pdf/_map.html",
            {
                "map": drawn,
                "map_shades": documents.print_map_shades(drawn),
                "map_legend": documents.print_map_legend(drawn),
            },
        )
    return drawn, BeautifulSoup(html, "html.parser")


def test_the_map_for_print_draws_one_path_per_class_with_every_municipality():
    drawn, soup = _print_map()

    shapes = soup.select("svg.portal-map__svg > path")
    levels = {area.level for area in drawn.areas}
    assert len(shapes) == len(levels) == 4
    for shape in shapes:  # every municipality's rings are in the path of its class
        members = [a for a in drawn.areas if a.shape.path in shape["d"]]
        assert len({a.level for a in members}) == 1
    assert sum(len([a for a in drawn.areas if a.shape.path in s["d"]]) for s in shapes) == len(
        drawn.areas
    )
    patterned = [s["fill"] for s in shapes if s["fill"].startswith("url")]
    assert sorted(patterned) == ["url(#k-medium)", "url(#k-sparse)"]
    assert {p["id"] for p in soup.select("svg.portal-map__svg pattern")} == {"k-medium", "k-sparse"}
    assert not soup.select("svg a, svg title")
    assert len(soup.select("table[data-map-table] tbody tr")) == len(drawn.areas)


def test_the_map_legend_draws_its_marks_in_each_swatch():
    drawn, soup = _print_map()

    items = soup.select(".legend li")
    assert [li.get_text(strip=True) for li in items] == [entry.label for entry in drawn.legend]
    for item in items:
        # Never a pointer into the map's patterns: an SVG in a PDF cannot use another's.
        assert "url(" not in str(item.svg)
    assert items[1].svg.circle is not None  # sparse: dots
    assert items[2].svg.find_all("path")  # medium: diagonal lines
