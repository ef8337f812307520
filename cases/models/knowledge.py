"""The knowledge base (kennisbank): success factors, recommendations and conclusions
from the sources."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community.models import (
    SourcedModel,
)
from procurement.models import Phase, RStrategy


class KnowledgeItem(SourcedModel):
    """A success factor, recommendation, conclusion, basisingrediënt, lesson or background
    fact (e.g. who took part in a study) from a source."""

    class Kind(models.TextChoices):
        SUCCESFACTOR = "succesfactor", _("Succesfactor")
        AANBEVELING = "aanbeveling", _("Aanbeveling")
        CONCLUSIE = "conclusie", _("Conclusie")
        BASISINGREDIENT = "basisingredient", _("Basisingrediënt")
        LES = "les", _("Les")
        ACHTERGROND = "achtergrond", _("Achtergrond")

    class Audience(models.TextChoices):
        AANBESTEDENDE_DIENST = "aanbestedende_dienst", _("Aanbestedende dienst")
        LEVERANCIER = "leverancier", _("Leverancier")
        BEIDE = "beide", _("Aanbestedende dienst en leverancier")
        LEARNING_COMMUNITY = "learning_community", _("Learning community")

    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    text = models.TextField(_("tekst"))
    audience = models.CharField(_("doelgroep"), max_length=25, choices=Audience.choices)
    phases = models.ManyToManyField(
        Phase, verbose_name=_("fasen"), related_name="knowledge_items", blank=True
    )
    r_levels = models.ManyToManyField(
        RStrategy, verbose_name=_("R-strategieën"), related_name="knowledge_items", blank=True
    )

    class Meta:
        verbose_name = _("kennisitem")
        verbose_name_plural = _("kennisbank")
        ordering = ["kind", "title"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("cases:knowledge_detail", args=[self.slug])
