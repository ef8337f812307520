"""The community: `python -m benchmarks community --sizes 1000,10000`

Sizes are members. At 10k: 300 themegroups (three per 100 members) over the seeded
regions, each member in one to three groups with a digest setting (weekly mostly), 5k
meetings (one per two members) with an agenda, registrations and ten actions each (50k
actions), and cases published with a themegroup in the week before the digest day. The
member reads as an inkoper with a place in every group of their region: `themegroup`
opens a different group's page and `meeting` a different meeting's page on every
request (targets: ≤ 5× the floor, ≤ 1.5× their ratio at the first size). Every size also
times one run of the member digest (`community.digests.digests_make` on a Monday, so
the daily and the weekly digests are both due), with its mails rendered and delivered
to Django's in-memory mailbox, then runs it again to show that nothing is sent twice.
"""

import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from io import StringIO
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from benchmarks import harness
from benchmarks.data import community as people
from cases.models import Case
from community import digests, mails
from community.models import (
    AgendaItem,
    Attendance,
    DigestDelivery,
    Meeting,
    MeetingAction,
    Membership,
    Organisation,
    Region,
    Themegroup,
    ThemegroupMembership,
    User,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DIGEST_DAY = date(2026, 11, 30)  # a Monday: daily and weekly digests are due
GROUPS_PER_100_MEMBERS = 3  # the 300 themegroups at 10k members
MIN_GROUPS = 40  # enough groups in the member's region for every round to open another
MEETINGS_PER_MEMBER = 0.5
ACTIONS_PER_MEETING = 10
PAGE_MEDIAN = 5
GROWTH = 1.5
CASES_PER_MEMBER = 0.05
DIGEST_SHARES = [("wekelijks", 0.6), ("dagelijks", 0.25), ("geen", 0.15)]
DIGEST_SECONDS = 60
IN_MEMORY = {
    "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
}  # target of the issue: a run for 10k members in under a minute


class Community(harness.Suite):
    """The themegroup and meeting pages and the member digest run as the community grows."""

    name = "community"

    def prepare(self, bench):
        call_command("seed", stdout=StringIO())
        self.organisations = list(
            Organisation.objects.filter(region__isnull=False).values_list("pk", "region_id")
        )
        organisation = Organisation.objects.get(pk=self.organisations[0][0])
        self.member_region = organisation.region_id
        self.member_user = people.member(organisation=organisation)
        self.member = Client()
        self.member.force_login(self.member_user)
        self.loaded = 0
        self.groups: list[Themegroup] = []

    def load(self, bench, size):
        started = time.perf_counter()
        rng = bench.rng
        count = size - self.loaded
        wanted_groups = max(MIN_GROUPS, size * GROUPS_PER_100_MEMBERS // 100)
        regions = sorted({region for _organisation, region in self.organisations})
        new_groups = [
            Themegroup(
                region_id=regions[n % len(regions)],
                sector=["gww", "vastgoed", "facilitair"][n % 3],
                name=f"Themagroep {n}",
                slug=f"themagroep-{n}",
            )
            for n in range(len(self.groups), wanted_groups)
        ]
        self.groups += Themegroup.objects.bulk_create(new_groups, batch_size=bench.batch_size)
        # The member has a place in every group of their region (sees members, documents).
        ThemegroupMembership.objects.bulk_create(
            [
                ThemegroupMembership(themegroup=group, user=self.member_user, digest="geen")
                for group in self.groups
                if group.region_id == self.member_region
            ],
            ignore_conflicts=True,
        )
        users = User.objects.bulk_create(
            [
                User(email=f"lid{self.loaded + n}@bench.example", full_name=f"Lid {n}")
                for n in range(count)
            ],
            batch_size=bench.batch_size,
        )
        joined = datetime(2025, 1, 1, tzinfo=AMSTERDAM)
        memberships, places = [], []
        for user in users:
            organisation, region = rng.choice(self.organisations)
            memberships.append(
                Membership(user=user, organisation_id=organisation, role=Membership.Role.INKOPER)
            )
            in_region = [group for group in self.groups if group.region_id == region]
            for group in rng.sample(in_region, k=min(len(in_region), rng.randint(1, 3))):
                places.append(
                    ThemegroupMembership(
                        themegroup=group,
                        user=user,
                        joined_at=joined,
                        digest=rng.choices(
                            [name for name, _share in DIGEST_SHARES],
                            weights=[share for _name, share in DIGEST_SHARES],
                        )[0],
                    )
                )
        Membership.objects.bulk_create(memberships, batch_size=bench.batch_size)
        ThemegroupMembership.objects.bulk_create(places, batch_size=bench.batch_size)
        self._meetings(bench, users, int(count * MEETINGS_PER_MEMBER))
        self._cases(bench, int(count * CASES_PER_MEMBER))
        self.loaded = size
        harness.vacuum_analyze(
            User,
            Membership,
            Themegroup,
            ThemegroupMembership,
            Meeting,
            AgendaItem,
            Attendance,
            MeetingAction,
        )
        bench.line(
            f"  {count} members, {len(self.groups)} themegroups, "
            f"{Meeting.objects.count()} meetings, {MeetingAction.objects.count()} actions, "
            f"{Case.objects.count()} cases "
            f"in {time.perf_counter() - started:.1f} s"
        )

    def _meetings(self, bench, users, count):
        rng = bench.rng
        meetings = Meeting.objects.bulk_create(
            [
                Meeting(
                    themegroup=rng.choice(self.groups),
                    title=f"Bijeenkomst {n}",
                    starts_at=datetime(2026, 1, 1, 14, tzinfo=AMSTERDAM)
                    + timedelta(days=rng.randint(0, 500)),
                    location="Gouda",
                )
                for n in range(count)
            ],
            batch_size=bench.batch_size,
        )
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(meeting=meeting, position=position, title=f"Agendapunt {position}")
                for meeting in meetings
                for position in range(1, 4)
            ],
            batch_size=bench.batch_size,
        )
        statuses = [status for status, _label in MeetingAction.Status.choices]
        MeetingAction.objects.bulk_create(
            [
                MeetingAction(
                    meeting=meeting,
                    title=f"Actie {position} van {meeting.title}",
                    owner=rng.choice(users),
                    due_on=meeting.starts_at.date() + timedelta(days=rng.randint(7, 90)),
                    status=rng.choice(statuses),
                )
                for meeting in meetings
                for position in range(ACTIONS_PER_MEETING)
            ],
            batch_size=bench.batch_size,
        )
        Attendance.objects.bulk_create(
            [
                Attendance(meeting=meeting, user=user)
                for meeting in meetings
                for user in rng.sample(users, k=min(len(users), 5))
            ],
            batch_size=bench.batch_size,
            ignore_conflicts=True,
        )

    def _cases(self, bench, count):
        rng = bench.rng
        week = DIGEST_DAY - timedelta(days=7)
        Case.objects.bulk_create(
            [
                Case(
                    title=f"Praktijkvoorbeeld {self.loaded}-{n}",
                    slug=f"praktijkvoorbeeld-{self.loaded}-{n}",
                    summary="Hoe een gemeente minder inkocht.",
                    status=Case.Status.GEPUBLICEERD,
                    published_at=datetime.combine(
                        week + timedelta(days=rng.randint(0, 6)), clock(10), tzinfo=AMSTERDAM
                    ),
                    themegroup=rng.choice(self.groups),
                )
                for n in range(count)
            ],
            batch_size=bench.batch_size,
        )

    def scenarios(self, bench, size):
        own = [group for group in self.groups if group.region_id == self.member_region]
        region_slug = Region.objects.get(pk=self.member_region).slug
        meetings = list(
            Meeting.objects.filter(themegroup__region=self.member_region).values_list(
                "pk", "themegroup__slug"
            )
        )

        def themegroup_url(rng):
            group = rng.choice(own)
            return reverse("community:themegroup_detail", args=[region_slug, group.slug])

        def meeting_url(rng):
            pk, slug = rng.choice(meetings)
            return reverse("community:meeting_detail", args=[region_slug, slug, pk])

        return [
            harness.floor_scenario("floor", self.member),
            harness.Scenario(
                "themegroup",
                self.member,
                themegroup_url,
                median_at_most=PAGE_MEDIAN,
                growth_at_most=GROWTH,
            ),
            harness.Scenario(
                "meeting",
                self.member,
                meeting_url,
                median_at_most=PAGE_MEDIAN,
                growth_at_most=GROWTH,
            ),
            harness.Scenario(
                "digest_settings",
                self.member,
                reverse("community:digest_settings"),
                note="the member's digest choices: one query for the places",
            ),
        ]

    def summary(self, bench, size, timings):
        DigestDelivery.objects.all().delete()
        sent_by_batch = []

        def send(*, delivery_ids):
            sent_by_batch.append(mails.digests_send(delivery_ids=delivery_ids))

        with override_settings(MAILERS=IN_MEMORY):
            mail.outbox = []
            started = time.perf_counter()
            made = digests.digests_make(DIGEST_DAY, send=lambda **kwargs: None)
            making = time.perf_counter() - started
            DigestDelivery.objects.all().delete()
            started = time.perf_counter()
            made = digests.digests_make(DIGEST_DAY, send=send)
            seconds = time.perf_counter() - started
            sent = len(mail.outbox)
            again = digests.digests_make(DIGEST_DAY, send=send)
            resent = len(mail.outbox) - sent
        subscribed = (
            ThemegroupMembership.objects.exclude(digest="geen").values("user").distinct().count()
        )
        verdict = "✔" if seconds < DIGEST_SECONDS else "✘"
        return [
            f"{verdict} digest run: {made} digests for {subscribed} subscribed members, "
            f"{sent} mails in {len(sent_by_batch)} batches in {seconds:.1f} s in one process "
            f"(target < {DIGEST_SECONDS} s; making them without mailing: {making:.1f} s); "
            f"second run: {again} made, {resent} mails"
        ]
