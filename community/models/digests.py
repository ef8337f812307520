"""The member digest: one mail per person and period listing what is new in all their
themegroups. A row per (person, frequency, period) is written before anything is sent,
so a second run of the job finds it and sends nothing twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .people import User
from .themegroups import ThemegroupMembership


class DigestDelivery(models.Model):
    """One person's digest for one period: what it lists, and when it was sent.

    `claimed_at` is set, and committed, before the mail goes out: a digest is sent at
    most once, also when the job runs twice or a worker dies while sending."""

    user = models.ForeignKey(
        User, verbose_name=_("ontvanger"), on_delete=models.CASCADE, related_name="digests"
    )
    frequency = models.CharField(
        _("frequentie"),
        max_length=20,
        choices=[
            choice
            for choice in ThemegroupMembership.Digest.choices
            if choice[0] != ThemegroupMembership.Digest.GEEN
        ],
    )
    period_start = models.DateField(_("periode vanaf"))
    period_end = models.DateField(_("periode tot"))
    # [{"themegroup": id, "name": ..., "items": [{"kind", "title", "url", "when"}]}]
    content = models.JSONField(_("inhoud"), default=list)
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("verzending gestart op"), null=True, blank=True)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)

    class Meta:
        verbose_name = _("samenvatting")
        verbose_name_plural = _("samenvattingen")
        ordering = ["-period_start", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequency", "period_start"],
                name="community_digestdelivery_once_per_period",
                violation_error_message=_("Deze samenvatting is al gemaakt."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_frequency_display()} – {self.period_start}"
