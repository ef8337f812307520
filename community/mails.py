"""The e-mails of the community: a themegroup invitation with its link, the answer to a
request to join, the reminder the day before a meeting and the member digest. Rendered
in the portal's language and sent by community.tasks."""

import email.policy
from email.contentmanager import ContentManager, raw_data_manager, set_text_content
from email.headerregistry import HeaderRegistry

from django.conf import settings
from django.core.mail import EmailMessage, mailers, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from community.models import (
    Attendance,
    DigestDelivery,
    MeetingReminder,
    Membership,
    MembershipRequest,
    ThemegroupInvitation,
    ThemegroupJoinRequest,
    User,
)
from kit.site import site_url


def _send(template: str, context: dict, to: str) -> None:
    context = {**context, "site_url": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def invitation_send(*, invitation_id: int) -> bool:
    """Mail the invitation link, provided the invitation is still open (a retried task
    stays silent about one withdrawn in the meantime)."""
    invitation = (
        ThemegroupInvitation.objects.select_related(
            "themegroup", "themegroup__region", "invited_by"
        )
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_usable:
        return False
    _send("themegroup_invitation", {"invitation": invitation}, invitation.email)
    return True


def join_request_decision_send(*, join_request_id: int) -> bool:
    """Tell the asker whether their request to join was approved or declined."""
    join_request = (
        ThemegroupJoinRequest.objects.select_related("themegroup", "themegroup__region", "user")
        .filter(pk=join_request_id)
        .first()
    )
    if (
        join_request is None
        or join_request.status == ThemegroupJoinRequest.Status.OPEN
        or not join_request.user.email
    ):
        return False
    approved = join_request.status == ThemegroupJoinRequest.Status.GOEDGEKEURD
    _send(
        "themegroup_join_approved" if approved else "themegroup_join_declined",
        {"join_request": join_request, "themegroup": join_request.themegroup},
        join_request.user.email,
    )
    return True


def region_coordinators(region_id: int | None) -> list[User]:
    """The active accounts holding an active coordinator membership in the region."""
    if region_id is None:
        return []
    coordinating = (
        Membership.objects.active()
        .filter(role=Membership.Role.COORDINATOR, organisation__region=region_id)
        .values("user")
    )
    return list(
        User.objects.filter(pk__in=coordinating, is_active=True).exclude(email="").order_by("pk")
    )


def membership_request_received_send(*, request_id: int) -> int:
    """Mail each coordinator of the organisation's region that a request waits in their
    queue (one message each), while it is still open. Returns the number sent."""
    membership_request = (
        MembershipRequest.objects.select_related("user", "organisation", "organisation__region")
        .filter(pk=request_id, status=MembershipRequest.Status.OPEN)
        .first()
    )
    if membership_request is None:
        return 0
    context = {
        "membership_request": membership_request,
        "site_url": settings.SITE_URL,
        "queue_url": settings.SITE_URL + reverse("community:membership_request_list"),
    }
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for coordinator in region_coordinators(membership_request.organisation.region_id):
            ctx = {**context, "coordinator": coordinator}
            messages.append(
                EmailMessage(
                    subject=render_to_string(
                        "emails/membership_request_received_subject.txt", ctx
                    ).strip(),
                    body=render_to_string("emails/membership_request_received_body.txt", ctx),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[coordinator.email],
                )
            )
    if not messages:
        return 0
    return mailers.default.send_messages(messages)


def membership_request_decision_send(*, request_id: int) -> bool:
    """Tell the applicant that their request was approved or declined (with the reason)."""
    membership_request = (
        MembershipRequest.objects.select_related("user", "organisation", "organisation__region")
        .filter(pk=request_id)
        .first()
    )
    if membership_request is None or membership_request.status not in (
        MembershipRequest.Status.GOEDGEKEURD,
        MembershipRequest.Status.AFGEWEZEN,
    ):
        return False
    approved = membership_request.status == MembershipRequest.Status.GOEDGEKEURD
    _send(
        "membership_request_approved" if approved else "membership_request_declined",
        {"membership_request": membership_request},
        membership_request.user.email,
    )
    return True


def reminder_recipients(meeting) -> list[User]:
    """Who registered for the meeting as attending or maybe, while their account is
    active, has an e-mail address and holds an active membership."""
    registered = Attendance.objects.filter(
        meeting=meeting,
        status__in=[Attendance.Status.AANWEZIG, Attendance.Status.MISSCHIEN],
    ).values("user")
    linked = Membership.objects.active().values("user")
    return list(
        User.objects.filter(pk__in=registered, is_active=True)
        .filter(pk__in=linked)
        .exclude(email="")
        .order_by("pk")
    )


def meeting_reminder_send(*, reminder_id: int) -> int:
    """Mail the reminder to each registered person (one message each, in the portal's
    language), provided the meeting still starts when the reminder was made for: a
    retried task stays silent about a meeting moved in the meantime. Returns the number
    of messages sent. Sent by community.tasks.meeting_reminder_mail."""
    reminder = (
        MeetingReminder.objects.select_related("meeting__themegroup__region")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None or reminder.meeting.starts_at != reminder.starts_at:
        return 0
    meeting = reminder.meeting
    url = f"{settings.SITE_URL}{meeting.get_absolute_url()}"
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for user in reminder_recipients(meeting):
            context = {
                "user": user,
                "meeting": meeting,
                "starts_at": timezone.localtime(meeting.starts_at),
                "meeting_url": url,
            }
            subject = render_to_string("emails/meeting_reminder_subject.txt", context).strip()
            body = render_to_string("emails/meeting_reminder_body.txt", context)
            messages.append(
                EmailMessage(
                    subject=subject,
                    body=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[user.email],
                )
            )
    if not messages:
        return 0
    return mailers.default.send_messages(messages)


def _claim(delivery_ids) -> list[int]:
    """Mark the deliveries nobody claimed yet as ours, committed before any mail goes
    out; rows another worker holds or claimed are left to it."""
    with transaction.atomic():
        free = list(
            DigestDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=delivery_ids, claimed_at__isnull=True)
            .values_list("pk", flat=True)
        )
        DigestDelivery.objects.filter(pk__in=free).update(claimed_at=timezone.now())
    return free


class _ReusedHeaders(HeaderRegistry):
    """A header factory that parses each constant header value once: the subject,
    sender and MIME headers are the same in every digest of a batch, and parsing a
    header (the e-mail package's header classes) was most of the time a digest's mail
    took. Header objects are immutable strings, so sharing them between messages is
    safe; the recipient, date and message id are parsed for each mail as before."""

    CONSTANT = frozenset(
        {"subject", "from", "mime-version", "content-type", "content-transfer-encoding"}
    )

    def __init__(self):
        super().__init__()
        self._parsed = {}
        self._classes = {}

    def __getitem__(self, name):
        # The e-mail package builds a new header class on every lookup; once is enough.
        key = name.lower()
        if (cls := self._classes.get(key)) is None:
            cls = self._classes[key] = super().__getitem__(name)
        return cls

    def __call__(self, name, value):
        if not isinstance(value, str) or name.lower() not in self.CONSTANT:
            return super().__call__(name, value)
        key = (name, value)
        if (header := self._parsed.get(key)) is None:
            header = self._parsed[key] = super().__call__(name, value)
        return header


def _set_text(msg, string, subtype="plain", charset="utf-8", cte=None, **kwargs):
    """Text as it is (7bit, or 8bit with accents) whenever its lines fit in a mail
    (998 octets, RFC 5322), as Django always sent it: the e-mail package otherwise
    quotes the whole body as quoted-printable as soon as one line (a long link) passes
    78 characters, in slow pure Python, which grew with every digest's length."""
    if cte is None:
        encoded = string.encode(charset)
        if max(map(len, encoded.splitlines()), default=0) <= 998:
            cte = "7bit" if encoded.isascii() else "8bit"
    set_text_content(msg, string, subtype, charset, cte, **kwargs)


_TEXT_AS_IS = ContentManager()
_TEXT_AS_IS.get_handlers = raw_data_manager.get_handlers
_TEXT_AS_IS.set_handlers = {**raw_data_manager.set_handlers, str: _set_text}


class _DigestMessage(EmailMessage):
    """A digest's mail, built with a policy that reuses the parsed constant headers of
    the batch (one such policy per policy the mail backend asks for)."""

    def __init__(self, *args, policies: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self._policies = policies

    def message(self, *, policy=email.policy.default):
        if (reusing := self._policies.get(policy)) is None:
            reusing = self._policies[policy] = policy.clone(
                header_factory=_ReusedHeaders(), content_manager=_TEXT_AS_IS
            )
        return super().message(policy=reusing)


class _Batch:
    """What the digests of one batch share, rendered once: the subject per frequency and
    period, the text of each themegroup's news per period (the same for every member of
    the group), and the parsed constant headers."""

    def __init__(self, base: str):
        self.base = base
        self.settings_url = base + reverse("community:digest_settings")
        self.unsubscribe_prefix = base + reverse("community:digest_unsubscribe", args=["-"])[:-2]
        self.subjects = {}
        self.groups = {}
        self.policies = {}

    def subject(self, delivery: DigestDelivery) -> str:
        key = (delivery.frequency, delivery.period_start)
        if key not in self.subjects:
            self.subjects[key] = render_to_string(
                "emails/digest_subject.txt", {"delivery": delivery}
            ).strip()
        return self.subjects[key]

    def group_text(self, delivery: DigestDelivery, group: dict) -> str:
        key = (delivery.frequency, delivery.period_start, group["themegroup"])
        if key not in self.groups:
            items = [
                dict(zip(("kind", "title", "url", "when"), item, strict=True))
                for item in group["items"]
            ]
            self.groups[key] = render_to_string(
                "emails/digest_group.txt", {"group": group, "items": items}
            )
        return self.groups[key]


def _message(delivery: DigestDelivery, batch: _Batch) -> EmailMessage:
    """The mail of one digest: the person's greeting, the shared text of each of their
    groups with their own unsubscribe link, and the link to their settings."""
    groups = [
        {
            "name": group["name"],
            "text": batch.group_text(delivery, group),
            "unsubscribe_url": f"{batch.unsubscribe_prefix}{group['unsubscribe']}/",
        }
        for group in delivery.content
    ]
    context = {"user": delivery.user, "groups": groups, "settings_url": batch.settings_url}
    return _DigestMessage(
        subject=batch.subject(delivery),
        body=render_to_string("emails/digest_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.user.email],
        policies=batch.policies,
    )


def digests_send(*, delivery_ids) -> int:
    """Send these digests, each at most once: they are claimed in a committed statement
    before the first mail goes out, so a rerun, a redelivered task or a second worker
    finds them claimed and sends nothing. All go over one connection; when the mail
    server is away, the claims of the digests not yet sent are given back and the error
    raised, so the task tries again later. Returns the number of messages sent."""
    claimed = _claim(delivery_ids)
    if not claimed:
        return 0
    deliveries = DigestDelivery.objects.select_related("user").filter(pk__in=claimed)
    with translation.override(settings.LANGUAGE_CODE):
        batch = _Batch(site_url())
        messages = [(delivery.pk, _message(delivery, batch)) for delivery in deliveries]
    sent: list[int] = []
    try:
        with mailers.default as connection:
            for delivery_id, message in messages:
                connection.send_messages([message])
                sent.append(delivery_id)
    except OSError:
        unsent = set(claimed) - set(sent)
        DigestDelivery.objects.filter(pk__in=unsent).update(claimed_at=None)
        raise
    finally:
        DigestDelivery.objects.filter(pk__in=sent).update(sent_at=timezone.now())
    return len(sent)
