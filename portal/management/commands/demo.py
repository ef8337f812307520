"""`python manage.py demo`: demo data for a local look around (`make run`). Never for
production.

The content is data, in fixtures/demo/*.yaml: fictional people (every name ends in
"(demo)", every address is @demo.example) in three Groene Hart municipalities, their
memberships and themegroup places, about twenty trajectories across the six phases,
maturity profiles over two years, a regional manifesto, the themegroups' meetings
(agenda, registrations, minutes, actions), a few draft cases and marks, and PDF
progress reports (finished per kind of scope, one failed). This command only
resolves the natural keys of those files and calls the services, so the history names an
actor. Needs `seed` first. Idempotent: what exists is kept, only what is missing is
added; running it again changes nothing but setting the demo password back.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, CaseMark
from community import services as community_services
from community.models import (
    Agreement,
    MaturityAspect,
    Meeting,
    Membership,
    MembershipRequest,
    Organisation,
    OrganisationMaturity,
    Region,
    Themegroup,
    ThemegroupMembership,
    User,
)
from community.seeding import product_category
from procurement import services as procurement_services
from procurement import summaries as procurement_summaries
from procurement.models import (
    GuidingQuestion,
    Kpi,
    KpiMeasurement,
    Phase,
    QuestionAnswer,
    RStrategy,
    TeamMember,
    Trajectory,
)
from reports import services as report_services
from reports.metrics import Period, Scope
from reports.models import ReportRun, ReportSubscription

DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo"


def _yaml(name: str) -> dict:
    with (DEMO / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def _get(model, **natural_key):
    """The row with this natural key, or a clear error naming what is missing."""
    try:
        return model.objects.get(**natural_key)
    except ObjectDoesNotExist:
        raise CommandError(
            f"No {model._meta.verbose_name} {natural_key}: run `seed` first, "
            "or check the reference in fixtures/demo/."
        ) from None


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _at(day, hour_minute: str) -> datetime:
    """A Dutch date and "HH:MM" as an aware moment."""
    hour, minute = (int(part) for part in hour_minute.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _r_level(level: int | None) -> RStrategy | None:
    return None if level is None else _get(RStrategy, level=level)


class Command(BaseCommand):
    help = "Create fictional demo accounts and data (debug mode only; run `seed` first)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Also run when DJANGO_DEBUG is off."
        )

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is for local use only (DJANGO_DEBUG=0 is set).")
        if not Phase.objects.exists():
            raise CommandError("Run `python manage.py seed` first.")
        self.organisations: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}

        people = _yaml("people.yaml")
        self._people(people)
        self._themegroups(people["themegroups"], actor=self._user(people["actor"]))
        self._digests(people.get("digests", []))
        self._trajectories(_yaml("trajectories.yaml")["trajectories"])
        # The services queue the dashboards' KPI summary after each write; made here too,
        # so the demo shows it also when no worker runs yet.
        procurement_summaries.rebuild()
        self._maturity(_yaml("maturity.yaml"))
        self._meetings(_yaml("meetings.yaml"))
        self._agreements(_yaml("agreements.yaml"))
        cases = _yaml("cases.yaml")
        self._cases(cases["cases"])
        self._marks(cases["marks"])
        self._themegroup_activity(_yaml("themegroups.yaml"))
        reports = _yaml("reports.yaml")
        self._reports(reports["reports"])
        self._report_subscriptions(reports.get("subscriptions") or [])
        self._print_accounts(people)

    # --- lookups by natural key ---------------------------------------------------------

    def _organisation(self, slug: str) -> Organisation:
        if slug not in self.organisations:
            self.organisations[slug] = _get(Organisation, slug=slug)
        return self.organisations[slug]

    def _user(self, email: str) -> User:
        if email not in self.users:
            self.users[email] = _get(User, email__iexact=email)
        return self.users[email]

    # --- people, memberships, themegroups ---------------------------------------------

    def _people(self, data: dict) -> None:
        """The actor first (they create the others' memberships), then everyone else."""
        rows = sorted(data["people"], key=lambda row: row["email"] != data["actor"])
        actor = None
        for row in rows:
            user = User.objects.filter(email__iexact=row["email"]).first()
            if user is None:
                user = community_services.user_create(
                    actor=actor,
                    email=row["email"],
                    full_name=row["full_name"],
                    password=data["password"],
                    is_staff=row.get("staff", False),
                    is_superuser=row.get("staff", False),
                    email_verified=True,
                )
            else:  # kept as it is, but the printed password must work
                community_services.user_password_set(
                    actor=actor, user=user, password=data["password"]
                )
            self.users[row["email"]] = user
            actor = actor or user
            for membership in row.get("memberships") or []:
                organisation = self._organisation(membership["organisation"])
                if not Membership.objects.filter(
                    user=user, organisation=organisation, role=membership["role"]
                ).exists():
                    community_services.membership_create(
                        actor=actor, user=user, organisation=organisation, role=membership["role"]
                    )
            for request in row.get("membership_requests") or []:
                organisation = self._organisation(request["organisation"])
                if not MembershipRequest.objects.filter(
                    user=user, organisation=organisation
                ).exists():
                    community_services.membership_request_create(
                        actor=user,
                        organisation=organisation,
                        role=request["role"],
                        motivation=request.get("motivation", ""),
                    )

    def _themegroups(self, rows: list[dict], *, actor: User) -> None:
        for row in rows:
            themegroup = _get(Themegroup, region__slug=row["region"], slug=row["themegroup"])
            for member in row["members"]:
                user = self._user(member["user"])
                places = ThemegroupMembership.objects.filter(themegroup=themegroup, user=user)
                if not places.exists():
                    community_services.themegroup_member_add(
                        actor=actor, themegroup=themegroup, user=user, role=member["role"]
                    )

    def _digests(self, rows: list[dict]) -> None:
        """Each person's choice of member digest for a group (default weekly)."""
        for row in rows:
            user = self._user(row["user"])
            place = _get(
                ThemegroupMembership,
                user=user,
                themegroup__region__slug=row["region"],
                themegroup__slug=row["themegroup"],
            )
            if place.digest != row["digest"]:
                community_services.digest_set(actor=user, place=place, digest=row["digest"])

    # --- meetings of the themegroups ----------------------------------------------------

    def _meetings(self, data: dict) -> None:
        """Meetings with agenda, registrations (upcoming) or attendance, minutes and
        actions (past); days count from today, times are Dutch time."""
        actor = self._user(data["actor"])
        today = timezone.localdate()
        for row in data["meetings"]:
            themegroup = _get(Themegroup, region__slug="groene-hart", slug=row["themegroup"])
            if Meeting.objects.filter(themegroup=themegroup, title=row["title"]).exists():
                continue
            day = today + timedelta(days=row["days"])
            meeting = community_services.meeting_create(
                actor=actor,
                themegroup=themegroup,
                title=row["title"],
                starts_at=_at(day, row["start"]),
                ends_at=_at(day, row["end"]),
                location=row.get("location", ""),
                online_url=row.get("online_url", ""),
            )
            for title in row.get("agenda", []):
                community_services.agenda_item_add(actor=actor, meeting=meeting, title=title)
            for registration in row.get("registrations", []):
                community_services.meeting_register(
                    actor=self._user(registration["user"]),
                    meeting=meeting,
                    status=registration["status"],
                )
            if row.get("attended"):
                community_services.attendance_record(
                    actor=actor,
                    meeting=meeting,
                    present={self._user(email).pk for email in row["attended"]},
                )
            if row.get("minutes"):
                community_services.meeting_minutes_set(
                    actor=actor, meeting=meeting, minutes=row["minutes"]
                )
            for action in row.get("actions", []):
                linked = {}
                if action.get("trajectory"):
                    linked["trajectory_id"] = _get(Trajectory, title=action["trajectory"]).pk
                community_services.action_create(
                    actor=actor,
                    meeting=meeting,
                    title=action["title"],
                    owner=self._user(action["owner"]),
                    due_on=today + timedelta(days=action["due_days"]),
                    status=action["status"],
                    **linked,
                )

    # --- trajectories -------------------------------------------------------------------

    def _trajectories(self, rows: list[dict]) -> None:
        phases = {phase.number: phase for phase in Phase.objects.all()}
        for row in rows:
            organisation = self._organisation(row["organisation"])
            actor = self._user(row["created_by"])
            trajectory = Trajectory.objects.filter(
                organisation=organisation, title=row["title"]
            ).first() or procurement_services.trajectory_create(
                actor=actor,
                organisation=organisation,
                title=row["title"],
                procurement_type=row["procurement_type"],
                need_description=row.get("need_description") or "",
                themegroup=_get(Themegroup, region=organisation.region, slug=row["themegroup"])
                if row.get("themegroup")
                else None,
                # Reference data, as the seed does it: found by slug, made when new.
                product_category=product_category(row.get("product_category")),
                status=row["status"],
                estimated_value=_decimal(row.get("estimated_value")),
                r_level_target=_r_level(row.get("r_level_target")),
                r_level_achieved=_r_level(row.get("r_level_achieved")),
                current_phase=phases[row["current_phase"]],
                procedure=row.get("procedure") or "",
                award_basis=row.get("award_basis") or "",
                circular_weight=row.get("circular_weight"),
                contract_start=row.get("contract_start"),
                contract_end=row.get("contract_end"),
                supplier=row.get("supplier") or "",
                tenderned_id=str(row.get("tenderned_id") or ""),
                notes=row.get("notes") or "",
                share_confidential=row.get("share_confidential", False),
                outcome=row.get("outcome") or "",
                lessons=row.get("lessons") or "",
                participating_organisations=[
                    self._organisation(slug) for slug in row.get("participating") or []
                ],
            )
            self._progress(
                trajectory, row["progress"], phases, actor=actor, overdue=row.get("overdue", False)
            )
            self._answers(trajectory, row.get("answers") or [], actor=actor)
            self._team(trajectory, row["team"], actor=actor)
            self._kpis(trajectory, row.get("kpis") or [], actor=actor)
            if row.get("to_case") and not trajectory.cases.exists():
                case_services.case_from_trajectory(actor=actor, trajectory=trajectory)

    def _progress(
        self, trajectory, statuses: list[str], phases: dict, *, actor: User, overdue: bool
    ) -> None:
        """The status of each phase, with dates: each phase took about two months and
        the running one started a month ago (planned to take three, or overdue by two
        weeks when the row says so); a closed trajectory closed when its last phase
        ended."""
        if len(statuses) != len(phases):
            raise CommandError(f"{trajectory}: give a status for each of the {len(phases)} phases.")
        done = set(trajectory.progress.values_list("phase__number", flat=True))
        today = timezone.localdate()
        steps = sum(1 for status in statuses if status in ("afgerond", "bezig"))
        start = today - timedelta(days=60 * max(steps - 1, 0) + 30)
        last_end = None
        for number, status in enumerate(statuses, start=1):
            if number in done:
                continue
            started = completed = planned = None
            if status in ("afgerond", "bezig"):
                started = start
                start = start + timedelta(days=60)
            if status == "afgerond":
                completed = min(started + timedelta(days=55), today)
                last_end = completed
            if status == "bezig":
                planned = today - timedelta(days=14) if overdue else started + timedelta(days=90)
            procurement_services.phase_progress_set(
                actor=actor,
                trajectory=trajectory,
                phase=phases[number],
                status=status,
                started_on=started,
                completed_on=completed,
                planned_end_on=planned,
            )
        if trajectory.is_closed and trajectory.closed_on is None:
            Trajectory.objects.filter(pk=trajectory.pk).update(closed_on=last_end or today)

    def _answers(self, trajectory, rows: list[dict], *, actor: User) -> None:
        for row in rows:
            question = _get(GuidingQuestion, phase__number=row["phase"], position=row["position"])
            if not QuestionAnswer.objects.filter(trajectory=trajectory, question=question).exists():
                procurement_services.question_answer(
                    actor=actor,
                    trajectory=trajectory,
                    question=question,
                    answer=row.get("answer") or "",
                    is_done=row.get("done", False),
                )

    def _team(self, trajectory, rows: list[dict], *, actor: User) -> None:
        for row in rows:
            user = self._user(row["user"]) if row.get("user") else None
            name = row.get("name") or ""
            if not TeamMember.objects.filter(
                trajectory=trajectory, user=user, name=name, role=row["role"]
            ).exists():
                procurement_services.team_member_add(
                    actor=actor, trajectory=trajectory, role=row["role"], user=user, name=name
                )

    def _kpis(self, trajectory, rows: list[dict], *, actor: User) -> None:
        for row in rows:
            kpi = Kpi.objects.filter(
                trajectory=trajectory, name=row["name"]
            ).first() or procurement_services.kpi_create(
                actor=actor,
                trajectory=trajectory,
                name=row["name"],
                unit=row["unit"],
                direction=row["direction"],
                r_level=_r_level(row.get("r_level")),
            )
            for measurement in row.get("measurements") or []:
                if not KpiMeasurement.objects.filter(
                    kpi=kpi, period_start=measurement["period_start"]
                ).exists():
                    procurement_services.kpi_measurement_record(
                        actor=actor,
                        kpi=kpi,
                        period_start=measurement["period_start"],
                        period_end=measurement["period_end"],
                        label=measurement["label"],
                        target=_decimal(measurement.get("target")),
                        actual=_decimal(measurement.get("actual")),
                    )

    # --- maturity -----------------------------------------------------------------------

    def _maturity(self, data: dict) -> None:
        """Last year's assessment first (dated 1 June of last year), then this year's:
        the history keeps both, so the maturity page compares them. An organisation that
        already has an assessment of an aspect is kept as it is."""
        actor = self._user(data["actor"])
        last_year = timezone.localdate().replace(month=6, day=1)
        last_year = last_year.replace(year=last_year.year - 1)
        previous = data.get("last_year") or {}
        for slug, aspects in data["organisations"].items():
            organisation = self._organisation(slug)
            for key, status in aspects.items():
                aspect = _get(MaturityAspect, key=key)
                if OrganisationMaturity.objects.filter(
                    organisation=organisation, aspect=aspect
                ).exists():
                    continue
                before = (previous.get(slug) or {}).get(key)
                if before:
                    community_services.maturity_set(
                        actor=actor,
                        organisation=organisation,
                        aspect=aspect,
                        status=before,
                        note=data.get("note") or "",
                        assessed_on=last_year,
                    )
                community_services.maturity_set(
                    actor=actor,
                    organisation=organisation,
                    aspect=aspect,
                    status=status,
                    note=data.get("note") or "",
                )

    # --- agreements ---------------------------------------------------------------------

    def _agreements(self, data: dict) -> None:
        actor = self._user(data["actor"])
        for row in data["agreements"]:
            if Agreement.objects.filter(slug=row["slug"]).exists():
                continue
            community_services.agreement_create(
                actor=actor,
                name=row["name"],
                slug=row["slug"],
                region=_get(Region, slug=row["region"]) if row.get("region") else None,
                description=row.get("description") or "",
                starts_on=row.get("starts_on"),
                ends_on=row.get("ends_on"),
                participants=[
                    (self._organisation(p["organisation"]), p["type"]) for p in row["participants"]
                ],
                commitments=[
                    {
                        "key": c["key"],
                        "applies_to": c.get("applies_to") or "",
                        "description": c["description"],
                        "metric": c["metric"],
                        "target": c.get("target"),
                        "unit": c.get("unit") or "",
                    }
                    for c in row["commitments"]
                ],
            )

    # --- cases and marks ----------------------------------------------------------------

    def _cases(self, rows: list[dict]) -> None:
        """Each author writes their own case (and submits it where the file says so; the
        coordinator named by `published_by` publishes it)."""
        for row in rows:
            if Case.objects.filter(title=row["title"]).exists():
                continue
            author = self._user(row["author"])
            content = case_services.CaseContent(
                fields={
                    "title": row["title"],
                    "summary": row["summary"],
                    "context": row.get("context") or "",
                    "visibility": row["visibility"],
                    "contact": author,
                },
                organisations=[self._organisation(slug) for slug in row["organisations"]],
                tags=row.get("tags") or [],
                strategies=[
                    {"r_level": _r_level(s["r_level"]), "explanation": s["explanation"]}
                    for s in row.get("strategies") or []
                ],
                obstacles=[
                    {k: o[k] for k in ("dimension", "obstacle", "solution")}
                    for o in row.get("obstacles") or []
                ],
                lessons=row.get("lessons") or [],
            )
            case = case_services.case_create(actor=author, content=content)
            if row.get("submitted"):
                case_services.case_submit(actor=author, case=case)
            if row.get("published_by"):
                case_services.case_publish(
                    actor=self._user(row["published_by"]),
                    case=case,
                    visibility=row["visibility"],
                    checklist_confirmed=True,
                )

    def _marks(self, rows: list[dict]) -> None:
        for row in rows:
            case = _get(Case, slug=row["case"])
            for kind in (CaseMark.Kind.NUTTIG, CaseMark.Kind.BEWAARD):
                for email in row.get(kind) or []:
                    user = self._user(email)
                    if not CaseMark.objects.filter(case=case, user=user, kind=kind).exists():
                        case_services.case_mark_toggle(actor=user, case=case, kind=kind)

    # --- themegroup activity (fixtures/demo/themegroups.yaml) ----------------------------

    def _themegroup_activity(self, data: dict) -> None:
        actor = self._user(data["actor"])
        for row in data["guests"]:
            guest = User.objects.filter(email__iexact=row["email"]).first()
            if guest is None:
                guest = community_services.user_create(
                    actor=actor,
                    email=row["email"],
                    full_name=row["full_name"],
                    password=data["password"],
                    email_verified=True,
                )
            for slug in row["themegroups"]:
                themegroup = _get(Themegroup, region__slug="groene-hart", slug=slug)
                if not themegroup.memberships.filter(user=guest).exists():
                    community_services.themegroup_member_add(
                        actor=actor, themegroup=themegroup, user=guest, role="gast"
                    )
        for slug, group in data["themegroups"].items():
            themegroup = _get(Themegroup, region__slug="groene-hart", slug=slug)
            if group.get("goal") and not themegroup.goal:
                community_services.themegroup_goal_set(
                    actor=actor, themegroup=themegroup, goal=group["goal"]
                )
            for goal in group.get("learning_goals") or []:
                if not themegroup.learning_goals.filter(title=goal["title"]).exists():
                    made = community_services.learning_goal_create(
                        actor=actor, themegroup=themegroup, title=goal["title"]
                    )
                    community_services.learning_goal_status_set(
                        actor=actor, goal=made, status=goal["status"]
                    )
            # Oldest first, so that the first one in the file is the newest on the page.
            for announcement in reversed(group.get("announcements") or []):
                if not themegroup.announcements.filter(title=announcement["title"]).exists():
                    community_services.themegroup_announcement_create(
                        actor=actor, themegroup=themegroup, **announcement
                    )
            for document in group.get("documents") or []:
                if not themegroup.documents.filter(title=document["title"]).exists():
                    path = DEMO / "files" / document["file"]
                    with path.open("rb") as handle:
                        community_services.themegroup_document_add(
                            actor=actor,
                            themegroup=themegroup,
                            upload=File(handle, name=path.name),
                            title=document["title"],
                            shared_with_guests=document.get("shared_with_guests", False),
                        )
            for join_request in group.get("join_requests") or []:
                asker = self._user(join_request["user"])
                if not themegroup.join_requests.filter(user=asker).exists():
                    community_services.themegroup_join_request_create(
                        actor=asker, themegroup=themegroup, message=join_request["message"]
                    )
            for invitation in group.get("invitations") or []:
                if not themegroup.invitations.filter(email__iexact=invitation["email"]).exists():
                    community_services.themegroup_invitation_create(
                        actor=actor,
                        themegroup=themegroup,
                        email=invitation["email"],
                        role=invitation["role"],
                        organisation=self._organisation(invitation["organisation"]),
                    )

    # --- output -------------------------------------------------------------------------

    def _reports(self, rows: list[dict]) -> None:
        """Each report of this year, made at once (the worker's own service) or failed."""
        period = Period.year(timezone.localdate().year)
        for row in rows:
            user = self._user(row["requested_by"])
            if "themegroup" in row:
                obj = _get(Themegroup, region__slug=row["region"], slug=row["themegroup"])
            elif "organisation" in row:
                obj = self._organisation(row["organisation"])
            else:
                obj = _get(Region, slug=row["region"])
            scope = Scope.of(obj)
            field = report_services.SCOPE_FIELDS[scope.kind]
            if ReportRun.objects.filter(requested_by=user, **{field: obj}).exists():
                continue
            run = report_services.report_request(
                actor=user, scope=scope, period=period, language=row.get("language", "nl")
            )
            if row.get("failed"):
                claimed = report_services.report_claim(run_id=run.pk)
                report_services.report_fail(run=claimed, reason=report_services.FAILED)
            else:
                report_services.report_make(run_id=run.pk)

    def _report_subscriptions(self, rows: list[dict]) -> None:
        """Standing orders for scheduled reports (kept when they exist)."""
        for row in rows:
            user = self._user(row["user"])
            if "themegroup" in row:
                obj = _get(Themegroup, region__slug=row["region"], slug=row["themegroup"])
            elif "organisation" in row:
                obj = self._organisation(row["organisation"])
            else:
                obj = _get(Region, slug=row["region"])
            scope = Scope.of(obj)
            field = report_services.SCOPE_FIELDS[scope.kind]
            exists = ReportSubscription.objects.filter(
                user=user, frequency=row["frequency"], **{field: obj}
            ).exists()
            if not exists:
                report_services.subscription_create(
                    actor=user,
                    scope=scope,
                    frequency=row["frequency"],
                    language=row.get("language", "nl"),
                )

    def _print_accounts(self, people: dict) -> None:
        self.stdout.write(self.style.SUCCESS("Demo accounts (fictional people):"))
        for row in people["people"]:
            memberships = row.get("memberships") or []
            if row.get("staff"):
                label = "platformbeheerder"
            elif not memberships:
                asked = self._organisation(row["membership_requests"][0]["organisation"]).name
                label = f"waits for approval ({asked})"
            else:
                first = memberships[0]
                label = f"{first['role']} ({self._organisation(first['organisation']).name})"
            self.stdout.write(f"  {row['email']:<34} {label:<46} password: {people['password']}")
        self.stdout.write(
            "  The platformbeheerder must set up two-factor authentication before /beheer/."
        )
