"""Who may open which address: a persona × route × method matrix generated from the URL
configuration (the access rules R1–R3 of the membership/MFA fix, and the trajectory
rules of domain.md §4).

The routes come from walking `get_resolver()`; what each persona gets comes from the
explicit table ROUTES below (plus pattern entries for the admin and allauth). A route
in the URL configuration without an entry fails `test_every_route_has_an_entry`: whoever
adds an address decides who may open it.

The order of the answers (R3): anonymous on a login-required view → login; staff
without two-factor authentication → TOTP set-up (R2, before any view); a method the
view does not take → 405; a case or trajectory the persona may not see → 404; one they
see but may not change → 403; otherwise the view's own answer.
"""

import base64
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from cases.models import Case, CaseAttachment, CaseMark, KnowledgeItem
from community import calendars as community_calendars
from community import digests
from community import services as community_services
from community.models import (
    Agreement,
    MaturityAspect,
    Meeting,
    Source,
    Themegroup,
    ThemegroupMembership,
)
from procurement import services as procurement_services
from procurement.models import (
    GuidingQuestion,
    Kpi,
    KpiExample,
    KpiMeasurement,
    PhaseProgress,
    TeamMember,
    Trajectory,
    TrajectoryDocument,
)
from reports import services as report_services
from reports.metrics import Scope
from reports.models import ReportRun
from tests import factories
from tests.cases.factories import CaseFactory
from tests.cases.posts import case_form_data
from tests.procurement.factories import load_guidance

# A 1×1 pixel PNG that image libraries open (not just the magic bytes).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

# The confidential fields of the scenario trajectories: distinctive, so that a page
# showing them is found by a plain search of its bytes.
SECRET_VALUE = Decimal("7654321")
SECRET_VALUE_TEXTS = ("7654321", "7.654.321", "7,654,321", "7 654 321", "7\u00a0654\u00a0321")
SECRET_SUPPLIER = "Zebravink Meubelmakers B.V."
SECRET_NOTES = "Kwartelnotitie: de raad weet nog van niets."
RUNNING_TITLE = "Kantoormeubilair stadhuis Alfa"

PERSONAS = (
    "anonymous",
    "alice",  # inkoper of Gemeente Alfa (Groene Hart)
    "bob",  # coordinator of Gemeente Beta, so of the Groene Hart; no MFA
    "bob_mfa",  # bob with an authenticator app
    "charlie",  # inkoper of Gemeente Charlie (Regio Zwolle)
    "dora",  # bestuurder of Gemeente Alfa
    "staff",  # beheerder without MFA
    "staff_mfa",  # beheerder with an authenticator app
    "former",  # Alfa membership ended yesterday; now inkoper of Gemeente Charlie
    "suspended",  # Alfa membership suspended; nothing else
)
WITH_MFA = {"bob_mfa", "staff_mfa"}
METHODS = ("get", "post")

# --- R1: what each persona may do with each scenario case ------------------------------

CASES = ("public", "community", "draft", "submitted", "charlie_draft")
ALL = set(PERSONAS)
MEMBERS = ALL - {"anonymous", "suspended"}  # at least one active membership, or staff

READERS = {
    "public": ALL,
    "community": MEMBERS,
    # The Alfa draft: active Alfa members. Not its author `former` (her Alfa membership
    # ended), not `suspended`, not bob (a coordinator reads only what is submitted).
    "draft": {"alice", "dora", "staff", "staff_mfa"},
    "submitted": {"alice", "dora", "bob", "bob_mfa", "staff", "staff_mfa"},
    "charlie_draft": {"charlie", "former", "staff", "staff_mfa"},
}
# Inkopers and coordinators of the case's organisations change a draft; staff any case.
# Bestuurders read their organisation's drafts but do not change them.
# A published case: its author alice (still an Alfa inkoper) and the Groene Hart
# coordinators keep it up to date and may withdraw it; staff any case.
MAINTAINERS = {"alice", "bob", "bob_mfa", "staff", "staff_mfa"}
EDITORS = {
    "public": MAINTAINERS,
    "community": MAINTAINERS,
    "draft": {"alice", "staff", "staff_mfa"},
    "submitted": {"staff", "staff_mfa"},
    "charlie_draft": {"charlie", "former", "staff", "staff_mfa"},
}
# Only a draft is submitted (not even staff "submit" a published case back into review).
SUBMITTERS = {
    "draft": {"alice", "staff", "staff_mfa"},
    "charlie_draft": {"charlie", "former", "staff", "staff_mfa"},
}
# A submitted case is published or returned by a coordinator of its region, or staff.
REVIEWERS = {"submitted": {"bob", "bob_mfa", "staff", "staff_mfa"}}
# A published case goes back to concept by those who maintain it.
WITHDRAWERS = {"public": MAINTAINERS, "community": MAINTAINERS}
# Members (an active membership, or staff) write to the author of a published case
# (alice, who does not write to herself); not `suspended`, who reads the public case.
CONTACTERS = {
    "public": MEMBERS - {"alice"},
    "community": MEMBERS - {"alice"},
}
# The review queue: coordinators of a region and staff.
QUEUE_READERS = {"bob", "bob_mfa", "staff_mfa"}

for _rule in (EDITORS, SUBMITTERS, REVIEWERS, WITHDRAWERS, CONTACTERS):
    for _case, _personas in _rule.items():
        assert _personas <= READERS[_case], "who may change a case must also see it"

# --- R1 for trajectories (domain.md §4): what each persona may do with each scenario ----

# running: a running trajectory of Gemeente Alfa (phase 1 started); joint: the same with
# Gemeente Charlie (Regio Zwolle) as a participating organisation; completed: an Alfa
# trajectory closed as afgerond (a case can be made of it).
TRAJECTORIES = ("running", "joint", "completed")
# Active members of any organisation of the owner's region (Groene Hart) read a
# trajectory's non-confidential fields; not `former` (her Alfa membership ended), not
# `suspended`, not charlie (another region).
REGION_READERS = {"alice", "dora", "bob", "bob_mfa", "staff", "staff_mfa"}
# A participating organisation sees a joint trajectory as its own, also from another region.
PARTICIPANTS = {"charlie", "former"}
TRAJECTORY_READERS = {
    "running": REGION_READERS,
    "joint": REGION_READERS | PARTICIPANTS,
    "completed": REGION_READERS,
}
# Estimated value, supplier (while the tender runs), notes, confidential documents: the
# owning and participating organisations (any role) and staff; not bob (the region).
CONFIDENTIAL_READERS = {
    "running": {"alice", "dora", "staff", "staff_mfa"},
    "joint": {"alice", "dora", "staff", "staff_mfa"} | PARTICIPANTS,
    "completed": {"alice", "dora", "staff", "staff_mfa"},
}
# Inkopers and coordinators of the owning or a participating organisation, and staff. Not
# dora (a bestuurder reads), not bob (a coordinator of the region, not of Alfa).
TRAJECTORY_EDITORS = {
    "running": {"alice", "staff", "staff_mfa"},
    "joint": {"alice", "staff", "staff_mfa"} | PARTICIPANTS,
    "completed": {"alice", "staff", "staff_mfa"},
}
# A case from a trajectory: who may both write cases and edit the trajectory.
CASE_MAKERS = {name: TRAJECTORY_EDITORS[name] for name in TRAJECTORIES}
# Inkopers and coordinators with an active membership start a trajectory; staff too.
TRAJECTORY_CREATORS = {"alice", "bob", "bob_mfa", "charlie", "former", "staff_mfa"}

for _rule in (CONFIDENTIAL_READERS, TRAJECTORY_EDITORS, CASE_MAKERS):
    for _name, _personas in _rule.items():
        assert _personas <= TRAJECTORY_READERS[_name], "who may do more must also see it"


