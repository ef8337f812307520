"""Loading procurement seed data: the R-ladder, the six phases with their guidance and
guiding questions, KPI examples and the European thresholds. Idempotent."""

from community.seeding import source_for, text
from procurement import reference
from procurement.models import (
    PBL_TO_RVO,
    R_LEVEL_NAMES,
    EuThreshold,
    GuidingQuestion,
    KpiExample,
    Phase,
    PhaseGuidance,
    RStrategy,
)

LADDER_SOURCE = "pianoo-handvatten-hoogste-r"
# Document 001 defines only R0–R2; the lower steps cite the PBL study of the ten
# circularity strategies. The step on the RVO ladder is the portal's own explanation.
PBL_SOURCE = "pbl-circulaire-economie-2016"
RVO_NOTE = "de stap op de RVO-ladder is een eigen toelichting van het portaal"


def _ladder_citation(level: int) -> tuple[str, str]:
    if level <= 2:
        return LADDER_SOURCE, f"R-ladder (hoogste R-strategieën R0–R2); {RVO_NOTE}"
    return PBL_SOURCE, f"Circulariteitsstrategieën R0–R9 (R-ladder); {RVO_NOTE}"


def load_r_ladder() -> int:
    for level, (name_nl, name_en, meaning) in R_LEVEL_NAMES.items():
        source_key, section = _ladder_citation(level)
        RStrategy.objects.update_or_create(
            level=level,
            defaults={
                "name_nl": name_nl,
                "name_en": name_en,
                "meaning": str(meaning),
                "rvo_step": PBL_TO_RVO[level],
                "source": source_for(source_key),
                "source_section": section,
            },
        )
    reference.forget()  # the trajectory pages read it again
    return len(R_LEVEL_NAMES)


def _sync_guidance(phase: Phase, kind: str, items: list) -> None:
    for position, item in enumerate(items, start=1):
        if isinstance(item, str):
            item = {"text": item}
        PhaseGuidance.objects.update_or_create(
            phase=phase,
            kind=kind,
            position=position,
            defaults={
                "text": text(item.get("text") or item.get("name")),
                "url": text(item.get("url")),
            },
        )
    PhaseGuidance.objects.filter(phase=phase, kind=kind, position__gt=len(items)).delete()


def load_phases(data: dict) -> int:
    source = source_for(data.get("source", LADDER_SOURCE))
    for row in data["phases"]:
        phase, _ = Phase.objects.update_or_create(
            number=row["number"],
            defaults={
                "slug": row["slug"],
                "name": row["name"],
                "name_en": row.get("name_en") or "",
                "goal": text(row["goal"]),
                "source": source,
                "source_section": text(row.get("source_section")),
            },
        )
        _sync_guidance(phase, PhaseGuidance.Kind.BETROKKENE, row.get("involved") or [])
        _sync_guidance(phase, PhaseGuidance.Kind.AANDACHTSPUNT, row.get("attention_points") or [])
        _sync_guidance(phase, PhaseGuidance.Kind.TOOL, row.get("tools") or [])
        _sync_guidance(phase, PhaseGuidance.Kind.INSPIRATIE, row.get("inspiration") or [])
        generic = GuidingQuestion.Kind.GENERIEK
        questions = [(generic, None, q) for q in row.get("questions_generic") or []]
        questions += [
            (GuidingQuestion.Kind.HOOGSTE_R, q.get("r"), q["text"])
            for q in row.get("questions_r") or []
        ]
        for position, (kind, r_level, question) in enumerate(questions, start=1):
            GuidingQuestion.objects.update_or_create(
                phase=phase,
                position=position,
                defaults={"kind": kind, "r_level_id": r_level, "text": text(question)},
            )
        GuidingQuestion.objects.filter(phase=phase, position__gt=len(questions)).delete()
    reference.forget()  # the trajectory pages read it again
    return len(data["phases"])


def load_kpi_examples(rows: list[dict], default_source: str = LADDER_SOURCE) -> int:
    for row in rows:
        KpiExample.objects.update_or_create(
            key=row["key"],
            defaults={
                "r_level_id": row.get("r"),
                "name": row["name"],
                "unit": text(row.get("unit")),
                "direction": row.get("direction") or KpiExample.Direction.LAGER,
                "description": text(row.get("description")),
                "source": source_for(row.get("source", default_source)),
                "source_section": text(row.get("source_section")),
            },
        )
    return len(rows)


def load_thresholds(data: dict) -> int:
    for row in data["thresholds"]:
        EuThreshold.objects.update_or_create(
            category=row["category"],
            valid_from=row["valid_from"],
            defaults={
                "amount": row["amount"],
                "valid_until": row["valid_until"],
                "source": source_for(row["source"]),
                "source_section": text(row.get("source_section")),
            },
        )
    reference.forget()  # the trajectory pages read it again
    return len(data["thresholds"])
