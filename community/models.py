"""People, organisations and their roles: the base every other app builds on.

Reads are QuerySet methods that scope to the user first (`visible_to(user)`); the
predicates that answer "may this user ..." live in `community.permissions`.
"""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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


class Sector(models.TextChoices):
    """The shared sector taxonomy of themegroups and cases."""

    GWW = "gww", _("GWW (grond-, weg- en waterbouw)")
    VASTGOED = "vastgoed", _("Vastgoed")
    FACILITAIR = "facilitair", _("Facilitair")
    ICT = "ict", _("ICT")
    GROEN = "groen", _("Groen")
    MOBILITEIT = "mobiliteit", _("Mobiliteit")
    OVERIG = "overig", _("Overig")


class Source(models.Model):
    """A public document that seeded content comes from; every seeded item cites one."""

    key = models.SlugField(_("sleutel"), max_length=100, unique=True)
    title = models.CharField(_("titel"), max_length=300)
    publisher = models.CharField(_("uitgever"), max_length=200)
    year = models.PositiveIntegerField(_("jaar"), null=True, blank=True)
    url = models.URLField(_("adres"), blank=True)
    file = models.CharField(
        _("bestand"), max_length=100, blank=True, help_text=_("Tekstbestand in shared/seeds/.")
    )

    class Meta:
        verbose_name = _("bron")
        verbose_name_plural = _("bronnen")
        ordering = ["title"]

    def __str__(self):
        return f"{self.title} ({self.publisher}{f', {self.year}' if self.year else ''})"

    def natural_key(self):
        return (self.key,)


