"""The e-mails of procurement: the reminder to a trajectory's team that its current phase
passed its planned end date."""

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

from community.models import Membership, User
from procurement.models import PhaseProgress, PhaseReminder, TeamMember, Trajectory


def reminder_recipients(trajectory: Trajectory) -> list[User]:
    """Who hears about the trajectory: its team members with an account, and whoever
    created it, while their account is active, has an e-mail address and holds an active
    membership of the owning or a participating organisation (someone who left the
    municipality is not mailed about its purchases)."""
    organisations = Q(organisation=trajectory.organisation_id) | Q(
        organisation__joint_trajectories=trajectory
    )
    members = Membership.objects.active().filter(organisations).values("user")
    team = TeamMember.objects.filter(trajectory=trajectory, user__isnull=False).values("user")
    involved = Q(pk__in=team)
    if trajectory.created_by_id:
        involved |= Q(pk=trajectory.created_by_id)
    return list(
        User.objects.filter(involved, pk__in=members, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def phase_reminder_send(*, reminder_id: int) -> int:
    """Mail the reminder to each recipient (one message each, in the portal's language),
    provided the phase is still overdue for the same planned end date: a retried task
    stays silent about a phase finished or planned anew in the meantime. Returns the
    number of messages sent. Sent by procurement.tasks.phase_reminder_mail."""
    reminder = (
        PhaseReminder.objects.select_related("progress__phase", "progress__trajectory")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None:
        return 0
    progress = reminder.progress
    trajectory = progress.trajectory
    if (
        trajectory.is_closed
        or trajectory.current_phase_id != progress.phase_id
        or progress.status != PhaseProgress.Status.BEZIG
        or progress.planned_end_on != reminder.planned_end_on
    ):
        return 0
    url = f"{settings.SITE_URL}{trajectory.get_absolute_url()}"
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for user in reminder_recipients(trajectory):
            context = {
                "user": user,
                "trajectory": trajectory,
                "phase": progress.phase,
                "planned_end_on": reminder.planned_end_on,
                "trajectory_url": url,
            }
            subject = render_to_string("emails/phase_reminder_subject.txt", context).strip()
            body = render_to_string("emails/phase_reminder_body.txt", context)
            messages.append(
                EmailMessage(
                    subject=subject,
                    body=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[user.email],
                )
            )
    if not messages:
        return 0
    # One connection for all: a mail server that is away fails before the first message.
    return mailers.default.send_messages(messages)