# --- expectations ----------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """An answer: its status (or the statuses allowed) and, for a redirect, where to.

    Places: "login" (allauth login with ?next=), "admin-login", "mfa" (TOTP set-up),
    "case" (the target's case page), "trajectory" (the target's trajectory page, maybe at
    one of its sections), "case-edit" (the edit page of a case made from the target's
    trajectory), "admin" (the admin index), "not-gate" (anywhere but login or MFA
    set-up), or a literal path (which, unlike the places above, changes nothing)."""

    status: int | tuple[int, ...]
    to: str | tuple[str, ...] | None = None


LOGIN = Expect(302, "login")
MFA = Expect(302, "mfa")
TRAJECTORY_PAGE = Expect(302, "trajectory")
# Places a successful change leads to: only then may the target's state have changed.
CHANGED = {
    "case",
    "trajectory",
    "case-edit",
    "case-list-after-return",
    "review-queue",
    "themegroup",
    "themegroup-list",
    "home",
}


@dataclass
class Target:
    """What a test asks for: the address, the scenario case or trajectory behind it (if
    any), the POST body, and for an admin address what a beheerder with MFA gets there."""

    url: str
    case: Case | None = None
    trajectory: Trajectory | None = None
    themegroup: Themegroup | None = None
    data: dict = field(default_factory=dict)
    staff_get: Expect | None = None  # admin: what a beheerder with MFA gets


Rule = Callable[[str, str, Target], Expect]


def _gate(persona: str, *, public: bool) -> Expect | None:
    """What comes before any view: login (R3) and the staff MFA set-up (R2)."""
    if persona == "anonymous" and not public:
        return LOGIN
    if persona == "staff":
        return MFA
    return None


def _scenario_of(target_name: str) -> str:
    """The scenario case or trajectory of a target: "draft-bewaard" → "draft".
    (The scenario is always the one whose address is asked for.)"""
    return target_name.split("-")[0]


def reads(persona, target_name, target):
    """A public read view (case page, attachment): 200 if visible, else 404."""
    visible = persona in READERS[_scenario_of(target_name)]
    return _gate(persona, public=True) or Expect(200 if visible else 404)


def refuses(status: int, *, public: bool) -> Rule:
    """After the gate, always this status (405 for a wrong method, 404 for no such thing)."""

    def rule(persona, target_name, target):
        return _gate(persona, public=public) or Expect(status)

    return rule


def _changes(who: dict[str, set[str]], success: Expect, readers=READERS) -> Rule:
    """A login-required view that changes a case (or, with `readers` of trajectories, a
    trajectory): 404 unseen, 403 seen, else success."""

    def rule(persona, target_name, target):
        scenario = _scenario_of(target_name)
        if gate := _gate(persona, public=False):
            return gate
        if persona not in readers[scenario]:
            return Expect(404)
        return success if persona in who.get(scenario, set()) else Expect(403)

    return rule


def reviews(persona, target_name, target):
    """Publish/return: reviewers without MFA are sent to set it up first (R2)."""
    expected = _changes(REVIEWERS, Expect(302, "case"))(persona, target_name, target)
    if expected.status == 302 and expected.to == "case" and persona not in WITH_MFA:
        return MFA
    return expected


def returns(persona, target_name, target):
    """Return: as publish, but a reviewer who does not see the draft it becomes (a
    coordinator of another organisation) lands on the case list, with the message."""
    expected = reviews(persona, target_name, target)
    if expected.to == "case" and persona not in READERS["draft"]:
        return Expect(302, "case-list-after-return")
    return expected


def withdraws(persona, target_name, target):
    """Withdraw: a maintainer who does not see the draft it becomes (a coordinator of
    another organisation) lands on the review queue."""
    expected = _changes(WITHDRAWERS, Expect(302, "case"))(persona, target_name, target)
    if expected.to == "case" and persona not in READERS["draft"]:
        return Expect(302, "review-queue")
    return expected


def marks(persona, target_name, target):
    """Any signed-in reader marks a case; an unknown kind of mark does not exist."""
    if gate := _gate(persona, public=False):
        return gate
    if target_name.endswith("-onzin") or persona not in READERS[_scenario_of(target_name)]:
        return Expect(404)
    return Expect(302, "case")


def exports(persona, target_name, target):
    return _gate(persona, public=True) or Expect(200 if target_name in ("csv", "xlsx") else 404)


def bad_key(persona, target_name, target):
    """allauth's key pages are public and exempt from the MFA set-up: a bad key is a
    page saying so (200) or 404, never a 5xx."""
    return Expect((200, 404))


# Trajectories are never public: every rule starts with the login gate. A target named
# "<scenario>-foreign" asks for a part of another trajectory (its team member, KPI or
# document) through the scenario trajectory's address.


def _foreign(target_name: str) -> bool:
    return target_name.endswith("-foreign")


def _back_unchanged(target: Target) -> Expect:
    """Back to the trajectory page with a message, having changed nothing."""
    return Expect(302, target.trajectory.get_absolute_url())


def reads_trajectory(persona, target_name, target):
    visible = persona in TRAJECTORY_READERS[_scenario_of(target_name)]
    return _gate(persona, public=False) or Expect(200 if visible else 404)


def edits_trajectory(success: Expect) -> Rule:
    """404 unseen, 403 seen but not editable, else success; a part of another trajectory
    is not found, also for editors of both."""

    def rule(persona, target_name, target):
        outcome = Expect(404) if _foreign(target_name) else success
        return _changes(TRAJECTORY_EDITORS, outcome, readers=TRAJECTORY_READERS)(
            persona, target_name, target
        )

    return rule


def closes(success: Expect) -> Rule:
    """Closing: an editor of a closed trajectory is sent back to its page."""

    def rule(persona, target_name, target):
        expected = edits_trajectory(success)(persona, target_name, target)
        if expected == success and _scenario_of(target_name) == "completed":
            return _back_unchanged(target)
        return expected

    return rule


def makes_case(persona, target_name, target):
    """A draft case from a completed trajectory, then its edit page; from a running one,
    back to the trajectory with a message and no case."""
    success = Expect(302, "case-edit")
    expected = _changes(CASE_MAKERS, success, readers=TRAJECTORY_READERS)(
        persona, target_name, target
    )
    if expected == success and _scenario_of(target_name) != "completed":
        return _back_unchanged(target)
    return expected


def downloads(persona, target_name, target):
    """A document through its own trajectory only; a confidential one only for readers
    of the confidential fields (404 for the region)."""
    scenario = _scenario_of(target_name)
    if gate := _gate(persona, public=False):
        return gate
    if persona not in TRAJECTORY_READERS[scenario] or _foreign(target_name):
        return Expect(404)
    if target_name.endswith("-confidential") and persona not in CONFIDENTIAL_READERS[scenario]:
        return Expect(404)
    return Expect(200)


def exports_kpis(persona, target_name, target):
    """The KPI measurements of every trajectory the persona may change: an unknown format
    is not found; who may not change trajectories is refused."""
    if gate := _gate(persona, public=False):
        return gate
    if target_name not in ("csv", "xlsx"):
        return Expect(404)
    return Expect(200 if persona in TRAJECTORY_CREATORS else 403)


def exports_trajectories(persona, target_name, target):
    return _gate(persona, public=False) or Expect(200 if target_name in ("csv", "xlsx") else 404)


# --- admin: one pattern entry for every route under /beheer/ ----------------------------

# bob_mfa: signed in with two-factor authentication, but no staff rights.
ADMIN_PERSONAS = ("anonymous", "bob_mfa", "staff", "staff_mfa")


def admin_access(persona, target_name, target, *, method="get"):
    if persona == "anonymous":
        # Model admin views are behind LoginRequiredMiddleware, site views behind
        # the admin's own login (which sends on to allauth's).
        return Expect(302, ("login", "admin-login"))
    if persona == "staff":
        return MFA
    if persona != "staff_mfa":
        # Signed in without staff rights: the admin login, which refuses them (403).
        return Expect((302, 403), ("admin-login", "admin"))
    if method == "post":  # an empty POST: an invalid form, a confirmation page, a 405
        return Expect((200, 302, 400, 403, 404, 405), "not-gate")
    return target.staff_get


# What a beheerder with MFA gets from the admin's own pages when they differ from 200.
ADMIN_SITE_PAGES = {
    "login": Expect(302, "admin"),  # already signed in
    "logout": Expect(405),  # logging out is a POST
    "autocomplete": Expect(403),  # without its parameters
    "community_digestdelivery_add": Expect(403),  # digests are made by the run only
    "reports_reportrun_add": Expect(403),  # reports are requested on /rapportages/
    "reports_reportsubscription_add": Expect(403),  # subscribed to on /rapportages/
}


def _admin_staff_get(name: str, *, exists: bool = True) -> Expect:
    if not exists:  # an object that is not there: 404 or back to the index
        return Expect((302, 404), "admin")
    return ADMIN_SITE_PAGES.get(name, Expect(200))


def _model_admin(callback):
    """The ModelAdmin behind an admin URL, if any (wrapped by ModelAdmin.get_urls or by
    admin_view around a ModelAdmin method)."""
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is None:
        model_admin = getattr(getattr(callback, "__wrapped__", None), "__self__", None)
    return model_admin if hasattr(model_admin, "model") else None


# --- the URL configuration -------------------------------------------------------------


@dataclass(frozen=True)
class UrlRoute:
    name: str  # "cases:case_detail"; an unnamed route: "admin:<beheer/(?P<url>.*)$>"
    pattern: str
    callback: Callable
    has_parameter: bool


def _takes_parameter(pattern) -> bool:
    # Both path() converters and re_path() groups are groups of the compiled pattern.
    return pattern.regex.groups > 0


def url_routes(resolver=None, prefix="", namespace="", inherited=False):
    """Every route of the URL configuration, with its namespaced name."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        takes = inherited or _takes_parameter(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_routes(entry, prefix + str(entry.pattern), inner, takes)
        else:
            pattern = prefix + str(entry.pattern)
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}<{pattern}>"
            yield UrlRoute(name, pattern, entry.callback, takes)


