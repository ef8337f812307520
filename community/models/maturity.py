"""The maturity of an organisation's circular procurement: the basisingrediënten
(seeded) and where each organisation stands on them, with history."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kit.localized import localized

from .people import Organisation
from .reference import SourcedModel


class MaturityAspect(SourcedModel):
    """An organisation-level 'basisingrediënt' of circular procurement (document 001).

    Plus 'Chef Circulair aangesteld'. Seeded; the portal shows an organisation's
    maturity profile over these aspects.
    """

    key = models.SlugField(_("sleutel"), max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=150)
    name_en = models.CharField(_("naam (Engels)"), max_length=150, blank=True)
    description = models.TextField(_("toelichting"), blank=True)
    position = models.PositiveSmallIntegerField(_("volgorde"))

    class Meta:
        verbose_name = _("basisingrediënt")
        verbose_name_plural = _("basisingrediënten")
        ordering = ["position"]

    def __str__(self):
        return localized(self)

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
