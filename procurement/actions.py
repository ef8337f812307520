"""Providers of the community hooks about meeting actions (`community.extensions`):
which trajectories an action may be linked to, the trajectory each action follows up,
and saving that link. Registered in `ProcurementConfig.ready()`."""

from functools import cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from community import permissions as community_permissions
from community.extensions import LinkedObject
from procurement.models import ActionTrajectory, Trajectory

CHOICES_LIMIT = 200


def _linkable(user, themegroup):
    """Trajectories the user may see that belong to the group or to one of the user's
    own organisations."""
    own = community_permissions.organisation_ids(user)
    return Trajectory.objects.visible_to(user).filter(
        Q(themegroup=themegroup) | Q(organisation__in=own)
    )


def trajectory_choices(user, themegroup) -> list[tuple[int, str]]:
    rows = (
        _linkable(user, themegroup)
        .order_by("title", "pk")
        .values_list("pk", "title", "organisation__name")[:CHOICES_LIMIT]
    )
    return [(pk, f"{title} ({organisation})") for pk, title, organisation in rows]


@cache
def _links():
    """Every link of an action to a trajectory as (action, trajectory, its title), built
    once per process (a request adds which actions). No ordering: the link's default
    (by action) would join the actions table."""
    return ActionTrajectory.objects.order_by().values_list(
        "action_id", "trajectory_id", "trajectory__title"
    )


def linked_trajectories(user, action_ids) -> dict[int, LinkedObject]:
    """The trajectory each of these actions follows up, where the reader may see it.
    The links are read first (most actions have none); the reader's scope is asked only
    for the trajectories they name."""
    ids = list(action_ids)
    if not ids:
        return {}
    links = list(_links().filter(action__in=ids))
    if not links:
        return {}
    visible = set(
        Trajectory.objects.in_view_of(user)
        .filter(pk__in={trajectory_id for _action, trajectory_id, _title in links})
        .values_list("pk", flat=True)
    )
    return {
        action_id: LinkedObject(
            pk=trajectory_id,
            title=title,
            url=Trajectory(pk=trajectory_id).get_absolute_url(),
        )
        for action_id, trajectory_id, title in links
        if trajectory_id in visible
    }


@transaction.atomic
def trajectory_link_set(actor, action, trajectory_id) -> bool:
    """Link the action to the trajectory (or unlink it with None); the history records
    the actor."""
    link = ActionTrajectory.objects.filter(action=action).first()
    if trajectory_id is None:
        if link is not None:
            link._history_user = actor
            link.delete()
        return True
    trajectory = _linkable(actor, action.meeting.themegroup).filter(pk=trajectory_id).first()
    if trajectory is None:
        raise ValidationError({"trajectory": _("U kunt deze actie niet aan dit traject koppelen.")})
    if link is None:
        link = ActionTrajectory(action=action)
    if link.trajectory_id != trajectory.pk:
        link.trajectory = trajectory
        link._history_user = actor
        link.full_clean()
        link.save()
    return True
