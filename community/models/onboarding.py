"""Onboarding: a self-registered person asks to be linked to an organisation, and a
coordinator of its region approves (the membership is made then) or declines. Until
then the account holds no membership and sees public content only. Written only through
`community.services`, which records the actor in the history."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .people import Membership, Organisation


class MembershipRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=MembershipRequest.Status.OPEN)

    def decidable_by(self, user):
        """Requests a user may decide: for organisations in the regions they coordinate;
        staff all; everyone else none."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        coordinated = (
            Membership.objects.active()
            .filter(user=user, role=Membership.Role.COORDINATOR)
            .exclude(organisation__region=None)
            .values("organisation__region")
        )
        return self.filter(organisation__region__in=coordinated)

    def for_queue(self):
        """What the queue shows of each request, oldest first, in one query: the
        applicant, the organisation and whether the applicant's address is verified
        (`email_verified`)."""
        verified = EmailAddress.objects.filter(
            user=models.OuterRef("user"),
            email__iexact=models.OuterRef("user__email"),
            verified=True,
        )
        return (
            self.select_related("user", "organisation", "organisation__region")
            .annotate(email_verified=models.Exists(verified))
            .order_by("created_at", "id")
        )


class MembershipRequest(models.Model):
    """A person asks for a role (inkoper or bestuurder) in an organisation. It grants
    nothing until a coordinator of the organisation's region (or staff) approves it;
    approving makes the Membership. A coordinator role is only given by staff, so it
    cannot be asked for."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        GOEDGEKEURD = "goedgekeurd", _("Goedgekeurd")
        AFGEWEZEN = "afgewezen", _("Afgewezen")
        INGETROKKEN = "ingetrokken", _("Ingetrokken")

    class Role(models.TextChoices):
        INKOPER = Membership.Role.INKOPER.value, _("Inkoper")
        BESTUURDER = Membership.Role.BESTUURDER.value, _("Bestuurder")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aanvrager"),
        on_delete=models.CASCADE,
        related_name="membership_requests",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="membership_requests",
    )
    role = models.CharField(
        _("gevraagde rol"), max_length=20, choices=Role.choices, default=Role.INKOPER
    )
    motivation = models.TextField(_("toelichting"), blank=True, max_length=1000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beoordeeld door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)
    decline_reason = models.TextField(_("reden van afwijzing"), blank=True, max_length=1000)

    objects = MembershipRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aanvraag om toegang")
        verbose_name_plural = _("aanvragen om toegang")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(status="open"),
                name="community_membershiprequest_one_open",
                violation_error_message=_(
                    "U heeft al een openstaande aanvraag voor deze organisatie."
                ),
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(status="open"),
                name="community_memreq_open_idx",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
