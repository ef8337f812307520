"""European procurement thresholds, each valid for a period."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from community.models import SourcedModel


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


def threshold_category(procurement_type: str) -> str:
    """The threshold category of a municipality's purchase of this type (works, or
    supplies and services of a decentral government)."""
    return (
        EuThreshold.Category.WERKEN
        if procurement_type == "werk"
        else EuThreshold.Category.LEVERINGEN_DIENSTEN_DECENTRAAL
    )


def threshold_for(procurement_type: str, on) -> "EuThreshold | None":
    """The threshold that applies to a municipality's purchase of this type on a day
    (works, or supplies and services of a decentral government)."""
    category = threshold_category(procurement_type)
    return (
        EuThreshold.objects.filter(category=category, valid_from__lte=on, valid_until__gte=on)
        .order_by("-valid_from")
        .first()
    )
