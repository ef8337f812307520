"""Plain predicates of reporting (domain.md §4): who may view which dashboard and request
which report. Inkopers: their own organisation. Bestuurders: their own organisation and
its region in aggregate. Coordinators: their region (its organisations and themegroups)
and the themegroups they coordinate. Staff: all. They build on `community.permissions`,
so only active memberships count, read once per request.

A scope the reader may not view answers 404 in the views (its existence is not told).
"""

from django.db.models import Q

from community import permissions as community_permissions
from community.models import Membership, Organisation, Region, Themegroup, ThemegroupMembership


def _staff(user) -> bool:
    return user.is_authenticated and user.is_staff


def _region_ids(user) -> set[int]:
    """Regions whose dashboard the user may open: coordinated ones, and the regions of
    the organisations where the user is bestuurder."""
    return community_permissions.coordinated_region_ids(user) | community_permissions.region_ids(
        user, roles={Membership.Role.BESTUURDER}
    )


def _coordinated_themegroup_ids(user) -> set[int]:
    return {
        pk
        for pk, role in community_permissions.themegroup_roles(user).items()
        if role == ThemegroupMembership.Role.COORDINATOR
    }


def can_view_organisation_dashboard(user, organisation) -> bool:
    if not user.is_authenticated:
        return False
    return (
        user.is_staff
        or organisation.pk in community_permissions.organisation_ids(user)
        or organisation.region_id in community_permissions.coordinated_region_ids(user)
    )


def can_view_region_dashboard(user, region) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or region.pk in _region_ids(user)


def can_view_themegroup_dashboard(user, themegroup) -> bool:
    if not user.is_authenticated:
        return False
    return (
        user.is_staff
        or themegroup.region_id in community_permissions.coordinated_region_ids(user)
        or themegroup.pk in _coordinated_themegroup_ids(user)
    )


def dashboard_organisations(user):
    """The organisations the overview lists: the user's own (for staff too; the others
    are reached through the region dashboards and their maps)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=sorted(community_permissions.organisation_ids(user))
    ).select_related("region")


def dashboard_regions(user):
    if _staff(user):
        return Region.objects.all()
    if not user.is_authenticated:
        return Region.objects.none()
    return Region.objects.filter(pk__in=sorted(_region_ids(user)))


def dashboard_themegroups(user):
    if _staff(user):
        return Themegroup.objects.select_related("region")
    if not user.is_authenticated:
        return Themegroup.objects.none()
    regions = sorted(community_permissions.coordinated_region_ids(user))
    groups = sorted(_coordinated_themegroup_ids(user))
    if not regions and not groups:
        return Themegroup.objects.none()
    return Themegroup.objects.filter(Q(region__in=regions) | Q(pk__in=groups)).select_related(
        "region"
    )


# --- reports: the same rules, per scope ---------------------------------------------------


def viewable_scope_ids(user) -> dict[str, set[int]]:
    """The ids behind every `can_view_*_dashboard` rule, read once: what
    `ReportRun.objects.visible_to(user)` filters by (staff see all and skip this)."""
    return {
        "organisations": community_permissions.organisation_ids(user),
        "coordinated_regions": community_permissions.coordinated_region_ids(user),
        "regions": _region_ids(user),
        "themegroups": _coordinated_themegroup_ids(user),
    }


def can_view_scope(user, scope) -> bool:
    """May the user view this scope's dashboard, and so its reports?"""
    if scope.kind == "organisatie":
        return can_view_organisation_dashboard(user, scope.obj)
    if scope.kind == "regio":
        return can_view_region_dashboard(user, scope.obj)
    if scope.kind == "themagroep":
        return can_view_themegroup_dashboard(user, scope.obj)
    return False


def can_request_report(user, scope) -> bool:
    """Whoever may view a scope may ask for its report."""
    return can_view_scope(user, scope)


def can_retry_report(user, run) -> bool:
    """Only the requester retries a failed run, while they still may view its scope."""
    return run.requested_by_id == user.pk and can_view_scope(user, run.scope)


def report_organisations(user):
    """The organisations a report may be asked for: the reader's own, and for a
    coordinator those of their regions (staff: all)."""
    if _staff(user):
        return Organisation.objects.select_related("region")
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(pk__in=sorted(community_permissions.organisation_ids(user)))
        | Q(region__in=sorted(community_permissions.coordinated_region_ids(user)))
    ).select_related("region")


def can_share_report(user, run) -> bool:
    """Only the requester makes a sharing link of their finished report, while they still
    may view its scope (a scheduled report has no requester, so no link)."""
    return (
        run.requested_by_id is not None
        and run.requested_by_id == user.pk
        and run.status == "klaar"
        and bool(run.file)
        and can_view_scope(user, run.scope)
    )


def can_subscribe(user) -> bool:
    """Bestuurders and coordinators (of a region or a themegroup) subscribe to scheduled
    reports; staff too. Inkopers do not."""
    if not user.is_authenticated:
        return False
    return (
        user.is_staff
        or community_permissions.has_role(user, Membership.Role.BESTUURDER)
        or bool(community_permissions.coordinated_region_ids(user))
        or bool(_coordinated_themegroup_ids(user))
    )


def can_subscribe_scope(user, scope) -> bool:
    return can_subscribe(user) and can_view_scope(user, scope)
