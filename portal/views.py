"""Pages of the portal itself: start page, statements, security.txt and health."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cases import permissions as case_permissions
from cases.models import Case
from community import permissions
from community.models import Membership, MembershipRequest
from portal import health
from procurement.models import Trajectory
from reports import dashboards, metrics

# How many of one's own drafts and running trajectories the start page lists.
START_PAGE_ROWS = 5


@login_not_required
@require_GET
def home(request):
    """Public landing page: the map of participating municipalities and a few public
    figures (no names, nothing confidential: `reports.metrics.public_figures`); for a
    signed-in user, their start page with their roles."""
    memberships = []
    context = {}
    if request.user.is_authenticated:
        memberships = list(
            Membership.objects.visible_to(request.user)
            .filter(user=request.user)
            .with_organisation()
        )
        # Onboarding: the person's open requests for an organisation (an account without
        # a membership waits for them), and for a coordinator how many wait in the queue.
        context["open_requests"] = list(
            MembershipRequest.objects.open()
            .filter(user=request.user)
            .select_related("organisation")
        )
        if permissions.can_view_membership_requests(request.user):
            context["queue_count"] = (
                MembershipRequest.objects.decidable_by(request.user).open().count()
            )
        if case_permissions.can_see_review_queue(request.user):
            # A coordinator's start page says how many cases await their review.
            context["review_count"] = case_permissions.reviewable_cases(request.user).count()
        roles = {membership.role for membership in memberships}
        if roles & {Membership.Role.INKOPER, Membership.Role.COORDINATOR}:
            # A writer's own work: the drafts they wrote that are not published yet, and
            # the running trajectories they may edit, most recently changed first.
            context["my_drafts"] = list(
                Case.objects.visible_to(request.user)
                .filter(author=request.user)
                .exclude(status=Case.Status.GEPUBLICEERD)
                .only("slug", "title", "status", "updated_at")
                .order_by("-updated_at")[:START_PAGE_ROWS]
            )
            context["my_trajectories"] = list(
                Trajectory.objects.editable_by(request.user)
                .filter(status=Trajectory.Status.LOPEND)
                .select_related("current_phase")
                .only("title", "current_phase", "updated_at")
                .order_by("-updated_at")[:START_PAGE_ROWS]
            )
        context["show_dashboards"] = bool(
            roles & {Membership.Role.BESTUURDER, Membership.Role.COORDINATOR}
        )
    else:
        scope = metrics.Scope.platform()
        today = timezone.localdate()
        context["figures"] = metrics.public_figures(scope, metrics.Period.year(today.year))
        context["phase_chart"] = dashboards.phase_chart(context["figures"].phases)
        region_map = dashboards.public_map(scope)
        context["map"] = region_map if region_map.participating else None
    return render(request, "portal/home.html", {"memberships": memberships, **context})


@login_not_required
@require_GET
def accessibility(request):
    return render(request, "portal/accessibility.html")


@login_not_required
@require_GET
def privacy(request):
    return render(request, "portal/privacy.html")


@login_not_required
@require_GET
def security(request):
    """How to report a vulnerability, for people (the footer links here); the machine
    readable version is security.txt."""
    contact = settings.SECURITY_CONTACT
    return render(
        request,
        "portal/security.html",
        {"contact": contact, "contact_address": contact.removeprefix("mailto:")},
    )


@login_not_required
@require_GET
def security_txt(request):
    """RFC 9116 security.txt; Expires is always a year ahead of the request."""

    expires = (timezone.now() + timedelta(days=365)).replace(microsecond=0)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: nl, en",
        f"Canonical: {request.build_absolute_uri()}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@login_not_required
@require_GET
@never_cache
def health_check(request):
    """200 when database, cache and broker answer, 503 when one does not.

    Anonymous callers (load balancers) get only the status; staff also see each check.
    """
    results = health.run_checks()
    healthy = all(result.ok for result in results)
    body = {"status": "ok" if healthy else "error"}
    if request.user.is_authenticated and request.user.is_staff:
        body["checks"] = {r.name: {"ok": r.ok, "detail": r.detail} for r in results}
        body["worker_heartbeat"] = health.worker_heartbeat_last()
    return JsonResponse(body, status=200 if healthy else 503)
