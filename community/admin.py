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
    LearningGoal,
    MaturityAspect,
    Meeting,
    MeetingAction,
    Membership,
    MembershipRequest,
    Organisation,
    OrganisationMaturity,
    ProductCategory,
    Region,
    Source,
    Themegroup,
    ThemegroupAnnouncement,
    ThemegroupDocument,
    ThemegroupInvitation,
    ThemegroupJoinRequest,
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
    list_display = ["name", "type", "cbs_code", "province", "population", "region", "region_group"]
    list_filter = ["type", "region", "region_group", "province"]
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
    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en"]
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


class MeetingActionInline(admin.TabularInline):
    model = MeetingAction
    extra = 0
    autocomplete_fields = ["owner"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "themegroup", "starts_at", "location"]
    list_filter = ["themegroup__region", "themegroup"]
    search_fields = ["title", "minutes", "agenda_items__title"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline, AttendanceInline, MeetingActionInline]
    list_select_related = ["themegroup"]
    readonly_fields = ["created_by"]


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
    list_display = ["position", "name", "name_en", "key", "source"]
    search_fields = ["name", "name_en", "description"]


@admin.register(OrganisationMaturity)
class OrganisationMaturityAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "aspect", "status", "assessed_on"]
    list_filter = ["status", "aspect", "organisation__region"]
    search_fields = ["organisation__name", "note"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation", "aspect"]


# --- taking part in a themegroup: read in the admin with their history; the pages and
# community.services make the changes (who did what is in each history).


@admin.register(ThemegroupInvitation)
class ThemegroupInvitationAdmin(SimpleHistoryAdmin):
    list_display = ["email", "themegroup", "role", "status", "expires_at", "invited_by"]
    list_filter = ["status", "role", "themegroup__region"]
    search_fields = ["email", "themegroup__name"]
    exclude = ["token"]  # the link's secret is for the invited person only
    readonly_fields = ["accepted_by", "closed_at", "invited_by"]


@admin.register(ThemegroupJoinRequest)
class ThemegroupJoinRequestAdmin(SimpleHistoryAdmin):
    list_display = ["user", "themegroup", "status", "created_at", "decided_by"]
    list_filter = ["status", "themegroup__region"]
    search_fields = ["user__email", "user__full_name", "themegroup__name"]
    readonly_fields = ["decided_by", "decided_at"]


@admin.register(MembershipRequest)
class MembershipRequestAdmin(SimpleHistoryAdmin):
    """Read here; decided in the portal's queue (/organisaties/aanvragen/), which makes the
    membership and mails the applicant."""

    list_display = ["user", "organisation", "role", "status", "created_at", "decided_by"]
    list_filter = ["status", "organisation__region"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    readonly_fields = ["decided_by", "decided_at"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(ThemegroupAnnouncement)
class ThemegroupAnnouncementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "themegroup", "author", "created_at"]
    list_filter = ["themegroup__region"]
    search_fields = ["title", "body"]
    readonly_fields = ["author"]


@admin.register(ThemegroupDocument)
class ThemegroupDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "themegroup", "shared_with_guests", "uploaded_by", "uploaded_at"]
    list_filter = ["shared_with_guests", "themegroup__region"]
    search_fields = ["title"]
    readonly_fields = ["file", "content_type", "size", "uploaded_by"]


@admin.register(LearningGoal)
class LearningGoalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "themegroup", "status"]
    list_filter = ["status", "themegroup__region"]
    search_fields = ["title"]


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
