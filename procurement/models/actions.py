"""The trajectory a themegroup's action follows up. Kept here, not on the action:
community may not know trajectories (the import-linter layers); community reaches the
link through the hooks in `community.extensions` that `procurement.actions` provides."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from community.models import MeetingAction

from .trajectories import Trajectory


class ActionTrajectory(models.Model):
    """An action of a themegroup meeting linked to the trajectory it is about."""

    action = models.OneToOneField(
        MeetingAction,
        verbose_name=_("actie"),
        on_delete=models.CASCADE,
        related_name="trajectory_link",
    )
    trajectory = models.ForeignKey(
        Trajectory,
        verbose_name=_("traject"),
        on_delete=models.CASCADE,
        related_name="action_links",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("actie bij een traject")
        verbose_name_plural = _("acties bij trajecten")
        ordering = ["action"]

    def __str__(self):
        return f"{self.action} → {self.trajectory}"
