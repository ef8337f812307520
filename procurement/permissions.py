"""Plain predicates about trajectories: may this user read or change this? Views call
these; `Trajectory.objects.visible_to(user)` does the scoping of the non-confidential
fields (the user's own regions).

Rights come from active memberships (`community.permissions`, so an ended or suspended
membership grants nothing); staff (platform beheerders) may do everything. Pass a
trajectory with its organisation selected (`select_related("organisation")`) when a
shared trajectory's region is asked for in a loop.
"""

from community import permissions as community_permissions
from community.models import Membership

EDITOR_ROLES = frozenset({Membership.Role.INKOPER, Membership.Role.COORDINATOR})


def can_create_trajectory(user) -> bool:
    """Inkopers and coordinators start trajectories (and update KPIs in bulk) for their
    organisations; staff for any organisation."""
    if not user.is_authenticated:
        return False
    return user.is_staff or bool(community_permissions.organisation_ids(user, roles=EDITOR_ROLES))


def can_see_trajectory(user, trajectory) -> bool:
    """May the user open the trajectory (its non-confidential fields)? The same rule as
    `Trajectory.objects.visible_to`, for one trajectory already read (with its
    organisation selected and its participants prefetched, no query is needed): staff;
    active members of the owning organisation, of an organisation in the owner's region,
    or of a participating organisation."""
    return _sees(
        user,
        trajectory.organisation.region_id if user.is_authenticated else None,
        lambda own: _own(trajectory, own),
    )


def can_see_trajectory_of(user, *, owner_id: int, region_id, participant_ids) -> bool:
    """`can_see_trajectory` for a trajectory read as plain values: its owner, the
    owner's region and the ids of its participating organisations."""
    return _sees(
        user,
        region_id,
        lambda own: owner_id in own or any(pk in own for pk in participant_ids),
    )


def _sees(user, region_id, owns) -> bool:
    """The rule of `can_see_trajectory`; `owns(organisation_ids)` answers whether the
    trajectory is owned or joined by one of them (asked last: it may need a query)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    own = community_permissions.organisation_ids(user)
    if not own:
        return False
    if region_id is not None and region_id in community_permissions.region_ids(user):
        return True
    return owns(own)


def can_see_confidential(user, trajectory) -> bool:
    """May the user read the estimated value, the supplier while the tender runs and the
    internal notes?

    Active members of the owning or a participating organisation (any role) and staff.
    When the owner shares them (`share_confidential`), also active members of any
    organisation in the owner's region: the readers of the trajectory itself.
    """
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if _own(trajectory, community_permissions.organisation_ids(user)):
        return True
    if not trajectory.share_confidential:
        return False
    region_id = trajectory.organisation.region_id
    return region_id is not None and region_id in community_permissions.region_ids(user)


def can_edit_trajectory(user, trajectory) -> bool:
    """May the user change the trajectory? Active inkopers and coordinators of the owning
    (or a participating) organisation, and staff. A bestuurder reads; sharing grants no editing."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return _own(trajectory, community_permissions.organisation_ids(user, roles=EDITOR_ROLES))


def _own(trajectory, organisation_ids: set[int]) -> bool:
    """Is the trajectory one of these organisations': owned, or joined as a
    participating organisation (a joint tender is every participant's own)?"""
    if trajectory.organisation_id in organisation_ids:
        return True
    if not organisation_ids or trajectory.pk is None:
        return False
    return any(pk in organisation_ids for pk in participant_ids(trajectory))


def participant_ids(trajectory) -> list[int]:
    """Ids of the participating organisations (from a prefetch when there is one)."""
    cache = getattr(trajectory, "_prefetched_objects_cache", {})
    if "participating_organisations" in cache:
        return [o.pk for o in cache["participating_organisations"]]
    return list(trajectory.participating_organisations.values_list("pk", flat=True))