def _fill(pattern: str, values: dict) -> str:
    """The path of an unnamed route (it cannot be reversed): its parameters filled in."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m[1]]), pattern)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), path)
    return "/" + path.replace("^", "").replace("$", "")


# --- the scenario ----------------------------------------------------------------------


class World:
    """The scenario, made on first use, so a test creates only what it touches."""

    def __init__(self, request):
        self._request = request

    def fixture(self, name):
        return self._request.getfixturevalue(name)

    def user(self, persona):
        return None if persona == "anonymous" else self.fixture(persona)

    def _alfa_case(self, **kwargs):
        return CaseFactory(
            organisations=[self.fixture("alfa")], region=self.fixture("groene_hart"), **kwargs
        )

    @cached_property
    def public(self):
        return self._alfa_case(public=True, slug="openbaar-alfa", author=self.fixture("alice"))

    @cached_property
    def community(self):
        return self._alfa_case(published=True, slug="community-alfa", author=self.fixture("alice"))

    @cached_property
    def draft(self):
        case = self._alfa_case(slug="concept-alfa", author=self.fixture("former"))
        self.attachment(case)
        return case

    @cached_property
    def submitted(self):
        return self._alfa_case(submitted=True, slug="ingediend-alfa", author=self.fixture("alice"))

    @cached_property
    def charlie_draft(self):
        return CaseFactory(
            slug="concept-charlie",
            author=self.fixture("charlie"),
            organisations=[self.fixture("charlie_org")],
            region=self.fixture("zwolle"),
        )

    def case(self, name) -> Case:
        return getattr(self, name)

    def make(self, *names) -> list[Case]:
        return [self.case(name) for name in names]

    def attachment(self, case) -> CaseAttachment:
        return case.attachments.first() or CaseAttachment.objects.create(
            case=case,
            file=ContentFile(PNG, name="foto.png"),
            title="Foto van de stoelen",
            content_type="image/png",
            size=len(PNG),
        )

    # --- trajectories (through the services, as the pages make them) ---

    @cached_property
    def guidance(self) -> bool:
        """The seeded R-ladder, phases and guiding questions: the phase actions need them."""
        load_guidance()
        return True

    def _trajectory(self, title, *, participants=()) -> Trajectory:
        assert self.guidance
        alice = self.fixture("alice")
        trajectory = procurement_services.trajectory_create(
            actor=alice,
            organisation=self.fixture("alfa"),
            title=title,
            procurement_type="levering",
            estimated_value=SECRET_VALUE,
            supplier=SECRET_SUPPLIER,
            notes=SECRET_NOTES,
            participating_organisations=participants,
        )
        procurement_services.trajectory_phase_start(
            actor=alice, trajectory=trajectory, number=1, started_on=timezone.localdate()
        )
        return trajectory

    @cached_property
    def running(self) -> Trajectory:
        return self._trajectory(RUNNING_TITLE)

    @cached_property
    def joint(self) -> Trajectory:
        return self._trajectory(
            "Gezamenlijke inkoop werkkleding", participants=[self.fixture("charlie_org")]
        )

    @cached_property
    def completed(self) -> Trajectory:
        trajectory = self._trajectory("Hergebruikte bureaustoelen")
        return procurement_services.trajectory_close(
            actor=self.fixture("alice"),
            trajectory=trajectory,
            status=Trajectory.Status.AFGEROND,
            closed_on=timezone.localdate(),
            outcome="Tweehonderd stoelen opgeknapt in plaats van nieuw gekocht.",
            lessons="Tel eerst wat er al is.",
        )

    def trajectory(self, name) -> Trajectory:
        return getattr(self, name)

    # --- a themegroup meeting (bob coordinates the GWW group, alice is a member) ---

    @cached_property
    def meeting(self) -> Meeting:
        group = self.fixture("gww")
        factories.ThemegroupMembershipFactory(
            themegroup=group, user=self.fixture("bob"), role=ThemegroupMembership.Role.COORDINATOR
        )
        factories.ThemegroupMembershipFactory(themegroup=group, user=self.fixture("alice"))
        meeting = factories.MeetingFactory(themegroup=group, title="Circulair asfalt")
        factories.AgendaItemFactory(meeting=meeting, position=1, title="Opening")
        factories.AgendaItemFactory(meeting=meeting, position=2, title="Rondvraag")
        factories.MeetingActionFactory(meeting=meeting, owner=self.fixture("alice"))
        return meeting

    @cached_property
    def question(self) -> GuidingQuestion:
        """A generic guiding question of phase 1: every trajectory asks it."""
        assert self.guidance
        return (
            GuidingQuestion.objects.filter(phase__number=1, kind=GuidingQuestion.Kind.GENERIEK)
            .order_by("position")
            .first()
        )

    def member(self, trajectory) -> TeamMember:
        return trajectory.team.first() or TeamMember.objects.create(
            trajectory=trajectory, name="Chris Circulair", role=TeamMember.Role.CHEF_CIRCULAIR
        )

    def kpi(self, trajectory) -> Kpi:
        return trajectory.kpis.first() or Kpi.objects.create(
            trajectory=trajectory,
            name="Hergebruikte stoelen",
            unit="stuks",
            direction=KpiExample.Direction.HOGER,
        )

    def document(self, trajectory, *, confidential: bool) -> TrajectoryDocument:
        return trajectory.documents.filter(
            is_confidential=confidential
        ).first() or TrajectoryDocument.objects.create(
            trajectory=trajectory,
            file=ContentFile(PNG, name="offerte.png"),
            title="Offerte" if confidential else "Foto van de stoelen",
            content_type="image/png",
            size=len(PNG),
            is_confidential=confidential,
        )


def _case_url(name):
    def build(world, route):
        case = world.case(name)
        return Target(reverse(route.name, kwargs={"slug": case.slug}), case=case)

    return build


def _edit_target(name):
    def build(world, route):
        case = world.case(name)
        data = case_form_data(
            organisations=list(case.organisations.all()),
            region=case.region_id,
            title=case.title,
        )
        return Target(reverse(route.name, kwargs={"slug": case.slug}), case=case, data=data)

    return build


def _review_target(name, data):
    def build(world, route):
        case = world.case(name)
        return Target(reverse(route.name, kwargs={"slug": case.slug}), case=case, data=data)

    return build


def _mark_target(name, kind):
    def build(world, route):
        case = world.case(name)
        return Target(reverse(route.name, kwargs={"slug": case.slug, "kind": kind}), case=case)

    return build


def _attachment_target(name, *, through=None):
    """The case's own attachment; `through`: asked for via another case's address."""

    def build(world, route):
        case = world.case(name)
        attachment = world.attachment(case)
        slug = world.case(through).slug if through else case.slug
        return Target(reverse(route.name, kwargs={"slug": slug, "pk": attachment.pk}), case=case)

    return build


def _export_target(file_format):
    def build(world, route):
        world.make("public", "community")  # something to export
        return Target(reverse(route.name, kwargs={"file_format": file_format}))

    return build


def _page_target(world, route):
    return Target(reverse(route.name))


def _trajectory_target(name, part=None, *, owner=None):
    """The address of scenario trajectory `name`. `part(world, trajectory)` gives the
    route's other parameters and the POST body; with `owner`, for a part of that other
    trajectory (whose state the test then watches)."""

    def build(world, route):
        trajectory = world.trajectory(name)
        owning = world.trajectory(owner) if owner else trajectory
        kwargs, data = part(world, owning) if part else ({}, {})
        url = reverse(route.name, kwargs={"pk": trajectory.pk, **kwargs})
        return Target(url, trajectory=owning, data=data)

    return build


def _trajectory_export_target(file_format):
    def build(world, route):
        world.trajectory("running")  # something to export
        world.trajectory("joint")
        return Target(reverse(route.name, kwargs={"file_format": file_format}))

    return build


def _day(days: int = 0) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _phase(number, **days):
    """Phase `number` of the trajectory; the body's dates are today plus so many days."""

    def part(world, trajectory):
        return {"number": number}, {name: _day(n) for name, n in days.items()}

    return part


def _edit(world, trajectory):
    """The trajectory's own values with a new title. No participating organisations: the
    form offers only those of the owner's region, and the scenarios have none there
    (test_editing_a_joint_trajectory_keeps_its_participants is about the others)."""
    data = {
        "title": f"{trajectory.title} (herzien)",
        "procurement_type": trajectory.procurement_type,
        "estimated_value": str(trajectory.estimated_value),
        "supplier": trajectory.supplier,
        "notes": trajectory.notes,
    }
    return {}, data


def _close(world, trajectory):
    return {}, {
        "status": Trajectory.Status.AFGEROND,
        "closed_on": _day(),
        "outcome": "Tweehonderd stoelen opgeknapt.",
        "lessons": "Tel eerst wat er al is.",
    }


def _answer(world, trajectory):
    question = world.question
    return {"question_pk": question.pk}, {f"q{question.pk}-answer": "We tellen eerst."}


def _new_member(world, trajectory):
    return {}, {"role": TeamMember.Role.OVERIG, "name": "Externe adviseur"}


def _member(world, trajectory):
    return {"member_pk": world.member(trajectory).pk}, {}


def _new_kpi(world, trajectory):
    return {}, {"name": "Nieuw materiaal", "unit": "kg", "direction": KpiExample.Direction.LAGER}


def _measurement(world, trajectory):
    kpi = world.kpi(trajectory)
    fields = {
        "label": "Contractjaar 1",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "target": "100",
    }
    return {"kpi_pk": kpi.pk}, {f"m{kpi.pk}-{name}": value for name, value in fields.items()}


def _kpi_of(world, trajectory):
    return {"kpi_pk": world.kpi(trajectory).pk}, {}


def _addition_page(part=None, *, foreign=False) -> "Entry":
    """A GET-only page with a form to add to a trajectory: its editors get the form, a
    POST answers 405. `foreign`: also a part of the running trajectory asked for through
    the joint one's address (404)."""
    targets = {name: _trajectory_target(name, part) for name in ("running", "joint")}
    if foreign:
        targets["joint-foreign"] = _trajectory_target("joint", part, owner="running")
    return Entry(
        targets=targets,
        get=edits_trajectory(Expect(200)),
        post=refuses(405, public=False),
    )


def _new_document(world, trajectory):
    upload = SimpleUploadedFile("stoelen.png", PNG, content_type="image/png")
    return {}, {"file": upload, "title": "Foto van de stoelen", "is_confidential": "on"}


def _document(*, confidential):
    def part(world, trajectory):
        return {"document_pk": world.document(trajectory, confidential=confidential).pk}, {}

    return part


def _allauth_key_target(world, route):
    if route.name == "account_confirm_email":
        return Target(reverse(route.name, kwargs={"key": "geen-geldige-sleutel"}))
    return Target(reverse(route.name, kwargs={"uidb36": "zz", "key": "geen-geldige-sleutel"}))


def _admin_target(world, route):
    """A sample address of an admin route: an existing object where the scenario has one
    (the public case, the users, their memberships…), else an id that does not exist."""
    world.make("public")  # so cases, users, organisations and memberships exist
    name = route.name.removeprefix("admin:")
    if name == "app_list":
        return Target(reverse(route.name, kwargs={"app_label": "cases"}), staff_get=Expect(200))
    if name == "view_on_site":
        content_type = ContentType.objects.get_for_model(Case)
        return Target(
            reverse(route.name, args=[content_type.pk, world.public.pk]),
            staff_get=Expect(302, world.public.get_absolute_url()),
        )
    if not route.has_parameter:
        return Target(reverse(route.name), staff_get=_admin_staff_get(name))
    model_admin = _model_admin(route.callback)
    if model_admin is None:  # the catch-all
        return Target(_fill(route.pattern, {"url": "bestaat-niet/"}), staff_get=Expect(404))
    obj = model_admin.model._default_manager.order_by("pk").first()
    object_id = obj.pk if obj is not None else 0
    if name.startswith("<"):  # <path:object_id>/ → the change page
        url = _fill(route.pattern, {"object_id": object_id})
        return Target(url, staff_get=Expect(302, f"{url}change/"))
    if name.endswith("_simple_history"):
        record = obj.history.first() if obj is not None else None
        return Target(
            reverse(route.name, args=[object_id, record.history_id if record else 0]),
            staff_get=_admin_staff_get(name, exists=record is not None),
        )
    if name == "auth_user_password_change":
        url = reverse(route.name, kwargs={"id": object_id})
    else:
        url = reverse(route.name, kwargs={"object_id": object_id})
    return Target(url, staff_get=_admin_staff_get(name, exists=obj is not None))


# --- the table -------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """How to address a route for each target, and what each persona gets per method."""

    targets: dict[str, Callable[[World, UrlRoute], Target]]
    get: Rule
    post: Rule
    personas: tuple[str, ...] = PERSONAS
    methods: tuple[str, ...] = METHODS


CHECKLIST = {
    "no_contract_values": "on",
    "no_running_tender_suppliers": "on",
    "no_personal_data": "on",
}
PUBLISH = {"visibility": Case.Visibility.COMMUNITY, **CHECKLIST}
RETURN = {"comment": "Haal de bedragen uit de offerte weg."}
WITHDRAW = {"reason": "De leverancier vroeg de bedragen eruit te halen."}
CONTACT = {"message": "Mag ik uw bestek voor de stoelen inzien?"}

