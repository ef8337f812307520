"""Models of progress reporting: a requested PDF report is a row that holds its scope,
period, status, progress, error, timestamps and requester (the view creates it and
enqueues its id on commit), with a QuerySet that scopes to the user
(`visible_to(user)`). Reports read trajectories, cases and the community; they own no
data of those apps.

The finished file lives on a private storage (`settings.REPORTS_ROOT`, outside the
public media): it is only ever served by the download view, which checks the reader's
rights every time and logs the download (`ReportDownload`)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from community.models import Organisation, Region, Themegroup
from reports import permissions
from reports.metrics import Period, Scope

# A report run or a subscription is about exactly one scope: the object its kind names.
ONE_SCOPE = (
    Q(
        scope_kind=Scope.ORGANISATION,
        organisation__isnull=False,
        region__isnull=True,
        themegroup__isnull=True,
    )
    | Q(
        scope_kind=Scope.REGION,
        organisation__isnull=True,
        region__isnull=False,
        themegroup__isnull=True,
    )
    | Q(
        scope_kind=Scope.THEMEGROUP,
        organisation__isnull=True,
        region__isnull=True,
        themegroup__isnull=False,
    )
)


class PrivateReportStorage(LazyObject):
    """A FileSystemStorage under settings.REPORTS_ROOT, with no URL: nothing there is
    reachable but through the download view. Lazy, so tests can move the root."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.REPORTS_ROOT, base_url=None)


private_storage = PrivateReportStorage()


def _private_storage():
    return private_storage


class ReportRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Runs of the scopes the user may view now (reports.permissions): the same rule
        as the dashboards, read once per request. Losing access hides the reports."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        scopes = permissions.viewable_scope_ids(user)
        return self.filter(
            Q(scope_kind=Scope.ORGANISATION, organisation__in=sorted(scopes["organisations"]))
            | Q(
                scope_kind=Scope.ORGANISATION,
                organisation__region__in=sorted(scopes["coordinated_regions"]),
            )
            | Q(scope_kind=Scope.REGION, region__in=sorted(scopes["regions"]))
            | Q(
                scope_kind=Scope.THEMEGROUP,
                themegroup__region__in=sorted(scopes["coordinated_regions"]),
            )
            | Q(scope_kind=Scope.THEMEGROUP, themegroup__in=sorted(scopes["themegroups"]))
        )


class ReportRun(models.Model):
    """One requested report: made once by `reports.tasks.report_make`."""

    class Status(models.TextChoices):
        WACHTRIJ = "wachtrij", _("In de wachtrij")
        BEZIG = "bezig", _("Bezig")
        KLAAR = "klaar", _("Klaar")
        MISLUKT = "mislukt", _("Mislukt")

    class ScopeKind(models.TextChoices):
        ORGANISATIE = Scope.ORGANISATION, _("Organisatie")
        THEMAGROEP = Scope.THEMEGROUP, _("Themagroep")
        REGIO = Scope.REGION, _("Regio")

    # Empty for a scheduled report (made for its subscribers, `scheduled_key`).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_runs",
        verbose_name=_("aangevraagd door"),
    )
    scope_kind = models.CharField(_("soort"), max_length=20, choices=ScopeKind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    themegroup = models.ForeignKey(
        Themegroup, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField(_("periode van"))
    period_end = models.DateField(_("periode tot en met"))
    language = models.CharField(_("taal"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WACHTRIJ
    )
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    error = models.TextField(_("reden"), blank=True)
    requested_at = models.DateTimeField(_("aangevraagd op"), auto_now_add=True)
    started_at = models.DateTimeField(_("begonnen op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    # How often a worker claimed this run (reports.services.report_claim): 1 when it was
    # made at once, more when a lost worker's run was taken over or a failed run retried.
    # Only the latest attempt may finish the run.
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0, editable=False)
    file = models.FileField(_("bestand"), storage=_private_storage, upload_to="%Y/%m/", blank=True)
    pages = models.PositiveIntegerField(_("pagina's"), null=True, blank=True)
    size = models.PositiveIntegerField(_("grootte (bytes)"), null=True, blank=True)
    # A scheduled report: scope, frequency, language and period, so that each period's
    # report is made once however often the beat task runs (unique; empty otherwise).
    scheduled_key = models.CharField(
        _("planning"), max_length=100, null=True, blank=True, unique=True, editable=False
    )

    history = HistoricalRecords(excluded_fields=["progress"])
    objects = ReportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapportage")
        verbose_name_plural = _("rapportages")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "-requested_at"], name="report_by_requester"),
            models.Index(fields=["scope_kind", "status"], name="report_scope_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=ONE_SCOPE,
                name="report_one_scope",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="report_period_order"
            ),
        ]

    def __str__(self):
        return f"{self.scope.name} {self.period_start:%d-%m-%Y}–{self.period_end:%d-%m-%Y}"

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def scope(self) -> Scope:
        return Scope(self.scope_kind, self.organisation or self.region or self.themegroup)

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end)

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.KLAAR, self.Status.MISLUKT)

    @property
    def filename(self) -> str:
        start, end = f"{self.period_start:%Y%m%d}", f"{self.period_end:%Y%m%d}"
        return f"voortgang-{self.scope_kind}-{start}-{end}.pdf"


