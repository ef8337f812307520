"""Themegroups (communities of practice per sector and region), their members,
meetings, agendas and attendance."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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

    def get_absolute_url(self):
        return reverse("community:themegroup_detail", args=[self.region.slug, self.slug])


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

    # Who added, changed or removed a place, and when (community.services set the actor).
    history = HistoricalRecords()

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