ROUTES: dict[str, Entry] = {
    # --- routes with a parameter (the point of this module) ---
    "cases:case_detail": Entry(
        targets={name: _case_url(name) for name in CASES},
        get=reads,
        post=refuses(405, public=True),
    ),
    "cases:case_update": Entry(
        targets={name: _edit_target(name) for name in CASES},
        get=_changes(EDITORS, Expect(200)),
        post=_changes(EDITORS, Expect(302, "case")),
    ),
    "cases:case_submit": Entry(
        targets={name: _case_url(name) for name in CASES},
        get=refuses(405, public=False),
        post=_changes(SUBMITTERS, Expect(302, "case")),
    ),
    "cases:case_publish": Entry(
        targets={name: _review_target(name, PUBLISH) for name in CASES},
        get=refuses(405, public=False),
        post=reviews,
    ),
    "cases:case_return": Entry(
        targets={name: _review_target(name, RETURN) for name in CASES},
        get=refuses(405, public=False),
        post=returns,
    ),
    "cases:case_withdraw": Entry(
        targets={name: _review_target(name, WITHDRAW) for name in CASES},
        get=refuses(405, public=False),
        post=withdraws,
    ),
    # Sending a message changes nothing on the case: success is back to its page.
    "cases:case_contact": Entry(
        targets={name: _review_target(name, CONTACT) for name in CASES},
        get=refuses(405, public=False),
        post=_changes(CONTACTERS, Expect(302, "case")),
    ),
    "cases:case_mark": Entry(
        targets={
            **{f"{name}-bewaard": _mark_target(name, CaseMark.Kind.BEWAARD) for name in CASES},
            "public-nuttig": _mark_target("public", CaseMark.Kind.NUTTIG),
            "public-onzin": _mark_target("public", "onzin"),
        },
        get=refuses(405, public=False),
        post=marks,
    ),
    "cases:case_attachment": Entry(
        targets={
            **{name: _attachment_target(name) for name in CASES},
            # The draft's attachment asked for through the public case's address.
            "draft-via-public": _attachment_target("draft", through="public"),
        },
        get=lambda persona, name, target: (
            refuses(404, public=True)(persona, name, target)
            if name == "draft-via-public"
            else reads(persona, name, target)
        ),
        post=refuses(405, public=True),
    ),
    "cases:case_export": Entry(
        targets={name: _export_target(name) for name in ("csv", "xlsx", "pdf")},
        get=exports,
        post=refuses(405, public=True),
    ),
    "account_confirm_email": Entry(
        targets={"bad-key": _allauth_key_target}, get=bad_key, post=bad_key
    ),
    "account_reset_password_from_key": Entry(
        targets={"bad-key": _allauth_key_target}, get=bad_key, post=bad_key
    ),
}


def _page(*, public=True, get_status=200, post_status=405, who=None, other=403):
    """A page without parameters: `who` (if given) may use it, others get `other`."""

    def status_for(persona, status):
        return status if who is None or persona in who else other

    return Entry(
        targets={"page": _page_target},
        get=lambda persona, name, target: (
            _gate(persona, public=public) or Expect(status_for(persona, get_status))
        ),
        post=lambda persona, name, target: (
            _gate(persona, public=public) or Expect(status_for(persona, post_status))
        ),
    )


def _exempt(get: Expect, post: Expect):
    """Not behind login nor the MFA set-up (R2): the same answer for everyone."""
    return Entry(
        targets={"page": _page_target},
        get=lambda persona, name, target: get,
        post=lambda persona, name, target: post,
    )


def _knowledge_item_target(world, route):
    source = Source.objects.create(key="handreiking", title="Handreiking", publisher="PIANOo")
    item = KnowledgeItem.objects.create(
        kind=KnowledgeItem.Kind.LES,
        title="Begin klein",
        slug="begin-klein",
        text="Begin met een kleine aanbesteding.",
        audience=KnowledgeItem.Audience.BEIDE,
        source=source,
    )
    return Target(item.get_absolute_url())


def _knowledge_source_target(world, route):
    _knowledge_item_target(world, route)
    return Target(reverse(route.name, args=["handreiking"]))


WRITERS = {"alice", "bob", "bob_mfa", "charlie", "former", "staff_mfa"}
ROUTES.update(
    {
        "portal:home": _page(),
        "portal:accessibility": _page(),
        "portal:privacy": _page(),
        "cases:case_list": _page(),
        "cases:knowledge_list": _page(),
        # The knowledge base is public: an item's page and a source's page for everyone.
        "cases:knowledge_detail": Entry(
            targets={"item": _knowledge_item_target},
            get=lambda persona, name, target: _gate(persona, public=True) or Expect(200),
            post=refuses(405, public=True),
        ),
        "cases:knowledge_source": Entry(
            targets={"source": _knowledge_source_target},
            get=lambda persona, name, target: _gate(persona, public=True) or Expect(200),
            post=refuses(405, public=True),
        ),
        "portal:security": _page(),
        "cases:case_bookmarks": _page(public=False),
        "cases:case_review_queue": Entry(
            targets={"page": _page_target},
            get=lambda persona, name, target: (
                _gate(persona, public=False) or Expect(200 if persona in QUEUE_READERS else 403)
            ),
            post=refuses(405, public=False),
        ),
        # An empty POST is an invalid form (400) for those who may write.
        "cases:case_create": _page(public=False, post_status=400, who=WRITERS),
        "security_txt": _exempt(Expect(200), Expect(405)),
        "health": _exempt(Expect(200), Expect(405)),
        "set_language": _exempt(Expect(302, "/"), Expect(302, "/")),
    }
)


def _action(part, *, foreign=False) -> Entry:
    """A POST-only change of a trajectory (GET: 405 after the gate) with a valid body:
    its editors are sent back to the trajectory page. `foreign`: also a part of the
    running trajectory asked for through the joint one's address."""
    targets = {name: _trajectory_target(name, part) for name in ("running", "joint")}
    if foreign:
        targets["joint-foreign"] = _trajectory_target("joint", part, owner="running")
    return Entry(
        targets=targets,
        get=refuses(405, public=False),
        post=edits_trajectory(TRAJECTORY_PAGE),
    )


ROUTES.update(
    {
        "procurement:trajectory_list": _page(public=False),
        # An empty POST is an invalid form (400) for those who may start a trajectory.
        "procurement:trajectory_create": _page(
            public=False, post_status=400, who=TRAJECTORY_CREATORS
        ),
        "procurement:trajectory_export": Entry(
            targets={name: _trajectory_export_target(name) for name in ("csv", "xlsx", "pdf")},
            get=exports_trajectories,
            post=refuses(405, public=False),
        ),
        "procurement:trajectory_detail": Entry(
            targets={name: _trajectory_target(name) for name in TRAJECTORIES},
            get=reads_trajectory,
            post=refuses(405, public=False),
        ),
        "procurement:trajectory_update": Entry(
            targets={name: _trajectory_target(name, _edit) for name in ("running", "joint")},
            get=edits_trajectory(Expect(200)),
            post=edits_trajectory(TRAJECTORY_PAGE),
        ),
        "procurement:trajectory_close": Entry(
            targets={name: _trajectory_target(name, _close) for name in TRAJECTORIES},
            get=closes(Expect(200)),
            post=closes(TRAJECTORY_PAGE),
        ),
        # Phase 1 of both runs since today: phase 2 starts or is skipped, phase 1 is
        # completed or planned.
        "procurement:phase_start": _action(_phase(2, started_on=0)),
        "procurement:phase_complete": _action(_phase(1, completed_on=0)),
        "procurement:phase_skip": _action(_phase(2)),
        "procurement:phase_plan": _action(_phase(1, planned_end_on=30)),
        "procurement:question_answer": _action(_answer),
        "procurement:team_add": _action(_new_member),
        "procurement:team_remove": _action(_member, foreign=True),
        "procurement:kpi_add": _action(_new_kpi),
        "procurement:measurement_record": _action(_measurement, foreign=True),
        "procurement:document_add": _action(_new_document),
        # The pages with the forms to add to a trajectory (they post to the actions above).
        "procurement:team_new": _addition_page(),
        "procurement:kpi_new": _addition_page(),
        "procurement:measurement_new": _addition_page(_kpi_of, foreign=True),
        "procurement:document_new": _addition_page(),
        "procurement:document_download": Entry(
            targets={
                "running-confidential": _trajectory_target("running", _document(confidential=True)),
                "running-open": _trajectory_target("running", _document(confidential=False)),
                "joint-confidential": _trajectory_target("joint", _document(confidential=True)),
                # The running trajectory's confidential document through the joint address.
                "joint-foreign": _trajectory_target(
                    "joint", _document(confidential=True), owner="running"
                ),
            },
            get=downloads,
            post=refuses(405, public=False),
        ),
        # KPI measurements in bulk: for those who may change trajectories.
        "procurement:kpi_import": _page(public=False, post_status=400, who=TRAJECTORY_CREATORS),
        "procurement:kpi_export_all": Entry(
            targets={name: _trajectory_export_target(name) for name in ("csv", "xlsx", "pdf")},
            get=exports_kpis,
            post=refuses(405, public=False),
        ),
        "procurement:kpi_export": Entry(
            targets={
                f"{name}-{file_format}": _trajectory_target(
                    name, lambda world, trajectory, f=file_format: ({"file_format": f}, {})
                )
                for name in ("running", "joint")
                for file_format in ("csv", "xlsx")
            },
            get=edits_trajectory(Expect(200)),
            post=refuses(405, public=False),
        ),
        "cases:case_from_trajectory": Entry(
            targets={name: _trajectory_target(name) for name in ("completed", "running")},
            get=refuses(405, public=False),
            post=makes_case,
        ),
    }
)


# --- themegroups (issue 10): the Groene Hart GWW group, coordinated by bob, with alice as
# a member; the Groene Hart Vastgoed group has no members (bob coordinates another group).

GROUPS = ("gww", "vastgoed")
# Active members of the region read a group's page; staff everything (after the MFA gate).
GROUP_READERS = {"alice", "bob", "bob_mfa", "dora", "staff", "staff_mfa"}
# Members and coordinators (and staff) see members and documents and share documents.
GROUP_MEMBERS = {
    "gww": {"alice", "bob", "bob_mfa", "staff", "staff_mfa"},
    "vastgoed": {"staff", "staff_mfa"},
}
# The group's coordinators and staff manage it; bob does not manage Vastgoed.
GROUP_MANAGERS = {
    "gww": {"bob", "bob_mfa", "staff", "staff_mfa"},
    "vastgoed": {"staff", "staff_mfa"},
}
# A member of the region without a place in the group asks to join (staff hold no
# membership of a region).
GROUP_ASKERS = {"gww": {"dora"}, "vastgoed": {"alice", "bob", "bob_mfa", "dora"}}
# Who has a place may leave (bob, the last coordinator, is refused and sent back).
GROUP_LEAVERS = {"gww": {"alice", "bob", "bob_mfa"}, "vastgoed": set()}

for _rule in (GROUP_MEMBERS, GROUP_MANAGERS, GROUP_ASKERS, GROUP_LEAVERS):
    for _name, _personas in _rule.items():
        assert _personas <= GROUP_READERS, "who may do more in a group must also see it"