class ReportDownload(models.Model):
    """Who downloaded a finished report, and when: a signed-in reader, or anyone holding a
    sharing link (`via_link`, no user)."""

    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_downloads",
    )
    via_link = models.BooleanField(_("via deel-link"), default=False)
    downloaded_at = models.DateTimeField(_("gedownload op"), auto_now_add=True)

    class Meta:
        verbose_name = _("download van een rapportage")
        verbose_name_plural = _("downloads van rapportages")
        ordering = ["-downloaded_at", "-pk"]

    def __str__(self):
        who = self.user or _("deel-link")
        return f"{self.run} ({who}, {self.downloaded_at:%d-%m-%Y %H:%M})"


def scheduled_key(*, frequency: str, scope_kind: str, scope_id: int, language: str, period):
    """The one key of a scheduled report (ReportRun.scheduled_key is unique)."""
    return f"{frequency}:{scope_kind}-{scope_id}:{language}:{period.start:%Y-%m-%d}"


class ReportSubscriptionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person sees and removes only their own subscriptions."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class ReportSubscription(models.Model):
    """A person's standing order for the report of a scope, each month or each quarter
    (made by `reports.tasks.scheduled_reports_make`, mailed while they may view it)."""

    class Frequency(models.TextChoices):
        MAAND = "maand", _("Elke maand")
        KWARTAAL = "kwartaal", _("Elk kwartaal")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
        verbose_name=_("persoon"),
    )
    scope_kind = models.CharField(_("soort"), max_length=20, choices=ReportRun.ScopeKind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    themegroup = models.ForeignKey(
        Themegroup, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    frequency = models.CharField(_("frequentie"), max_length=10, choices=Frequency.choices)
    language = models.CharField(_("taal"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ReportSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonnement op een rapportage")
        verbose_name_plural = _("abonnementen op rapportages")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=ONE_SCOPE,
                name="report_subscription_one_scope",
            ),
            # One subscription per person, scope and frequency.
            *(
                models.UniqueConstraint(
                    fields=["user", field, "frequency"],
                    condition=Q(scope_kind=kind),
                    name=f"report_subscription_once_{field}",
                )
                for kind, field in (
                    (Scope.ORGANISATION, "organisation"),
                    (Scope.REGION, "region"),
                    (Scope.THEMEGROUP, "themegroup"),
                )
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.scope.name} ({self.get_frequency_display()})"

    @property
    def scope(self) -> Scope:
        return Scope(self.scope_kind, self.organisation or self.region or self.themegroup)

    def key_for(self, period: Period) -> str:
        """The scheduled_key of this subscription's report over `period`."""
        return scheduled_key(
            frequency=self.frequency,
            scope_kind=self.scope_kind,
            scope_id=self.organisation_id or self.region_id or self.themegroup_id,
            language=self.language,
            period=period,
        )
