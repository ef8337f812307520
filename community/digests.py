"""What goes into the member digest, and the run that makes one per person and period.

Every member chooses per themegroup: no mail, a daily or a weekly digest (default
weekly). The run (`community.tasks.digests_send`, celery beat, daily at 07:00) makes the
daily digests of yesterday every day and the weekly digests of last week (Monday to
Sunday) on Mondays. It reads what is new per themegroup once for all groups — new
members here, and whatever the apps above add through the ``digest_items`` hook
(`community.extensions`): new cases, meetings, actions due — then writes one
`DigestDelivery` per person with something to tell, in one statement that skips the
rows already there (a second run writes nothing), and queues one mail per new row.
"""

from collections import defaultdict
from dataclasses import astuple, dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community import extensions, mails
from community.models import (
    DigestDelivery,
    Meeting,
    MeetingAction,
    Membership,
    ThemegroupMembership,
)
from kit.site import site_url

UNSUBSCRIBE_SALT = "community.digest.unsubscribe"
BATCH = 200  # digests per mail task (one connection to the mail server each)
Digest = ThemegroupMembership.Digest


@dataclass(frozen=True)
class DigestItem:
    """One line of a digest: what kind of news, its title, where to read it, when."""

    kind: str
    title: str
    url: str
    when: str = ""


def period(frequency: str, today: date) -> tuple[date, date]:
    """The period [start, end) a digest made on `today` covers: yesterday for the daily
    digest, last week (Monday to Sunday) for the weekly one."""
    if frequency == Digest.DAGELIJKS:
        return today - timedelta(days=1), today
    this_monday = today - timedelta(days=today.weekday())
    return this_monday - timedelta(days=7), this_monday


def due(today: date) -> list[str]:
    """The digests made on `today`: the daily one always, the weekly one on Mondays."""
    return [Digest.DAGELIJKS] + ([Digest.WEKELIJKS] if today.weekday() == 0 else [])


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def news(themegroup_ids, start: date, end: date) -> dict[int, list[DigestItem]]:
    """What is new per themegroup in [start, end): meetings planned or changed, open
    actions due in the coming period of the same length, new members, then what the
    providers of the ``digest_items`` hook add (each answers {themegroup id: [items]}
    for all groups at once). A fixed number of queries, whatever the number of groups."""
    since, until = _moment(start), _moment(end)
    found = defaultdict(list)
    base = site_url()
    changed = dict(
        Meeting.history.filter(
            themegroup_id__in=themegroup_ids, history_date__gte=since, history_date__lt=until
        )
        .order_by("id", "-history_date")
        .values_list("id", "history_type")
    )  # the earliest change of each meeting in the period wins: "+" when it was new
    for meeting in (
        Meeting.objects.filter(pk__in=changed)
        .select_related("themegroup__region")
        .order_by("starts_at")
    ):
        found[meeting.themegroup_id].append(
            DigestItem(
                kind=_("Nieuwe bijeenkomst")
                if changed[meeting.pk] == "+"
                else _("Gewijzigde bijeenkomst"),
                title=meeting.title,
                url=base + meeting.get_absolute_url(),
                when=timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
            )
        )
    due = (
        MeetingAction.objects.filter(
            meeting__themegroup__in=themegroup_ids,
            due_on__gte=end,
            due_on__lt=end + (end - start),
        )
        .exclude(status=MeetingAction.Status.AFGEROND)
        .select_related("meeting__themegroup__region", "owner")
        .order_by("due_on", "pk")
    )
    for action in due:
        found[action.meeting.themegroup_id].append(
            DigestItem(
                kind=_("Actie van %(owner)s") % {"owner": action.owner.full_name},
                title=action.title,
                url=base + action.meeting.get_absolute_url(),
                when=action.due_on.isoformat(),
            )
        )
    joined = (
        ThemegroupMembership.objects.filter(
            themegroup__in=themegroup_ids, joined_at__gte=since, joined_at__lt=until
        )
        .exclude(role=ThemegroupMembership.Role.GAST)
        .select_related("user", "themegroup__region")
        .order_by("joined_at")
    )
    for place in joined:
        found[place.themegroup_id].append(
            DigestItem(
                kind=_("Nieuw lid"),
                title=place.user.full_name,
                url=base + place.themegroup.get_absolute_url(),
                when=timezone.localdate(place.joined_at).isoformat(),
            )
        )
    for answer in extensions.call(
        "digest_items", themegroup_ids=set(themegroup_ids), since=since, until=until
    ):
        for themegroup_id, items in answer.items():
            found[themegroup_id].extend(items)
    return found


