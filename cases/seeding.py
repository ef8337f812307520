"""Loading the seeded cases and knowledge items (fixtures/seed/*.yaml). Idempotent:
cases and knowledge items by slug, their strategies by R-level, obstacles and lessons
by position."""

from django.utils import timezone
from django.utils.text import slugify

from cases import services
from cases.models import Case, CaseLesson, CaseObstacle, CaseStrategy, KnowledgeItem, Tag
from community.models import Region
from community.seeding import organisation_by_name, product_category, source_for, text
from kit.markdown import unwrap
from procurement.models import Phase


def prose(value) -> str:
    """A seeded text as stored: without the hard line breaks of its source (paragraphs
    joined, "- " lines a Markdown list), so pages, exports and the search read it whole."""
    return unwrap(text(value))


def load_cases(rows: list[dict]) -> int:
    """Create or update the seeded cases; like every writer, tell `case_changed`."""
    loaded = []
    for row in rows:
        existing = Case.objects.filter(slug=row["slug"]).first()
        defaults = {
            "title": row["title"],
            "summary": prose(row["summary"]),
            "region": Region.objects.get(slug=row["region"]) if row.get("region") else None,
            "sector": text(row.get("sector")),
            "product_category": product_category(row.get("product_category")),
            "year": row.get("year"),
            "procedure": text(row.get("procedure")),
            "special_method": text(row.get("special_method")),
            "award_basis": text(row.get("award_basis")),
            "context": prose(row.get("context")),
            "approach": prose(row.get("approach")),
            "involved_parties": prose(row.get("involved_parties")),
            "results": prose(row.get("results")),
            # Seeded cases come from public documents: published and public.
            "status": Case.Status.GEPUBLICEERD,
            "visibility": Case.Visibility.OPENBAAR,
            "published_at": existing.published_at if existing else timezone.now(),
            "source": source_for(row["source"]),
            "source_section": text(row.get("source_section")),
        }
        if existing:
            # A re-seed is not an edit by a person: update without a history entry (but
            # with a new updated_at, so a stored article of the old text is stale).
            Case.objects.filter(pk=existing.pk).update(**defaults, updated_at=timezone.now())
            case = existing
        else:
            case = Case.objects.create(slug=row["slug"], **defaults)
        case.organisations.set(
            [organisation_by_name(o["name"], o["type"]) for o in row.get("organisations") or []]
        )
        tags = []
        for name in row.get("tags") or []:
            tag, _ = Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})
            tags.append(tag)
        case.tags.set(tags)

        strategies = row.get("strategies") or []
        for strategy in strategies:
            CaseStrategy.objects.update_or_create(
                case=case,
                r_level_id=strategy["r"],
                defaults={
                    "explanation": prose(strategy["explanation"]),
                    "applied": strategy.get("applied", True),
                },
            )
        case.strategies.exclude(r_level_id__in=[s["r"] for s in strategies]).delete()

        obstacles = row.get("obstacles") or []
        for position, obstacle in enumerate(obstacles, start=1):
            CaseObstacle.objects.update_or_create(
                case=case,
                position=position,
                defaults={
                    "dimension": obstacle["dimension"],
                    "obstacle": prose(obstacle["obstacle"]),
                    "solution": prose(obstacle.get("solution")),
                },
            )
        case.obstacles.filter(position__gt=len(obstacles)).delete()

        lessons = row.get("lessons") or []
        for position, lesson in enumerate(lessons, start=1):
            CaseLesson.objects.update_or_create(
                case=case, position=position, defaults={"text": prose(lesson)}
            )
        case.lessons.filter(position__gt=len(lessons)).delete()
        services.case_search_index(case=case)
        loaded.append(case.pk)
    services.case_changed(case_ids=loaded)
    return len(rows)


def load_knowledge_items(rows: list[dict], default_source: str | None = None) -> int:
    for row in rows:
        item, _ = KnowledgeItem.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "kind": row["kind"],
                "title": row["title"],
                "text": prose(row["text"]),
                "audience": row["audience"],
                "source": source_for(row.get("source", default_source)),
                "source_section": text(row.get("source_section")),
            },
        )
        item.phases.set(Phase.objects.filter(number__in=row.get("phases") or []))
        item.r_levels.set(row.get("r_levels") or [])
    return len(rows)
