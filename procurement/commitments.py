"""Progress on the commitments of network agreements, computed from the trajectories
logged in the portal (the `commitment_progress` hook of `community.extensions`).

A commitment with the metric `trajectories_started` ("each purchasing participant
starts at least two circular procurement trajectories") counts, per participant, the
trajectories with an R-ambition that the participant owns or takes part in (a joint
tender is every participant's own, as everywhere in procurement). Stopped trajectories
count too: they were started. The period of the agreement is not applied: the portal
holds what organisations log now, also about agreements whose period has ended.

Only trajectories the reader may see (`Trajectory.objects.visible_to`) are named as
evidence; the others are counted without a name. Four queries whatever the number of
participants and commitments.
"""

from collections import defaultdict

from community.extensions import Evidence, Progress
from community.models import Commitment
from procurement.models import Trajectory


def _applies(commitment, participant) -> bool:
    return not commitment.applies_to or commitment.applies_to == participant.participant_type


def circular_trajectories(organisation_ids) -> dict[int, list[tuple[int, str]]]:
    """{organisation id: [(trajectory id, title), …]} of the trajectories with an
    R-ambition that each of these organisations owns or takes part in."""
    organisation_ids = set(organisation_ids)
    if not organisation_ids:
        return {}
    circular = Trajectory.objects.filter(r_level_target__isnull=False)
    by_organisation = defaultdict(dict)
    owned = circular.filter(organisation_id__in=organisation_ids).order_by("title", "pk")
    for pk, title, organisation_id in owned.values_list("pk", "title", "organisation_id"):
        by_organisation[organisation_id][pk] = title
    joined = (
        Trajectory.participating_organisations.through.objects.filter(
            organisation_id__in=organisation_ids, trajectory__r_level_target__isnull=False
        )
        .order_by("trajectory__title", "trajectory_id")
        .values_list("trajectory_id", "trajectory__title", "organisation_id")
    )
    for pk, title, organisation_id in joined:
        by_organisation[organisation_id][pk] = title
    return {
        organisation_id: sorted(trajectories.items(), key=lambda item: (item[1], item[0]))
        for organisation_id, trajectories in by_organisation.items()
    }


def trajectories_started(user, commitments, participants):
    """The `commitment_progress` provider: progress on `trajectories_started`."""
    measured = [c for c in commitments if c.metric == Commitment.Metric.TRAJECTORIES_STARTED]
    if not measured:
        return None
    pairs = [(c, p) for c in measured for p in participants if _applies(c, p)]
    found = circular_trajectories(p.organisation_id for _c, p in pairs)
    every_id = {pk for trajectories in found.values() for pk, _title in trajectories}
    visible = (
        set(
            Trajectory.objects.visible_to(user).filter(pk__in=every_id).values_list("pk", flat=True)
        )
        if every_id
        else set()
    )
    answer = {}
    for commitment, participant in pairs:
        trajectories = found.get(participant.organisation_id, [])
        count = len(trajectories)
        answer[(commitment.pk, participant.pk)] = Progress(
            count=count,
            met=None if commitment.target is None else count >= commitment.target,
            evidence=tuple(
                Evidence(title=title, url=Trajectory(pk=pk).get_absolute_url())
                for pk, title in trajectories
                if pk in visible
            ),
            hidden=sum(1 for pk, _title in trajectories if pk not in visible),
        )
    return answer
