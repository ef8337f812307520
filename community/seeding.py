"""Loading community seed data: sources, regions, municipalities, themegroups,
agreements and the basisingrediënten. Idempotent: rows are found by natural key."""

import csv
from datetime import date
from pathlib import Path

from django.utils.text import slugify

from community.models import (
    Agreement,
    AgreementParticipant,
    Commitment,
    MaturityAspect,
    Organisation,
    ProductCategory,
    Region,
    Sector,
    Source,
    Themegroup,
)

REGIONS = {
    "groene_hart": ("groene-hart", "Groene Hart"),
    "regio_zwolle": ("regio-zwolle", "Regio Zwolle"),
}

# The interview (document 000, questions 2 and 7) names the three themegroups and says
# what inkopers do in them; it describes no scope per group, so neither do these texts.
THEMEGROUPS = [
    (
        "gww",
        "GWW",
        Sector.GWW,
        "Themagroep grond-, weg- en waterbouw (GWW) van Platform Groene Hart Circulair. "
        "Inkopers leren hier van elkaar, stemmen hun aanbestedingen op elkaar af en "
        "bundelen hun krachten (bron: interview Groene Hart, vragen 2 en 7).",
    ),
    (
        "vastgoed",
        "Vastgoed",
        Sector.VASTGOED,
        "Themagroep vastgoed van Platform Groene Hart Circulair. Inkopers leren hier van "
        "elkaar, stemmen hun aanbestedingen op elkaar af en bundelen hun krachten (bron: "
        "interview Groene Hart, vragen 2 en 7).",
    ),
    (
        "facilitair",
        "Facilitair",
        Sector.FACILITAIR,
        "Themagroep facilitair van Platform Groene Hart Circulair. Inkopers leren hier van "
        "elkaar, stemmen hun aanbestedingen op elkaar af en bundelen hun krachten (bron: "
        "interview Groene Hart, vraag 7).",
    ),
]


def text(value) -> str:
    """YAML null becomes an empty text field."""
    return (value or "").strip() if isinstance(value, str) or value is None else str(value)


def source_for(key: str | None) -> Source | None:
    return Source.objects.get(key=key) if key else None


def load_sources(data: dict) -> int:
    for row in data["sources"]:
        Source.objects.update_or_create(
            key=row["key"],
            defaults={
                "title": row["title"],
                "publisher": row["publisher"],
                "year": row.get("year"),
                "url": text(row.get("url")),
                "file": text(row.get("file")),
            },
        )
    return len(data["sources"])


def load_municipalities(csv_path: Path) -> int:
    """Regions and every municipality of the CSV, with CBS code, province, population and
    its group in the region (`groep`: kern / ruim in the Groene Hart, lid in Regio Zwolle)."""
    count = 0
    with csv_path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            slug, name = REGIONS[row["regio"]]
            region, _ = Region.objects.get_or_create(slug=slug, defaults={"name": name})
            Organisation.objects.update_or_create(
                cbs_code=row["statcode"],
                defaults={
                    "name": f"Gemeente {row['statnaam']}",
                    "slug": slugify(f"Gemeente {row['statnaam']}"),
                    "type": Organisation.Type.GEMEENTE,
                    "region": region,
                    "province": row["provincie"],
                    "region_group": row["groep"],
                    "population": int(row["inwoners"]) if row["inwoners"] else None,
                    "population_date": date.fromisoformat(row["inwoners_peildatum"])
                    if row["inwoners_peildatum"]
                    else None,
                },
            )
            count += 1
    return count


def load_themegroups() -> int:
    region = Region.objects.get(slug="groene-hart")
    for slug, name, sector, description in THEMEGROUPS:
        Themegroup.objects.update_or_create(
            region=region,
            slug=slug,
            defaults={"name": name, "sector": sector, "description": description},
        )
    return len(THEMEGROUPS)


def organisation_by_name(name: str, organisation_type: str) -> Organisation:
    """Find an organisation by its slugified name, or create it (without a region)."""
    organisation, _ = Organisation.objects.get_or_create(
        slug=slugify(name)[:200], defaults={"name": name, "type": organisation_type}
    )
    return organisation


def load_product_categories(rows: list[dict]) -> int:
    """The product categories with their English names (fixtures/seed/product_categories.yaml)."""
    for row in rows:
        ProductCategory.objects.update_or_create(
            slug=slugify(row["name"]), defaults={"name": row["name"], "name_en": row["name_en"]}
        )
    return len(rows)


def product_category(name: str | None) -> ProductCategory | None:
    if not name:
        return None
    category, _ = ProductCategory.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    return category


def load_maturity_aspects(rows: list[dict], default_source: str) -> int:
    for position, row in enumerate(rows, start=1):
        MaturityAspect.objects.update_or_create(
            key=row["key"],
            defaults={
                "name": row["name"],
                "name_en": row.get("name_en") or "",
                "description": text(row.get("description")),
                "position": position,
                "source": source_for(row.get("source", default_source)),
                "source_section": text(row.get("source_section")),
            },
        )
    return len(rows)


def _upsert(model, defaults: dict, **lookup):
    """Create the row, or update it in place. A re-seed is not an edit by a person: the
    update writes no history entry (agreements, participants and commitments have
    history), so seeding twice adds nothing."""
    existing = model.objects.filter(**lookup).first()
    if existing is None:
        return model.objects.create(**lookup, **defaults)
    model.objects.filter(pk=existing.pk).update(**defaults)
    return existing


def load_agreements(data: dict) -> int:
    for row in data["agreements"]:
        agreement = _upsert(
            Agreement,
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "description": text(row.get("description")),
                "starts_on": row.get("starts_on"),
                "ends_on": row.get("ends_on"),
                "source": source_for(row["source"]),
                "source_section": text(row.get("source_section")),
            },
        )
        for participant in row["participants"]:
            organisation = organisation_by_name(
                participant["name"], participant["organisation_type"]
            )
            _upsert(
                AgreementParticipant,
                agreement=agreement,
                organisation=organisation,
                defaults={"participant_type": participant["participant_type"]},
            )
        for commitment in row["commitments"]:
            _upsert(
                Commitment,
                agreement=agreement,
                key=commitment["key"],
                defaults={
                    "applies_to": text(commitment.get("applies_to")),
                    "description": text(commitment["description"]),
                    "metric": commitment["metric"],
                    "target": commitment.get("target"),
                    "unit": text(commitment.get("unit")),
                    "source": agreement.source,
                    "source_section": text(commitment.get("source_section")),
                },
            )
    return len(data["agreements"])
