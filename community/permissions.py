"""Plain predicates: may this user do this? Views call these; querysets do the scoping.

Roles come from memberships: a user may be inkoper in one organisation and bestuurder in
another. A coordinator membership gives coordinator rights in the organisation's region.
Staff (platform beheerders) may do everything.
"""

from allauth.mfa.utils import is_mfa_enabled

from community.models import Membership, ThemegroupMembership


def _memberships(user) -> list[tuple[str, int, int | None]]:
    """(role, organisation id, region id) of each of the user's active memberships.

    Read once per request and kept on the user object: navigation, scoping and
    permission checks all ask, so one query answers them all. Ended and suspended
    memberships are not in it (`MembershipQuerySet.active`)."""
    if not hasattr(user, "_portal_memberships"):
        user._portal_memberships = list(
            Membership.objects.active()
            .filter(user=user)
            .order_by()
            .values_list("role", "organisation_id", "organisation__region_id")
        )
    return user._portal_memberships


def forget_memberships(user) -> None:
    """Drop the user's memberships kept for this request (`_memberships`): after a
    change to them, the next question reads them again."""
    user.__dict__.pop("_portal_memberships", None)


def roles_of(user) -> set[str]:
    """The roles a user holds in any organisation (empty for anonymous users)."""
    if not user.is_authenticated:
        return set()
    return {role for role, _organisation, _region in _memberships(user)}


def is_linked(user) -> bool:
    """Staff, or linked to an organisation by a coordinator: may read community content.

    A self-registered account without a membership sees only what is public."""
    return user.is_authenticated and (user.is_staff or bool(roles_of(user)))


def organisation_ids(user, roles=None) -> set[int]:
    """The organisations in which the user holds any of these roles (any role if None)."""
    if not user.is_authenticated:
        return set()
    return {
        organisation
        for role, organisation, _region in _memberships(user)
        if roles is None or role in roles
    }


def region_ids(user, roles=None) -> set[int]:
    """The regions of the organisations in which the user holds any of these roles."""
    if not user.is_authenticated:
        return set()
    return {
        region
        for role, _organisation, region in _memberships(user)
        if region is not None and (roles is None or role in roles)
    }


def has_role(user, role: str) -> bool:
    return role in roles_of(user)


def coordinated_region_ids(user) -> set[int]:
    """Regions in which the user has coordinator rights."""
    if not user.is_authenticated:
        return set()
    return {
        region
        for role, _organisation, region in _memberships(user)
        if role == Membership.Role.COORDINATOR and region is not None
    }


def is_coordinator_for_region(user, region) -> bool:
    if user.is_authenticated and user.is_staff:
        return True
    return region is not None and region.pk in coordinated_region_ids(user)


def themegroup_roles(user) -> dict[int, str]:
    """{themegroup id: role} of the user's places in themegroups, read once per request
    like `_memberships`. A place counts only while the user is linked (has an active
    membership or is staff): a former or suspended member keeps nothing."""
    if not user.is_authenticated or not is_linked(user):
        return {}
    if not hasattr(user, "_portal_themegroup_roles"):
        user._portal_themegroup_roles = dict(
            ThemegroupMembership.objects.filter(user=user)
            .order_by()
            .values_list("themegroup_id", "role")
        )
    return user._portal_themegroup_roles


def forget_themegroup_roles(user) -> None:
    """Drop the themegroup places kept for this request (after a change to them)."""
    user.__dict__.pop("_portal_themegroup_roles", None)


def themegroup_role(user, themegroup) -> str | None:
    """The user's role in this themegroup (coordinator, lid, gast), or None."""
    return themegroup_roles(user).get(themegroup.pk)


def is_themegroup_member(user, themegroup) -> bool:
    """A member or coordinator of the group (not a guest): sees its member list,
    documents and all its meetings."""
    return (user.is_authenticated and user.is_staff) or themegroup_role(user, themegroup) in {
        ThemegroupMembership.Role.COORDINATOR,
        ThemegroupMembership.Role.LID,
    }


def can_see_themegroup(user, themegroup) -> bool:
    """May the user open the group's page (as `Themegroup.objects.visible_to`)? Staff;
    an active member of an organisation in the group's region; the group's members and
    coordinators while they are linked (a guest sees only the meetings they are invited
    to). Answered from what the request reads anyway (`_memberships`,
    `themegroup_roles`), so looking a group up needs no scope subquery."""
    if not user.is_authenticated:
        return False
    return (
        user.is_staff
        or themegroup.region_id in region_ids(user)
        or is_themegroup_member(user, themegroup)
    )


