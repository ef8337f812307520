"""Pages of reporting: dashboards and report requests with their live status. Thin
function views: authorise with `reports.permissions`, read or call `reports.services`,
render; no view ever waits for a report to be made.

A dashboard is the same page for every scope: the period selector, the figures of
`reports.metrics.FIGURES` as charts (`reports.dashboards`) with their tables, and for a
region the map. A scope the reader may not view answers 404.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.models import Organisation, Region, Themegroup
from reports import dashboards, forms, metrics, permissions, services
from reports.models import ReportRun, ReportSubscription


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
        "commitment_chart": dashboards.commitment_chart(figures["commitments"]),
        "maturity_chart": dashboards.maturity_chart(figures["maturity"]),
        "map": None,
    }
    if scope.kind == metrics.Scope.REGION:
        region_map = dashboards.region_map(scope, period, request.user, form.map_figure)
        context["map"] = region_map if region_map.participating else None
    return render(request, "reports/dashboard.html", context)


# --- PDF reports -------------------------------------------------------------------------

# Rows shown in each list of the reports page.
LIST_LENGTH = 20


@require_http_methods(["GET", "POST"])
def report_list(request):
    """Ask for a report (scopes the reader may view) and see "mijn rapportages" and the
    finished reports of the scopes the reader may view."""
    user = request.user
    form = forms.ReportRequestForm(
        request.POST if request.method == "POST" else None,
        user=user,
        initial={"bereik": request.GET.get("bereik", "")},
    )
    if request.method == "POST" and form.is_valid():
        run = services.report_request(
            actor=user,
            scope=form.scope,
            period=form.period,
            language="en" if get_language() == "en" else "nl",
        )
        messages.success(request, _("Uw rapportage staat in de wachtrij."))
        return redirect(run)
    visible = ReportRun.objects.visible_to(user).select_related(
        "requested_by", "organisation", "region", "themegroup__region"
    )
    return render(
        request,
        "reports/report_list.html",
        {
            "form": form,
            "may_subscribe": permissions.can_subscribe(user),
            "subscriptions": list(
                ReportSubscription.objects.visible_to(user).select_related(
                    "organisation", "region", "themegroup__region"
                )
            ),
            "mine": list(visible.filter(requested_by=user)[:LIST_LENGTH]),
            "others": list(
                visible.filter(status=ReportRun.Status.KLAAR).exclude(requested_by=user)[
                    :LIST_LENGTH
                ]
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


def _visible_run(request, pk) -> ReportRun:
    """A run of a scope the reader may view now; 404 otherwise."""
    return get_object_or_404(
        ReportRun.objects.visible_to(request.user).select_related(
            "requested_by", "organisation__region", "region", "themegroup__region"
        ),
        pk=pk,
    )


@require_GET
def report_detail(request, pk):
    """A run's status, progress, reason and download; an htmx poll gets only the status
    part (which stops polling once the run is done)."""
    run = _visible_run(request, pk)
    context = _detail_context(request, run)
    if request.headers.get("HX-Request"):
        return render(request, "reports/_report_status.html", context)
    shared = _share_link(request, run, context)
    response = render(request, "reports/report_detail.html", context)
    if shared:
        patch_cache_control(response, private=True, no_store=True)
    return response


def _detail_context(request, run: ReportRun) -> dict:
    return {
        "run": run,
        "reason": services.failure_reason(run),
        "may_retry": run.status == ReportRun.Status.MISLUKT
        and permissions.can_retry_report(request.user, run),
        "may_share": permissions.can_share_report(request.user, run),
    }


@require_POST
def report_retry(request, pk):
    run = _visible_run(request, pk)
    if run.status != ReportRun.Status.MISLUKT or not permissions.can_retry_report(
        request.user, run
    ):
        raise PermissionDenied
    services.report_retry(actor=request.user, run=run)
    messages.success(request, _("Uw rapportage staat opnieuw in de wachtrij."))
    return redirect(run)


@require_GET
def report_download(request, pk):
    """The PDF, as a download that is never cached; rights checked and logged each time."""
    run = _visible_run(request, pk)
    if run.status != ReportRun.Status.KLAAR or not run.file:
        raise Http404
    services.report_download(actor=request.user, run=run)
    response = FileResponse(
        run.file.open("rb"),
        as_attachment=True,
        filename=run.filename,
        content_type="application/pdf",
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- sharing links -----------------------------------------------------------------------


# The sharing links made in this session, per run: {run id: [token, expires (ISO)]}, so
# the report's page shows the link after the redirect (and on a refresh) without posting
# again. Nothing is stored on the server side but the session.
SHARE_SESSION_KEY = "report_share_links"


@require_POST
def report_share(request, pk):
    """Make a sharing link of a finished report (its requester only), then redirect to the
    report's page, which shows the link and the moment it expires (post/redirect/get: a
    refresh does not make another link). The link itself is signed, not stored."""
    run = _visible_run(request, pk)
    if not permissions.can_share_report(request.user, run):
        raise PermissionDenied
    token = services.report_share_token(actor=request.user, run=run)
    links = request.session.get(SHARE_SESSION_KEY, {})
    links[str(run.pk)] = [token, (timezone.now() + services.SHARE_VALID).isoformat()]
    request.session[SHARE_SESSION_KEY] = links
    messages.success(request, _("De deel-link is gemaakt."))
    return redirect(reverse("reports:report_detail", args=[run.pk]) + "#delen-titel")


def _share_link(request, run: ReportRun, context: dict) -> bool:
    """Put the sharing link made in this session (if still valid) into the context."""
    if not context["may_share"]:
        return False
    token, expires = request.session.get(SHARE_SESSION_KEY, {}).get(str(run.pk), (None, None))
    if token is None:
        return False
    expires = datetime.datetime.fromisoformat(expires)
    if expires <= timezone.now():
        return False
    context["share_url"] = request.build_absolute_uri(
        reverse("reports:report_shared", args=[token])
    )
    context["share_expires"] = expires
    return True


@login_not_required
@require_GET
def report_shared(request, token):
    """The PDF behind a sharing link, without login: 404 for a tampered link (or a report
    that can no longer be shared), 410 for an expired one. Each download is logged."""
    try:
        run = services.shared_run(token)
    except services.LinkExpired:
        return render(request, "reports/share_expired.html", status=410)
    except services.LinkInvalid as error:
        raise Http404 from error
    services.report_shared_download(run=run)
    response = FileResponse(
        run.file.open("rb"),
        as_attachment=True,
        filename=run.filename,
        content_type="application/pdf",
    )
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- scheduled reports -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def subscription_create(request):
    """Subscribe to a monthly or quarterly report of a scope the reader may view
    (bestuurders and coordinators; others 403)."""
    user = request.user
    if not permissions.can_subscribe(user):
        raise PermissionDenied
    form = forms.SubscriptionForm(
        request.POST if request.method == "POST" else None,
        user=user,
        initial={"taal": "en" if get_language() == "en" else "nl", "frequentie": "kwartaal"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_create(
                actor=user,
                scope=form.scope,
                frequency=form.cleaned_data["frequentie"],
                language=form.cleaned_data["taal"],
            )
        except ValidationError as error:
            form.add_error("bereik", error)
        else:
            messages.success(request, _("Uw abonnement is opgeslagen."))
            return redirect(reverse("reports:report_list") + "#abonnementen")
    return render(
        request,
        "reports/subscription_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def subscription_delete(request, pk):
    """End one's own subscription (someone else's is not found)."""
    subscription = get_object_or_404(ReportSubscription.objects.visible_to(request.user), pk=pk)
    services.subscription_delete(actor=request.user, subscription=subscription)
    messages.success(request, _("Uw abonnement is opgezegd."))
    return redirect(reverse("reports:report_list") + "#abonnementen")
