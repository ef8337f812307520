"""Who may do what with a case (domain.md §4). Reading is scoped by
`Case.objects.visible_to(user)`; these predicates answer the changes. Every rule reads
the user's active memberships (community.permissions), so a membership that ended or
is suspended grants nothing, also to the author of a draft."""

from cases.models import Case
from community import permissions as community_permissions
from community.models import Membership, Organisation, Region

WRITER_ROLES = {Membership.Role.INKOPER, Membership.Role.COORDINATOR}


def can_create_case(user) -> bool:
    """Inkopers and coordinators write cases; bestuurders do not."""
    if not user.is_authenticated:
        return False
    return user.is_staff or bool(community_permissions.roles_of(user) & WRITER_ROLES)


def writable_organisations(user):
    """The organisations a user may name on a case: those where they write (inkoper or
    coordinator); staff any."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_staff:
        return Organisation.objects.all()
    ids = community_permissions.organisation_ids(user, roles=WRITER_ROLES)
    return Organisation.objects.filter(pk__in=ids)


def writable_regions(user):
    """The regions a case may be filed under: those of the user's writing organisations
    (a case's region follows its organisations); staff any."""
    if not user.is_authenticated:
        return Region.objects.none()
    if user.is_staff:
        return Region.objects.all()
    return Region.objects.filter(
        pk__in=writable_organisations(user).exclude(region=None).values("region")
    )


def _shares_organisation(user, case: Case) -> bool:
    own = community_permissions.organisation_ids(user, roles=WRITER_ROLES)
    return bool(own & {o.pk for o in case.organisations.all()})


def can_edit_case(user, case: Case) -> bool:
    """Writers of the case's organisations edit it while it is a draft; staff always."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if case.status != Case.Status.CONCEPT:
        return False
    return _shares_organisation(user, case)


def can_submit_case(user, case: Case) -> bool:
    """Only a draft is submitted, by those who may edit it (staff too: a published or
    submitted case is never sent back into review by a submit)."""
    return case.status == Case.Status.CONCEPT and can_edit_case(user, case)


def can_review_case(user, case: Case) -> bool:
    """A coordinator of the case's region publishes a submitted case or sends it back.
    (They must also have two-factor authentication: `review_needs_mfa`.)"""
    if case.status != Case.Status.INGEDIEND:
        return False
    if user.is_authenticated and user.is_staff:
        return True
    return community_permissions.is_coordinator_for_region(user, case.region)


def review_needs_mfa(user) -> bool:
    """Reviewing publishes to the community or the world: only with two-factor
    authentication. True if the user must set it up first."""
    return not community_permissions.has_mfa(user)


def can_see_history(user, case: Case) -> bool:
    """The change history is for those who may change or review the case, and staff."""
    if not user.is_authenticated:
        return False
    return user.is_staff or can_edit_case(user, case) or can_review_case(user, case)
