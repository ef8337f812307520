"""Procurement trajectories: one purchase followed through the six phases, with its
progress per phase, answers to guiding questions, team and KPIs. Estimated value,
supplier (while the tender runs) and internal notes are confidential; who may read
them is `procurement.permissions.can_see_confidential`."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from community import permissions as community_permissions
from community.models import (
    Membership,
    Organisation,
    ProductCategory,
    Themegroup,
    ThemegroupMembership,
)
from procurement.permissions import EDITOR_ROLES

from .guidance import GuidingQuestion, KpiExample, Phase
from .ladder import RStrategy


class ProcurementType(models.TextChoices):
    WERK = "werk", _("Werk")
    LEVERING = "levering", _("Levering")
    DIENST = "dienst", _("Dienst")


class Procedure(models.TextChoices):
    OPENBAAR = "openbaar", _("Openbare procedure")
    NIET_OPENBAAR = "niet_openbaar", _("Niet-openbare procedure")
    CONCURRENTIEGERICHTE_DIALOOG = "concurrentiegerichte_dialoog", _("Concurrentiegerichte dialoog")
    MEDEDINGING_ONDERHANDELING = (
        "mededinging_onderhandeling",
        _("Mededingingsprocedure met onderhandeling"),
    )
    INNOVATIEPARTNERSCHAP = "innovatiepartnerschap", _("Innovatiepartnerschap")
    ONDERHANDELING_ZONDER_BEKENDMAKING = (
        "onderhandeling_zonder_bekendmaking",
        _("Onderhandelingsprocedure zonder bekendmaking"),
    )
    MEERVOUDIG_ONDERHANDS = "meervoudig_onderhands", _("Meervoudig onderhandse procedure")
    ENKELVOUDIG_ONDERHANDS = "enkelvoudig_onderhands", _("Enkelvoudig onderhandse procedure")
    NATIONAAL = "nationaal", _("Nationale procedure")


class SpecialMethod(models.TextChoices):
    RAPID_CIRCULAR_CONTRACTING = "rapid_circular_contracting", _("Rapid Circular Contracting")
    BOUWTEAM = "bouwteam", _("Bouwteam")
    SBIR = "sbir", _("SBIR / precommercieel inkopen")
    MARKTDIALOOG = "marktdialoog", _("Marktdialoog")


class AwardBasis(models.TextChoices):
    BPKV = "bpkv", _("Beste prijs-kwaliteitverhouding (BPKV)")
    LEVENSCYCLUSKOSTEN = "levenscycluskosten", _("Laagste levenscycluskosten")
    LAAGSTE_PRIJS = "laagste_prijs", _("Laagste prijs")


# A TenderNed publication number: the number in the notice's address on tenderned.nl.
TENDERNED_ID = RegexValidator(
    r"^[0-9]{4,10}$",
    _("Een TenderNed-publicatienummer bestaat uit 4 tot 10 cijfers, bijvoorbeeld 312345."),
)
TENDERNED_NOTICE_URL = "https://www.tenderned.nl/aankondigingen/overzicht/{}"


class TrajectoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Trajectories a user may see (non-confidential fields): those of their regions.

        Confidential fields are a further check: `procurement.permissions.can_see_confidential`.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self._owned_or_joined(
            Organisation.objects.visible_to(user).values_list("pk", flat=True),
            joined_by=community_permissions.organisation_ids(user),
        )

    def in_view_of(self, user):
        """The set of `visible_to(user)` as one condition, built from the memberships
        the request has read already (`community.permissions`), so it adds no query of
        its own: trajectories of an organisation in one of the reader's regions or of
        their own organisations, and the joint ones one of their organisations takes
        part in. For a few rows picked by another condition (a themegroup's section, the
        trajectories meeting actions follow up), where `visible_to`'s two lists cost more
        than the lookup; lists keep `visible_to`, whose id lists an index answers alone.
        `tests/procurement/test_models.py` holds the two equal for every persona."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        own = community_permissions.organisation_ids(user)
        if not own:
            return self.none()
        joined = Trajectory.participating_organisations.through.objects.filter(
            organisation__in=own
        ).values("trajectory")
        return self.filter(
            models.Q(organisation__region__in=community_permissions.region_ids(user))
            | models.Q(organisation__in=own)
            | models.Q(pk__in=joined)
        )

    def editable_by(self, user):
        """Trajectories a user may change (as `procurement.permissions.can_edit_trajectory`):
        those of the organisations where they are an active inkoper or coordinator, owned
        or joined; all for staff."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        editing = community_permissions.organisation_ids(user, roles=EDITOR_ROLES)
        return self._owned_or_joined(editing, joined_by=editing)

    def _owned_or_joined(self, organisation_ids, *, joined_by):
        """Trajectories owned by these organisations, or joint trajectories in which one of
        `joined_by` participates (a joint tender is every participant's own). Both sets
        are read first as short lists of ids, so the database looks them up in its
        indexes instead of testing subqueries against every trajectory."""
        organisations = list(organisation_ids)
        # Joint trajectories owned by one of `organisations` are in already: leaving them
        # out of the second list keeps the usual scope (a region's joint tenders) a plain
        # `organisation_id IN (…)`, which an index answers alone (no OR of two lookups).
        joint = list(
            Trajectory.participating_organisations.through.objects.filter(
                organisation__in=list(joined_by)
            )
            .exclude(trajectory__organisation__in=organisations)
            .values_list("trajectory", flat=True)
        )
        if not organisations and not joint:
            return self.none()  # no active membership: nothing (and no empty IN ())
        return self.filter(models.Q(organisation_id__in=organisations) | models.Q(pk__in=joint))

    def of_themegroup(self, themegroup):
        """The trajectories of a themegroup, as its page counts them and the trajectory
        list's `groep` filter shows them: the group's joint trajectories, and those of
        the organisations of its members and coordinators (active memberships; guests do
        not count) in the group's sector (a trajectory takes its sector from its own
        themegroup). No scope: chain it to `visible_to` (or another scope)."""
        places = ThemegroupMembership.objects.filter(
            themegroup=themegroup,
            role__in=(ThemegroupMembership.Role.COORDINATOR, ThemegroupMembership.Role.LID),
        ).values("user")
        organisations = Membership.objects.active().filter(user__in=places).values("organisation")
        return self.filter(
            models.Q(themegroup=themegroup)
            | models.Q(organisation__in=organisations, themegroup__sector=themegroup.sector)
        )

    def with_list_data(self):
        """What a row of the list shows, in the same query."""
        return self.defer("search_vector").select_related(
            "organisation", "current_phase", "r_level_target", "r_level_achieved", "themegroup"
        )


class Trajectory(models.Model):
    """One purchase (werk, levering or dienst) followed through the six phases.

    Belongs to one organisation; a joint tender adds participating organisations and
    a themegroup. Estimated value, supplier (while the tender runs) and internal notes
    are confidential to the owning organisation unless it shares them.
    """

    class Status(models.TextChoices):
        LOPEND = "lopend", _("Lopend")
        AFGEROND = "afgerond", _("Afgerond")
        GESTOPT = "gestopt", _("Gestopt")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="trajectories",
    )
    participating_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("deelnemende organisaties"),
        blank=True,
        related_name="joint_trajectories",
        help_text=_("Bij een gezamenlijke aanbesteding."),
    )
    themegroup = models.ForeignKey(
        Themegroup,
        verbose_name=_("themagroep"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trajectories",
    )
    title = models.CharField(_("titel"), max_length=200)
    need_description = models.TextField(_("beschrijving van de behoefte"), blank=True)
    procurement_type = models.CharField(
        _("soort opdracht"), max_length=10, choices=ProcurementType.choices
    )
    product_category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("productcategorie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trajectories",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.LOPEND
    )
    estimated_value = models.DecimalField(
        _("geraamde waarde (€, excl. btw)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Vertrouwelijk: alleen zichtbaar binnen uw organisatie."),
    )
    # R-levels are foreign keys to the seeded ladder: only R0–R9 exist there.
    r_level_target = models.ForeignKey(
        RStrategy,
        verbose_name=_("R-ambitie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    r_level_achieved = models.ForeignKey(
        RStrategy,
        verbose_name=_("behaald R-niveau"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    current_phase = models.ForeignKey(
        Phase,
        verbose_name=_("huidige fase"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    procedure = models.CharField(
        _("procedure"), max_length=40, choices=Procedure.choices, blank=True
    )
    special_method = models.CharField(
        _("bijzondere werkwijze"), max_length=40, choices=SpecialMethod.choices, blank=True
    )
    award_basis = models.CharField(
        _("gunningsgrondslag"), max_length=30, choices=AwardBasis.choices, blank=True
    )
    value_based_award = models.BooleanField(_("gunnen op waarde"), default=False)
    circular_weight = models.PositiveSmallIntegerField(
        _("weging circulariteit (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    tender_fee = models.BooleanField(_("tendervergoeding"), null=True, blank=True)
    contract_start = models.DateField(_("start contract"), null=True, blank=True)
    contract_end = models.DateField(_("einde contract"), null=True, blank=True)
    supplier = models.CharField(
        _("leverancier"),
        max_length=200,
        blank=True,
        help_text=_("Vertrouwelijk zolang de aanbesteding loopt."),
    )
    tenderned_id = models.CharField(
        _("TenderNed-publicatienummer"),
        max_length=10,
        blank=True,
        validators=[TENDERNED_ID],
        help_text=_("Het nummer van de aankondiging op TenderNed, bijvoorbeeld 312345."),
    )
    notes = models.TextField(_("interne notities"), blank=True, help_text=_("Vertrouwelijk."))
    share_confidential = models.BooleanField(
        _("vertrouwelijke gegevens delen met de regio"), default=False
    )
    outcome = models.TextField(_("resultaat"), blank=True)
    lessons = models.TextField(_("lessen"), blank=True)
    closed_on = models.DateField(_("afgesloten op"), null=True, blank=True)
    # Dutch full-text search over title, need and lessons (PostgreSQL, GIN index made by
    # migration 0003): kept current by procurement.services.
    search_vector = SearchVectorField(null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "search_vector"])

    objects = TrajectoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("inkooptraject")
        verbose_name_plural = _("inkooptrajecten")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="procurement_trajectory_changed"),
            models.Index(fields=["title", "id"], name="procurement_trajectory_title"),
            # The year facet of the list (contract_start__year is a range on it).
            models.Index(fields=["contract_start"], name="procurement_traj_contract"),
            # The dashboards' figures of an organisation or region over a period
            # (reports.metrics): read from this index alone, not from the table.
            models.Index(
                fields=[
                    "organisation",
                    "created_at",
                    "closed_on",
                    "status",
                    "current_phase",
                    "r_level_target",
                    "r_level_achieved",
                ],
                name="procurement_traj_dashboard",
            ),
            # The list's facet counts (procurement.filters.counts): one pass over the
            # reader's organisations read from this index alone (an index-only scan),
            # not from the wide rows with their texts and search vector.
            models.Index(
                fields=["organisation"],
                include=[
                    "current_phase",
                    "status",
                    "r_level_target",
                    "r_level_achieved",
                    "themegroup",
                    "procurement_type",
                    "product_category",
                    "procedure",
                    "contract_start",
                ],
                name="procurement_traj_facets",
            ),
            # The dashboards' highlights (reports.metrics.highlights): a region's or an
            # organisation's latest completed trajectories, read newest first until five
            # are the scope's, instead of every completed one of the period sorted.
            models.Index(
                fields=["-closed_on", "-id"],
                include=["organisation"],
                condition=models.Q(status="afgerond"),
                name="procurement_traj_completed",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contract_start__isnull=True)
                | models.Q(contract_end__isnull=True)
                | models.Q(contract_end__gt=models.F("contract_start")),
                name="procurement_trajectory_contract_end_after_start",
                violation_error_message=_("Het contract eindigt na de startdatum."),
            ),
            models.CheckConstraint(
                condition=models.Q(circular_weight__isnull=True)
                | models.Q(circular_weight__gte=0, circular_weight__lte=100),
                name="procurement_trajectory_circular_weight_percentage",
                violation_error_message=_("De weging van circulariteit ligt tussen 0 en 100%."),
            ),
            models.CheckConstraint(
                condition=models.Q(estimated_value__isnull=True) | models.Q(estimated_value__gte=0),
                name="procurement_trajectory_value_not_negative",
                violation_error_message=_("De geraamde waarde kan niet negatief zijn."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("procurement:trajectory_detail", args=[self.pk])

    @property
    def tenderned_url(self) -> str:
        return TENDERNED_NOTICE_URL.format(self.tenderned_id) if self.tenderned_id else ""

    @property
    def is_closed(self) -> bool:
        return self.status != self.Status.LOPEND

    @property
    def supplier_is_confidential(self) -> bool:
        """The supplier stays confidential while the tender runs: until the trajectory
        has passed phase 4 (Circulair aanbesteden) or is closed."""
        phase = self.current_phase.number if self.current_phase_id else 0
        return not self.is_closed and phase <= 4


class PhaseProgress(models.Model):
    """The status of one phase within one trajectory."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        BEZIG = "bezig", _("Bezig")
        AFGEROND = "afgerond", _("Afgerond")
        OVERGESLAGEN = "overgeslagen", _("Overgeslagen")

    trajectory = models.ForeignKey(
        Trajectory,
        verbose_name=_("inkooptraject"),
        on_delete=models.CASCADE,
        related_name="progress",
    )
    phase = models.ForeignKey(
        Phase, verbose_name=_("fase"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.OPEN
    )
    started_on = models.DateField(_("gestart op"), null=True, blank=True)
    planned_end_on = models.DateField(_("geplande einddatum"), null=True, blank=True)
    completed_on = models.DateField(_("afgerond op"), null=True, blank=True)
    notes = models.TextField(_("notities"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voortgang per fase")
        verbose_name_plural = _("voortgang per fase")
        ordering = ["trajectory", "phase__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "phase"],
                name="procurement_phaseprogress_one_per_phase",
                violation_error_message=_("Dit traject heeft al een voortgang voor deze fase."),
            ),
            models.CheckConstraint(
                condition=models.Q(started_on__isnull=True)
                | models.Q(completed_on__isnull=True)
                | models.Q(completed_on__gte=models.F("started_on")),
                name="procurement_phaseprogress_completed_after_start",
                violation_error_message=_("Een fase wordt afgerond na de start."),
            ),
            models.CheckConstraint(
                condition=models.Q(started_on__isnull=True)
                | models.Q(planned_end_on__isnull=True)
                | models.Q(planned_end_on__gte=models.F("started_on")),
                name="procurement_phaseprogress_planned_end_after_start",
                violation_error_message=_("De geplande einddatum ligt na de start."),
            ),
        ]

    def __str__(self):
        return f"{self.trajectory} – {self.phase}: {self.get_status_display()}"


class QuestionAnswer(models.Model):
    """A trajectory team's answer to a guiding question (or just a tick)."""

    trajectory = models.ForeignKey(
        Trajectory,
        verbose_name=_("inkooptraject"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.ForeignKey(
        GuidingQuestion,
        verbose_name=_("hulpvraag"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    answer = models.TextField(_("antwoord"), blank=True)
    is_done = models.BooleanField(_("afgevinkt"), default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beantwoord door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("beantwoord op"), auto_now=True)

    class Meta:
        verbose_name = _("antwoord op hulpvraag")
        verbose_name_plural = _("antwoorden op hulpvragen")
        ordering = ["trajectory", "question__phase__number", "question__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "question"],
                name="procurement_questionanswer_one_per_question",
                violation_error_message=_("Deze hulpvraag is voor dit traject al beantwoord."),
            ),
        ]

    def __str__(self):
        return f"{self.trajectory}: {self.question}"


class TeamMember(models.Model):
    """A member of the trajectory's team (the gouden vierkant, plus others)."""

    class Role(models.TextChoices):
        INTERNE_OPDRACHTGEVER = "interne_opdrachtgever", _("Budgethouder / opdrachtgever")
        INKOPER = "inkoper", _("Inkoper")
        CONTRACTMANAGER = "contractmanager", _("Contractmanager")
        BELEIDSADVISEUR = "beleidsadviseur", _("Beleidsadviseur")
        CHEF_CIRCULAIR = "chef_circulair", _("Chef Circulair")
        DUURZAAMHEIDSADVISEUR = "duurzaamheidsadviseur", _("Duurzaamheidsadviseur")
        GEBRUIKER = "gebruiker", _("Gebruiker")
        LEVERANCIER = "leverancier", _("Leverancier")
        OVERIG = "overig", _("Overig")

    trajectory = models.ForeignKey(
        Trajectory, verbose_name=_("inkooptraject"), on_delete=models.CASCADE, related_name="team"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="trajectory_roles",
    )
    name = models.CharField(
        _("naam"), max_length=150, blank=True, help_text=_("Voor wie geen account heeft.")
    )
    role = models.CharField(_("rol"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("teamlid")
        verbose_name_plural = _("team (gouden vierkant)")
        ordering = ["trajectory", "role"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""),
                name="procurement_teammember_user_or_name",
                violation_error_message=_("Kies een gebruiker of vul een naam in."),
            ),
            models.UniqueConstraint(
                fields=["trajectory", "user", "role"],
                name="procurement_teammember_unique_role",
                violation_error_message=_("Deze persoon heeft deze rol al in het team."),
            ),
        ]

    def __str__(self):
        return f"{self.user or self.name} – {self.get_role_display()}"


class Kpi(models.Model):
    """A KPI of a trajectory, with a target and actual per period (the groeimodel)."""

    trajectory = models.ForeignKey(
        Trajectory, verbose_name=_("inkooptraject"), on_delete=models.CASCADE, related_name="kpis"
    )
    example = models.ForeignKey(
        KpiExample,
        verbose_name=_("gebaseerd op voorbeeld"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("naam"), max_length=200)
    unit = models.CharField(_("eenheid"), max_length=50)
    r_level = models.ForeignKey(
        RStrategy,
        verbose_name=_("R-strategie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    direction = models.CharField(_("richting"), max_length=10, choices=KpiExample.Direction.choices)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPI's")
        ordering = ["trajectory", "name"]

    def __str__(self):
        return f"{self.name} ({self.unit})"


class KpiMeasurement(models.Model):
    """Target and actual of a KPI for one period, e.g. a contract year."""

    kpi = models.ForeignKey(
        Kpi, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="measurements"
    )
    period_start = models.DateField(_("begin periode"))
    period_end = models.DateField(_("einde periode"))
    label = models.CharField(
        _("periode"), max_length=50, help_text=_("Bijvoorbeeld: contractjaar 1.")
    )
    target = models.DecimalField(_("doel"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(
        _("gerealiseerd"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("KPI-meting")
        verbose_name_plural = _("KPI-metingen")
        ordering = ["kpi", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "period_start"],
                name="procurement_kpimeasurement_one_per_period",
                violation_error_message=_("Voor deze periode is er al een meting."),
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="procurement_kpimeasurement_period_valid",
                violation_error_message=_("Een periode eindigt na het begin."),
            ),
        ]

    def __str__(self):
        return f"{self.kpi} – {self.label}"


class TrajectoryDocument(models.Model):
    """A PDF or image kept with a trajectory (same content checks as case attachments);
    a confidential one is read only by those who may see the confidential fields."""

    trajectory = models.ForeignKey(
        Trajectory,
        verbose_name=_("inkooptraject"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    file = models.FileField(_("bestand"), upload_to="trajecten/%Y/%m/")
    title = models.CharField(_("titel"), max_length=200)
    content_type = models.CharField(_("bestandstype"), max_length=100)
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    is_confidential = models.BooleanField(
        _("vertrouwelijk"),
        default=True,
        help_text=_("Alleen zichtbaar voor wie de vertrouwelijke gegevens mag zien."),
    )
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
        verbose_name = _("document")
        verbose_name_plural = _("documenten")
        ordering = ["trajectory", "title", "id"]

    def __str__(self):
        return self.title


class PhaseReminder(models.Model):
    """A reminder mailed because a phase passed its planned end date: one per phase and
    planned end date, so a rerun or redelivered job sends nothing twice."""

    progress = models.ForeignKey(
        PhaseProgress,
        verbose_name=_("voortgang per fase"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    planned_end_on = models.DateField(_("geplande einddatum"))
    sent_at = models.DateTimeField(_("verstuurd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("herinnering")
        verbose_name_plural = _("herinneringen")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["progress", "planned_end_on"],
                name="procurement_phasereminder_once",
                violation_error_message=_("Voor deze einddatum is al een herinnering verstuurd."),
            ),
        ]

    def __str__(self):
        return f"{self.progress} ({self.planned_end_on})"
