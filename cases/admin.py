from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases import articles, filters, services
from cases.models import (
    Case,
    CaseAttachment,
    CaseLesson,
    CaseObstacle,
    CaseStrategy,
    KnowledgeItem,
    Tag,
)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class CaseStrategyInline(admin.TabularInline):
    model = CaseStrategy
    extra = 0


class CaseObstacleInline(admin.TabularInline):
    model = CaseObstacle
    extra = 0


class CaseLessonInline(admin.TabularInline):
    model = CaseLesson
    extra = 0


class CaseAttachmentInline(admin.TabularInline):
    model = CaseAttachment
    extra = 0
    readonly_fields = ["content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "status",
        "visibility",
        "sector",
        "region",
        "year",
        "source",
        "published_at",
    ]
    list_filter = [
        "status",
        "visibility",
        "sector",
        "region",
        "source",
        "strategies__r_level",
        "obstacles__dimension",
        "year",
    ]
    search_fields = ["title", "summary", "context", "approach"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = [
        "organisations",
        "author",
        "contact",
        "trajectories",
        "tags",
        "themegroup",
    ]
    list_select_related = ["region", "source"]
    inlines = [CaseStrategyInline, CaseObstacleInline, CaseLessonInline, CaseAttachmentInline]

    def save_related(self, request, form, formsets, change):
        """After the case and its parts are saved: refresh its search text and counts."""
        super().save_related(request, form, formsets, change)
        services.case_search_index(case=form.instance)
        filters.facets_invalidate()
        articles.render_later([form.instance.pk])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        filters.facets_invalidate()


@admin.register(KnowledgeItem)
class KnowledgeItemAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "audience", "source", "source_section"]
    list_filter = ["kind", "audience", "source", "phases", "r_levels"]
    search_fields = ["title", "text"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["phases", "r_levels"]