def _signer() -> signing.Signer:
    """The signer of the unsubscribe tokens: its salt scopes a token to this use, and
    the value signed is the id of the one setting (made once per run, not per token)."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(place: ThemegroupMembership, signer: signing.Signer | None = None) -> str:
    """A signed token that switches off this one digest setting, without logging in:
    the setting's id and its HMAC (no JSON, no compression, no timestamp — a few
    microseconds each, where a run makes one per member and group)."""
    return _token(place.pk, signer or _signer())


def _token(place_id: int, signer: signing.Signer) -> str:
    return signer.sign(str(place_id))


def _place_id(token: str) -> int | None:
    """The setting's id in a token, or None for a forged one. Tokens of mails sent
    before the short form (signing.dumps with the same salt) still work."""
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    if value.isdigit():
        return int(value)
    try:  # the older, timestamped JSON form: "payload:timestamp"
        place_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return place_id if isinstance(place_id, int) else None


def place_from_token(token: str) -> ThemegroupMembership | None:
    """The setting a token from a digest mail points at, or None for a forged one."""
    place_id = _place_id(token)
    if place_id is None:
        return None
    return (
        ThemegroupMembership.objects.select_related("themegroup__region", "user")
        .filter(pk=place_id)
        .first()
    )


def digests_make(today: date | None = None, *, send=None) -> int:
    """Make the digests due on `today` (the Dutch date) and queue their mails after
    commit, in batches of `BATCH`: `send(delivery_ids=[...])` mails one batch (by
    default in this process; community.tasks passes its task). Safe to run twice:
    people who have their digest for the period are left out, and the unique row decides
    between two runs at once. Returns the number of digests made."""
    today = today or timezone.localdate()
    send = send or mails.digests_send
    made = 0
    for frequency in due(today):
        start, end = period(frequency, today)
        already = DigestDelivery.objects.filter(frequency=frequency, period_start=start)
        places = list(
            ThemegroupMembership.objects.filter(
                digest=frequency,
                role__in=[ThemegroupMembership.Role.COORDINATOR, ThemegroupMembership.Role.LID],
                user__is_active=True,
                user__in=Membership.objects.active().values("user"),
            )
            .exclude(Q(user__email="") | Q(user__in=already.values("user")))
            .order_by("user_id", "themegroup__name")
            # Plain rows, not model instances: one per member and group (~20k at 10k).
            .values_list(
                "pk", "user_id", "themegroup_id", "themegroup__name", "themegroup__region__name"
            )
        )
        signer = _signer()
        found = {
            # Once per group, not per member, as short lists [kind, title, url, when]
            # rather than objects with their keys repeated in every person's row.
            themegroup_id: [astuple(item) for item in items]
            for themegroup_id, items in news(
                {themegroup_id for _pk, _user, themegroup_id, _name, _region in places},
                start,
                end,
            ).items()
        }
        content = defaultdict(list)
        for place_id, user_id, themegroup_id, name, region in places:
            if items := found.get(themegroup_id):
                content[user_id].append(
                    {
                        "themegroup": themegroup_id,
                        "name": name,
                        "region": region,
                        "unsubscribe": _token(place_id, signer),
                        "items": items,
                    }
                )
        with transaction.atomic():
            DigestDelivery.objects.bulk_create(
                [
                    DigestDelivery(
                        user_id=user_id,
                        frequency=frequency,
                        period_start=start,
                        period_end=end,
                        content=groups,
                    )
                    for user_id, groups in content.items()
                ],
                ignore_conflicts=True,
            )
            made += len(content)
            new = list(
                DigestDelivery.objects.filter(
                    frequency=frequency, period_start=start, claimed_at__isnull=True
                )
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            for first in range(0, len(new), BATCH):
                batch = new[first : first + BATCH]
                transaction.on_commit(partial(send, delivery_ids=batch), robust=True)
    return made
