"""Writes to people, memberships, themegroups and maturity profiles.

Every service runs in a transaction, validates with `full_clean()` before it saves and
takes the `actor` who makes the change: models with history (OrganisationMaturity)
record them as the history user. Who may call which service is the caller's question
(`community.permissions`); these functions only keep the data valid.
"""

from datetime import date, datetime
from uuid import uuid4

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community import permissions, tasks
from community.models import (
    LearningGoal,
    MaturityAspect,
    Membership,
    Organisation,
    OrganisationMaturity,
    Themegroup,
    ThemegroupAnnouncement,
    ThemegroupDocument,
    ThemegroupInvitation,
    ThemegroupJoinRequest,
    ThemegroupMembership,
    User,
)
from kit import uploads


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
    place._history_user = actor  # simple-history: who made this change
    place.full_clean()
    place.save()
    permissions.forget_themegroup_roles(user)
    return place


@transaction.atomic
def themegroup_goal_set(*, actor: User, themegroup: Themegroup, goal: str) -> Themegroup:
    """Set the group's shared goal (shown on its page)."""
    themegroup.goal = goal.strip()
    themegroup.full_clean()
    themegroup.save(update_fields=["goal"])
    return themegroup


def _coordinators(themegroup: Themegroup) -> list[int]:
    """The ids of the group's coordinator places, locked until the transaction ends, so
    that two requests cannot each take away one of the last two coordinators."""
    return list(
        ThemegroupMembership.objects.select_for_update()
        .filter(themegroup=themegroup, role=ThemegroupMembership.Role.COORDINATOR)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _refuse_last_coordinator(place: ThemegroupMembership, message: str) -> None:
    if place.role == ThemegroupMembership.Role.COORDINATOR and _coordinators(place.themegroup) == [
        place.pk
    ]:
        raise ValidationError(message, code="last_coordinator")


@transaction.atomic
def themegroup_member_role_set(
    *, actor: User, place: ThemegroupMembership, role: str
) -> ThemegroupMembership:
    """Change a person's role in the group. The last coordinator is not demoted: a group
    always has someone who runs it."""
    if role != ThemegroupMembership.Role.COORDINATOR:
        _refuse_last_coordinator(
            place,
            _(
                "Dit is de laatste coördinator van de themagroep. Maak eerst iemand anders "
                "coördinator."
            ),
        )
    place.role = role
    place._history_user = actor
    place.full_clean()
    place.save(update_fields=["role"])
    permissions.forget_themegroup_roles(place.user)
    return place


@transaction.atomic
def themegroup_member_remove(*, actor: User, place: ThemegroupMembership) -> None:
    """Take a person out of the group (a coordinator removes, or the person leaves). The
    last coordinator stays: the history records who removed whom."""
    message = (
        _(
            "U bent de laatste coördinator van deze themagroep. Maak eerst iemand anders "
            "coördinator."
        )
        if actor.pk == place.user_id
        else _(
            "Dit is de laatste coördinator van de themagroep. Maak eerst iemand anders coördinator."
        )
    )
    _refuse_last_coordinator(place, message)
    place._history_user = actor
    place.delete()
    permissions.forget_themegroup_roles(place.user)


# --- invitations ------------------------------------------------------------------------


def _queue(task, *args) -> None:
    """Queue a mail task once the transaction has committed; a broker that is away is
    logged, and does not undo the change."""
    transaction.on_commit(lambda: task.delay(*args), robust=True)


def _verified_emails(user: User) -> set[str]:
    return {
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }


@transaction.atomic
def themegroup_invitation_create(
    *,
    actor: User,
    themegroup: Themegroup,
    email: str,
    role: str = ThemegroupMembership.Role.LID,
    organisation: Organisation | None = None,
) -> ThemegroupInvitation:
    """Invite an e-mail address to the group as member or guest; the mail with the link
    is queued after commit. Refused when the address already has a place in the group or
    an open invitation that has not expired."""
    email = User.objects.normalize_email(email).strip()
    if (
        ThemegroupMembership.objects.filter(
            themegroup=themegroup, user__emailaddress__email__iexact=email
        ).exists()
        or ThemegroupMembership.objects.filter(
            themegroup=themegroup, user__email__iexact=email
        ).exists()
    ):
        raise ValidationError({"email": _("Deze persoon heeft al een plaats in de themagroep.")})
    if ThemegroupInvitation.objects.filter(
        themegroup=themegroup,
        email__iexact=email,
        status=ThemegroupInvitation.Status.OPEN,
        expires_at__gt=timezone.now(),
    ).exists():
        raise ValidationError({"email": _("Dit adres heeft al een openstaande uitnodiging.")})
    invitation = ThemegroupInvitation(
        themegroup=themegroup,
        email=email,
        role=role,
        organisation=organisation if role == ThemegroupMembership.Role.LID else None,
        invited_by=actor,
    )
    invitation._history_user = actor
    invitation.full_clean()
    invitation.save()
    _queue(tasks.themegroup_invitation_mail, invitation.pk)
    return invitation


@transaction.atomic
def themegroup_invitation_withdraw(
    *, actor: User, invitation: ThemegroupInvitation
) -> ThemegroupInvitation:
    """Withdraw an open invitation: its link then says so and makes no membership."""
    invitation = ThemegroupInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != ThemegroupInvitation.Status.OPEN:
        raise ValidationError(_("Deze uitnodiging is al gebruikt of ingetrokken."))
    invitation.status = ThemegroupInvitation.Status.INGETROKKEN
    invitation.closed_at = timezone.now()
    invitation._history_user = actor
    invitation.save(update_fields=["status", "closed_at"])
    return invitation


def invitation_problem(invitation: ThemegroupInvitation) -> str | None:
    """Why an invitation link can no longer be used, in words for its reader (None: it
    can be used)."""
    if invitation.status == ThemegroupInvitation.Status.GEACCEPTEERD:
        return _("Deze uitnodiging is al gebruikt.")
    if invitation.status == ThemegroupInvitation.Status.INGETROKKEN:
        return _("Deze uitnodiging is ingetrokken door de coördinator van de themagroep.")
    if invitation.is_expired:
        return _(
            "Deze uitnodiging is verlopen. Vraag de coördinator van de themagroep om een "
            "nieuwe uitnodiging."
        )
    return None


@transaction.atomic
def themegroup_invitation_accept(
    *, actor: User, invitation: ThemegroupInvitation
) -> ThemegroupMembership:
    """The invited person takes their place in the group. Only an account that has
    verified the invited address may accept, once, before the invitation expires. A
    member invited for an organisation and not yet linked to it becomes its inkoper
    (a guest never gets an organisation membership: they see only their meetings)."""
    invitation = ThemegroupInvitation.objects.select_for_update().get(pk=invitation.pk)
    if problem := invitation_problem(invitation):
        raise ValidationError(problem, code="unusable")
    if invitation.email.lower() not in _verified_emails(actor):
        raise ValidationError(
            _(
                "Deze uitnodiging is verstuurd naar %(email)s. Log in met dat (bevestigde) "
                "e-mailadres om haar te accepteren."
            )
            % {"email": invitation.email},
            code="other_address",
        )
    place = ThemegroupMembership.objects.filter(
        themegroup=invitation.themegroup, user=actor
    ).first()
    if place is None:
        place = themegroup_member_add(
            actor=actor, themegroup=invitation.themegroup, user=actor, role=invitation.role
        )
    if (
        invitation.organisation is not None
        and invitation.role == ThemegroupMembership.Role.LID
        and not Membership.objects.active()
        .filter(user=actor, organisation=invitation.organisation)
        .exists()
    ):
        membership_create(
            actor=actor,
            user=actor,
            organisation=invitation.organisation,
            role=Membership.Role.INKOPER,
        )
        permissions.forget_themegroup_roles(actor)
    invitation.status = ThemegroupInvitation.Status.GEACCEPTEERD
    invitation.accepted_by = actor
    invitation.closed_at = timezone.now()
    invitation._history_user = actor
    invitation.save(update_fields=["status", "accepted_by", "closed_at"])
    return place


# --- requests to join -------------------------------------------------------------------


@transaction.atomic
def themegroup_join_request_create(
    *, actor: User, themegroup: Themegroup, message: str = ""
) -> ThemegroupJoinRequest:
    """The actor asks to join the group (one open request at a time)."""
    if ThemegroupMembership.objects.filter(themegroup=themegroup, user=actor).exists():
        raise ValidationError(_("U heeft al een plaats in deze themagroep."))
    if ThemegroupJoinRequest.objects.filter(
        themegroup=themegroup, user=actor, status=ThemegroupJoinRequest.Status.OPEN
    ).exists():
        raise ValidationError(_("U heeft al gevraagd om lid te worden."))
    join_request = ThemegroupJoinRequest(themegroup=themegroup, user=actor, message=message.strip())
    join_request._history_user = actor
    join_request.full_clean()
    join_request.save()
    return join_request


@transaction.atomic
def themegroup_join_request_decide(
    *, actor: User, join_request: ThemegroupJoinRequest, approve: bool
) -> ThemegroupJoinRequest:
    """Approve (the asker becomes a member) or decline an open request; the asker hears
    of it by mail either way, queued after commit."""
    join_request = ThemegroupJoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != ThemegroupJoinRequest.Status.OPEN:
        raise ValidationError(_("Over deze aanvraag is al beslist."))
    if (
        approve
        and not ThemegroupMembership.objects.filter(
            themegroup=join_request.themegroup, user=join_request.user
        ).exists()
    ):
        themegroup_member_add(
            actor=actor, themegroup=join_request.themegroup, user=join_request.user
        )
    join_request.status = (
        ThemegroupJoinRequest.Status.GOEDGEKEURD
        if approve
        else ThemegroupJoinRequest.Status.AFGEWEZEN
    )
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request._history_user = actor
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    _queue(tasks.themegroup_join_request_mail, join_request.pk)
    return join_request


# --- announcements, documents, learning goals --------------------------------------------


@transaction.atomic
def themegroup_announcement_create(
    *, actor: User, themegroup: Themegroup, title: str, body: str
) -> ThemegroupAnnouncement:
    """Post an announcement to the group (the Markdown is sanitised when shown)."""
    announcement = ThemegroupAnnouncement(
        themegroup=themegroup, title=title.strip(), body=body.strip(), author=actor
    )
    announcement._history_user = actor
    announcement.full_clean()
    announcement.save()
    return announcement


@transaction.atomic
def themegroup_document_add(
    *,
    actor: User,
    themegroup: Themegroup,
    upload: UploadedFile,
    title: str,
    shared_with_guests: bool = False,
) -> ThemegroupDocument:
    """Store a checked PDF/PNG/JPEG under a generated name (the content decides, not the
    name)."""
    kind = uploads.check_upload(upload)
    upload.name = f"{uuid4().hex}{kind.extension}"
    document = ThemegroupDocument(
        themegroup=themegroup,
        file=upload,
        title=title.strip() or _("Document"),
        content_type=kind.content_type,
        size=upload.size,
        shared_with_guests=shared_with_guests,
        uploaded_by=actor,
    )
    document._history_user = actor
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def learning_goal_create(*, actor: User, themegroup: Themegroup, title: str) -> LearningGoal:
    """Add a learning goal to the group (status open)."""
    goal = LearningGoal(themegroup=themegroup, title=title.strip())
    goal._history_user = actor
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def learning_goal_status_set(*, actor: User, goal: LearningGoal, status: str) -> LearningGoal:
    """Record where the group stands on a learning goal (open, bezig, bereikt)."""
    goal.status = status
    goal._history_user = actor
    goal.full_clean()
    goal.save(update_fields=["status"])
    return goal


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
