"""`{% chart_figure chart %}` and `{% map_figure map %}`: a chart of `reports.charts` or a
map of `reports.maps` on a page, written in Python in one pass (`reports.charts.figure`,
`reports.maps.figure`); for the PDF's own partials `{% chart_print_svg chart %}`,
`{% chart_table_body chart %}` and `{{ series|legend_swatch }}`. A chart's text takes the
font named `svg_font` in the context, if any (the PDF names its bundled font)."""

from django import template

from reports import charts, maps

register = template.Library()


@register.simple_tag(takes_context=True)
def chart_figure(context, chart):
    return charts.figure(chart, context.get("svg_font") or "")


@register.simple_tag
def map_figure(drawn):
    return maps.figure(drawn)


@register.simple_tag
def chart_table_body(chart):
    return charts.table_body(chart)


@register.filter
def legend_swatch(series):
    return charts.legend_swatch(series)


@register.simple_tag(takes_context=True)
def chart_print_svg(context, chart):
    """The chart in fewer SVG elements, for the PDF (`reports.charts.print_svg`)."""
    return charts.print_svg(chart, context.get("svg_font") or "")