def _group(world, name) -> Themegroup:
    """The scenario group, made once per test."""
    key = f"_group_{name}"
    if key not in world.__dict__:
        if name == "gww":
            themegroup = world.fixture("gww")
            ThemegroupMembership.objects.create(
                themegroup=themegroup, user=world.fixture("bob"), role="coordinator"
            )
            ThemegroupMembership.objects.create(
                themegroup=themegroup, user=world.fixture("alice"), role="lid"
            )
        else:
            themegroup = Themegroup.objects.create(
                region=world.fixture("groene_hart"),
                sector="vastgoed",
                name="Vastgoed",
                slug="vastgoed",
            )
        world.__dict__[key] = themegroup
    return world.__dict__[key]


def _group_target(name, part=None):
    """The address of scenario group `name`; `part(world, themegroup)` gives the route's
    other parameters and the POST body."""

    def build(world, route):
        themegroup = _group(world, name)
        kwargs, data = part(world, themegroup) if part else ({}, {})
        url = reverse(
            route.name,
            kwargs={"region_slug": themegroup.region.slug, "slug": themegroup.slug, **kwargs},
        )
        return Target(url, themegroup=themegroup, data=data)

    return build


# --- meetings of a themegroup ------------------------------------------------------------

# The GWW meeting of the Groene Hart: the region's active members read it (not charlie,
# former or suspended); bob coordinates the group (manages its meetings); alice is a
# member (registers); dora reads but is not in the group.
MEETING_READERS = {"alice", "dora", "bob", "bob_mfa", "staff", "staff_mfa"}
MEETING_MANAGERS = {"bob", "bob_mfa", "staff", "staff_mfa"}
MEETING_REGISTRANTS = {"alice", "bob", "bob_mfa", "staff", "staff_mfa"}
MEETING_PATH = re.compile(r"^/themagroepen/[^/]+/[^/]+/bijeenkomsten/\d+/")


def _meeting_target(part=None, *, group=False):
    """An address of the scenario meeting (or, with `group`, of its themegroup);
    `part(world, meeting)` gives the route's other parameters and the POST body."""

    def build(world, route):
        meeting = world.meeting
        kwargs, data = part(world, meeting) if part else ({}, {})
        base = {"region_slug": meeting.themegroup.region.slug, "slug": meeting.themegroup.slug}
        if not group:
            base["pk"] = meeting.pk
        return Target(reverse(route.name, kwargs={**base, **kwargs}), data=data)

    return build


# --- dashboards (reports): who may view which scope ------------------------------------

# alice (inkoper) and dora (bestuurder) their organisation, dora also the Groene Hart in
# aggregate; bob (coordinator) the Groene Hart, its organisations and themegroups;
# charlie and former (now at Charlie) Gemeente Charlie; staff everything.
DASHBOARD_VIEWERS = {
    "alfa": {"alice", "dora", "bob", "bob_mfa", "staff_mfa"},
    "charlie": {"charlie", "former", "staff_mfa"},
    "groene-hart": {"dora", "bob", "bob_mfa", "staff_mfa"},
    "gww": {"bob", "bob_mfa", "staff_mfa"},
}


def _dashboard_target(name):
    def build(world, route):
        if name == "gww":
            themegroup = world.fixture("gww")
            return Target(reverse(route.name, args=[themegroup.region.slug, themegroup.slug]))
        if name == "groene-hart":
            return Target(reverse(route.name, args=[world.fixture("groene_hart").slug]))
        organisation = world.fixture("alfa" if name == "alfa" else "charlie_org")
        return Target(reverse(route.name, args=[organisation.slug]))

    return build


def _in_group(who: dict[str, set[str]], success: Expect) -> Rule:
    """404 for who does not see the group, 403 for who sees it but may not, else success."""

    def rule(persona, target_name, target):
        if gate := _gate(persona, public=False):
            return gate
        if persona not in GROUP_READERS:
            return Expect(404)
        return success if persona in who[target_name] else Expect(403)

    return rule


def _meeting_rule(who: set[str], success: Expect | None = None, *, public=False) -> Rule:
    """404 for who does not see the meeting, 403 for who sees it but is not in `who`,
    else `success` (None: back to the meeting page)."""

    def rule(persona, target_name, target):
        if gate := _gate(persona, public=public):
            return gate
        if persona not in MEETING_READERS:
            return Expect(404)
        if persona not in who:
            return Expect(403)
        return success or Expect(302, MEETING_PATH.match(target.url)[0])

    return rule


def reads_group(persona, target_name, target):
    return _gate(persona, public=False) or Expect(200 if persona in GROUP_READERS else 404)


def leaves_group(persona, target_name, target):
    expected = _in_group(GROUP_LEAVERS, Expect(302, "themegroup-list"))(
        persona, target_name, target
    )
    if expected.status == 302 and persona in {"bob", "bob_mfa"}:  # the last coordinator
        return Expect(302, target.themegroup.get_absolute_url())
    return expected


def downloads_group_document(persona, target_name, target):
    """Members only: everyone else, also who reads the group, gets 404."""
    if gate := _gate(persona, public=False):
        return gate
    return Expect(200 if persona in GROUP_MEMBERS[target_name] else 404)


def _invitation(world, themegroup):
    invitation = themegroup.invitations.first() or community_services.themegroup_invitation_create(
        actor=world.fixture("bob"), themegroup=themegroup, email="dora@alfa.example", role="lid"
    )
    return {"pk": invitation.pk}, {}


def _join_request(world, themegroup):
    join_request = themegroup.join_requests.first() or (
        community_services.themegroup_join_request_create(
            actor=world.fixture("dora"), themegroup=themegroup
        )
    )
    return {"pk": join_request.pk}, {"decision": "afwijzen"}


def _alice_place(world, themegroup):
    return {"pk": themegroup.memberships.get(user=world.fixture("alice")).pk}, {"role": "gast"}


def _group_document(world, themegroup):
    document = themegroup.documents.first() or themegroup.documents.create(
        file=ContentFile(PNG, name="verslag.png"),
        title="Verslag",
        content_type="image/png",
        size=len(PNG),
    )
    return {"pk": document.pk}, {}


def _group_announcement(world, themegroup):
    announcement = themegroup.announcements.first() or themegroup.announcements.create(
        title="Let op", body="Tekst"
    )
    return {"pk": announcement.pk}, {"bevestigd": "ja"}


def _group_document_deleted(world, themegroup):
    kwargs, _data = _group_document(world, themegroup)
    return kwargs, {"bevestigd": "ja"}


def _group_goal(world, themegroup):
    goal = themegroup.learning_goals.first() or themegroup.learning_goals.create(title="Leren")
    return {"pk": goal.pk}, {"status": "bereikt"}


def _body(data):
    return lambda world, themegroup: ({}, data)


def _invitation_accept_target(world, route):
    """Bob's invitation of dora to the GWW group: the link is public (it offers sign-up);
    only dora accepts it, any other signed-in persona is told it is not theirs (400)."""
    themegroup = _group(world, "gww")
    invitation = community_services.themegroup_invitation_create(
        actor=world.fixture("bob"), themegroup=themegroup, email="dora@alfa.example", role="lid"
    )
    return Target(invitation.get_absolute_url(), themegroup=themegroup)


def accepts_invitation(persona, target_name, target, *, method="get"):
    if persona == "staff":
        return MFA
    if method == "get":
        return Expect(200)
    if persona == "anonymous":
        return LOGIN
    return Expect(302, "themegroup") if persona == "dora" else Expect(400)


def _group_action(who, part=None, *, targets=GROUPS) -> Entry:
    return Entry(
        targets={name: _group_target(name, part) for name in targets},
        get=refuses(405, public=False),
        post=_in_group(who, Expect(302, "themegroup")),
    )


PNG_UPLOAD = {"document-title": "Verslag"}


def _upload(world, themegroup):
    upload = SimpleUploadedFile("verslag.png", PNG, content_type="image/png")
    return {}, {"document-file": upload, **PNG_UPLOAD}


def views_dashboard(persona, target_name, target):
    visible = persona in DASHBOARD_VIEWERS[target_name]
    return _gate(persona, public=False) or Expect(200 if visible else 404)


ROUTES.update(
    {
        "community:themegroup_list": _page(public=False),
        "community:themegroup_detail": Entry(
            targets={name: _group_target(name) for name in GROUPS},
            get=reads_group,
            post=refuses(405, public=False),
        ),
        # Members read the member list; its coordinators (and staff) also manage it there.
        "community:themegroup_members": Entry(
            targets={name: _group_target(name) for name in GROUPS},
            get=_in_group(GROUP_MEMBERS, Expect(200)),
            post=refuses(405, public=False),
        ),
        "community:invitation_create": _group_action(
            GROUP_MANAGERS, _body({"email": "nieuw@example.org", "role": "gast"})
        ),
        "community:invitation_withdraw": _group_action(GROUP_MANAGERS, _invitation),
        "community:invitation_accept": Entry(
            targets={"dora": _invitation_accept_target},
            get=accepts_invitation,
            post=lambda persona, name, target: accepts_invitation(
                persona, name, target, method="post"
            ),
        ),
        "community:join_request_create": _group_action(GROUP_ASKERS),
        "community:join_request_decide": _group_action(
            GROUP_MANAGERS, _join_request, targets=("gww",)
        ),
        "community:member_role_set": _group_action(GROUP_MANAGERS, _alice_place, targets=("gww",)),
        "community:member_remove": _group_action(GROUP_MANAGERS, _alice_place, targets=("gww",)),
        "community:themegroup_leave": Entry(
            targets={name: _group_target(name) for name in GROUPS},
            get=refuses(405, public=False),
            post=leaves_group,
        ),
        "community:announcement_create": _group_action(
            GROUP_MANAGERS, _body({"mededeling-title": "Let op", "mededeling-body": "Tekst"})
        ),
        "community:announcement_delete": _group_action(GROUP_MANAGERS, _group_announcement),
        # The upload page: members get the form and upload (back to the group's page).
        "community:document_new": Entry(
            targets={name: _group_target(name, _upload) for name in GROUPS},
            get=_in_group(GROUP_MEMBERS, Expect(200)),
            post=_in_group(GROUP_MEMBERS, Expect(302, "themegroup")),
        ),
        "community:document_delete": _group_action(GROUP_MANAGERS, _group_document_deleted),
        "community:document_download": Entry(
            targets={"gww": _group_target("gww", _group_document)},
            get=downloads_group_document,
            post=refuses(405, public=False),
        ),
        "community:learning_goal_create": _group_action(
            GROUP_MANAGERS, _body({"leerdoel-title": "Circulair uitvragen"})
        ),
        "community:learning_goal_status": _group_action(
            GROUP_MANAGERS, _group_goal, targets=("gww",)
        ),
    }
)


