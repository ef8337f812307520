"""Meetings of a themegroup: the agenda, who registered and attended, the minutes, the
actions that follow from them, and the reminders sent the day before.

Who sees a meeting is `Meeting.objects.visible_to(user)`; who may change it is
`community.permissions.can_manage_themegroup` (the group's coordinators and staff).
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .people import Membership, User
from .themegroups import Themegroup, ThemegroupMembership


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The meetings a user may open: staff all; an active member of an organisation
        sees the meetings of the themegroups of its region; a member or coordinator of
        a group sees its meetings wherever it is; a guest (role gast) sees only the
        meetings they are invited to (an `Attendance` row). Nothing without an active
        membership."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        active = Membership.objects.active().filter(user=user)
        if not active.exists():
            return self.none()
        regions = active.values("organisation__region")
        joined = ThemegroupMembership.objects.filter(user=user).exclude(
            role=ThemegroupMembership.Role.GAST
        )
        invited = Attendance.objects.filter(user=user)
        return self.filter(
            models.Q(themegroup__region__in=regions)
            | models.Q(themegroup__in=joined.values("themegroup"))
            | models.Q(pk__in=invited.values("meeting"))
        )

    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at")

    def past(self):
        return self.filter(starts_at__lt=timezone.now()).order_by("-starts_at")


class Meeting(models.Model):
    """A meeting of a themegroup, in a place or online."""

    themegroup = models.ForeignKey(
        Themegroup,
        verbose_name=_("themagroep"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    title = models.CharField(_("titel"), max_length=200)
    starts_at = models.DateTimeField(_("begint om"))
    ends_at = models.DateTimeField(_("eindigt om"), null=True, blank=True)
    location = models.CharField(_("plaats"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    minutes = models.TextField(_("verslag"), blank=True)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("aangemaakt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bijeenkomst")
        verbose_name_plural = _("bijeenkomsten")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["themegroup", "starts_at"], name="community_meeting_group_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(location="") | ~models.Q(online_url=""),
                name="community_meeting_has_place_or_link",
                violation_error_message=_("Geef een plaats of een online link op."),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="community_meeting_ends_after_start",
                violation_error_message=_("Een bijeenkomst eindigt na het begin."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.starts_at):%d-%m-%Y})"

    def get_absolute_url(self):
        return reverse("community:meeting_detail", kwargs=self._kwargs())

    def _kwargs(self):
        return {
            "region_slug": self.themegroup.region.slug,
            "slug": self.themegroup.slug,
            "pk": self.pk,
        }

    def get_ics_url(self):
        return reverse("community:meeting_ics", kwargs=self._kwargs())

    @property
    def is_past(self) -> bool:
        return self.starts_at < timezone.now()


class AgendaItem(models.Model):
    """One item on a meeting's agenda, in order."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("bijeenkomst"),
        on_delete=models.CASCADE,
        related_name="agenda_items",
    )
    position = models.PositiveSmallIntegerField(_("volgorde"))
    title = models.CharField(_("onderwerp"), max_length=200)
    description = models.TextField(_("toelichting"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="community_agendaitem_unique_position",
                violation_error_message=_("Deze plaats op de agenda is al bezet."),
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"


class Attendance(models.Model):
    """A person and a meeting: a guest's invitation, a registration (komt, komt niet,
    misschien) and, afterwards, whether they were there (recorded by the coordinator)."""

    class Status(models.TextChoices):
        UITGENODIGD = "uitgenodigd", _("Uitgenodigd")
        AANWEZIG = "aanwezig", _("Aanwezig")
        AFWEZIG = "afwezig", _("Afwezig")
        MISSCHIEN = "misschien", _("Misschien")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("bijeenkomst"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    user = models.ForeignKey(
        User, verbose_name=_("deelnemer"), on_delete=models.CASCADE, related_name="attendances"
    )
    status = models.CharField(
        _("aanmelding"), max_length=20, choices=Status.choices, default=Status.AANWEZIG
    )
    is_guest = models.BooleanField(_("uitgenodigd als gast"), default=False)
    attended = models.BooleanField(_("was aanwezig"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigheid")
        ordering = ["meeting", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                name="community_attendance_unique",
                violation_error_message=_("Deze deelnemer staat al op de lijst."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_status_display()}"


class MeetingAction(models.Model):
    """Something agreed at a meeting: who does it, by when, and how far it is. Open
    actions of earlier meetings come back on the group's next agenda. A link to a
    trajectory is kept by procurement (community cannot know trajectories) and reached
    through the hooks in `community.extensions`."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        BEZIG = "bezig", _("Bezig")
        AFGEROND = "afgerond", _("Afgerond")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("bijeenkomst"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("actie"), max_length=200)
    owner = models.ForeignKey(
        User,
        verbose_name=_("eigenaar"),
        on_delete=models.PROTECT,
        related_name="meeting_actions",
    )
    due_on = models.DateField(_("uiterlijk op"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("actie")
        verbose_name_plural = _("acties")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["meeting", "status"], name="community_action_meeting_st"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.AFGEROND


class MeetingReminder(models.Model):
    """The reminder mailed the day before a meeting: one per meeting and start time, so
    a rerun or redelivered job sends nothing twice (a meeting moved to another day is
    reminded again)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("bijeenkomst"), on_delete=models.CASCADE, related_name="reminders"
    )
    starts_at = models.DateTimeField(_("begint om"))
    sent_at = models.DateTimeField(_("verstuurd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("herinnering aan een bijeenkomst")
        verbose_name_plural = _("herinneringen aan bijeenkomsten")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "starts_at"],
                name="community_meetingreminder_once",
                violation_error_message=_("Voor deze bijeenkomst is al een herinnering verstuurd."),
            ),
        ]

    def __str__(self):
        return f"{self.meeting} ({self.sent_at:%d-%m-%Y})"
