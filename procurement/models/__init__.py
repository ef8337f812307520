"""Procurement trajectories, the six phases and their guidance, the R-ladder, KPIs and
thresholds. The models live in modules by subject; import them from
`procurement.models`.
"""

from .guidance import GuidingQuestion, KpiExample, Phase, PhaseGuidance
from .ladder import PBL_TO_RVO, R_LEVEL_NAMES, RLevel, RStrategy
from .thresholds import EuThreshold
from .trajectories import (
    AwardBasis,
    Kpi,
    KpiMeasurement,
    PhaseProgress,
    Procedure,
    ProcurementType,
    QuestionAnswer,
    SpecialMethod,
    TeamMember,
    Trajectory,
    TrajectoryQuerySet,
)

__all__ = [
    "PBL_TO_RVO",
    "R_LEVEL_NAMES",
    "AwardBasis",
    "EuThreshold",
    "GuidingQuestion",
    "Kpi",
    "KpiExample",
    "KpiMeasurement",
    "Phase",
    "PhaseGuidance",
    "PhaseProgress",
    "Procedure",
    "ProcurementType",
    "QuestionAnswer",
    "RLevel",
    "RStrategy",
    "SpecialMethod",
    "TeamMember",
    "Trajectory",
    "TrajectoryQuerySet",
]
