"""Writes to people, memberships, themegroups, maturity profiles and agreements.

Every service runs in a transaction, validates with `full_clean()` before it saves and
takes the `actor` who makes the change: models with history (OrganisationMaturity)
record them as the history user. Who may call which service is the caller's question
(`community.permissions`); these functions only keep the data valid.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import partial
from uuid import uuid4

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community import extensions, mails, permissions, tasks
from community.models import (
    AgendaItem,
    Agreement,
    AgreementParticipant,
    Attendance,
    Commitment,
    LearningGoal,
    MaturityAspect,
    Meeting,
    MeetingAction,
    MeetingReminder,
    Membership,
    MembershipRequest,
    Organisation,
    OrganisationMaturity,
    Region,
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


# --- onboarding: requests to be linked to an organisation ------------------------------


def requestable_organisations():
    """The organisations a person may ask to be linked to: those in a region (a
    coordinator of the region decides), except market parties, who take part only as
    guests of a themegroup. Ordered by region and name, for a grouped choice."""
    return (
        Organisation.objects.exclude(region=None)
        .exclude(type=Organisation.Type.MARKTPARTIJ)
        .select_related("region")
        .order_by("region__name", "name")
    )


def email_is_verified(user: User) -> bool:
    """Has the user verified the address they sign in with?"""
    return user.email.lower() in _verified_emails(user)


@transaction.atomic
def membership_request_create(
    *,
    actor: User,
    organisation: Organisation,
    role: str = MembershipRequest.Role.INKOPER,
    motivation: str = "",
) -> MembershipRequest:
    """The actor asks for a role (inkoper or bestuurder) in an organisation. It grants
    nothing until a coordinator approves. The region's coordinators hear of it by mail
    once the actor's e-mail address is verified: at once, or on verification
    (`membership_requests_announce`, called by the account adapter)."""
    if not requestable_organisations().filter(pk=organisation.pk).exists():
        raise ValidationError(
            {"organisation": _("Voor deze organisatie kunt u geen toegang aanvragen.")}
        )
    if (
        Membership.objects.active()
        .filter(user=actor, organisation=organisation, role=role)
        .exists()
    ):
        raise ValidationError({"organisation": _("U heeft deze rol al in deze organisatie.")})
    membership_request = MembershipRequest(
        user=actor, organisation=organisation, role=role, motivation=motivation.strip()
    )
    membership_request._history_user = actor
    membership_request.full_clean()
    membership_request.save()
    if email_is_verified(actor):
        _queue(tasks.membership_request_received_mail, membership_request.pk)
    return membership_request


def membership_requests_announce(*, user: User) -> int:
    """Tell the coordinators of the user's open requests that they wait, now that the
    user's address is verified (a request made at sign-up is announced only then, so an
    address nobody owns never reaches a coordinator). Returns how many were queued."""
    pks = list(MembershipRequest.objects.open().filter(user=user).values_list("pk", flat=True))
    for pk in pks:
        _queue(tasks.membership_request_received_mail, pk)
    return len(pks)


@transaction.atomic
def membership_request_decide(
    *,
    actor: User,
    membership_request: MembershipRequest,
    approve: bool,
    reason: str = "",
) -> MembershipRequest:
    """Approve (the applicant gets the membership, made by `membership_create`) or
    decline an open request, with a reason for a decline. Only an applicant with a
    verified e-mail address is approved. The applicant hears of it by mail either way,
    queued after commit."""
    membership_request = (
        MembershipRequest.objects.select_for_update()
        .select_related("user", "organisation")
        .get(pk=membership_request.pk)
    )
    if membership_request.status != MembershipRequest.Status.OPEN:
        raise ValidationError(_("Over deze aanvraag is al beslist."), code="decided")
    reason = reason.strip()
    applicant = membership_request.user
    if approve:
        if not email_is_verified(applicant):
            raise ValidationError(
                _(
                    "Het e-mailadres van de aanvrager is nog niet bevestigd. Keur de aanvraag "
                    "goed zodra dat is gebeurd."
                ),
                code="unverified",
            )
        existing = Membership.objects.filter(
            user=applicant,
            organisation=membership_request.organisation,
            role=membership_request.role,
        ).first()
        if existing is None:
            membership_create(
                actor=actor,
                user=applicant,
                organisation=membership_request.organisation,
                role=membership_request.role,
            )
        elif not Membership.objects.active().filter(pk=existing.pk).exists():
            raise ValidationError(
                _(
                    "Deze persoon had deze rol eerder en dat lidmaatschap is beëindigd of "
                    "geschorst. Herstel het in het beheer."
                ),
                code="ended",
            )
        permissions.forget_themegroup_roles(applicant)
    elif not reason:
        raise ValidationError(
            {"decline_reason": _("Geef de reden van de afwijzing; de aanvrager leest die.")}
        )
    membership_request.status = (
        MembershipRequest.Status.GOEDGEKEURD if approve else MembershipRequest.Status.AFGEWEZEN
    )
    membership_request.decline_reason = "" if approve else reason
    membership_request.decided_by = actor
    membership_request.decided_at = timezone.now()
    membership_request._history_user = actor
    membership_request.full_clean()
    membership_request.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    _queue(tasks.membership_request_decision_mail, membership_request.pk)
    return membership_request


@transaction.atomic
def membership_request_withdraw(
    *, actor: User, membership_request: MembershipRequest
) -> MembershipRequest:
    """The applicant withdraws an open request; nobody is mailed."""
    membership_request = MembershipRequest.objects.select_for_update().get(pk=membership_request.pk)
    if membership_request.status != MembershipRequest.Status.OPEN:
        raise ValidationError(_("Over deze aanvraag is al beslist."), code="decided")
    membership_request.status = MembershipRequest.Status.INGETROKKEN
    membership_request.decided_at = timezone.now()
    membership_request._history_user = actor
    membership_request.save(update_fields=["status", "decided_at"])
    return membership_request


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
def themegroup_announcement_delete(*, actor: User, announcement: ThemegroupAnnouncement) -> None:
    """Take an announcement off the group's page (the history keeps it, with the
    actor)."""
    announcement._history_user = actor
    announcement.delete()


@transaction.atomic
def themegroup_document_delete(*, actor: User, document: ThemegroupDocument) -> None:
    """Stop sharing a document: its row goes (the history keeps who removed it and
    when) and, once that is committed, its file is removed from storage, so nobody can
    download it any more."""
    storage, name = document.file.storage, document.file.name
    document._history_user = actor
    document.delete()
    transaction.on_commit(partial(storage.delete, name), robust=True)


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


# --- Meetings ---------------------------------------------------------------------------

MEETING_FIELDS = ("title", "starts_at", "ends_at", "location", "online_url")


def _save(obj, actor: User, **save_kwargs):
    """Validate and save a model with history, recording the actor."""
    obj._history_user = actor  # simple-history: who made this change
    obj.full_clean()
    obj.save(**save_kwargs)
    return obj


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    themegroup: Themegroup,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    location: str = "",
    online_url: str = "",
) -> Meeting:
    """Plan a meeting of a themegroup."""
    meeting = Meeting(
        themegroup=themegroup,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
        online_url=online_url.strip(),
        created_by=actor,
    )
    return _save(meeting, actor)


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, **fields) -> Meeting:
    """Change a meeting's title, time, place or link."""
    for name in MEETING_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    return _save(meeting, actor)


