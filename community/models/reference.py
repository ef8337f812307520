"""Reference data shared by every app: the sector taxonomy, product categories and the
public source documents that seeded content cites (`SourcedModel`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kit.localized import localized


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
    name_en = models.CharField(_("naam (Engels)"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("productcategorie")
        verbose_name_plural = _("productcategorieën")
        ordering = ["name"]

    def __str__(self):
        return localized(self)

    def natural_key(self):
        return (self.slug,)
