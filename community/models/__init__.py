"""People, organisations and their roles: the base every other app builds on.

Reads are QuerySet methods that scope to the user first (`visible_to(user)`); the
predicates that answer "may this user ..." live in `community.permissions`. The
models live in modules by subject; import them from `community.models`.
"""

from .agreements import Agreement, AgreementParticipant, Commitment, ParticipantType
from .digests import DigestDelivery
from .maturity import MaturityAspect, OrganisationMaturity
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
from .themegroups import AgendaItem, Attendance, Meeting, Themegroup, ThemegroupMembership

__all__ = [
    "AgendaItem",
    "Agreement",
    "AgreementParticipant",
    "Attendance",
    "Commitment",
    "DigestDelivery",
    "MaturityAspect",
    "Meeting",
    "Membership",
    "MembershipQuerySet",
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
    "ThemegroupMembership",
    "User",
    "UserManager",
]
