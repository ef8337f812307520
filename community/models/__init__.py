"""People, organisations and their roles: the base every other app builds on.

Reads are QuerySet methods that scope to the user first (`visible_to(user)`); the
predicates that answer "may this user ..." live in `community.permissions`. The
models live in modules by subject; import them from `community.models`.
"""

from .agreements import (
    Agreement,
    AgreementParticipant,
    AgreementQuerySet,
    Commitment,
    ParticipantType,
)
from .digests import DigestDelivery
from .maturity import MaturityAspect, OrganisationMaturity
from .meetings import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingAction,
    MeetingQuerySet,
    MeetingReminder,
)
from .onboarding import MembershipRequest, MembershipRequestQuerySet
from .participation import (
    LearningGoal,
    ThemegroupAnnouncement,
    ThemegroupDocument,
    ThemegroupInvitation,
    ThemegroupJoinRequest,
)
from .people import (
    Membership,
    MembershipQuerySet,
    Organisation,
    OrganisationQuerySet,
    Region,
    User,
    UserManager,
)
from .reference import ProductCategory, Sector, Source, SourcedModel
from .themegroups import Themegroup, ThemegroupMembership

__all__ = [
    "AgendaItem",
    "Agreement",
    "AgreementParticipant",
    "AgreementQuerySet",
    "Attendance",
    "Commitment",
    "DigestDelivery",
    "LearningGoal",
    "MaturityAspect",
    "Meeting",
    "MeetingAction",
    "MeetingQuerySet",
    "MeetingReminder",
    "Membership",
    "MembershipQuerySet",
    "MembershipRequest",
    "MembershipRequestQuerySet",
    "Organisation",
    "OrganisationMaturity",
    "OrganisationQuerySet",
    "ParticipantType",
    "ProductCategory",
    "Region",
    "Sector",
    "Source",
    "SourcedModel",
    "Themegroup",
    "ThemegroupAnnouncement",
    "ThemegroupDocument",
    "ThemegroupInvitation",
    "ThemegroupJoinRequest",
    "ThemegroupMembership",
    "User",
    "UserManager",
]
