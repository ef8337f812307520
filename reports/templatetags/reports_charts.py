"""`{% chart_svg chart %}`, `{% chart_table_body chart %}` and
`{{ series|legend_swatch }}`: the SVG and table rows of a chart of `reports.charts`,
written in Python in one pass (see `reports.charts.svg`). The SVG's
text takes the font named `svg_font` in the context, if any (the PDF names its bundled
font)."""

from django import template

from reports import charts

register = template.Library()


@register.simple_tag(takes_context=True)
def chart_svg(context, chart):
    return charts.svg(chart, context.get("svg_font") or "")


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
