"""What procurement adds to community pages through `community.extensions`: a
themegroup's and an organisation's trajectories as far as the reader may see them, with
their non-confidential columns only."""

from functools import cache
from urllib.parse import urlencode

from django.db.models import Count, Q, Window
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community.extensions import Section
from kit.localized import english
from procurement.models import Trajectory

TRAJECTORIES_SHOWN = 5  # the latest; all of them are on the list filtered on the group


def _phase(number, name, name_en) -> str:
    """A phase as `Phase.__str__` writes it, from the row's columns."""
    return f"{number}. {name_en if english() and name_en else name}" if number else ""


def _r_level(level, name, name_en) -> str:
    """An R-strategy as `RStrategy.__str__` writes it, from the row's columns."""
    return f"R{level} {name_en if english() and name_en else name}" if level is not None else ""


@cache
def _latest_rows():
    """Every trajectory as a section's row reads it: the columns a row shows (no
    confidential ones) as plain values, latest updated first, with the number of rows
    the query keeps as a window count (taken before any limit). Built once per process
    (its joins and window resolved once): a request adds its scope and its group."""
    return (
        Trajectory.objects.annotate(total=Window(Count("pk")))
        .order_by("-updated_at", "-pk")
        .values_list(
            "pk",
            "title",
            "status",
            "themegroup_id",
            "organisation__name",
            "current_phase__number",
            "current_phase__name",
            "current_phase__name_en",
            "r_level_target_id",
            "r_level_target__name_nl",
            "r_level_target__name_en",
            "total",
        )
    )


def themegroup_trajectories(user, themegroup) -> Section:
    """The group's latest trajectories as far as the reader may see them, with their
    total (`Trajectory.objects.of_themegroup`: joint ones of this group, and those of
    the members' organisations in the group's sector). One query for the rows and the
    total (`_latest_rows`), with the reader's scope as a condition (`in_view_of`)
    instead of lists read first. The link to all of them is the trajectory list
    filtered on the group (`?groep=`), which counts the same set."""
    rows = list(_latest_rows().in_view_of(user).of_themegroup(themegroup)[:TRAJECTORIES_SHOWN])
    statuses = dict(Trajectory.Status.choices)
    prefix = reverse("procurement:trajectory_detail", args=[0]).removesuffix("0/")
    trajectories = [
        {
            "pk": pk,
            "title": title,
            "url": f"{prefix}{pk}/",
            "status": statuses.get(status, status),
            "joint": group == themegroup.pk,
            "organisation": organisation,
            "phase": _phase(number, phase, phase_en),
            "r_level": _r_level(level, r_name, r_name_en),
        }
        for (
            pk,
            title,
            status,
            group,
            organisation,
            number,
            phase,
            phase_en,
            level,
            r_name,
            r_name_en,
            _total,
        ) in rows
    ]
    return Section(
        key="trajecten",
        title=_("Trajecten"),
        template="procurement/_themegroup_trajectories.html",
        context={
            "trajectories": trajectories,
            "total": rows[0][-1] if rows else 0,
            "all_url": f"{reverse('procurement:trajectory_list')}?"
            f"{urlencode({'groep': themegroup.pk})}",
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
