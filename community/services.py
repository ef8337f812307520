"""Writes to people, memberships, themegroups and maturity profiles.

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
from django.utils.translation import gettext as _

from community import permissions
from community.models import (
    MaturityAspect,
    Membership,
    Organisation,
    OrganisationMaturity,
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
def digest_set(*, actor: User | None, place: ThemegroupMembership, digest: str) -> None:
    """Choose the member digest for one themegroup: none, daily or weekly. `actor` is
    None when the unsubscribe link of a digest mail is used without logging in."""
    place.digest = digest
    place.full_clean()
    place.save(update_fields=["digest"])


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
