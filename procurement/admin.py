from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from procurement import reference, summaries
from procurement.models import (
    EuThreshold,
    GuidingQuestion,
    Kpi,
    KpiExample,
    KpiMeasurement,
    Phase,
    PhaseGuidance,
    PhaseProgress,
    QuestionAnswer,
    RStrategy,
    TeamMember,
    Trajectory,
)


class ForgetsReference:
    """An admin of seeded reference data: every change makes the trajectory pages read
    it again (`procurement.reference`)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        reference.forget()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        reference.forget()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        reference.forget()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        reference.forget()


class RefreshesKpiSummary:
    """An admin whose changes count in the KPI summary (a trajectory's organisation,
    participants or themegroup; its KPIs and measurements): like the services, it queues
    the summary's refresh once the change commits, of the scopes the trajectory counts in
    before and after the change, so the dashboards do not wait for the nightly rebuild."""

    def _trajectory_ids(self, objects) -> list[int]:
        return [o.pk if isinstance(o, Trajectory) else o.trajectory_id for o in objects]

    def save_model(self, request, obj, form, change):
        before = summaries.scopes_of(self._trajectory_ids([obj])) if change else set()
        super().save_model(request, obj, form, change)
        summaries.refresh_on_commit(trajectories=self._trajectory_ids([obj]), scopes=before)

    def delete_model(self, request, obj):
        before = summaries.scopes_of(self._trajectory_ids([obj]))
        super().delete_model(request, obj)
        summaries.refresh_on_commit(scopes=before)

    def delete_queryset(self, request, queryset):
        before = summaries.scopes_of(self._trajectory_ids(queryset))
        super().delete_queryset(request, queryset)
        summaries.refresh_on_commit(scopes=before)


@admin.register(RStrategy)
class RStrategyAdmin(ForgetsReference, admin.ModelAdmin):
    list_display = ["level", "name_nl", "name_en", "rvo_step", "meaning"]


class PhaseGuidanceInline(admin.TabularInline):
    model = PhaseGuidance
    extra = 0


class GuidingQuestionInline(admin.TabularInline):
    model = GuidingQuestion
    extra = 0


@admin.register(Phase)
class PhaseAdmin(ForgetsReference, admin.ModelAdmin):
    list_display = ["number", "name", "name_en", "source", "source_section"]
    search_fields = ["name", "name_en", "goal"]
    inlines = [PhaseGuidanceInline, GuidingQuestionInline]


@admin.register(GuidingQuestion)
class GuidingQuestionAdmin(ForgetsReference, admin.ModelAdmin):
    list_display = ["text", "phase", "kind", "r_level", "position"]
    list_filter = ["phase", "kind", "r_level"]
    search_fields = ["text"]
    list_select_related = ["phase", "r_level"]


@admin.register(KpiExample)
class KpiExampleAdmin(admin.ModelAdmin):
    list_display = ["name", "r_level", "unit", "direction", "source_section"]
    list_filter = ["r_level", "direction"]
    search_fields = ["name", "description"]


@admin.register(EuThreshold)
class EuThresholdAdmin(ForgetsReference, admin.ModelAdmin):
    list_display = ["category", "amount", "valid_from", "valid_until"]
    list_filter = ["category", "valid_from"]


class PhaseProgressInline(admin.TabularInline):
    model = PhaseProgress
    extra = 0


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ["user"]


class KpiInline(admin.TabularInline):
    model = Kpi
    extra = 0
    show_change_link = True


@admin.register(Trajectory)
class TrajectoryAdmin(RefreshesKpiSummary, SimpleHistoryAdmin):
    list_display = [
        "title",
        "organisation",
        "procurement_type",
        "current_phase",
        "r_level_target",
        "r_level_achieved",
        "status",
        "updated_at",
    ]
    list_filter = [
        "status",
        "procurement_type",
        "current_phase",
        "organisation__region",
        "procedure",
        "award_basis",
        "r_level_target",
    ]
    search_fields = ["title", "need_description", "organisation__name", "tenderned_id"]
    autocomplete_fields = ["organisation", "participating_organisations", "themegroup"]
    list_select_related = ["organisation", "current_phase", "r_level_target", "r_level_achieved"]
    inlines = [PhaseProgressInline, TeamMemberInline, KpiInline]


class KpiMeasurementInline(admin.TabularInline):
    model = KpiMeasurement
    extra = 0


@admin.register(Kpi)
class KpiAdmin(RefreshesKpiSummary, admin.ModelAdmin):
    list_display = ["name", "trajectory", "unit", "r_level", "direction"]
    list_filter = ["r_level", "direction"]
    search_fields = ["name", "trajectory__title"]
    inlines = [KpiMeasurementInline]
    list_select_related = ["trajectory", "r_level"]


@admin.register(QuestionAnswer)
class QuestionAnswerAdmin(admin.ModelAdmin):
    list_display = ["trajectory", "question", "is_done", "answered_by", "answered_at"]
    list_filter = ["is_done", "question__phase"]
    search_fields = ["answer", "trajectory__title", "question__text"]
    list_select_related = ["trajectory", "question", "answered_by"]