def _agenda_item(direction=None):
    def part(world, meeting):
        item = meeting.agenda_items.order_by("position").first()
        return {"item_pk": item.pk}, ({"direction": direction} if direction else {})

    return part


def _meeting_edit(world, meeting):
    return {}, {
        "title": "Circulair asfalt (verplaatst)",
        "starts_at": "2030-06-02T14:00",
        "location": "Provinciehuis",
    }


def _action_body(world, meeting):
    return {}, {"title": "Offerte opvragen", "owner": world.fixture("alice").pk, "status": "open"}


def _action_edit(world, meeting):
    _kwargs, data = _action_body(world, meeting)
    return {"action_pk": meeting.actions.get().pk}, data


def _feed(world, route):
    meeting = world.meeting
    token = community_calendars.feed_token(world.fixture("alice"), meeting.themegroup)
    kwargs = {
        "region_slug": meeting.themegroup.region.slug,
        "slug": meeting.themegroup.slug,
        "token": token,
    }
    return Target(reverse(route.name, kwargs=kwargs))


MEETING_ROUTES = {
    "community:meeting_list": Entry(
        targets={"gww": _meeting_target(group=True)},
        get=_meeting_rule(MEETING_READERS, Expect(200)),
        post=refuses(405, public=False),
    ),
    # An empty POST is an invalid form (400) for the group's coordinator.
    "community:meeting_create": Entry(
        targets={"gww": _meeting_target(group=True)},
        get=_meeting_rule(MEETING_MANAGERS, Expect(200)),
        post=_meeting_rule(MEETING_MANAGERS, Expect(400)),
    ),
    # A calendar app cannot sign in: alice's signed address answers anyone.
    "community:themegroup_feed": Entry(
        targets={"alice": _feed},
        get=lambda persona, name, target: _gate(persona, public=True) or Expect(200),
        post=lambda persona, name, target: _gate(persona, public=True) or Expect(405),
    ),
    "community:meeting_detail": Entry(
        targets={"gww": _meeting_target()},
        get=_meeting_rule(MEETING_READERS, Expect(200)),
        post=refuses(405, public=False),
    ),
    "community:meeting_ics": Entry(
        targets={"gww": _meeting_target()},
        get=_meeting_rule(MEETING_READERS, Expect(200)),
        post=refuses(405, public=False),
    ),
    "community:meeting_update": Entry(
        targets={"gww": _meeting_target(_meeting_edit)},
        get=_meeting_rule(MEETING_MANAGERS, Expect(200)),
        post=_meeting_rule(MEETING_MANAGERS),
    ),
    "community:agenda_item_add": Entry(
        targets={"gww": _meeting_target(lambda world, m: ({}, {"title": "Asfalt"}))},
        get=refuses(405, public=False),
        post=_meeting_rule(MEETING_MANAGERS),
    ),
    "community:agenda_item_move": Entry(
        targets={"gww": _meeting_target(_agenda_item("down"))},
        get=refuses(405, public=False),
        post=_meeting_rule(MEETING_MANAGERS),
    ),
    "community:agenda_item_remove": Entry(
        targets={"gww": _meeting_target(_agenda_item())},
        get=refuses(405, public=False),
        post=_meeting_rule(MEETING_MANAGERS),
    ),
    "community:meeting_register": Entry(
        targets={"gww": _meeting_target(lambda world, m: ({}, {"status": "aanwezig"}))},
        get=refuses(405, public=False),
        post=_meeting_rule(MEETING_REGISTRANTS),
    ),
    # No guest in the group: an empty POST is an invalid form (400) for the coordinator.
    "community:guest_invite": Entry(
        targets={"gww": _meeting_target()},
        get=refuses(405, public=False),
        post=_meeting_rule(MEETING_MANAGERS, Expect(400)),
    ),
    "community:attendance_record": Entry(
        targets={"gww": _meeting_target()},
        get=_meeting_rule(MEETING_MANAGERS, Expect(200)),
        post=_meeting_rule(MEETING_MANAGERS),
    ),
    "community:meeting_minutes": Entry(
        targets={"gww": _meeting_target(lambda world, m: ({}, {"minutes": "Besproken."}))},
        get=_meeting_rule(MEETING_MANAGERS, Expect(200)),
        post=_meeting_rule(MEETING_MANAGERS),
    ),
    "community:action_create": Entry(
        targets={"gww": _meeting_target(_action_body)},
        get=_meeting_rule(MEETING_MANAGERS, Expect(200)),
        post=_meeting_rule(MEETING_MANAGERS),
    ),
    "community:action_update": Entry(
        targets={"gww": _meeting_target(_action_edit)},
        get=_meeting_rule(MEETING_MANAGERS, Expect(200)),
        post=_meeting_rule(MEETING_MANAGERS),
    ),
}


ROUTES.update(MEETING_ROUTES)


def _digest_link(*, forged=False):
    """The unsubscribe link of a digest mail for alice's place in a themegroup (made
    here), or a forged one."""

    def build(world, route):
        place = factories.ThemegroupMembershipFactory(
            themegroup=factories.ThemegroupFactory(region=world.fixture("groene_hart")),
            user=world.fixture("alice"),
        )
        token = digests.unsubscribe_token(place) + ("x" if forged else "")
        return Target(reverse(route.name, args=[token]))

    return build


def _unsubscribes(persona, name, target):
    return _gate(persona, public=True) or Expect(404 if target.url.endswith("x/") else 200)


ROUTES.update(
    {
        # An empty POST from someone without themegroups saves nothing and goes back.
        "community:digest_settings": _page(public=False, post_status=302),
        # The link in a digest mail works without logging in; a forged one is 404.
        "community:digest_unsubscribe": Entry(
            targets={"link": _digest_link(), "forged": _digest_link(forged=True)},
            get=_unsubscribes,
            post=_unsubscribes,
        ),
        "reports:dashboard_index": _page(public=False),
        "reports:dashboard_organisation": Entry(
            targets={name: _dashboard_target(name) for name in ("alfa", "charlie")},
            get=views_dashboard,
            post=refuses(405, public=False),
        ),
        "reports:dashboard_region": Entry(
            targets={"groene-hart": _dashboard_target("groene-hart")},
            get=views_dashboard,
            post=refuses(405, public=False),
        ),
        "reports:dashboard_themegroup": Entry(
            targets={"gww": _dashboard_target("gww")},
            get=views_dashboard,
            post=refuses(405, public=False),
        ),
    }
)


# --- onboarding: requests to be linked to an organisation (issue 10) ----------------------

# The queue is for coordinators (of any region) and staff; inkopers and bestuurders get 403.
# A request for an organisation of another region is not found (404) for a coordinator.
QUEUE_VIEWERS = {"bob", "bob_mfa", "staff_mfa"}
QUEUE = "/organisaties/aanvragen/"
OWN_REQUESTS = "/account/organisatie/"


def _membership_request_target(*, region: str):
    """A verified newcomer's open request for Gemeente Beta (Groene Hart) or Gemeente
    Charlie (Regio Zwolle), declined with a reason in the POST body."""

    def build(world, route):
        organisation = world.fixture("beta" if region == "groene-hart" else "charlie_org")
        membership_request = community_services.membership_request_create(
            actor=factories.UserFactory(), organisation=organisation
        )
        prefix = f"aanvraag-{membership_request.pk}"
        data = {f"{prefix}-decision": "afwijzen", f"{prefix}-decline_reason": "Onbekend"}
        return Target(reverse(route.name, args=[membership_request.pk]), data=data)

    return build


# --- PDF reports (reports): a Groene Hart report of dora's, finished or failed ------------

# Its readers are the readers of the Groene Hart dashboard; only dora (its requester)
# retries it.
REPORT_READERS = DASHBOARD_VIEWERS["groene-hart"]


def _report_run(world, *, failed: bool) -> ReportRun:
    run = ReportRun.objects.create(
        requested_by=world.fixture("dora"),
        scope_kind="regio",
        region=world.fixture("groene_hart"),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        language="nl",
        status=ReportRun.Status.MISLUKT if failed else ReportRun.Status.KLAAR,
        error="Het maken van de rapportage is mislukt." if failed else "",
    )
    if not failed:
        run.file.save("rapport.pdf", ContentFile(b"%PDF-1.7 test"))
    return run


def _report_target(*, failed=False):
    def build(world, route):
        run = _report_run(world, failed=failed)
        return Target(reverse(route.name, args=[run.pk]))

    return build


def decides_membership_request(persona, target_name, target):
    if gate := _gate(persona, public=False):
        return gate
    if persona not in QUEUE_VIEWERS:
        return Expect(403)
    if target_name == "zwolle" and persona in {"bob", "bob_mfa"}:
        return Expect(404)
    return Expect(302, QUEUE)


def _dora_request_target(world, route):
    """Dora (bestuurder of Alfa) asks to be bestuurder of Gemeente Beta too."""
    membership_request = community_services.membership_request_create(
        actor=world.fixture("dora"), organisation=world.fixture("beta"), role="bestuurder"
    )
    return Target(reverse(route.name, args=[membership_request.pk]))


def _account_gate(persona: str) -> Expect | None:
    """The account pages (/account/…) are exempt from the staff MFA set-up: only the
    login gate applies. (A person's own requests use no staff rights.)"""
    return LOGIN if persona == "anonymous" else None


def withdraws_membership_request(persona, target_name, target):
    if gate := _account_gate(persona):
        return gate
    return Expect(302, OWN_REQUESTS) if persona == "dora" else Expect(404)


def reads_report(persona, target_name, target):
    return _gate(persona, public=False) or Expect(200 if persona in REPORT_READERS else 404)


def retries_report(persona, target_name, target):
    if gate := _gate(persona, public=False):
        return gate
    if persona not in REPORT_READERS:
        return Expect(404)
    if persona != "dora":
        return Expect(403)
    return Expect(302, target.url.removesuffix("opnieuw/"))


