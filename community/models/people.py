"""People, organisations, the regions they belong to and their roles (memberships).

The base of every access rule: roles come from active memberships, and the
`visible_to(user)` querysets here scope organisations and memberships to a user.
"""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    """Creates users identified by their e-mail address."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address.

    Roles are not on the user: they come from memberships of organisations. Staff
    (`is_staff`) are the platform beheerders.
    """

    email = models.EmailField(_("e-mailadres"), unique=True)
    full_name = models.CharField(_("volledige naam"), max_length=150)
    is_staff = models.BooleanField(
        _("platformbeheerder"),
        default=False,
        help_text=_("Mag de beheeromgeving gebruiken (alleen met tweestapsverificatie)."),
    )
    is_active = models.BooleanField(_("actief"), default=True)
    date_joined = models.DateTimeField(_("lid sinds"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="community_user_email_ci_unique",
                violation_error_message=_("Er is al een account met dit e-mailadres."),
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Region(models.Model):
    """A regional community, e.g. Groene Hart or Regio Zwolle."""

    name = models.CharField(_("naam"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("beschrijving"), blank=True)

    class Meta:
        verbose_name = _("regio")
        verbose_name_plural = _("regio's")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Organisations a user may see: those of their own regions and their own.

        Staff see all; anonymous users see none.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        own = Membership.objects.active().filter(user=user)
        return self.filter(
            models.Q(pk__in=own.values("organisation"))
            | models.Q(
                region__in=own.exclude(organisation__region=None).values("organisation__region")
            )
        )


class Organisation(models.Model):
    """A public body or partner taking part in a community."""

    class Type(models.TextChoices):
        GEMEENTE = "gemeente", _("Gemeente")
        PROVINCIE = "provincie", _("Provincie")
        WATERSCHAP = "waterschap", _("Waterschap")
        RIJKSOVERHEID = "rijksoverheid", _("Rijksoverheid")
        KENNISPARTNER = "kennispartner", _("Kennispartner")
        MARKTPARTIJ = "marktpartij", _("Marktpartij")
        OVERIG = "overig", _("Overig")

    class RegionGroup(models.TextChoices):
        """The `groep` column of fixtures/gemeenten.csv."""

        KERN = "kern", _("Kerngemeente")
        RUIM = "ruim", _("Ruimere regio")
        LID = "lid", _("Lid van de regio")

    name = models.CharField(_("naam"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    type = models.CharField(_("soort"), max_length=20, choices=Type.choices)
    cbs_code = models.CharField(
        _("CBS-code"),
        max_length=6,
        blank=True,
        help_text=_("Gemeentecode van het CBS, bijvoorbeeld GM0484. Alleen voor gemeenten."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("regio"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
    )
    province = models.CharField(_("provincie"), max_length=50, blank=True)
    population = models.PositiveIntegerField(
        _("inwoners"), null=True, blank=True, help_text=_("Volgens het CBS, op de peildatum.")
    )
    population_date = models.DateField(_("peildatum inwoners"), null=True, blank=True)
    region_group = models.CharField(
        _("groep in de regio"),
        max_length=10,
        choices=RegionGroup.choices,
        blank=True,
        help_text=_(
            "Alleen voor gemeenten: kern of ruimere regio (Groene Hart), of lid (Regio Zwolle)."
        ),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cbs_code"],
                condition=~models.Q(cbs_code=""),
                name="community_organisation_cbs_code_unique",
                violation_error_message=_("Er is al een organisatie met deze CBS-code."),
            ),
            models.CheckConstraint(
                condition=models.Q(cbs_code="") | models.Q(type="gemeente"),
                name="community_organisation_cbs_code_only_gemeente",
                violation_error_message=_("Alleen een gemeente heeft een CBS-code."),
            ),
            models.CheckConstraint(
                condition=models.Q(cbs_code="") | models.Q(cbs_code__regex=r"^GM[0-9]{4}$"),
                name="community_organisation_cbs_code_format",
                violation_error_message=_("Een CBS-code is GM gevolgd door vier cijfers."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("community:organisation_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class MembershipQuerySet(models.QuerySet):
    def active(self, at=None):
        """Memberships that grant something now: not suspended and not ended.

        Every rule that reads memberships (roles, scoping, the per-request cache in
        community.permissions) starts here, so an ended or suspended membership grants
        nothing from that moment on."""
        at = at or timezone.now()
        return self.filter(
            models.Q(ended_at__isnull=True) | models.Q(ended_at__gt=at),
            suspended_at__isnull=True,
        )

    def visible_to(self, user):
        """Memberships a user may see: their own; staff see all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(user=user)

    def with_organisation(self):
        return self.select_related("organisation", "organisation__region")


class Membership(models.Model):
    """A user's role in one organisation. A user may belong to several organisations.

    A coordinator membership gives coordinator rights in the organisation's region.
    """

    class Role(models.TextChoices):
        INKOPER = "inkoper", _("Inkoper")
        COORDINATOR = "coordinator", _("Coördinator")
        BESTUURDER = "bestuurder", _("Bestuurder")

    user = models.ForeignKey(
        User, verbose_name=_("gebruiker"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    ended_at = models.DateTimeField(
        _("beëindigd op"),
        null=True,
        blank=True,
        help_text=_("Vanaf dit moment geeft het lidmaatschap geen toegang meer."),
    )
    suspended_at = models.DateTimeField(
        _("geschorst sinds"),
        null=True,
        blank=True,
        help_text=_("Zolang dit is ingevuld geeft het lidmaatschap geen toegang."),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                name="community_membership_unique_role",
                violation_error_message=_("Deze gebruiker heeft deze rol al in deze organisatie."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"
