"""Writes to people, memberships, themegroups, maturity profiles and agreements.

Every service runs in a transaction, validates with `full_clean()` before it saves and
takes the `actor` who makes the change: models with history (OrganisationMaturity)
record them as the history user. Who may call which service is the caller's question
(`community.permissions`); these functions only keep the data valid.
"""

from datetime import date, datetime

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community import permissions
from community.models import (
    Agreement,
    AgreementParticipant,
    Commitment,
    MaturityAspect,
    Membership,
    Organisation,
    OrganisationMaturity,
    Region,
    Themegroup,
    ThemegroupMembership,
    User,
)


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    password: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
    email_verified: bool = False,
) -> User:
    """A new account with its primary e-mail address (allauth logs in by it).

    Without a password the account cannot log in until one is set (e.g. an invitation).
    `actor` is None when the account is made from the command line or by sign-up."""
    user = User(
        email=User.objects.normalize_email(email).strip(),
        full_name=full_name.strip(),
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    return user


@transaction.atomic
def user_password_set(*, actor: User | None, user: User, password: str) -> User:
    """Give an account a new password (hashed)."""
    if not password:
        raise ValidationError({"password": _("Vul een wachtwoord in.")})
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def membership_create(
    *, actor: User, user: User, organisation: Organisation, role: str
) -> Membership:
    """Give a user a role in an organisation (inkoper, coordinator or bestuurder)."""
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    membership.save()
    permissions.forget_memberships(user)
    return membership


@transaction.atomic
def membership_end(
    *, actor: User, membership: Membership, at: datetime | None = None
) -> Membership:
    """End a membership now (or at `at`): from then on it grants nothing."""
    now = timezone.now()
    if membership.ended_at is not None and membership.ended_at <= now:
        raise ValidationError({"ended_at": _("Dit lidmaatschap is al beëindigd.")})
    ended_at = at or now
    if ended_at < membership.created_at:
        raise ValidationError({"ended_at": _("Een lidmaatschap eindigt na het begin.")})
    membership.ended_at = ended_at
    membership.full_clean()
    membership.save(update_fields=["ended_at"])
    permissions.forget_memberships(membership.user)
    return membership


@transaction.atomic
def membership_suspend(*, actor: User, membership: Membership) -> Membership:
    """Suspend a membership: it grants nothing until it is resumed."""
    if membership.suspended_at is not None:
        raise ValidationError({"suspended_at": _("Dit lidmaatschap is al geschorst.")})
    membership.suspended_at = timezone.now()
    membership.full_clean()
    membership.save(update_fields=["suspended_at"])
    permissions.forget_memberships(membership.user)
    return membership


@transaction.atomic
def membership_resume(*, actor: User, membership: Membership) -> Membership:
    """Lift a suspension."""
    if membership.suspended_at is None:
        raise ValidationError({"suspended_at": _("Dit lidmaatschap is niet geschorst.")})
    membership.suspended_at = None
    membership.full_clean()
    membership.save(update_fields=["suspended_at"])
    permissions.forget_memberships(membership.user)
    return membership


@transaction.atomic
def themegroup_member_add(
    *,
    actor: User,
    themegroup: Themegroup,
    user: User,
    role: str = ThemegroupMembership.Role.LID,
) -> ThemegroupMembership:
    """Add a person to a themegroup as coordinator, member or guest."""
    place = ThemegroupMembership(themegroup=themegroup, user=user, role=role)
    place.full_clean()
    place.save()
    return place


@transaction.atomic
def maturity_set(
    *,
    actor: User,
    organisation: Organisation,
    aspect: MaturityAspect,
    status: str,
    note: str = "",
    assessed_on: date | None = None,
) -> OrganisationMaturity:
    """Record where an organisation stands on one basisingrediënt (new or changed);
    the history keeps every earlier assessment and who made it."""
    maturity = OrganisationMaturity.objects.filter(
        organisation=organisation, aspect=aspect
    ).first() or OrganisationMaturity(organisation=organisation, aspect=aspect)
    maturity.status = status
    maturity.note = note.strip()
    maturity.assessed_on = assessed_on or timezone.localdate()
    maturity._history_user = actor  # simple-history: who made this change
    maturity.full_clean()
    maturity.save()
    return maturity


@transaction.atomic
def maturity_assess(
    *,
    actor: User,
    organisation: Organisation,
    answers: dict[MaturityAspect, tuple[str, str]],
) -> list[OrganisationMaturity]:
    """Record an organisation's self-assessment: for each basisingrediënt (status, note).

    Only the ingredients whose status or note changed (or that were not yet assessed)
    are written, each through `maturity_set` with today's date: the history then holds
    one record per real change, which the this-year-against-last-year view reads."""
    current = {
        m.aspect_id: m for m in OrganisationMaturity.objects.filter(organisation=organisation)
    }
    changed = []
    for aspect, (status, note) in answers.items():
        before = current.get(aspect.pk)
        if (
            before is not None
            and before.status == status
            and before.note == note.strip()
            and before.assessed_on.year == timezone.localdate().year
        ):
            continue
        changed.append(
            maturity_set(
                actor=actor, organisation=organisation, aspect=aspect, status=status, note=note
            )
        )
    return changed


def _free_slug(name: str) -> str:
    """A slug for a new agreement from its name, numbered when it is taken."""
    base = slugify(name)[:190] or "afspraak"
    taken = set(Agreement.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken.add("nieuw")  # /afspraken/nieuw/ is the form
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def agreement_create(
    *,
    actor: User,
    name: str,
    region: Region | None,
    slug: str = "",
    description: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    participants: list[tuple[Organisation, str]] = (),
    commitments: list[dict] = (),
) -> Agreement:
    """A new agreement (a regional manifesto, a Green Deal) with its participants (each
    with its type) and commitments (dicts of Commitment fields). The history of each row
    names the actor."""
    agreement = Agreement(
        name=name.strip(),
        slug=slug or _free_slug(name),
        region=region,
        description=description.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    agreement._history_user = actor
    agreement.full_clean()
    agreement.save()
    for organisation, participant_type in participants:
        participant = AgreementParticipant(
            agreement=agreement, organisation=organisation, participant_type=participant_type
        )
        participant._history_user = actor
        participant.full_clean()
        participant.save()
    for fields in commitments:
        commitment = Commitment(agreement=agreement, **fields)
        commitment._history_user = actor
        commitment.full_clean()
        commitment.save()
    return agreement
