"""Who may do what with a case (domain.md §4). Reading is scoped by
`Case.objects.visible_to(user)`; these predicates answer the changes."""

from cases.models import Case
from community import permissions as community_permissions
from community.models import Membership

WRITER_ROLES = {Membership.Role.INKOPER, Membership.Role.COORDINATOR}


def can_create_case(user) -> bool:
    """Inkopers and coordinators write cases; bestuurders do not."""
    if not user.is_authenticated:
        return False
    return user.is_staff or bool(community_permissions.roles_of(user) & WRITER_ROLES)


def _shares_organisation(user, case: Case) -> bool:
    own = community_permissions.organisation_ids(user, roles=WRITER_ROLES)
    return bool(own & {o.pk for o in case.organisations.all()})


def can_edit_case(user, case: Case) -> bool:
    """The author and writers of the case's organisations edit it while it is a draft."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if case.status != Case.Status.CONCEPT:
        return False
    return case.author_id == user.pk or _shares_organisation(user, case)


def can_submit_case(user, case: Case) -> bool:
    return can_edit_case(user, case)


def can_review_case(user, case: Case) -> bool:
    """A coordinator of the case's region publishes a submitted case or sends it back."""
    if case.status != Case.Status.INGEDIEND:
        return False
    if user.is_authenticated and user.is_staff:
        return True
    return community_permissions.is_coordinator_for_region(user, case.region)
