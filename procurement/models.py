"""Procurement trajectories, the six phases and their guidance, KPIs and thresholds.

The phase guidance of document 001 (PIANOo, "Handvatten circulair inkopen binnen de
hoogste R-strategieën") is data, seeded from fixtures/seed/phases.yaml.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from community.models import Organisation, ProductCategory, SourcedModel, Themegroup


class RLevel(models.IntegerChoices):
    """The 10-step R-ladder (PBL numbering): a lower number is more circular."""

    R0 = 0, _("R0 Weigeren (Refuse)")
    R1 = 1, _("R1 Heroverwegen (Rethink)")
    R2 = 2, _("R2 Verminderen (Reduce)")
    R3 = 3, _("R3 Hergebruiken (Re-use)")
    R4 = 4, _("R4 Repareren (Repair)")
    R5 = 5, _("R5 Opknappen (Refurbish)")
    R6 = 6, _("R6 Herfabriceren (Remanufacture)")
    R7 = 7, _("R7 Herbestemmen (Repurpose)")
    R8 = 8, _("R8 Recyclen (Recycle)")
    R9 = 9, _("R9 Terugwinnen (Recover)")


R_LEVEL_NAMES = {
    # level: (Dutch, English, one-line meaning)
    0: (
        "Weigeren",
        "Refuse",
        _("Het product overbodig maken: niet kopen of de functie anders vervullen."),
    ),
    1: (
        "Heroverwegen",
        "Rethink",
        _("Het product intensiever gebruiken, bijvoorbeeld door delen."),
    ),
    2: ("Verminderen", "Reduce", _("Minder grondstoffen en materialen per product gebruiken.")),
    3: ("Hergebruiken", "Re-use", _("Een afgedankt, goed product opnieuw gebruiken.")),
    4: ("Repareren", "Repair", _("Een kapot product repareren zodat het zijn functie houdt.")),
    5: ("Opknappen", "Refurbish", _("Een oud product opknappen en moderniseren.")),
    6: (
        "Herfabriceren",
        "Remanufacture",
        _("Onderdelen van een afgedankt product in een nieuw product gebruiken."),
    ),
    7: (
        "Herbestemmen",
        "Repurpose",
        _("Een afgedankt product of onderdeel voor een andere functie inzetten."),
    ),
    8: (
        "Recyclen",
        "Recycle",
        _("Materialen verwerken tot grondstof van dezelfde of lagere kwaliteit."),
    ),
    9: ("Terugwinnen", "Recover", _("Energie terugwinnen door materialen te verbranden.")),
}

# The six steps of the RVO ladder used in Dutch circular-procurement practice
# (1 Refuse/Rethink, 2 Reduce, 3 Re-use, 4 Recycle, 5 Recover, 6 Re-mine) and where
# each PBL level falls on it. Re-use covers repair up to repurpose; Re-mine has no PBL
# counterpart.
RVO_STEPS = {
    1: _("Refuse / Rethink"),
    2: _("Reduce"),
    3: _("Re-use"),
    4: _("Recycle"),
    5: _("Recover"),
    6: _("Re-mine"),
}
PBL_TO_RVO = {0: 1, 1: 1, 2: 2, 3: 3, 4: 3, 5: 3, 6: 3, 7: 3, 8: 4, 9: 5}
HIGHEST_R_LEVELS = (0, 1, 2)  # NAMI: niet, anders, minder inkopen


def rvo_step(level: int) -> int:
    """The RVO ladder step of a PBL R-level."""
    return PBL_TO_RVO[level]


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


class RStrategy(SourcedModel):
    """One step of the R-ladder as data (seeded), so other tables can relate to it.

    The primary key is the level itself (0–9), so `r_level_id` is the R-number.
    """

    level = models.PositiveSmallIntegerField(_("niveau"), primary_key=True, choices=RLevel.choices)
    name_nl = models.CharField(_("naam (Nederlands)"), max_length=50)
    name_en = models.CharField(_("naam (Engels)"), max_length=50)
    meaning = models.CharField(_("betekenis"), max_length=200)
    rvo_step = models.PositiveSmallIntegerField(_("stap op de RVO-ladder"))

    class Meta:
        verbose_name = _("R-strategie")
        verbose_name_plural = _("R-ladder")
        ordering = ["level"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=0, level__lte=9),
                name="procurement_rstrategy_level_valid",
                violation_error_message=_("Een R-niveau ligt tussen R0 en R9."),
            ),
        ]

    def __str__(self):
        return f"R{self.level} {self.name_nl}"


class Phase(SourcedModel):
    """One of the six phases of a circular procurement trajectory (document 001)."""

    number = models.PositiveSmallIntegerField(_("nummer"), unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    goal = models.TextField(_("doel"))

    class Meta:
        verbose_name = _("fase")
        verbose_name_plural = _("fasen")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=6),
                name="procurement_phase_number_1_to_6",
                violation_error_message=_("Een inkooptraject kent de fasen 1 tot en met 6."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def natural_key(self):
        return (self.number,)


class PhaseGuidance(models.Model):
    """A guidance item of a phase: who is involved, attention point, tool or inspiration."""

    class Kind(models.TextChoices):
        BETROKKENE = "betrokkene", _("Betrokkene")
        AANDACHTSPUNT = "aandachtspunt", _("Aandachtspunt")
        TOOL = "tool", _("Te gebruiken tool")
        INSPIRATIE = "inspiratie", _("Inspiratie of praktijkvoorbeeld")

    phase = models.ForeignKey(
        Phase, verbose_name=_("fase"), on_delete=models.CASCADE, related_name="guidance"
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("volgorde"))
    text = models.TextField(_("tekst"))
    url = models.URLField(_("adres"), blank=True)

    class Meta:
        verbose_name = _("handvat")
        verbose_name_plural = _("handvatten per fase")
        ordering = ["phase", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "kind", "position"],
                name="procurement_phaseguidance_unique_position",
                violation_error_message=_("Deze plaats is in deze fase al bezet."),
            ),
        ]

    def __str__(self):
        return f"{self.phase.number} {self.get_kind_display()}: {self.text[:60]}"


class GuidingQuestion(models.Model):
    """A guiding question of a phase: generic, or one for the highest R-strategies,
    tagged with the R-level it concerns where the source tags it."""

    class Kind(models.TextChoices):
        GENERIEK = "generiek", _("Hulpvraag generiek")
        HOOGSTE_R = "hoogste_r", _("Hulpvraag hoogste R-strategieën")

    phase = models.ForeignKey(
        Phase, verbose_name=_("fase"), on_delete=models.CASCADE, related_name="questions"
    )
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    r_level = models.ForeignKey(
        RStrategy,
        verbose_name=_("R-strategie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        help_text=_("Het R-niveau waar de vraag over gaat, als de bron dat noemt."),
    )
    position = models.PositiveSmallIntegerField(_("volgorde"))
    text = models.TextField(_("hulpvraag"))

    class Meta:
        verbose_name = _("hulpvraag")
        verbose_name_plural = _("hulpvragen")
        ordering = ["phase", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "position"],
                name="procurement_guidingquestion_unique_position",
                violation_error_message=_("Deze plaats is in deze fase al bezet."),
            ),
        ]

    def __str__(self):
        return self.text[:80]


class KpiExample(SourcedModel):
    """An example KPI per R-strategy (document 001), or organisation-wide (no level)."""

    class Direction(models.TextChoices):
        LAGER = "lager", _("Lager is beter")
        HOGER = "hoger", _("Hoger is beter")

    key = models.SlugField(_("sleutel"), max_length=100, unique=True)
    r_level = models.ForeignKey(
        RStrategy,
        verbose_name=_("R-strategie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kpi_examples",
        help_text=_("Leeg voor een organisatiebrede KPI."),
    )
    name = models.CharField(_("naam"), max_length=200)
    unit = models.CharField(_("eenheid"), max_length=50)
    direction = models.CharField(_("richting"), max_length=10, choices=Direction.choices)
    description = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("voorbeeld-KPI")
        verbose_name_plural = _("voorbeeld-KPI's")
        ordering = ["r_level", "name"]

    def __str__(self):
        return self.name


class EuThreshold(SourcedModel):
    """A European procurement threshold, valid for a period (values change every 2 years)."""

    class Category(models.TextChoices):
        WERKEN = "werken", _("Werken")
        LEVERINGEN_DIENSTEN_CENTRAAL = (
            "leveringen_diensten_centraal",
            _("Leveringen en diensten, centrale overheid"),
        )
        LEVERINGEN_DIENSTEN_DECENTRAAL = (
            "leveringen_diensten_decentraal",
            _("Leveringen en diensten, decentrale overheid"),
        )
        SOCIALE_DIENSTEN = "sociale_diensten", _("Sociale en andere specifieke diensten")
        SPECIALE_SECTOREN = "speciale_sectoren", _("Leveringen en diensten, speciale sectoren")

    category = models.CharField(_("categorie"), max_length=40, choices=Category.choices)
    amount = models.DecimalField(_("drempelbedrag (€, excl. btw)"), max_digits=12, decimal_places=2)
    valid_from = models.DateField(_("geldig vanaf"))
    valid_until = models.DateField(_("geldig tot en met"))

    class Meta:
        verbose_name = _("Europese drempelwaarde")
        verbose_name_plural = _("Europese drempelwaarden")
        ordering = ["-valid_from", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "valid_from"],
                name="procurement_euthreshold_unique_period",
                violation_error_message=_("Voor deze categorie en periode is er al een drempel."),
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")),
                name="procurement_euthreshold_valid_period",
                violation_error_message=_("De einddatum ligt na de begindatum."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="procurement_euthreshold_amount_positive",
                violation_error_message=_("Een drempelbedrag is groter dan nul."),
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.valid_from:%Y}–{self.valid_until:%Y}"


class TrajectoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Trajectories a user may see (non-confidential fields): those of their regions.

        Confidential fields are a further check: `permissions.can_see_confidential`.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(organisation__in=Organisation.objects.visible_to(user))


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
        verbose_name=_("themegroep"),
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
    tenderned_id = models.CharField(_("TenderNed-/OCDS-kenmerk"), max_length=100, blank=True)
    notes = models.TextField(_("interne notities"), blank=True, help_text=_("Vertrouwelijk."))
    share_confidential = models.BooleanField(
        _("vertrouwelijke gegevens delen met de regio"), default=False
    )
    outcome = models.TextField(_("resultaat"), blank=True)
    lessons = models.TextField(_("lessen"), blank=True)
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
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = TrajectoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("inkooptraject")
        verbose_name_plural = _("inkooptrajecten")
        ordering = ["-updated_at"]
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
    completed_on = models.DateField(_("afgerond op"), null=True, blank=True)
    notes = models.TextField(_("notities"), blank=True)

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
        INTERNE_OPDRACHTGEVER = "interne_opdrachtgever", _("Interne opdrachtgever")
        INKOPER = "inkoper", _("Inkoper")
        CONTRACTMANAGER = "contractmanager", _("Contractmanager")
        CHEF_CIRCULAIR = "chef_circulair", _("Chef Circulair")
        DUURZAAMHEIDSADVISEUR = "duurzaamheidsadviseur", _("Duurzaamheidsadviseur")
        GEBRUIKER = "gebruiker", _("Gebruiker")
        LEVERANCIER = "leverancier", _("Leverancier")

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
