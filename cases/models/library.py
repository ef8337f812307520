"""Cases (praktijkvoorbeelden): the case, its parts (R-strategies, obstacles per
dimension, lessons, attachments), keywords, and who may read them."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from community import permissions
from community.models import (
    Organisation,
    ProductCategory,
    Region,
    Sector,
    SourcedModel,
    Themegroup,
)
from procurement.models import AwardBasis, Procedure, RStrategy, SpecialMethod, Trajectory


class Tag(models.Model):
    """A free keyword on cases."""

    name = models.CharField(_("naam"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("trefwoord")
        verbose_name_plural = _("trefwoorden")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


# The years a case may have (a check constraint; the year facet offers each of them).
YEAR_MIN, YEAR_MAX = 1990, 2100

# Who browses the library: everything published (members) or only what is public.
COMMUNITY, PUBLIC = "community", "public"


def audience_of(user) -> str:
    """The audience a user browses as; cached lists and counts are kept per audience."""
    return COMMUNITY if permissions.is_linked(user) else PUBLIC


# Length limits of the texts of a case, shown with each field (kit.limits) and enforced
# by forms, the admin and the services' full_clean alike.
SUMMARY_MAX = 1000
STORY_MAX = 10_000
PART_MAX = 2000


def _limited_text(verbose_name, limit: int, **options) -> models.TextField:
    """A text field with a maximum length that the model itself checks (a TextField's
    max_length alone only reaches the form)."""
    return models.TextField(
        verbose_name, max_length=limit, validators=[MaxLengthValidator(limit)], **options
    )


# What a list never shows: read only on a case page (and by the search index).
LONG_FIELDS = (
    "context",
    "approach",
    "involved_parties",
    "results",
    "review_comment",
    "withdrawal_reason",
)


class CaseQuerySet(models.QuerySet):
    def published_for(self, user):
        """The published cases a user may browse: public ones for anonymous visitors and
        accounts not yet linked to an organisation, all published ones for members."""
        return self.published_to(audience_of(user))

    def published_to(self, audience: str):
        """The published cases of an audience (see `audience_of`)."""
        published = self.filter(status=Case.Status.GEPUBLICEERD)
        if audience == COMMUNITY:
            return published
        return published.filter(visibility=Case.Visibility.OPENBAAR)

    def with_card_data(self):
        """What a case card shows, in a constant number of queries; the long texts and
        the search vector stay in the database (stored out of line, costly to read)."""
        return (
            self.defer(*LONG_FIELDS, "search_vector")
            .select_related("region", "product_category")
            .prefetch_related(
                "organisations",
                models.Prefetch(
                    "strategies", queryset=CaseStrategy.objects.select_related("r_level")
                ),
            )
        )

    def for_page(self):
        """What a case page shows besides its stored article and the names of its
        organisations and keywords (`Case.shown_names`): read live, so a rename shows at
        once."""
        return self.defer("search_vector").select_related(
            "region", "product_category", "source", "contact", "themegroup"
        )

    def visible_to(self, user):
        """Cases a user may read.

        Public cases for everyone. Published community cases for signed-in users with
        an active membership (a self-registered account sees nothing non-public until a
        coordinator has linked it). Drafts and submitted cases of the organisations the
        user is an active member of; for coordinators also what is submitted in their
        region. Staff see all. Being the author grants nothing by itself: an author
        whose membership ended no longer sees the organisation's drafts.
        """
        public = models.Q(status=Case.Status.GEPUBLICEERD, visibility=Case.Visibility.OPENBAAR)
        if not user.is_authenticated:
            return self.filter(public)
        if user.is_staff:
            return self.all()
        own_organisations = permissions.organisation_ids(user)
        condition = public
        if permissions.is_linked(user):
            condition |= models.Q(status=Case.Status.GEPUBLICEERD) | models.Q(
                pk__in=Case.organisations.through.objects.filter(
                    organisation__in=own_organisations
                ).values("case")
            )
        regions = permissions.coordinated_region_ids(user)
        if regions:
            condition |= models.Q(status=Case.Status.INGEDIEND, region__in=regions)
        return self.filter(condition)


class Case(SourcedModel):
    """A praktijkvoorbeeld: how an organisation bought not, differently or less."""

    class Status(models.TextChoices):
        CONCEPT = "concept", _("Concept")
        INGEDIEND = "ingediend", _("Ingediend")
        GEPUBLICEERD = "gepubliceerd", _("Gepubliceerd")

    class Visibility(models.TextChoices):
        COMMUNITY = "community", _("Community (ingelogde gebruikers)")
        OPENBAAR = "openbaar", _("Openbaar")

    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = _limited_text(_("samenvatting"), SUMMARY_MAX)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisaties"), related_name="cases", blank=True
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("regio"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    themegroup = models.ForeignKey(
        Themegroup,
        verbose_name=_("themagroep"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    product_category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("productcategorie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    year = models.PositiveSmallIntegerField(_("jaar"), null=True, blank=True)
    procedure = models.CharField(
        _("procedure"), max_length=40, choices=Procedure.choices, blank=True
    )
    special_method = models.CharField(
        _("bijzondere werkwijze"), max_length=40, choices=SpecialMethod.choices, blank=True
    )
    award_basis = models.CharField(
        _("gunningsgrondslag"), max_length=30, choices=AwardBasis.choices, blank=True
    )
    context = _limited_text(_("context"), STORY_MAX, blank=True)
    approach = _limited_text(_("aanpak"), STORY_MAX, blank=True)
    involved_parties = _limited_text(_("betrokken partijen"), STORY_MAX, blank=True)
    results = _limited_text(_("resultaten"), STORY_MAX, blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.CONCEPT
    )
    visibility = models.CharField(
        _("zichtbaarheid"), max_length=15, choices=Visibility.choices, default=Visibility.COMMUNITY
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authored_cases",
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contactpersoon"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_for_cases",
        help_text=_("Een gebruiker van het portaal."),
    )
    trajectories = models.ManyToManyField(
        Trajectory, verbose_name=_("gekoppelde inkooptrajecten"), related_name="cases", blank=True
    )
    tags = models.ManyToManyField(
        Tag, verbose_name=_("trefwoorden"), related_name="cases", blank=True
    )
    review_comment = _limited_text(
        _("opmerking van de beoordelaar"),
        PART_MAX,
        blank=True,
        help_text=_("Waarom het praktijkvoorbeeld is teruggestuurd."),
    )
    withdrawal_reason = _limited_text(
        _("reden van terugtrekken"),
        PART_MAX,
        blank=True,
        help_text=_("Waarom het gepubliceerde praktijkvoorbeeld weer een concept is."),
    )
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    # Dutch full-text search (PostgreSQL): kept current by services.case_search_index().
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "search_vector"])

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("praktijkvoorbeeld")
        verbose_name_plural = _("praktijkvoorbeelden")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            # The list walks this index newest first and stops after a page (keyset).
            models.Index(
                fields=["-published_at", "-id"],
                name="cases_case_published_idx",
                condition=models.Q(status="gepubliceerd"),
            ),
            # Drafts and submitted cases, newest change first (the "in progress" list).
            # The list sorted by title walks this one.
            models.Index(
                fields=["title", "id"],
                name="cases_case_title_idx",
                condition=models.Q(status="gepubliceerd"),
            ),
            models.Index(
                fields=["-updated_at"],
                name="cases_case_in_progress_idx",
                condition=~models.Q(status="gepubliceerd"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__isnull=True)
                | models.Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX),
                name="cases_case_year_plausible",
                violation_error_message=_("Vul een jaartal tussen 1990 en 2100 in."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="gepubliceerd") | models.Q(published_at__isnull=False),
                name="cases_case_published_has_date",
                violation_error_message=_(
                    "Een gepubliceerd praktijkvoorbeeld heeft een publicatiedatum."
                ),
            ),
        ]

    def applied_strategies(self) -> list:
        """The R-strategies applied (not those considered but not applicable), from the
        prefetched strategies when there are."""
        return [strategy for strategy in self.strategies.all() if strategy.applied]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("cases:case_detail", args=[self.slug])

    def shown_names(self) -> dict[str, list[str]]:
        """The names of its organisations and keywords, sorted (two small queries)."""
        return {
            "organisation_names": sorted(
                Case.organisations.through.objects.filter(case=self.pk).values_list(
                    "organisation__name", flat=True
                )
            ),
            "tag_names": sorted(
                Case.tags.through.objects.filter(case=self.pk).values_list("tag__name", flat=True)
            ),
        }


class CaseSlug(models.Model):
    """An earlier address of a case: its slug before the title changed. The old address
    redirects permanently to the current one, so links and bookmarks keep working."""

    case = models.ForeignKey(
        Case,
        verbose_name=_("praktijkvoorbeeld"),
        on_delete=models.CASCADE,
        related_name="old_slugs",
    )
    slug = models.SlugField(_("eerder adres"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("vervangen op"), auto_now_add=True)

    class Meta:
        verbose_name = _("eerder adres")
        verbose_name_plural = _("eerdere adressen")
        ordering = ["case", "-created_at"]

    def __str__(self):
        return self.slug


class CaseStrategy(models.Model):
    """An R-strategy applied in a case, with its own explanation."""

    case = models.ForeignKey(
        Case,
        verbose_name=_("praktijkvoorbeeld"),
        on_delete=models.CASCADE,
        related_name="strategies",
    )
    r_level = models.ForeignKey(
        RStrategy,
        verbose_name=_("R-strategie"),
        on_delete=models.PROTECT,
        related_name="case_strategies",
    )
    explanation = _limited_text(_("toelichting"), PART_MAX)
    applied = models.BooleanField(
        _("toegepast"),
        default=True,
        help_text=_(
            "Uit als de strategie is overwogen maar niet toepasbaar bleek: zij staat dan "
            "bij het praktijkvoorbeeld zonder R-label en telt niet mee in het R-filter."
        ),
    )

    class Meta:
        verbose_name = _("toegepaste R-strategie")
        verbose_name_plural = _("toegepaste R-strategieën")
        ordering = ["case", "r_level"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "r_level"],
                name="cases_casestrategy_one_per_level",
                violation_error_message=_("Deze R-strategie staat al bij dit praktijkvoorbeeld."),
            ),
        ]

    def __str__(self):
        return f"{self.r_level}: {self.explanation[:60]}"


class Dimension(models.TextChoices):
    TECHNOLOGISCH = "technologisch", _("Technologisch")
    JURIDISCH = "juridisch", _("Juridisch")
    ECONOMISCH = "economisch", _("Economisch")
    SOCIAAL_CULTUREEL = "sociaal-cultureel", _("Sociaal-cultureel")


class CaseObstacle(models.Model):
    """An obstacle met in a case, in one dimension, and how it was solved."""

    case = models.ForeignKey(
        Case,
        verbose_name=_("praktijkvoorbeeld"),
        on_delete=models.CASCADE,
        related_name="obstacles",
    )
    dimension = models.CharField(_("dimensie"), max_length=20, choices=Dimension.choices)
    position = models.PositiveSmallIntegerField(_("volgorde"))
    obstacle = _limited_text(_("obstakel"), PART_MAX)
    solution = _limited_text(_("oplossing"), PART_MAX, blank=True)

    class Meta:
        verbose_name = _("obstakel en oplossing")
        verbose_name_plural = _("obstakels en oplossingen")
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "position"],
                name="cases_caseobstacle_unique_position",
                violation_error_message=_("Deze plaats is al bezet."),
            ),
        ]

    def __str__(self):
        return f"{self.get_dimension_display()}: {self.obstacle[:60]}"


class CaseLesson(models.Model):
    """A lesson learned in a case, in order."""

    case = models.ForeignKey(
        Case, verbose_name=_("praktijkvoorbeeld"), on_delete=models.CASCADE, related_name="lessons"
    )
    position = models.PositiveSmallIntegerField(_("volgorde"))
    text = _limited_text(_("les"), PART_MAX)

    class Meta:
        verbose_name = _("geleerde les")
        verbose_name_plural = _("geleerde lessen")
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "position"],
                name="cases_caselesson_unique_position",
                violation_error_message=_("Deze plaats is al bezet."),
            ),
        ]

    def __str__(self):
        return self.text[:80]


class CaseAttachment(models.Model):
    """A PDF or image attached to a case; stored under a generated name."""

    case = models.ForeignKey(
        Case,
        verbose_name=_("praktijkvoorbeeld"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("bestand"), upload_to="cases/%Y/%m/")
    title = models.CharField(_("titel"), max_length=200)
    content_type = models.CharField(_("bestandstype"), max_length=100)
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geüpload door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("geüpload op"), auto_now_add=True)

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        ordering = ["case", "title"]

    def __str__(self):
        return self.title
