"""Who may do what with a case (domain.md §4). Reading is scoped by
`Case.objects.visible_to(user)`; these predicates answer the changes. Every rule reads
the user's active memberships (community.permissions), so a membership that ended or
is suspended grants nothing, also to the author of a draft."""

from django.db.models import Exists, OuterRef, Q

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
    """Writers of the case's organisations edit it while it is a draft; a published case
    its author (while still a writer of one of its organisations) and the coordinators of
    its region (`can_maintain_published`); staff always. A submitted case waits for its
    review."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if case.status == Case.Status.GEPUBLICEERD:
        return can_maintain_published(user, case)
    if case.status != Case.Status.CONCEPT:
        return False
    return _shares_organisation(user, case)


def can_maintain_published(user, case: Case) -> bool:
    """Who keeps a published case up to date and may withdraw it (back to concept): its
    author while they still write for one of its organisations, a coordinator of its
    region, and staff."""
    if case.status != Case.Status.GEPUBLICEERD or not user.is_authenticated:
        return False
    if user.is_staff or community_permissions.is_coordinator_for_region(user, case.region):
        return True
    return case.author_id == user.pk and _shares_organisation(user, case)


def can_withdraw_case(user, case: Case) -> bool:
    """A published case is withdrawn by those who maintain it."""
    return can_maintain_published(user, case)


def can_submit_case(user, case: Case) -> bool:
    """Only a draft is submitted, by those who may edit it (staff too: a published or
    submitted case is never sent back into review by a submit)."""
    return case.status == Case.Status.CONCEPT and can_edit_case(user, case)


def can_review_case(user, case: Case) -> bool:
    """A coordinator of the case's region publishes a submitted case or sends it back,
    but not their own case while the region has another coordinator to review it
    (`is_own_case_for_colleague`). (They must also have two-factor authentication:
    `review_needs_mfa`.)"""
    if case.status != Case.Status.INGEDIEND:
        return False
    if user.is_authenticated and user.is_staff:
        return True
    if not community_permissions.is_coordinator_for_region(user, case.region):
        return False
    return not is_own_case_for_colleague(user, case)


def is_own_case_for_colleague(user, case: Case) -> bool:
    """True if the user wrote this case and another coordinator of its region (with an
    active membership) can review it: four eyes where there are two pairs. A region with
    a single coordinator does not get stuck; staff are not bound by it."""
    if not user.is_authenticated or case.author_id != user.pk or case.region_id is None:
        return False
    return (
        Membership.objects.active()
        .filter(role=Membership.Role.COORDINATOR, organisation__region=case.region_id)
        .exclude(user=user)
        .exists()
    )


def reviewable_cases(user):
    """The submitted cases a user may review: those of the regions they coordinate
    (staff: all), without their own where a colleague reviews them. Oldest first is the
    view's business."""
    submitted = Case.objects.filter(status=Case.Status.INGEDIEND)
    if not user.is_authenticated:
        return submitted.none()
    if user.is_staff:
        return submitted
    regions = community_permissions.coordinated_region_ids(user)
    if not regions:
        return submitted.none()
    colleagues = (
        Membership.objects.active()
        .filter(role=Membership.Role.COORDINATOR, organisation__region=OuterRef("region"))
        .exclude(user=user)
    )
    return submitted.filter(region__in=regions).exclude(Q(author=user) & Exists(colleagues))


def can_see_review_queue(user) -> bool:
    """Coordinators (of any region) and staff have a review queue."""
    if not user.is_authenticated:
        return False
    return user.is_staff or bool(community_permissions.coordinated_region_ids(user))


def can_contact_about_case(user, case: Case) -> bool:
    """Signed-in members (an active membership, or staff) write to the author or the
    contact of a published case; not to themselves, and not when nobody is there to
    receive it (`contact_recipient`)."""
    if case.status != Case.Status.GEPUBLICEERD or not community_permissions.is_linked(user):
        return False
    recipient = contact_recipient(case)
    return recipient is not None and recipient.pk != user.pk


def contact_recipient(case: Case):
    """Who receives a message about a case: its named contact, else its author; only an
    active account with an e-mail address (None otherwise)."""
    for person in (case.contact, case.author):
        if person is not None and person.is_active and person.email:
            return person
    return None


def review_needs_mfa(user) -> bool:
    """Reviewing publishes to the community or the world: only with two-factor
    authentication. True if the user must set it up first."""
    return not community_permissions.has_mfa(user)


def can_see_history(user, case: Case) -> bool:
    """The change history is for those who may change or review the case, and staff."""
    if not user.is_authenticated:
        return False
    return user.is_staff or can_edit_case(user, case) or can_review_case(user, case)
