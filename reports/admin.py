"""Admin of progress reporting, for staff: requested reports (their status, progress,
reason, file and downloads) and the standing orders for scheduled reports.

A run is made only through /rapportages/ and the worker (`reports.services`): here every
field of a run is read-only and none is added; the file lives on the private storage,
which has no URL, so it is offered through the download view (rights checked and the
download logged, as for anyone). A subscription's person and scope are read-only; its
frequency and language may be changed, or it may be removed. Both keep their history."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from reports.models import ReportDownload, ReportRun, ReportSubscription

SCOPE_FIELDS = ["scope_kind", "organisation", "region", "themegroup"]


class ReportDownloadInline(admin.TabularInline):
    model = ReportDownload
    extra = 0
    fields = ["downloaded_at", "user", "via_link"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportRun)
class ReportRunAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "scope_kind",
        "status",
        "progress",
        "requested_by",
        "requested_at",
        "finished_at",
        "pages",
    ]
    list_filter = ["status", "scope_kind", "language", "requested_at"]
    search_fields = ["requested_by__email", "organisation__name", "region__name"]
    list_select_related = ["requested_by", "organisation", "region", "themegroup__region"]
    date_hierarchy = "requested_at"
    fields = [
        "requested_by",
        *SCOPE_FIELDS,
        "period_start",
        "period_end",
        "language",
        "status",
        "progress",
        "error",
        "requested_at",
        "started_at",
        "finished_at",
        "pdf",
        "pages",
        "size",
        "scheduled_key",
    ]
    readonly_fields = fields
    inlines = [ReportDownloadInline]

    @admin.display(description=_("bestand"))
    def pdf(self, run):
        if not run.file:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', reverse("reports:report_download", args=[run.pk]), run.filename
        )

    def has_add_permission(self, request):
        return False


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "user", "scope_kind", "frequency", "language", "created_at"]
    list_filter = ["frequency", "scope_kind", "language"]
    search_fields = ["user__email", "organisation__name", "region__name", "themegroup__name"]
    list_select_related = ["user", "organisation", "region", "themegroup__region"]
    fields = ["user", *SCOPE_FIELDS, "frequency", "language", "created_at"]
    readonly_fields = ["user", *SCOPE_FIELDS, "created_at"]

    def has_add_permission(self, request):
        return False