class SourcedModel(models.Model):
    """Fields shared by everything that cites a source document."""

    source = models.ForeignKey(
        Source,
        verbose_name=_("bron"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_section = models.CharField(
        _("vindplaats in de bron"),
        max_length=200,
        blank=True,
        help_text=_("Casus, hoofdstuk of paragraaf."),
    )

    class Meta:
        abstract = True


class ProductCategory(models.Model):
    """A product or service category, shared by cases and trajectories."""

    name = models.CharField(_("naam"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("productcategorie")
        verbose_name_plural = _("productcategorieën")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


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

    class Meta:
        verbose_name = _("themegroep")
        verbose_name_plural = _("themegroepen")
        ordering = ["region__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "slug"],
                name="community_themegroup_unique_slug_per_region",
                violation_error_message=_("Deze regio heeft al een themegroep met deze slug."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.region})"


class ThemegroupMembership(models.Model):
    """A person's place in a themegroup: member, facilitator or guest (market parties)."""

    class Role(models.TextChoices):
        LID = "lid", _("Lid")
        FACILITATOR = "facilitator", _("Facilitator")
        GAST = "gast", _("Gast")

    themegroup = models.ForeignKey(
        Themegroup,
        verbose_name=_("themegroep"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="themegroup_memberships",
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.LID)
    joined_at = models.DateTimeField(_("lid sinds"), default=timezone.now)

    class Meta:
        verbose_name = _("themegroeplidmaatschap")
        verbose_name_plural = _("themegroeplidmaatschappen")
        ordering = ["themegroup", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["themegroup", "user"],
                name="community_themegroupmembership_unique",
                violation_error_message=_("Deze persoon is al lid van deze themegroep."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.themegroup.name}"


class Meeting(models.Model):
    """A meeting of a themegroup, in a place or online."""

    themegroup = models.ForeignKey(
        Themegroup,
        verbose_name=_("themegroep"),
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


class Agreement(SourcedModel):
    """A network agreement such as the Green Deal Circulair Inkopen 2.0."""

    name = models.CharField(_("naam"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("beschrijving"), blank=True)
    starts_on = models.DateField(_("begindatum"), null=True, blank=True)
    ends_on = models.DateField(_("einddatum"), null=True, blank=True)

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken (Green Deals, manifesten)")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gt=models.F("starts_on")),
                name="community_agreement_ends_after_start",
                violation_error_message=_("De einddatum ligt na de begindatum."),
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class ParticipantType(models.TextChoices):
    FACILITERENDE_PARTNER = "faciliterende_partner", _("Faciliterende partner")
    KENNISPARTNER = "kennispartner", _("Kennispartner")
    INKOPENDE_DEELNEMER = "inkopende_deelnemer", _("Inkopende deelnemer")
    RIJKSOVERHEID = "rijksoverheid", _("Rijksoverheid")


class AgreementParticipant(models.Model):
    """An organisation taking part in an agreement, in one capacity."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("afspraak"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="agreement_participations",
    )
    participant_type = models.CharField(
        _("soort deelnemer"), max_length=30, choices=ParticipantType.choices
    )

    class Meta:
        verbose_name = _("deelnemer")
        verbose_name_plural = _("deelnemers")
        ordering = ["agreement", "participant_type", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"],
                name="community_agreementparticipant_unique",
                violation_error_message=_("Deze organisatie neemt al deel aan deze afspraak."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_participant_type_display()})"


class Commitment(SourcedModel):
    """A measurable commitment of an agreement's participants (of one type, or all).

    For `trajectories_started` progress is computed from the trajectories logged.
    """

    class Metric(models.TextChoices):
        TRAJECTORIES_STARTED = "trajectories_started", _("Gestarte circulaire inkooptrajecten")
        WORKING_GROUPS_GUIDED = "working_groups_guided", _("Begeleide thematische werkgroepen")
        OTHER = "other", _("Anders (handmatig bijgehouden)")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("afspraak"),
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    key = models.SlugField(_("sleutel"), max_length=100)
    applies_to = models.CharField(
        _("geldt voor"),
        max_length=30,
        choices=ParticipantType.choices,
        blank=True,
        help_text=_("Leeg: voor alle deelnemers."),
    )
    description = models.TextField(_("omschrijving"))
    metric = models.CharField(_("meetwijze"), max_length=30, choices=Metric.choices)
    target = models.PositiveIntegerField(
        _("doel per deelnemer"),
        null=True,
        blank=True,
        help_text=_("Leeg als de afspraak geen aantal noemt."),
    )
    unit = models.CharField(_("eenheid"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("toezegging")
        verbose_name_plural = _("toezeggingen")
        ordering = ["agreement", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "key"],
                name="community_commitment_unique_key",
                violation_error_message=_(
                    "Deze afspraak heeft al een toezegging met deze sleutel."
                ),
            ),
        ]

    def __str__(self):
        return self.description[:80]


class MaturityAspect(SourcedModel):
    """An organisation-level 'basisingrediënt' of circular procurement (document 001).

    Plus 'Chef Circulair aangesteld'. Seeded; the portal shows an organisation's
    maturity profile over these aspects.
    """

    key = models.SlugField(_("sleutel"), max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=150)
    description = models.TextField(_("toelichting"), blank=True)
    position = models.PositiveSmallIntegerField(_("volgorde"))

    class Meta:
        verbose_name = _("basisingrediënt")
        verbose_name_plural = _("basisingrediënten")
        ordering = ["position"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.key,)


class OrganisationMaturity(models.Model):
    """Where an organisation stands on one basisingrediënt; every change is kept."""

    class Status(models.TextChoices):
        NIET_GESTART = "niet_gestart", _("Niet gestart")
        IN_ONTWIKKELING = "in_ontwikkeling", _("In ontwikkeling")
        INGERICHT = "ingericht", _("Ingericht")
        GEBORGD = "geborgd", _("Geborgd")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="maturity",
    )
    aspect = models.ForeignKey(
        MaturityAspect,
        verbose_name=_("basisingrediënt"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NIET_GESTART
    )
    note = models.TextField(_("toelichting"), blank=True)
    assessed_on = models.DateField(_("beoordeeld op"), default=timezone.localdate)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("volwassenheid")
        verbose_name_plural = _("volwassenheid per basisingrediënt")
        ordering = ["organisation__name", "aspect__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "aspect"],
                name="community_organisationmaturity_unique",
                violation_error_message=_(
                    "Dit basisingrediënt is al beoordeeld voor deze organisatie."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.aspect}: {self.get_status_display()}"
