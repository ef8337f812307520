"""The R-ladder (R0 Refuse … R9 Recover, PBL numbering): the choices, the names and
meanings the seed writes, and the seeded `RStrategy` rows other tables relate to."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from community.models import SourcedModel
from kit.localized import localized


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


# The step on the six-step RVO ladder used in Dutch circular-procurement practice
# (1 Refuse/Rethink, 2 Reduce, 3 Re-use, 4 Recycle, 5 Recover, 6 Re-mine) of each PBL
# level; the seed stores it on RStrategy.rvo_step. Re-use covers repair up to repurpose;
# Re-mine has no PBL counterpart. This mapping is the portal's own explanation (no source
# document gives it); the meanings above follow document 001 for R0–R2 and the PBL study
# "Circulaire economie: innovatie meten in de keten" (2016) for R3–R9.
PBL_TO_RVO = {0: 1, 1: 1, 2: 2, 3: 3, 4: 3, 5: 3, 6: 3, 7: 3, 8: 4, 9: 5}


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
        return f"R{self.level} {localized(self)}"
