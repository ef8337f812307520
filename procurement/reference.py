"""The seeded reference data that every trajectory page reads: the six phases with
their guidance, the guiding questions, the R-ladder and the EU thresholds. One cache
read instead of five queries per page; nothing in it is confidential or depends on the
reader. Whatever writes these tables forgets it (`forget`): the seed loader
(`procurement.seeding`) and the admin (`procurement.admin`); it expires after an hour
regardless.

Unpickling a hundred model instances on every page costs more than the rest of the
cache read, so each process also keeps the copy it last read, with the version it was
stored under; a page then reads only the version (a short string) from the cache and
uses its own copy while that version holds. `forget` drops the version with the data,
so every process reads the new data on its next page."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction

from procurement.models import EuThreshold, GuidingQuestion, Phase, PhaseGuidance, RStrategy
from procurement.models.thresholds import threshold_category

# The number goes up whenever `Reference` changes shape, so that no process unpickles a
# copy stored by an older one.
KEY = "procurement:reference:4"
VERSION_KEY = "procurement:reference:4:version"
TIMEOUT = 60 * 60


@dataclass
class Reference:
    phases: list[Phase]  # by number
    ladder: list[RStrategy]  # by level
    questions: list[GuidingQuestion]  # by phase number, kind, position; phase and R-level read
    guidance: dict[int, list[PhaseGuidance]] = field(default_factory=dict)  # phase id: by position
    thresholds: list[EuThreshold] = field(default_factory=list)  # latest first
    # Fragments a page drew from this data alone (nothing of a trajectory or a reader),
    # kept with this copy so that they go when the data changes: key: HTML.
    drawn: dict = field(default_factory=dict, repr=False, compare=False)

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

    def attach(self, trajectory) -> None:
        """Give the trajectory its current phase and R-levels from this data, so that
        reading them asks the database nothing (one it does not hold is read as usual)."""
        phases = {phase.pk: phase for phase in self.phases}
        levels = {level.pk: level for level in self.ladder}
        for name, known in (
            ("current_phase", phases),
            ("r_level_target", levels),
            ("r_level_achieved", levels),
        ):
            value = known.get(getattr(trajectory, f"{name}_id"))
            if value is not None:
                setattr(trajectory, name, value)

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
        phases=list(Phase.objects.select_related("source").order_by("number")),
        ladder=list(RStrategy.objects.order_by("level")),
        questions=list(
            GuidingQuestion.objects.select_related("r_level", "phase").order_by(
                "phase__number", "kind", "position"
            )
        ),
        guidance=dict(guidance),
        thresholds=list(EuThreshold.objects.order_by("-valid_from")),
    )


# The copy this process read last: {"version": ..., "data": Reference}.
_held: dict = {}


def reference() -> Reference:
    version = cache.get(VERSION_KEY)
    if version is not None and _held.get("version") == version:
        return _held["data"]
    stored = cache.get(KEY)
    if stored is None or stored[0] != version:
        stored = (uuid4().hex, _read())
        cache.set_many({KEY: stored, VERSION_KEY: stored[0]}, TIMEOUT)
    _held.update(version=stored[0], data=stored[1])
    return stored[1]


def forget() -> None:
    """Drop the cached reference data now and again once the writer's transaction
    commits (a reader in between may have cached what it saw before the commit)."""
    cache.delete_many([VERSION_KEY, KEY])
    transaction.on_commit(lambda: cache.delete_many([VERSION_KEY, KEY]))
