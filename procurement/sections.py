"""What procurement adds to community pages through `community.extensions`: a
themegroup's and an organisation's trajectories as far as the reader may see them, with
their non-confidential columns only."""

from urllib.parse import urlencode

from django.db.models import Count, Q, Window
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community.extensions import Section
from community.models import Membership, ThemegroupMembership
from procurement.models import Trajectory

TRAJECTORIES_SHOWN = 5  # the latest; the joint ones are all on the filtered list


def themegroup_trajectories(user, themegroup) -> Section:
    """The group's latest trajectories as far as the reader may see them, with their
    total: joint ones of this group, and those of the members' organisations in the
    group's sector (a trajectory takes its sector from its own themegroup). One query
    for the rows and the total (a window count, taken before the limit), joining only
    what a row shows. Non-confidential fields only; the link to all joint trajectories
    is the trajectory list filtered on the group."""
    member_organisations = (
        Membership.objects.active()
        .filter(
            user__themegroup_memberships__themegroup=themegroup,
            user__themegroup_memberships__role__in=(
                ThemegroupMembership.Role.COORDINATOR,
                ThemegroupMembership.Role.LID,
            ),
        )
        .values("organisation")
    )
    trajectories = (
        Trajectory.objects.visible_to(user)
        .filter(
            Q(themegroup=themegroup)
            | Q(organisation__in=member_organisations, themegroup__sector=themegroup.sector)
        )
        .select_related("organisation", "current_phase", "r_level_target")
        .defer("search_vector", "need_description", "notes", "outcome", "lessons")
        .annotate(total=Window(Count("pk")))
        .order_by("-updated_at", "-pk")[:TRAJECTORIES_SHOWN]
    )
    trajectories = list(trajectories)
    return Section(
        key="trajecten",
        title=_("Trajecten"),
        template="procurement/_themegroup_trajectories.html",
        context={
            "trajectories": trajectories,
            "total": trajectories[0].total if trajectories else 0,
            "themegroup": themegroup,
            "all_url": f"{reverse('procurement:trajectory_list')}?"
            f"{urlencode({'themagroep': themegroup.pk})}",
        },
    )


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
