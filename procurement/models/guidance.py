"""The six phases of a circular procurement trajectory and their guidance from
document 001 (PIANOo, "Handvatten circulair inkopen binnen de hoogste R-strategieën"):
guidance items, guiding questions and example KPIs. Data, seeded from
fixtures/seed/phases.yaml."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from community.models import SourcedModel
from kit.localized import localized

from .ladder import RStrategy


class Phase(SourcedModel):
    """One of the six phases of a circular procurement trajectory (document 001)."""

    number = models.PositiveSmallIntegerField(_("nummer"), unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    name_en = models.CharField(_("naam (Engels)"), max_length=100, blank=True)
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
        return f"{self.number}. {localized(self)}"

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