ROUTES.update(
    {
        # An empty POST is an invalid form (400) for anyone signed in.
        "community:membership_request_create": Entry(
            targets={"page": _page_target},
            get=lambda persona, name, target: _account_gate(persona) or Expect(200),
            post=lambda persona, name, target: _account_gate(persona) or Expect(400),
        ),
        "community:membership_request_withdraw": Entry(
            targets={"dora": _dora_request_target},
            get=lambda persona, name, target: _account_gate(persona) or Expect(405),
            post=withdraws_membership_request,
        ),
        "community:membership_request_list": Entry(
            targets={"page": _page_target},
            get=lambda persona, name, target: (
                _gate(persona, public=False) or Expect(200 if persona in QUEUE_VIEWERS else 403)
            ),
            post=refuses(405, public=False),
        ),
        "community:membership_request_decide": Entry(
            targets={
                region: _membership_request_target(region=region)
                for region in ("groene-hart", "zwolle")
            },
            get=refuses(405, public=False),
            post=decides_membership_request,
        ),
        # An empty POST is an invalid request form (400).
        "reports:report_list": _page(public=False, post_status=400),
        "reports:report_detail": Entry(
            targets={"klaar": _report_target()},
            get=reads_report,
            post=refuses(405, public=False),
        ),
        "reports:report_download": Entry(
            targets={"klaar": _report_target()},
            get=reads_report,
            post=refuses(405, public=False),
        ),
        "reports:report_retry": Entry(
            targets={"mislukt": _report_target(failed=True)},
            get=refuses(405, public=False),
            post=retries_report,
        ),
    }
)


# --- sharing links and scheduled reports (reports) -----------------------------------------

# A sharing link: dora (the requester) makes it; the region's other readers get 403, the
# others 404. The link itself works for anyone (no login); a forged one is not found.
SUBSCRIBERS = {"dora", "bob", "bob_mfa", "staff_mfa"}  # bestuurders, coordinators, staff


def shares_report(persona, target_name, target):
    if gate := _gate(persona, public=False):
        return gate
    if persona not in REPORT_READERS:
        return Expect(404)
    # Post/redirect/get: back to the report's page, which shows the link.
    report_page = target.url.removesuffix("delen/")
    return Expect(302, report_page) if persona == "dora" else Expect(403)


def _share_link_target(*, forged=False):
    def build(world, route):
        run = _report_run(world, failed=False)
        token = report_services.report_share_token(actor=world.fixture("dora"), run=run)
        return Target(reverse(route.name, args=[token + ("x" if forged else "")]))

    return build


def _opens_share_link(persona, target_name, target):
    return _gate(persona, public=True) or Expect(404 if target_name == "forged" else 200)


def _subscription_target(world, route):
    subscription = report_services.subscription_create(
        actor=world.fixture("dora"),
        scope=Scope.of(world.fixture("groene_hart")),
        frequency="kwartaal",
        language="nl",
    )
    return Target(reverse(route.name, args=[subscription.pk]))


def ends_subscription(persona, target_name, target):
    if gate := _gate(persona, public=False):
        return gate
    return Expect(302, reverse("reports:report_list")) if persona == "dora" else Expect(404)


ROUTES.update(
    {
        "reports:report_share": Entry(
            targets={"klaar": _report_target()},
            get=refuses(405, public=False),
            post=shares_report,
        ),
        "reports:report_shared": Entry(
            targets={"link": _share_link_target(), "forged": _share_link_target(forged=True)},
            get=_opens_share_link,
            post=refuses(405, public=True),
        ),
        # An empty POST is an invalid form (400) for those who may subscribe.
        "reports:subscription_create": _page(
            public=False, post_status=400, who=SUBSCRIBERS, other=403
        ),
        "reports:subscription_delete": Entry(
            targets={"dora": _subscription_target},
            get=refuses(405, public=False),
            post=ends_subscription,
        ),
    }
)


def _allauth_page(persona, name, target):
    """allauth's own pages (login, logout, e-mail, MFA) are exempt from the MFA set-up."""
    return Expect((200, 302, 400, 404, 405), "not-mfa")


# Pattern entries: whole families of routes with one rule.
PATTERNS: list[tuple[Callable[[UrlRoute], bool], Entry]] = [
    (
        lambda route: route.name.startswith("admin:"),
        # Every admin route with GET; POST on a sample (test_admin_posts_need_staff_with_mfa).
        Entry(
            targets={"sample": _admin_target},
            get=admin_access,
            post=lambda persona, name, target: admin_access(persona, name, target, method="post"),
            personas=ADMIN_PERSONAS,
            methods=("get",),
        ),
    ),
    (
        lambda route: route.pattern.startswith("account/") and not route.has_parameter,
        Entry(
            targets={"page": _page_target},
            get=_allauth_page,
            post=_allauth_page,
            personas=("anonymous", "alice", "staff", "staff_mfa"),
        ),
    ),
]


def entry_for(route: UrlRoute) -> Entry | None:
    if route.name in ROUTES:
        return ROUTES[route.name]
    for matches, entry in PATTERNS:
        if matches(route):
            return entry
    return None


ALL_ROUTES = {route.name: route for route in url_routes()}
MATRIX = [
    pytest.param(
        route.name, target, persona, method, id=f"{route.name}|{target}|{persona}|{method}"
    )
    for route in ALL_ROUTES.values()
    if (entry := entry_for(route)) is not None
    for target in entry.targets
    for persona in entry.personas
    for method in entry.methods
]


# --- the tests -------------------------------------------------------------------------


def test_every_route_has_an_entry():
    """A new address must say who may open it: add it to ROUTES."""
    missing = [route.name for route in ALL_ROUTES.values() if entry_for(route) is None]
    assert missing == [], f"routes without an entry in tests/test_isolation.py: {missing}"


def test_the_walk_finds_the_routes_with_parameters():
    with_parameter = {name for name, route in ALL_ROUTES.items() if route.has_parameter}
    assert {
        "cases:case_detail",
        "cases:case_attachment",
        "cases:case_mark",
        "cases:case_export",
        "account_confirm_email",
        "admin:cases_case_change",
        "procurement:trajectory_detail",
        "procurement:trajectory_export",
        "procurement:document_download",
        "cases:case_from_trajectory",
    } <= with_parameter
    assert "cases:case_list" not in with_parameter
    assert "procurement:trajectory_list" not in with_parameter


def test_no_entry_is_left_without_a_route():
    """An entry for a route that no longer exists is a rule nobody tests."""
    assert set(ROUTES) - set(ALL_ROUTES) == set()


# The sections of the trajectory page an action sends back to.
TRAJECTORY_SECTIONS = r"|fasen|team|kpis|documenten|kpi-\d+|vraag-\d+"


def _leads_to(location: str, place: str, target: Target) -> bool:
    path = urlsplit(location).path
    match place:
        case "login":
            return location.startswith(reverse("account_login") + "?next=")
        case "admin-login":
            return path == reverse("admin:login")
        case "mfa":
            return path == reverse("mfa_activate_totp")
        case "not-mfa":
            return path != reverse("mfa_activate_totp")
        case "not-gate":
            return not any(_leads_to(location, p, target) for p in ("login", "admin-login", "mfa"))
        case "case":
            return location == target.case.get_absolute_url()
        case "trajectory":
            parts = urlsplit(location)
            return (
                parts.path == target.trajectory.get_absolute_url()
                and re.fullmatch(TRAJECTORY_SECTIONS, parts.fragment) is not None
            )
        case "case-edit":
            try:
                match = resolve(path)
            except Resolver404:
                return False
            return (
                match.view_name == "cases:case_update"
                and Case.objects.filter(
                    slug=match.kwargs["slug"], trajectories=target.trajectory
                ).exists()
            )
        case "admin":
            return path == reverse("admin:index")
        case "case-list-after-return":
            return location == reverse("cases:case_list")
        case "review-queue":
            return location == reverse("cases:case_review_queue")
        case "themegroup":  # the group's page or its members page, maybe at a section
            return path.startswith(target.themegroup.get_absolute_url())
        case "themegroup-list":
            return path == reverse("community:themegroup_list")
        case "home":
            return path == reverse("portal:home")
        case _:
            return path == urlsplit(place).path


def assert_answer(response, expected: Expect, target: Target):
    statuses = expected.status if isinstance(expected.status, tuple) else (expected.status,)
    location = response.get("Location", "")
    assert response.status_code in statuses, (
        f"{response.status_code} (to {location!r}), expected {expected}"
    )
    if response.status_code == 302 and expected.to is not None:
        places = expected.to if isinstance(expected.to, tuple) else (expected.to,)
        assert any(_leads_to(location, place, target) for place in places), (
            f"redirects to {location!r}, expected {places}"
        )


def _fingerprint(case: Case):
    case.refresh_from_db()
    return (
        case.status,
        case.visibility,
        case.title,
        case.region_id,
        case.review_comment,
        case.withdrawal_reason,
        case.published_at,
        case.marks.count(),
    )


def _trajectory_fingerprint(trajectory: Trajectory):
    """The trajectory and all its parts: what any of its actions could change."""
    trajectory.refresh_from_db()
    return (
        trajectory.status,
        trajectory.title,
        trajectory.closed_on,
        trajectory.current_phase_id,
        trajectory.estimated_value,
        trajectory.supplier,
        trajectory.notes,
        trajectory.share_confidential,
        sorted(trajectory.participating_organisations.values_list("pk", flat=True)),
        list(
            PhaseProgress.objects.filter(trajectory=trajectory)
            .order_by("phase__number")
            .values_list("phase__number", "status", "started_on", "planned_end_on", "completed_on")
        ),
        list(trajectory.answers.order_by("pk").values_list("question_id", "answer", "is_done")),
        list(trajectory.team.order_by("pk").values_list("pk", "role", "name")),
        list(trajectory.kpis.order_by("pk").values_list("pk", "name")),
        list(
            KpiMeasurement.objects.filter(kpi__trajectory=trajectory)
            .order_by("pk")
            .values_list("pk", "label", "target", "actual")
        ),
        list(trajectory.documents.order_by("pk").values_list("pk", "title", "is_confidential")),
        list(trajectory.cases.order_by("pk").values_list("pk", flat=True)),
        trajectory.history.count(),
    )


def _themegroup_fingerprint(themegroup: Themegroup):
    """The group's places, invitations, requests, announcements, documents and goals."""
    return (
        sorted(themegroup.memberships.values_list("user_id", "role")),
        sorted(themegroup.invitations.values_list("pk", "status")),
        sorted(themegroup.join_requests.values_list("pk", "status")),
        themegroup.announcements.count(),
        themegroup.documents.count(),
        sorted(themegroup.learning_goals.values_list("pk", "status")),
    )


def _state(target: Target):
    return (
        _fingerprint(target.case) if target.case is not None else None,
        _trajectory_fingerprint(target.trajectory) if target.trajectory is not None else None,
        _themegroup_fingerprint(target.themegroup) if target.themegroup is not None else None,
    )


