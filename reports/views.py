"""Pages of reporting: dashboards and report requests with their live status. Thin
function views: authorise with `reports.permissions`, read or call `reports.services`,
render; no view ever waits for a report to be made.

A dashboard is the same page for every scope: the period selector, the figures of
`reports.metrics.FIGURES` as charts (`reports.dashboards`) with their tables, and for a
region the map. A scope the reader may not view answers 404.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from community.models import Organisation, Region, Themegroup
from reports import dashboards, forms, metrics, permissions


@require_GET
def dashboard_index(request):
    """The scopes the reader may view, as links to their dashboards."""
    user = request.user
    return render(
        request,
        "reports/dashboard_index.html",
        {
            "organisations": permissions.dashboard_organisations(user),
            "regions": permissions.dashboard_regions(user),
            "themegroups": permissions.dashboard_themegroups(user),
        },
    )


@require_GET
def dashboard_organisation(request, slug):
    organisation = get_object_or_404(Organisation.objects.select_related("region"), slug=slug)
    if not permissions.can_view_organisation_dashboard(request.user, organisation):
        raise Http404
    return _dashboard(request, metrics.Scope.of(organisation))


@require_GET
def dashboard_themegroup(request, region_slug, slug):
    themegroup = get_object_or_404(
        Themegroup.objects.select_related("region"), region__slug=region_slug, slug=slug
    )
    if not permissions.can_view_themegroup_dashboard(request.user, themegroup):
        raise Http404
    return _dashboard(request, metrics.Scope.of(themegroup))


@require_GET
def dashboard_region(request, slug):
    region = get_object_or_404(Region, slug=slug)
    if not permissions.can_view_region_dashboard(request.user, region):
        raise Http404
    return _dashboard(request, metrics.Scope.of(region))


def _dashboard(request, scope: metrics.Scope):
    form = forms.PeriodForm(request.GET)
    period = form.period
    figures = metrics.figures(scope, period, request.user)
    context = {
        "scope": scope,
        "form": form,
        "period": period,
        "figures": figures,
        "charts": [
            dashboards.phase_chart(figures["phases"]),
            dashboards.r_ladder_chart(figures["r_ladder"]),
            dashboards.kpi_chart(figures["kpis"]),
        ],
        "map": None,
    }
    if scope.kind == metrics.Scope.REGION:
        region_map = dashboards.region_map(scope, period, request.user, form.map_figure)
        context["map"] = region_map if region_map.participating else None
    return render(request, "reports/dashboard.html", context)
