"""Procurement trajectories, the six phases and their guidance, the R-ladder, KPIs and
thresholds. The models live in modules by subject; import them from
`procurement.models`.
"""

from .actions import ActionTrajectory
from .guidance import GuidingQuestion, KpiExample, Phase, PhaseGuidance
from .ladder import PBL_TO_RVO, R_LEVEL_NAMES, RLevel, RStrategy
from .summaries import KpiDaySummary, SummaryScope
from .thresholds import EuThreshold, threshold_for
from .trajectories import (
    TENDERNED_ID,
    AwardBasis,
    Kpi,
    KpiMeasurement,
    PhaseProgress,
    PhaseReminder,
    Procedure,
    ProcurementType,
    QuestionAnswer,
    SpecialMethod,
    TeamMember,
    Trajectory,
    TrajectoryDocument,
    TrajectoryQuerySet,
)

__all__ = [
    "PBL_TO_RVO",
    "R_LEVEL_NAMES",
    "TENDERNED_ID",
    "ActionTrajectory",
    "AwardBasis",
    "EuThreshold",
    "GuidingQuestion",
    "Kpi",
    "KpiDaySummary",
    "KpiExample",
    "KpiMeasurement",
    "Phase",
    "PhaseGuidance",
    "PhaseProgress",
    "PhaseReminder",
    "Procedure",
    "ProcurementType",
    "QuestionAnswer",
    "RLevel",
    "RStrategy",
    "SpecialMethod",
    "SummaryScope",
    "TeamMember",
    "Trajectory",
    "TrajectoryDocument",
    "TrajectoryQuerySet",
    "threshold_for",
]