@pytest.mark.parametrize(("route_name", "target_name", "persona", "method"), MATRIX)
def test_each_persona_gets_what_the_rules_say(
    db, client, request, route_name, target_name, persona, method
):
    route = ALL_ROUTES[route_name]
    entry = entry_for(route)
    world = World(request)
    user = world.user(persona)  # first: the admin samples depend on who exists
    target = entry.targets[target_name](world, route)
    before = _state(target)
    if user is not None:
        client.force_login(user)

    response = getattr(client, method)(target.url, target.data if method == "post" else {})

    expected = (entry.get if method == "get" else entry.post)(persona, target_name, target)
    assert_answer(response, expected, target)
    if not (expected.status == 302 and expected.to in CHANGED):
        assert _state(target) == before, "a refused request changed the case or trajectory"


ADMIN_POST_SAMPLE = [
    "admin:index",
    "admin:cases_case_change",
    "admin:cases_case_delete",
    "admin:community_membership_change",
    "admin:community_user_change",
]


@pytest.mark.parametrize("persona", ADMIN_PERSONAS)
@pytest.mark.parametrize("route_name", ADMIN_POST_SAMPLE)
def test_admin_posts_need_staff_with_mfa(db, client, request, route_name, persona):
    route = ALL_ROUTES[route_name]
    world = World(request)
    user = world.user(persona)
    target = _admin_target(world, route)
    if user is not None:
        client.force_login(user)

    response = client.post(target.url, {})

    assert_answer(response, admin_access(persona, route_name, target, method="post"), target)


# --- R1 on the contents of pages: lists, exports, bookmarks ----------------------------


def _export_titles(response) -> set[str]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row[0] for row in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_export_holds_only_what_the_persona_may_browse(db, client, request, persona):
    world = World(request)
    user = world.user(persona)
    public, community = world.public, world.community
    world.make("draft", "submitted")  # never exported
    if user is not None:
        client.force_login(user)

    response = client.get(reverse("cases:case_export", kwargs={"file_format": "csv"}))

    if persona == "staff":
        assert_answer(response, MFA, Target(""))
        return
    assert response.status_code == 200
    expected = {public.title} | ({community.title} if persona in READERS["community"] else set())
    assert _export_titles(response) == expected


def test_an_ended_membership_takes_the_draft_out_of_the_authors_lists(db, client, request):
    """`former` wrote the Alfa draft and bookmarked it while she was at Alfa; now that
    her membership has ended it is in none of her lists."""
    world = World(request)
    former, draft = world.fixture("former"), world.draft
    CaseMark.objects.create(case=draft, user=former, kind=CaseMark.Kind.BEWAARD)
    client.force_login(former)

    bookmarks = client.get(reverse("cases:case_bookmarks"))
    case_list = client.get(reverse("cases:case_list"))

    assert bookmarks.status_code == case_list.status_code == 200
    assert draft.slug.encode() not in bookmarks.content
    assert draft.get_absolute_url().encode() not in case_list.content


def test_a_suspended_member_browses_as_the_public(db, client, request):
    world = World(request)
    public, community = world.public, world.community
    client.force_login(world.fixture("suspended"))

    response = client.get(reverse("cases:case_list"))

    assert response.status_code == 200
    assert public.get_absolute_url().encode() in response.content
    assert community.get_absolute_url().encode() not in response.content


def test_suspending_takes_effect_at_once_for_a_signed_in_user(db, client, request):
    """No per-session memory of rights: the next request after the suspension is refused."""
    world = World(request)
    alice, draft = world.fixture("alice"), world.draft
    client.force_login(alice)
    assert client.get(draft.get_absolute_url()).status_code == 200

    alice.memberships.update(suspended_at=timezone.now())

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.post(reverse("cases:case_submit", args=[draft.slug])).status_code == 404


# --- R1 on the contents of trajectory pages: the confidential fields --------------------


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _secrets_in(content: bytes) -> list[str]:
    texts = (*SECRET_VALUE_TEXTS, SECRET_SUPPLIER, SECRET_NOTES)
    return [text for text in texts if text.encode() in content]


def test_a_confidential_field_never_reaches_another_organisation(db, client, request):
    """bob (Gemeente Beta) reads the Alfa trajectory of his region, never its estimated
    value, supplier (the tender runs) or notes: not on its page, in the list, a search,
    the htmx results or the export."""
    world = World(request)
    trajectory = world.running
    word = RUNNING_TITLE.split()[0].lower()
    list_url = reverse("procurement:trajectory_list")
    export_url = reverse("procurement:trajectory_export", kwargs={"file_format": "csv"})
    addresses = {
        "page": (trajectory.get_absolute_url(), {}),
        "list": (list_url, {}),
        "search": (f"{list_url}?q={word}", {}),
        "search (htmx)": (f"{list_url}?q={word}", {"HTTP_HX_REQUEST": "true"}),
        "export": (export_url, {}),
        "export of the search": (f"{export_url}?q={word}", {}),
    }
    # What the checks look for is what the pages show to those who may see it.
    client.force_login(world.fixture("alice"))
    own = _body(client.get(trajectory.get_absolute_url()))
    assert SECRET_SUPPLIER.encode() in own
    assert SECRET_NOTES.encode() in own
    assert any(text.encode() in own for text in SECRET_VALUE_TEXTS)

    client.force_login(world.fixture("bob"))
    for name, (url, headers) in addresses.items():
        response = client.get(url, **headers)
        content = _body(response)
        assert response.status_code == 200, name
        assert trajectory.title.encode() in content, f"{name}: the trajectory is not there"
        assert _secrets_in(content) == [], f"{name} shows {_secrets_in(content)}"


def test_editing_a_joint_trajectory_keeps_its_participants(db, client, request):
    """Gemeente Charlie (Regio Zwolle) takes part in the joint Alfa trajectory. alice
    saves its edit form as her browser sends it (a new title, the participants the form
    has ticked): Charlie still takes part, so charlie still reads it."""
    world = World(request)
    joint = world.joint
    url = reverse("procurement:trajectory_update", args=[joint.pk])
    client.force_login(world.fixture("alice"))
    page = BeautifulSoup(client.get(url).content, "html.parser")
    ticked = [
        box["value"]
        for box in page.select("input[name=participating_organisations]")
        if box.has_attr("checked")
    ]
    _, data = _edit(world, joint)

    response = client.post(url, {**data, "participating_organisations": ticked})

    assert_answer(response, TRAJECTORY_PAGE, Target(url, trajectory=joint))
    assert list(joint.participating_organisations.all()) == [world.fixture("charlie_org")]
    client.force_login(world.fixture("charlie"))
    assert client.get(joint.get_absolute_url()).status_code == 200


# --- organisations, maturity and agreements (community) -----------------------------------

# Organisations: the active members of organisations in its region, its own members, staff.
ORGANISATION_READERS = {
    "alfa": {"alice", "dora", "bob", "bob_mfa", "staff", "staff_mfa"},
    "charlie_org": {"charlie", "former", "staff", "staff_mfa"},
}
# The named maturity answers: the organisation's own active members (any role) and staff.
MATURITY_READERS = {
    "alfa": {"alice", "dora", "staff", "staff_mfa"},
    "charlie_org": {"charlie", "former", "staff", "staff_mfa"},
}
# Filling it in: its own inkopers and coordinators, and staff (not dora, a bestuurder).
MATURITY_ASSESSORS = {
    "alfa": {"alice", "staff", "staff_mfa"},
    "charlie_org": {"charlie", "former", "staff", "staff_mfa"},
}
# Agreements: a national one every linked member; a regional one its region's members.
AGREEMENT_READERS = {
    "national": MEMBERS,
    "regional": {"alice", "dora", "bob", "bob_mfa", "staff", "staff_mfa"},
}
AGREEMENT_CREATORS = {"bob", "bob_mfa", "staff_mfa"}

for _name, _personas in MATURITY_READERS.items():
    assert MATURITY_ASSESSORS[_name] <= _personas <= ORGANISATION_READERS[_name]


def _organisation_target(name, route_name):
    def build(world, route):
        organisation = world.fixture(name)
        data = {}
        if route_name == "community:organisation_maturity":
            aspect = MaturityAspect.objects.get_or_create(
                key="bestuurlijke-rugdekking",
                defaults={"name": "Bestuurlijke rugdekking", "position": 1},
            )[0]
            data = {f"{aspect.key}-status": "ingericht", f"{aspect.key}-note": "Getekend."}
        return Target(reverse(route.name, kwargs={"slug": organisation.slug}), data=data)

    return build


def reads_organisation(persona, target_name, target):
    visible = persona in ORGANISATION_READERS[target_name]
    return _gate(persona, public=False) or Expect(200 if visible else 404)


def reads_maturity(persona, target_name, target):
    visible = persona in MATURITY_READERS[target_name]
    return _gate(persona, public=False) or Expect(200 if visible else 404)


def assesses_maturity(persona, target_name, target):
    if gate := _gate(persona, public=False):
        return gate
    if persona not in MATURITY_READERS[target_name]:
        return Expect(404)
    if persona not in MATURITY_ASSESSORS[target_name]:
        return Expect(403)
    return Expect(302, target.url)


def _agreement_target(name):
    def build(world, route):
        region = world.fixture("groene_hart") if name == "regional" else None
        agreement = Agreement.objects.filter(slug=name).first() or Agreement.objects.create(
            name=f"Afspraak {name}", slug=name, region=region
        )
        return Target(reverse(route.name, kwargs={"slug": agreement.slug}))

    return build


def reads_agreement(persona, target_name, target):
    visible = persona in AGREEMENT_READERS[target_name]
    return _gate(persona, public=False) or Expect(200 if visible else 404)


ROUTES.update(
    {
        "community:organisation_list": _page(public=False),
        "community:organisation_detail": Entry(
            targets={
                name: _organisation_target(name, "community:organisation_detail")
                for name in ORGANISATION_READERS
            },
            get=reads_organisation,
            post=refuses(405, public=False),
        ),
        "community:organisation_maturity": Entry(
            targets={
                name: _organisation_target(name, "community:organisation_maturity")
                for name in MATURITY_READERS
            },
            get=reads_maturity,
            post=assesses_maturity,
        ),
        "community:agreement_list": _page(public=False),
        # An empty POST is an invalid form (400) for those who may add an agreement.
        "community:agreement_create": _page(public=False, post_status=400, who=AGREEMENT_CREATORS),
        "community:agreement_detail": Entry(
            targets={name: _agreement_target(name) for name in AGREEMENT_READERS},
            get=reads_agreement,
            post=refuses(405, public=False),
        ),
    }
)
