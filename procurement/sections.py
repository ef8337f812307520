"""The trajectories part of community pages (the `organisation_sections` hook of
`community.extensions`): an organisation's trajectories as far as the reader may see
them, with their non-confidential columns only."""

from django.db.models import Q
from django.utils.translation import gettext as _

from community.extensions import Section
from procurement.models import Trajectory

LIMIT = 25


def organisation_trajectories(user, organisation):
    """The trajectories the organisation owns or takes part in that `user` may see
    (none for a reader outside its region: then no section). Title, status, phase and
    R-levels only: value, supplier and notes are never read here."""
    joined = Trajectory.participating_organisations.through.objects.filter(
        organisation=organisation
    ).values("trajectory")
    trajectories = list(
        Trajectory.objects.visible_to(user)
        .filter(Q(organisation=organisation) | Q(pk__in=joined))
        .defer("search_vector", "need_description", "notes", "outcome", "lessons")
        .select_related("current_phase", "r_level_target", "r_level_achieved")
        .order_by("-updated_at", "-id")[: LIMIT + 1]
    )
    return Section(
        key="trajecten",
        title=_("Inkooptrajecten"),
        template="procurement/_organisation_trajectories.html",
        context={
            "trajectories": trajectories[:LIMIT],
            "more": len(trajectories) > LIMIT,
            "organisation": organisation,
        },
    )