def sees_all_meetings(user, themegroup) -> bool:
    """Does the user see every meeting of this group (`Meeting.objects.visible_to`
    without its part for invited guests)? Whoever may open the group's page does."""
    return can_see_themegroup(user, themegroup)


def can_manage_themegroup(user, themegroup) -> bool:
    """Staff, or a coordinator of this themegroup: manages its members, invitations,
    meetings, actions, documents and announcements. Coordinators of other groups get
    403 here (they may still read the group if it is in their region)."""
    if not user.is_authenticated:
        return False
    return user.is_staff or themegroup_role(user, themegroup) == (
        ThemegroupMembership.Role.COORDINATOR
    )


def can_request_to_join(user, themegroup) -> bool:
    """An active member of an organisation in the group's region who has no place in the
    group (not even as a guest) may ask to join it."""
    return (
        user.is_authenticated
        and themegroup.region_id in region_ids(user)
        and themegroup_role(user, themegroup) is None
    )


def can_leave_themegroup(user, themegroup) -> bool:
    """Whoever has a place in the group may give it up (the last coordinator is refused
    by the service, with the reason)."""
    return user.is_authenticated and themegroup_role(user, themegroup) is not None


def can_share_documents(user, themegroup) -> bool:
    """Members and coordinators (and staff) upload documents to the group; guests read
    only what is shared with them."""
    return is_themegroup_member(user, themegroup)


def can_read_document(user, themegroup, document) -> bool:
    """Members read every document of the group; a guest only those shared with guests."""
    if is_themegroup_member(user, themegroup):
        return True
    return (
        document.shared_with_guests
        and themegroup_role(user, themegroup) == ThemegroupMembership.Role.GAST
    )


def has_mfa(user) -> bool:
    """Has the user set up two-factor authentication? Asked once per request."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_portal_has_mfa"):
        user._portal_has_mfa = is_mfa_enabled(user)
    return user._portal_has_mfa


def staff_needs_mfa(user) -> bool:
    """Staff rights are used only with two-factor authentication: a staff account
    without it is sent to set it up before any page that could use those rights."""
    return user.is_authenticated and user.is_staff and not has_mfa(user)


def can_use_admin(user) -> bool:
    """The admin (/beheer/) is for active staff; MFA is enforced by middleware."""
    return user.is_authenticated and user.is_active and user.is_staff


ASSESSOR_ROLES = frozenset({Membership.Role.INKOPER, Membership.Role.COORDINATOR})


def can_read_maturity(user, organisation) -> bool:
    """The named maturity profile of an organisation: its own active members (inkopers,
    coordinators, bestuurders) and staff. Others of the region see only the anonymous
    distribution of the region."""
    if not user.is_authenticated:
        return False
    return user.is_staff or organisation.pk in organisation_ids(user)


def can_assess_maturity(user, organisation) -> bool:
    """Fill in the organisation's maturity: its own inkopers and coordinators, and staff.
    A bestuurder reads it."""
    if not user.is_authenticated:
        return False
    return user.is_staff or organisation.pk in organisation_ids(user, roles=ASSESSOR_ROLES)


def can_create_agreement(user) -> bool:
    """Add an agreement: a coordinator for their region(s), staff for any region or none."""
    if not user.is_authenticated:
        return False
    return user.is_staff or bool(coordinated_region_ids(user))


def can_view_membership_requests(user) -> bool:
    """The queue of requests to be linked to an organisation: coordinators (for the
    regions they coordinate) and staff. Inkopers and bestuurders get 403."""
    if not user.is_authenticated:
        return False
    return user.is_staff or bool(coordinated_region_ids(user))


def can_decide_membership_request(user, membership_request) -> bool:
    """Approve or decline a request: a coordinator of the organisation's region, or staff.
    (Who may not see the request at all gets 404 from the scoped queryset.)"""
    if not user.is_authenticated:
        return False
    return is_coordinator_for_region(user, membership_request.organisation.region)


def can_withdraw_membership_request(user, membership_request) -> bool:
    """Only the applicant withdraws their own request."""
    return user.is_authenticated and membership_request.user_id == user.pk
