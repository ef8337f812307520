"""Themegroups (communities of practice per sector and region), their members,
meetings, agendas and attendance."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .people import Membership, Region, User
from .reference import Sector


class ThemegroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The themegroups a user may open: staff all; an active member of an
        organisation sees the themegroups of its region; a member or coordinator of a
        group (not a guest, who sees only the meetings they are invited to) sees that
        group wherever it is, while they have an active membership."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        active = Membership.objects.active().filter(user=user)
        regions = active.values("organisation__region")
        # A place in a group counts only while the user has an active membership.
        joined = ThemegroupMembership.objects.filter(user__in=active.values("user")).exclude(
            role=ThemegroupMembership.Role.GAST
        )
        return self.filter(
            models.Q(region__in=regions) | models.Q(pk__in=joined.values("themegroup"))
        )


class Themegroup(models.Model):
    """A community of practice per sector within a region (e.g. GWW in the Groene Hart)."""

    region = models.ForeignKey(
        Region, verbose_name=_("regio"), on_delete=models.PROTECT, related_name="themegroups"
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    name = models.CharField(_("naam"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150)
    description = models.TextField(_("beschrijving"), blank=True)
    goal = models.TextField(_("gezamenlijk doel"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    objects = ThemegroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("themagroep")
        verbose_name_plural = _("themagroepen")
        ordering = ["region__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "slug"],
                name="community_themegroup_unique_slug_per_region",
                violation_error_message=_("Deze regio heeft al een themagroep met deze slug."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.region})"


class ThemegroupMembership(models.Model):
    """A person's place in a themegroup: coordinator (runs the group), member, or guest
    (a market party or knowledge partner invited for a meeting)."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coördinator")
        LID = "lid", _("Lid")
        GAST = "gast", _("Gast")

    themegroup = models.ForeignKey(
        Themegroup,
        verbose_name=_("themagroep"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="themegroup_memberships",
    )

    class Digest(models.TextChoices):
        GEEN = "geen", _("Geen e-mail")
        DAGELIJKS = "dagelijks", _("Dagelijkse samenvatting")
        WEKELIJKS = "wekelijks", _("Wekelijkse samenvatting")

    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.LID)
    joined_at = models.DateTimeField(_("lid sinds"), default=timezone.now)
    digest = models.CharField(
        _("samenvatting per e-mail"),
        max_length=20,
        choices=Digest.choices,
        default=Digest.WEKELIJKS,
        help_text=_("Nieuwe praktijkvoorbeelden, bijeenkomsten, acties en leden van deze groep."),
    )

    class Meta:
        verbose_name = _("themagroeplidmaatschap")
        verbose_name_plural = _("themagroeplidmaatschappen")
        ordering = ["themegroup", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["themegroup", "user"],
                name="community_themegroupmembership_unique",
                violation_error_message=_("Deze persoon is al lid van deze themagroep."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.themegroup.name}"


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

    class Meta:
        verbose_name = _("bijeenkomst")
        verbose_name_plural = _("bijeenkomsten")
        ordering = ["-starts_at"]
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
        return f"{self.title} ({self.starts_at:%d-%m-%Y})"


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
    """Who signed up for, attended or missed a meeting."""

    class Status(models.TextChoices):
        AANGEMELD = "aangemeld", _("Aangemeld")
        AANWEZIG = "aanwezig", _("Aanwezig")
        AFWEZIG = "afwezig", _("Afwezig")

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
        _("status"), max_length=20, choices=Status.choices, default=Status.AANGEMELD
    )

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
