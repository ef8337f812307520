"""Network agreements (Green Deals, manifestos), the organisations taking part and
the commitments they made."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .people import Membership, Organisation, Region
from .reference import SourcedModel


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Agreements a user may read: national ones (no region) for every linked member,
        a regional one for the active members of organisations in that region; staff all.
        Anonymous visitors and accounts not (or no longer) linked see none."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        active = Membership.objects.active().filter(user=user)
        if not active.exists():
            return self.none()
        return self.filter(
            models.Q(region__isnull=True)
            | models.Q(
                region__in=active.exclude(organisation__region=None).values("organisation__region")
            )
        )


class Agreement(SourcedModel):
    """A network agreement such as the Green Deal Circulair Inkopen 2.0."""

    name = models.CharField(_("naam"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("beschrijving"), blank=True)
    starts_on = models.DateField(_("begindatum"), null=True, blank=True)
    ends_on = models.DateField(_("einddatum"), null=True, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("regio"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        help_text=_("Leeg voor een landelijke afspraak zoals een Green Deal."),
    )
    history = HistoricalRecords()

    objects = AgreementQuerySet.as_manager()

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

    def get_absolute_url(self):
        return reverse("community:agreement_detail", args=[self.slug])


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
    history = HistoricalRecords()

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
    history = HistoricalRecords()

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
