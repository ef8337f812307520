from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from community.models import (
    AgendaItem,
    Agreement,
    AgreementParticipant,
    Attendance,
    Commitment,
    DigestDelivery,
    MaturityAspect,
    Meeting,
    Membership,
    Organisation,
    OrganisationMaturity,
    ProductCategory,
    Region,
    Source,
    Themegroup,
    ThemegroupMembership,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "memberships__role"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Persoon"), {"fields": ("full_name",)}),
        (_("Rechten"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Data"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "cbs_code", "province", "population", "region"]
    list_filter = ["type", "region", "province"]
    search_fields = ["name", "cbs_code"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["region"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__type", "organisation__region"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "year", "key"]
    search_fields = ["title", "publisher", "key"]


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ThemegroupMembershipInline(admin.TabularInline):
    model = ThemegroupMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Themegroup)
class ThemegroupAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "sector", "created_at"]
    list_filter = ["region", "sector"]
    search_fields = ["name", "description", "goal"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ThemegroupMembershipInline]
    list_select_related = ["region"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "themegroup", "starts_at", "location"]
    list_filter = ["themegroup__region", "themegroup"]
    search_fields = ["title", "minutes", "agenda_items__title"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline, AttendanceInline]
    list_select_related = ["themegroup"]


class AgreementParticipantInline(admin.TabularInline):
    model = AgreementParticipant
    extra = 0
    autocomplete_fields = ["organisation"]


class CommitmentInline(admin.StackedInline):
    model = Commitment
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "source"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AgreementParticipantInline, CommitmentInline]


@admin.register(AgreementParticipant)
class AgreementParticipantAdmin(admin.ModelAdmin):
    list_display = ["organisation", "participant_type", "agreement"]
    list_filter = ["agreement", "participant_type", "organisation__type"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "agreement"]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["key", "agreement", "applies_to", "metric", "target", "unit"]
    list_filter = ["agreement", "applies_to", "metric"]
    search_fields = ["description", "key"]


@admin.register(MaturityAspect)
class MaturityAspectAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "key", "source"]
    search_fields = ["name", "description"]


@admin.register(OrganisationMaturity)
class OrganisationMaturityAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "aspect", "status", "assessed_on"]
    list_filter = ["status", "aspect", "organisation__region"]
    search_fields = ["organisation__name", "note"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation", "aspect"]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    """The digests made, for support questions ("did I get one?"): read only."""

    list_display = ["user", "frequency", "period_start", "claimed_at", "sent_at"]
    list_filter = ["frequency", "period_start"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "frequency",
        "period_start",
        "period_end",
        "content",
        "claimed_at",
        "sent_at",
    ]

    def has_add_permission(self, request):
        return False