@transaction.atomic
def meeting_minutes_set(*, actor: User, meeting: Meeting, minutes: str) -> Meeting:
    """Write (or rewrite) the minutes of a meeting (Markdown, sanitised when shown)."""
    meeting.minutes = minutes.strip()
    return _save(meeting, actor)


@transaction.atomic
def agenda_item_add(
    *, actor: User, meeting: Meeting, title: str, description: str = ""
) -> AgendaItem:
    """Add an item at the end of the agenda."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        meeting=meeting, position=last + 1, title=title.strip(), description=description.strip()
    )
    return _save(item, actor)


@transaction.atomic
def agenda_item_remove(*, actor: User, item: AgendaItem) -> None:
    """Take an item off the agenda; the items after it move up."""
    Meeting.objects.select_for_update().filter(pk=item.meeting_id).first()
    meeting_id, position = item.meeting_id, item.position
    item._history_user = actor
    item.delete()
    for later in AgendaItem.objects.filter(meeting_id=meeting_id, position__gt=position).order_by(
        "position"
    ):
        later.position -= 1
        _save(later, actor)


@transaction.atomic
def agenda_item_move(*, actor: User, item: AgendaItem, direction: str) -> AgendaItem:
    """Swap an item with the one above ("up") or below ("down"); at the top or the
    bottom nothing changes."""
    Meeting.objects.select_for_update().filter(pk=item.meeting_id).first()
    item.refresh_from_db()
    siblings = AgendaItem.objects.filter(meeting_id=item.meeting_id)
    if direction == "up":
        other = siblings.filter(position__lt=item.position).order_by("-position").first()
    elif direction == "down":
        other = siblings.filter(position__gt=item.position).order_by("position").first()
    else:
        raise ValidationError({"direction": _("Kies omhoog of omlaag.")})
    if other is None:
        return item
    mine, theirs = item.position, other.position
    # Through a free place: the unique constraint holds after every step.
    item.position = 0
    item.save(update_fields=["position"])
    other.position = mine
    _save(other, actor)
    item.position = theirs
    return _save(item, actor)


@transaction.atomic
def meeting_register(*, actor: User, meeting: Meeting, status: str) -> Attendance:
    """The actor says whether they come (aanwezig, afwezig, misschien); a new answer
    replaces the earlier one. Only before the meeting starts."""
    if meeting.starts_at <= timezone.now():
        raise ValidationError(_("Deze bijeenkomst is al begonnen; aanmelden kan niet meer."))
    if status not in {
        Attendance.Status.AANWEZIG,
        Attendance.Status.AFWEZIG,
        Attendance.Status.MISSCHIEN,
    }:
        raise ValidationError({"status": _("Kies aanwezig, afwezig of misschien.")})
    attendance = Attendance.objects.filter(meeting=meeting, user=actor).first() or Attendance(
        meeting=meeting, user=actor
    )
    attendance.status = status
    return _save(attendance, actor)


@transaction.atomic
def meeting_guest_invite(*, actor: User, meeting: Meeting, user: User) -> Attendance:
    """Invite a guest of the group (role gast) to this meeting: from now on they see it."""
    is_guest = ThemegroupMembership.objects.filter(
        themegroup=meeting.themegroup_id, user=user, role=ThemegroupMembership.Role.GAST
    ).exists()
    if not is_guest:
        raise ValidationError({"user": _("Alleen gasten van de themagroep kunt u uitnodigen.")})
    attendance = Attendance.objects.filter(meeting=meeting, user=user).first()
    if attendance is not None:
        raise ValidationError({"user": _("Deze gast is al uitgenodigd.")})
    attendance = Attendance(
        meeting=meeting, user=user, is_guest=True, status=Attendance.Status.UITGENODIGD
    )
    return _save(attendance, actor)


@transaction.atomic
def attendance_record(*, actor: User, meeting: Meeting, present: set[int]) -> int:
    """Afterwards: who was there. `present` holds the ids of the people present among
    the group's members and coordinators and everyone on the meeting's list; the others
    of them are recorded as absent. Returns how many rows changed."""
    candidates = {a.user_id: a for a in meeting.attendances.all()}
    members = ThemegroupMembership.objects.filter(themegroup=meeting.themegroup_id).exclude(
        role=ThemegroupMembership.Role.GAST
    )
    changed = 0
    for user_id in members.values_list("user_id", flat=True):
        candidates.setdefault(
            user_id,
            Attendance(meeting=meeting, user_id=user_id, status=Attendance.Status.UITGENODIGD),
        )
    for user_id, attendance in candidates.items():
        attended = user_id in present
        if attendance.pk is None and not attended:
            continue  # a member who neither answered nor came: nothing to record
        if attendance.attended is not attended:
            attendance.attended = attended
            _save(attendance, actor)
            changed += 1
    return changed


ACTION_FIELDS = ("title", "owner", "due_on", "status")
NOT_LINKED = object()


def _action_link(actor: User, action: MeetingAction, trajectory_id) -> None:
    """The trajectory an action follows up, saved by procurement through its hook."""
    if trajectory_id is not NOT_LINKED:
        extensions.call("action_trajectory_set", actor, action, trajectory_id)


def _check_owner(themegroup_id: int, owner: User) -> None:
    is_member = ThemegroupMembership.objects.filter(themegroup=themegroup_id, user=owner).exclude(
        role=ThemegroupMembership.Role.GAST
    )
    if not is_member.exists():
        raise ValidationError({"owner": _("De eigenaar is een lid van de themagroep.")})


@transaction.atomic
def action_create(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    owner: User,
    due_on: date | None = None,
    status: str = MeetingAction.Status.OPEN,
    trajectory_id=NOT_LINKED,
) -> MeetingAction:
    """Record an action agreed at a meeting, maybe linked to a trajectory."""
    _check_owner(meeting.themegroup_id, owner)
    action = MeetingAction(
        meeting=meeting, title=title.strip(), owner=owner, due_on=due_on, status=status
    )
    _save(action, actor)
    _action_link(actor, action, trajectory_id)
    return action


@transaction.atomic
def action_update(
    *, actor: User, action: MeetingAction, trajectory_id=NOT_LINKED, **fields
) -> MeetingAction:
    """Change an action: its owner, due date, status or trajectory."""
    for name in ACTION_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(action, name, value.strip() if isinstance(value, str) else value)
    _check_owner(action.meeting.themegroup_id, action.owner)
    _save(action, actor)
    _action_link(actor, action, trajectory_id)
    return action


# --- Reminders ----------------------------------------------------------------------------


def meeting_reminders_send(
    today: date | None = None, *, send: Callable[..., object] | None = None
) -> int:
    """Remind those registered as attending or maybe of each meeting that starts
    tomorrow (Dutch dates), once per meeting and start time. The reminder row is written
    first, in its own transaction (the unique constraint decides, also between two runs
    at once), and only a new row is mailed, once committed: a rerun or a redelivered job
    sends nothing twice. `send(reminder_id=...)` mails one reminder (community.tasks
    passes its retrying task). Returns how many reminders were made."""
    today = today or timezone.localdate()
    send = send or mails.meeting_reminder_send
    tomorrow = today + timedelta(days=1)
    zone = timezone.get_current_timezone()
    start = datetime.combine(tomorrow, time.min, tzinfo=zone)
    end = datetime.combine(tomorrow + timedelta(days=1), time.min, tzinfo=zone)
    already = MeetingReminder.objects.filter(
        meeting=OuterRef("pk"), starts_at=OuterRef("starts_at")
    )
    due = list(
        Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(Exists(already))
        .order_by("pk")
        .values_list("pk", "starts_at")
    )
    made = 0
    for meeting_id, starts_at in due:
        with transaction.atomic():
            reminder, created = MeetingReminder.objects.get_or_create(
                meeting_id=meeting_id, starts_at=starts_at
            )
            if created:
                transaction.on_commit(partial(send, reminder_id=reminder.pk), robust=True)
                made += 1
    return made


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
