"""What the dashboards read instead of every KPI measurement: per scope (an
organisation, a region, a themegroup), growth-model period label and day, how many
measurements with a target start and end on that day, how many of those have an actual
and how many meet their target. Kept by `procurement.summaries` after every write.

The measurements of a period [S, E] are those that start on or before E and end on or
after S. As a measurement ends after it starts, those that end before S all started on
or before E, so their number is (starting by E) − (ending before S): two running sums
over these rows, without reading a single measurement. Nothing confidential is in it
(no estimated value, supplier or notes; only counts)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SummaryScope(models.TextChoices):
    """The scopes a summary is kept for (the same values as `reports.metrics.Scope`)."""

    ORGANISATIE = "organisatie", _("Organisatie")
    REGIO = "regio", _("Regio")
    THEMAGROEP = "themagroep", _("Themagroep")


class KpiDaySummary(models.Model):
    """Counts of a scope's KPI measurements with a target, per label, on one day."""

    scope_kind = models.CharField(_("soort bereik"), max_length=12, choices=SummaryScope.choices)
    # The organisation, region or themegroup (by kind): no foreign key, as it points at
    # one of three tables; a rebuild drops rows of scopes that no longer exist.
    scope_id = models.PositiveBigIntegerField(_("bereik"))
    label = models.CharField(_("periode"), max_length=50)
    day = models.DateField(_("dag"))
    starting = models.PositiveIntegerField(_("beginnen"), default=0)
    starting_measured = models.PositiveIntegerField(_("beginnen, gemeten"), default=0)
    starting_met = models.PositiveIntegerField(_("beginnen, doel gehaald"), default=0)
    ending = models.PositiveIntegerField(_("eindigen"), default=0)
    ending_measured = models.PositiveIntegerField(_("eindigen, gemeten"), default=0)
    ending_met = models.PositiveIntegerField(_("eindigen, doel gehaald"), default=0)

    class Meta:
        verbose_name = _("KPI-samenvatting per dag")
        verbose_name_plural = _("KPI-samenvattingen per dag")
        constraints = [
            # Also the index of the dashboard's query: one scope, the days up to a date.
            models.UniqueConstraint(
                fields=["scope_kind", "scope_id", "day", "label"],
                name="procurement_kpidaysummary_one_per_day",
            )
        ]
        indexes = [
            # The dashboard's query read from the index alone (an index-only scan): one
            # scope's days up to a date with every count it adds up. At 100k
            # trajectories a region's 6.5k rows: 11-19 ms from the table, 3 ms from this.
            models.Index(
                fields=["scope_kind", "scope_id", "day"],
                include=[
                    "label",
                    "starting",
                    "starting_measured",
                    "starting_met",
                    "ending",
                    "ending_measured",
                    "ending_met",
                ],
                name="procurement_kpisum_dashboard",
            )
        ]

    def __str__(self):
        return f"{self.scope_kind} {self.scope_id} {self.label} {self.day}"
