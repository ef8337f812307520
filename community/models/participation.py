"""Taking part in a themegroup: invitations by e-mail, requests to join, the group's
announcements, shared documents and learning goals. Written only through
`community.services`, which records the actor in each model's history."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .people import Organisation
from .themegroups import Themegroup, ThemegroupMembership

INVITATION_VALID_FOR = timedelta(days=14)


def new_token() -> str:
    """An unguessable token for an invitation link (256 bits)."""
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + INVITATION_VALID_FOR


class ThemegroupInvitation(models.Model):
    """An invitation by e-mail to take part in a themegroup as member or guest. The link
    in the mail carries the token; it is usable once, until it expires or is withdrawn."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        GEACCEPTEERD = "geaccepteerd", _("Geaccepteerd")
        INGETROKKEN = "ingetrokken", _("Ingetrokken")

    themegroup = models.ForeignKey(
        Themegroup,
        verbose_name=_("themagroep"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mailadres"))
    role = models.CharField(
        _("rol"),
        max_length=20,
        choices=[
            (ThemegroupMembership.Role.LID, ThemegroupMembership.Role.LID.label),
            (ThemegroupMembership.Role.GAST, ThemegroupMembership.Role.GAST.label),
        ],
        default=ThemegroupMembership.Role.LID,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Voor een nieuw account: de organisatie waarvoor deze persoon meedoet."),
    )
    token = models.CharField(_("sleutel"), max_length=64, unique=True, default=new_token)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default="open")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uitgenodigd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("verstuurd op"), default=timezone.now)
    expires_at = models.DateTimeField(_("verloopt op"), default=invitation_expiry)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geaccepteerd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = _("uitnodiging voor een themagroep")
        verbose_name_plural = _("uitnodigingen voor themagroepen")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                "themegroup", Lower("email"), "status", name="community_invitation_open_idx"
            ),
        ]

    def __str__(self):
        return f"{self.email} – {self.themegroup.name}"

    def get_absolute_url(self):
        return reverse("community:invitation_accept", args=[self.token])

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.OPEN and not self.is_expired


class ThemegroupJoinRequest(models.Model):
    """A member of the region asks to join a themegroup; a coordinator approves or
    declines."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        GOEDGEKEURD = "goedgekeurd", _("Goedgekeurd")
        AFGEWEZEN = "afgewezen", _("Afgewezen")

    themegroup = models.ForeignKey(
        Themegroup,
        verbose_name=_("themagroep"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aanvrager"),
        on_delete=models.CASCADE,
        related_name="themegroup_join_requests",
    )
    message = models.TextField(_("toelichting"), blank=True, max_length=1000)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default="open")
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

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aanvraag om lid te worden")
        verbose_name_plural = _("aanvragen om lid te worden")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["themegroup", "user"],
                condition=models.Q(status="open"),
                name="community_joinrequest_one_open",
                violation_error_message=_("U heeft al gevraagd om lid te worden."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.themegroup.name}"


class ThemegroupAnnouncement(models.Model):
    """A short message from a coordinator to the group (Markdown, sanitised on display)."""

    themegroup = models.ForeignKey(
        Themegroup,
        verbose_name=_("themagroep"),
        on_delete=models.CASCADE,
        related_name="announcements",
    )
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("bericht"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("geplaatst op"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mededeling")
        verbose_name_plural = _("mededelingen")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["themegroup", "-created_at"], name="community_announcement_idx")
        ]

    def __str__(self):
        return self.title


class ThemegroupDocument(models.Model):
    """A PDF or image shared in a themegroup (checked by content like case attachments).
    Members read all of them; guests only those shared with guests."""

    themegroup = models.ForeignKey(
        Themegroup,
        verbose_name=_("themagroep"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    file = models.FileField(_("bestand"), upload_to="themagroepen/%Y/%m/")
    title = models.CharField(_("titel"), max_length=200)
    content_type = models.CharField(_("bestandstype"), max_length=100)
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    shared_with_guests = models.BooleanField(
        _("gedeeld met gasten"),
        default=False,
        help_text=_("Gasten van de themagroep mogen dit document ook openen."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geüpload door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("geüpload op"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gedeeld document")
        verbose_name_plural = _("gedeelde documenten")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.title


class LearningGoal(models.Model):
    """A learning goal the group shares, with its status for monitoring."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        BEZIG = "bezig", _("Bezig")
        BEREIKT = "bereikt", _("Bereikt")

    themegroup = models.ForeignKey(
        Themegroup,
        verbose_name=_("themagroep"),
        on_delete=models.CASCADE,
        related_name="learning_goals",
    )
    title = models.CharField(_("leerdoel"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default="open")
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leerdoel")
        verbose_name_plural = _("leerdoelen")
        ordering = ["themegroup", "created_at", "id"]

    def __str__(self):
        return self.title
