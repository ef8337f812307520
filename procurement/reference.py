"""The seeded reference data that every trajectory page reads: the six phases with
their guidance, the guiding questions, the R-ladder and the EU thresholds. One cache
read instead of five queries per page; nothing in it is confidential or depends on the
reader. Whatever writes these tables forgets it (`forget`): the seed loader
(`procurement.seeding`) and the admin (`procurement.admin`); it expires after an hour
regardless."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db import transaction

from procurement.models import EuThreshold, GuidingQuestion, Phase, PhaseGuidance, RStrategy
from procurement.models.thresholds import threshold_category

KEY = "procurement:reference:1"
TIMEOUT = 60 * 60


@dataclass
class Reference:
    phases: list[Phase]  # by number
    ladder: list[RStrategy]  # by level
    questions: list[GuidingQuestion]  # by phase number, kind, position; phase and R-level read
    guidance: dict[int, list[PhaseGuidance]] = field(default_factory=dict)  # phase id: by position
    thresholds: list[EuThreshold] = field(default_factory=list)  # latest first

    def questions_for(self, r_level_target: int | None) -> list[GuidingQuestion]:
        """As `procurement.views._questions`: the generic questions and those for each
        R-level from the ambition down the ladder (R0 aims highest, so it asks all)."""
        return [
            question
            for question in self.questions
            if question.kind == GuidingQuestion.Kind.GENERIEK
            or (
                r_level_target is not None
                and question.r_level_id is not None
                and question.r_level_id >= r_level_target
            )
        ]

    def threshold_for(self, procurement_type: str, on: date) -> EuThreshold | None:
        """As `procurement.models.threshold_for`, from the thresholds read."""
        category = threshold_category(procurement_type)
        for threshold in self.thresholds:
            if (
                threshold.category == category
                and threshold.valid_from <= on <= threshold.valid_until
            ):
                return threshold
        return None


def _read() -> Reference:
    guidance = defaultdict(list)
    for item in PhaseGuidance.objects.order_by("phase_id", "position"):
        guidance[item.phase_id].append(item)
    return Reference(
        phases=list(Phase.objects.order_by("number")),
        ladder=list(RStrategy.objects.order_by("level")),
        questions=list(
            GuidingQuestion.objects.select_related("r_level", "phase").order_by(
                "phase__number", "kind", "position"
            )
        ),
        guidance=dict(guidance),
        thresholds=list(EuThreshold.objects.order_by("-valid_from")),
    )


def reference() -> Reference:
    data = cache.get(KEY)
    if data is None:
        data = _read()
        cache.set(KEY, data, TIMEOUT)
    return data


def forget() -> None:
    """Drop the cached reference data now and again once the writer's transaction
    commits (a reader in between may have cached what it saw before the commit)."""
    cache.delete(KEY)
    transaction.on_commit(lambda: cache.delete(KEY))
