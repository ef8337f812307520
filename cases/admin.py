from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases import services
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
    """A keyword's name is part of the search text of its cases: renaming or deleting one
    re-indexes them (services.tags_changed)."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.tags_changed(case_ids=obj.cases.values_list("pk", flat=True))

    def delete_model(self, request, obj):
        case_ids = list(obj.cases.values_list("pk", flat=True))
        super().delete_model(request, obj)
        services.tags_changed(case_ids=case_ids)

    def delete_queryset(self, request, queryset):
        case_ids = list(Case.objects.filter(tags__in=queryset).values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        services.tags_changed(case_ids=case_ids)


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

    # Every change here is a change to a case: it goes to its one owner,
    # services.case_changed (facet counts, stored articles), after the search text.

    def save_model(self, request, obj, form, change):
        """A slug edited here keeps the old one as an earlier address (it redirects)."""
        if change and "slug" in form.changed_data:
            services.case_slug_keep(case=obj, old_slug=form.initial["slug"], new_slug=obj.slug)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """After the case and its parts (inlines) are saved."""
        super().save_related(request, form, formsets, change)
        services.case_search_index(case=form.instance)
        services.case_changed(case_ids=[form.instance.pk])

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        services.case_changed(case_ids=[pk])

    def delete_queryset(self, request, queryset):
        """The bulk action "delete selected"."""
        case_ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        services.case_changed(case_ids=case_ids)


@admin.register(KnowledgeItem)
class KnowledgeItemAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "audience", "source", "source_section"]
    list_filter = ["kind", "audience", "source", "phases", "r_levels"]
    search_fields = ["title", "text"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["phases", "r_levels"]
