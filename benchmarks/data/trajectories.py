"""Synthetic procurement trajectories: owned by organisations spread over the regions
(the member's region holds about an eighth), most of them running and spread over the
six phases, with their progress per phase, answers to the seeded guiding questions,
team, KPIs with measurements per contract year and documents. Text is drawn from the
case library's vocabulary (Zipf's law, `benchmarks.data.cases`). Inserted in batches
with bulk_create; the search vectors, realistic timestamps and the first history
records in one statement each per batch.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from benchmarks.data import cases as text
from community.models import Organisation, ProductCategory, Region, Themegroup
from procurement.models import (
    AwardBasis,
    GuidingQuestion,
    Kpi,
    KpiExample,
    KpiMeasurement,
    Phase,
    PhaseProgress,
    Procedure,
    ProcurementType,
    QuestionAnswer,
    SpecialMethod,
    TeamMember,
    Trajectory,
    TrajectoryDocument,
)

# Who buys: trajectories belong to public bodies, not to market or knowledge partners.
BUYER_TYPES = [
    Organisation.Type.GEMEENTE,
    Organisation.Type.PROVINCIE,
    Organisation.Type.WATERSCHAP,
    Organisation.Type.RIJKSOVERHEID,
    Organisation.Type.OVERIG,
]
# The share of all trajectories that the member's region holds, that organisations
# without a region hold, and the member's own organisation's share of its region.
MEMBER_REGION_SHARE = 0.125
NO_REGION_SHARE = 0.08
MEMBER_ORGANISATION_SHARE = 0.2
# Gemeenten (and a waterschap) added to each region that the seed leaves without buyers.
ORGANISATIONS_PER_REGION = (8, 16)
JOINT_SHARE = 0.04  # joint tenders with one to three other organisations of the region
THEMEGROUP_SHARE = 0.25  # of trajectories in a region that has themegroups

STATUS_WEIGHTS = {
    Trajectory.Status.LOPEND: 70,
    Trajectory.Status.AFGEROND: 25,
    Trajectory.Status.GESTOPT: 5,
}
# The current phase of a running trajectory: the middle phases take longest.
RUNNING_PHASE_WEIGHTS = {1: 14, 2: 20, 3: 20, 4: 18, 5: 16, 6: 12}
TYPE_WEIGHTS = {
    ProcurementType.WERK: 25,
    ProcurementType.LEVERING: 35,
    ProcurementType.DIENST: 40,
}
SKIPPABLE_PHASES = {5: 0.15}  # partnerships are skipped now and then
PHASE_DAYS = (20, 120)
KPI_COUNT_WEIGHTS = {1: 15, 2: 50, 3: 35}  # from phase 3 on
MEASUREMENTS = (3, 5)
DOCUMENT_COUNT_WEIGHTS = {0: 40, 1: 30, 2: 20, 3: 10}
TEAM_SIZE = (2, 5)
GOLDEN_SQUARE = [
    TeamMember.Role.INTERNE_OPDRACHTGEVER,
    TeamMember.Role.CONTRACTMANAGER,
    TeamMember.Role.BELEIDSADVISEUR,
]
OTHER_ROLES = [
    TeamMember.Role.CHEF_CIRCULAIR,
    TeamMember.Role.DUURZAAMHEIDSADVISEUR,
    TeamMember.Role.GEBRUIKER,
    TeamMember.Role.OVERIG,
]
FIRST_NAMES = ["Anouk", "Bram", "Daan", "Eva", "Fleur", "Jeroen", "Lotte", "Mark", "Sanne", "Tim"]
LAST_NAMES = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "de Boer"]
UNITS = ["%", "kg", "ton CO2-eq", "aantal", "kWh", "m3"]


@dataclass(frozen=True)
class Question:
    pk: int
    phase: int  # number
    kind: str
    level: int | None  # the R-level it asks about (hoogste_r) or None

    def applies_to(self, target: int | None) -> bool:
        """As the trajectory page selects them: the generic questions and those of the
        R-levels from the ambition down the ladder."""
        if self.kind == GuidingQuestion.Kind.GENERIEK:
            return True
        return target is not None and self.level is not None and self.level >= target


@dataclass
class References:
    """What the trajectories point at: owners weighted by how much they buy, phases,
    the 31 seeded guiding questions, KPI examples, users."""

    member_organisation: int
    member_region: int
    owners: list[int]
    owner_weights: list[float]  # cumulative
    region_of: dict[int, int | None]
    buyers_by_region: dict[int, list[int]]
    themegroups_by_region: dict[int, list[int]]
    product_categories: list[int]
    phases: dict[int, int]  # number: pk
    questions: list[Question]
    kpi_examples: list[tuple[int, str, str, str, int | None]]
    r_levels: list[int]
    users: list[int]

    @classmethod
    def load(cls, rng: random.Random, *, member_region: str = "regio-zwolle") -> "References":
        """After `seed`: regions and authors as the case library has them, buyers in
        every region, and the weight of each buyer."""
        base = text.ReferenceData.load()
        _add_buyers(rng)
        _add_themegroups()
        region = Region.objects.get(slug=member_region)
        buyers = list(
            Organisation.objects.filter(type__in=BUYER_TYPES)
            .order_by("pk")
            .values_list("pk", "region_id")
        )
        by_region: dict[int | None, list[int]] = {}
        for pk, region_id in buyers:
            by_region.setdefault(region_id, []).append(pk)
        member_organisation = (
            Organisation.objects.filter(region=region, type=Organisation.Type.GEMEENTE)
            .order_by(F("population").desc(nulls_last=True), "name")
            .values_list("pk", flat=True)
            .first()
        )
        # Region shares: the member's region an eighth, the regionless buyers a little,
        # the other regions the rest in varying measure.
        others = [r for r in by_region if r not in (region.pk, None)]
        spread = {r: rng.uniform(0.5, 1.5) for r in others}
        rest = 1 - MEMBER_REGION_SHARE - (NO_REGION_SHARE if None in by_region else 0)
        shares = {region.pk: MEMBER_REGION_SHARE, None: NO_REGION_SHARE}
        shares.update({r: rest * w / sum(spread.values()) for r, w in spread.items()})
        weights = {}
        for region_id, members in by_region.items():
            organisation_weights = {pk: rng.lognormvariate(0, 0.75) for pk in members}
            if region_id == region.pk:
                others_total = sum(
                    w for pk, w in organisation_weights.items() if pk != member_organisation
                )
                scale = (1 - MEMBER_ORGANISATION_SHARE) / others_total
                organisation_weights = {
                    pk: MEMBER_ORGANISATION_SHARE if pk == member_organisation else w * scale
                    for pk, w in organisation_weights.items()
                }
            else:
                total = sum(organisation_weights.values())
                organisation_weights = {pk: w / total for pk, w in organisation_weights.items()}
            for pk, weight in organisation_weights.items():
                weights[pk] = shares[region_id] * weight
        owners, cumulative = _cumulative(weights)
        themegroups: dict[int, list[int]] = {}
        for pk, region_id in Themegroup.objects.values_list("pk", "region_id"):
            themegroups.setdefault(region_id, []).append(pk)
        return cls(
            member_organisation=member_organisation,
            member_region=region.pk,
            owners=owners,
            owner_weights=cumulative,
            region_of=dict(buyers),
            buyers_by_region={r: pks for r, pks in by_region.items() if r is not None},
            themegroups_by_region=themegroups,
            product_categories=list(ProductCategory.objects.values_list("pk", flat=True)),
            phases=dict(Phase.objects.values_list("number", "pk")),
            questions=[
                Question(pk, phase, kind, level)
                for pk, phase, kind, level in GuidingQuestion.objects.order_by(
                    "phase__number", "position"
                ).values_list("pk", "phase__number", "kind", "r_level__level")
            ],
            kpi_examples=list(
                KpiExample.objects.values_list("pk", "name", "unit", "direction", "r_level_id")
            ),
            r_levels=base.r_levels,
            users=base.authors,
        )


def _add_buyers(rng: random.Random) -> None:
    """Gemeenten and a waterschap in every region that has no buyers yet."""
    empty = Region.objects.exclude(organisations__type__in=BUYER_TYPES).order_by("pk")
    organisations = []
    for region in empty:
        count = rng.randint(*ORGANISATIONS_PER_REGION)
        for number in range(1, count + 1):
            name = f"Gemeente {region.name} {number}"
            organisations.append(
                Organisation(
                    name=name,
                    slug=f"bench-{slugify(name)}",
                    type=Organisation.Type.GEMEENTE,
                    region=region,
                    population=int(rng.lognormvariate(10.5, 0.8)),
                )
            )
        name = f"Waterschap {region.name}"
        organisations.append(
            Organisation(
                name=name,
                slug=f"bench-{slugify(name)}",
                type=Organisation.Type.WATERSCHAP,
                region=region,
            )
        )
    Organisation.objects.bulk_create(organisations)


def _add_themegroups() -> None:
    """The seeded themegroups (of one region) in every region that has none, so that
    the themegroup facet has values wherever the member reads."""
    seeded = list(Themegroup.objects.order_by("pk"))
    empty = Region.objects.exclude(pk__in=Themegroup.objects.values("region")).order_by("pk")
    Themegroup.objects.bulk_create(
        [
            Themegroup(
                region=region,
                slug=group.slug,
                name=group.name,
                sector=group.sector,
                description=group.description,
            )
            for region in empty
            for group in seeded
        ]
    )


def _cumulative(weights: dict) -> tuple[list, list[float]]:
    """The keys and cumulative weights of a {value: weight} table, for rng.choices."""
    keys, cumulative, total = [], [], 0.0
    for key, weight in weights.items():
        total += weight
        keys.append(key)
        cumulative.append(total)
    return keys, cumulative


STATUSES, STATUS_CUM = _cumulative(STATUS_WEIGHTS)
RUNNING_PHASES, RUNNING_PHASE_CUM = _cumulative(RUNNING_PHASE_WEIGHTS)
TYPES, TYPE_CUM = _cumulative(TYPE_WEIGHTS)
KPI_COUNTS, KPI_COUNT_CUM = _cumulative(KPI_COUNT_WEIGHTS)
DOCUMENT_COUNTS, DOCUMENT_COUNT_CUM = _cumulative(DOCUMENT_COUNT_WEIGHTS)


class TrajectoryGenerator:
    """Trajectories with their phases, answers, team, KPIs and documents."""

    TITLE = (4, 10)
    NEED = (25, 80)
    LESSONS = (20, 60)
    OUTCOME = (15, 40)
    NOTES = (10, 40)
    ANSWER = (8, 40)

    def __init__(self, vocabulary: text.Vocabulary, references: References, rng: random.Random):
        self.vocabulary = vocabulary
        self.refs = references
        self.rng = rng
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.procedures = [value for value, _label in Procedure.choices]
        self.special_methods = [value for value, _label in SpecialMethod.choices]
        self.award_bases = [value for value, _label in AwardBasis.choices]
        self.r_weights = [text.R_LEVEL_WEIGHTS[level % 10] for level in references.r_levels]

    def _words(self, bounds: tuple[int, int]) -> list[str]:
        return self.vocabulary.sample(self.rng, self.rng.randint(*bounds))

    def _sentences(self, bounds: tuple[int, int]) -> str:
        words = self._words(bounds)
        sentences, start = [], 0
        while start < len(words):
            end = start + self.rng.randint(6, 18)
            part = " ".join(words[start:end])
            sentences.append(part[0].upper() + part[1:] + ".")
            start = end
        return " ".join(sentences)

    def _moment(self, day: date) -> datetime:
        seconds = self.rng.randint(8 * 3600, 18 * 3600)
        moment = timezone.make_aware(datetime.combine(day, time()) + timedelta(seconds=seconds))
        return min(moment, self.now)

    def _timeline(self, status: str, phase: int) -> tuple[list[dict], date | None]:
        """Per phase: status and dates, walking back from today (running) or from the
        day the trajectory closed; and that day."""
        rng = self.rng
        closed_on = None
        if status == Trajectory.Status.LOPEND:
            end = self.today - timedelta(days=rng.randint(0, 180))  # current phase started
        else:
            closed_on = self.today - timedelta(days=rng.randint(0, 6 * 365))
            end = closed_on
        rows = [{"status": PhaseProgress.Status.OPEN} for _ in range(6)]
        last = 6 if status == Trajectory.Status.AFGEROND else phase
        if status != Trajectory.Status.AFGEROND:
            if status == Trajectory.Status.GESTOPT:  # stopped some time into the phase
                end -= timedelta(days=rng.randint(10, 90))
            days = rng.randint(*PHASE_DAYS)
            rows[phase - 1] = {
                "status": PhaseProgress.Status.BEZIG,
                "started_on": end,
                "planned_end_on": end + timedelta(days=days),
            }
            last = phase - 1
        for number in range(last, 0, -1):
            days = rng.randint(*PHASE_DAYS)
            started = end - timedelta(days=days)
            skipped = rng.random() < SKIPPABLE_PHASES.get(number, 0)
            rows[number - 1] = (
                {"status": PhaseProgress.Status.OVERGESLAGEN}
                if skipped
                else {
                    "status": PhaseProgress.Status.AFGEROND,
                    "started_on": started,
                    "planned_end_on": started + timedelta(days=rng.randint(*PHASE_DAYS)),
                    "completed_on": end,
                }
            )
            end = started
        return rows, closed_on

    def build(self, count: int) -> "Batch":
        """`count` trajectories with everything that hangs off them, as rows."""
        rng, refs = self.rng, self.refs
        batch = Batch()
        for _ in range(count):
            status = rng.choices(STATUSES, cum_weights=STATUS_CUM)[0]
            if status == Trajectory.Status.LOPEND:
                phase = rng.choices(RUNNING_PHASES, cum_weights=RUNNING_PHASE_CUM)[0]
            elif status == Trajectory.Status.AFGEROND:
                phase = 6
            else:
                phase = rng.randint(1, 4)
            timeline, closed_on = self._timeline(status, phase)
            started = [row["started_on"] for row in timeline if "started_on" in row]
            first_day = min(started) if started else self.today
            owner = rng.choices(refs.owners, cum_weights=refs.owner_weights)[0]
            region = refs.region_of[owner]
            participants = []
            if region is not None and rng.random() < JOINT_SHARE:
                others = [pk for pk in refs.buyers_by_region[region] if pk != owner]
                participants = rng.sample(others, k=min(rng.randint(1, 3), len(others)))
            themegroups = refs.themegroups_by_region.get(region, [])
            target = (
                rng.choices(refs.r_levels, weights=self.r_weights)[0]
                if rng.random() < 0.85
                else None
            )
            achieved = None
            if target is not None and (status == Trajectory.Status.AFGEROND or phase >= 5):
                achieved = min(max(refs.r_levels), target + rng.choice([0, 0, 0, 1, 2]))
            tendered = status == Trajectory.Status.AFGEROND or phase >= 4
            contracted = status == Trajectory.Status.AFGEROND or phase >= 5
            contract_start = contract_end = None
            if contracted:
                after = timeline[3].get("completed_on") or first_day
                contract_start = after + timedelta(days=rng.randint(14, 90))
                contract_end = contract_start + timedelta(days=365 * rng.randint(2, 6))
            procedure = (
                rng.choice(self.procedures) if rng.random() < (0.9 if tendered else 0.4) else ""
            )
            closed = status != Trajectory.Status.LOPEND
            if closed:
                last_change = min(closed_on + timedelta(days=rng.randint(0, 30)), self.today)
            else:  # some time after the current phase started
                since = timeline[phase - 1]["started_on"]
                last_change = since + timedelta(days=rng.randint(0, (self.today - since).days))
            batch.trajectories.append(
                {
                    "organisation_id": owner,
                    "themegroup_id": (
                        rng.choice(themegroups)
                        if themegroups and (participants or rng.random() < THEMEGROUP_SHARE)
                        else None
                    ),
                    "title": " ".join(self._words(self.TITLE)).capitalize()[:200],
                    "need_description": self._sentences(self.NEED),
                    "procurement_type": rng.choices(TYPES, cum_weights=TYPE_CUM)[0],
                    "product_category_id": (
                        rng.choice(refs.product_categories) if rng.random() < 0.9 else None
                    ),
                    "status": status,
                    "estimated_value": (
                        Decimal(round(rng.lognormvariate(12, 1.3), -2))
                        if rng.random() < 0.8
                        else None
                    ),
                    "r_level_target_id": target,
                    "r_level_achieved_id": achieved,
                    "current_phase_id": refs.phases[phase],
                    "procedure": procedure,
                    "special_method": (
                        rng.choice(self.special_methods) if rng.random() < 0.25 else ""
                    ),
                    "award_basis": (
                        rng.choice(self.award_bases) if tendered and rng.random() < 0.8 else ""
                    ),
                    "value_based_award": rng.random() < 0.2,
                    "circular_weight": rng.randint(5, 40) if rng.random() < 0.6 else None,
                    "tender_fee": rng.choice([True, False, None]),
                    "contract_start": contract_start,
                    "contract_end": contract_end,
                    "supplier": (
                        f"{' '.join(self._words((1, 2))).title()} B.V." if contracted else ""
                    ),
                    "tenderned_id": (
                        str(rng.randint(100_000, 999_999))
                        if procedure and rng.random() < 0.5
                        else ""
                    ),
                    "notes": self._sentences(self.NOTES) if rng.random() < 0.4 else "",
                    "share_confidential": rng.random() < 0.1,
                    "outcome": (
                        self._sentences(self.OUTCOME)
                        if status == Trajectory.Status.AFGEROND and rng.random() < 0.9
                        else ""
                    ),
                    "lessons": (
                        self._sentences(self.LESSONS) if closed and rng.random() < 0.75 else ""
                    ),
                    "closed_on": closed_on,
                    "created_by_id": rng.choice(refs.users),
                    "created_at": self._moment(first_day - timedelta(days=rng.randint(0, 14))),
                    "updated_at": self._moment(last_change),
                }
            )
            batch.parts.append(
                {
                    "participants": participants,
                    "timeline": timeline,
                    "answers": self._answers(timeline, target),
                    "team": self._team(),
                    "kpis": self._kpis(phase, status, contract_start or first_day, target),
                    "documents": self._documents(first_day, last_change),
                }
            )
        return batch

    def _between(self, first: date, last: date) -> datetime:
        return self._moment(
            first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))
        )

    def _answers(self, timeline: list[dict], target: int | None) -> list[tuple]:
        """(question, answer, done, user, when) for the applicable questions of the
        phases done (most) and of the current phase (some)."""
        rng, answers = self.rng, []
        for question in self.refs.questions:
            if not question.applies_to(target):
                continue
            progress = timeline[question.phase - 1]
            if progress["status"] == PhaseProgress.Status.AFGEROND:
                share, done, until = 0.85, 0.9, progress["completed_on"]
            elif progress["status"] == PhaseProgress.Status.BEZIG:
                share, done, until = 0.4, 0.3, self.today
            else:
                continue
            if rng.random() < share:
                answers.append(
                    (
                        question.pk,
                        self._sentences(self.ANSWER) if rng.random() < 0.7 else "",
                        rng.random() < done,
                        rng.choice(self.refs.users) if rng.random() < 0.8 else None,
                        self._between(progress["started_on"], until),
                    )
                )
        return answers

    def _team(self) -> list[tuple]:
        """(role, user or None, name): the inkoper, most of the gouden vierkant, others."""
        rng = self.rng
        size = rng.randint(*TEAM_SIZE)
        roles = [TeamMember.Role.INKOPER, *rng.sample(GOLDEN_SQUARE, k=min(size - 1, 3))]
        roles += rng.sample(OTHER_ROLES, k=size - len(roles))
        users = rng.sample(self.refs.users, k=len(roles))
        return [
            (role, user, "")
            if rng.random() < 0.5
            else (role, None, f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}")
            for role, user in zip(roles, users, strict=True)
        ]

    def _kpis(self, phase: int, status: str, start: date, target: int | None) -> list[dict]:
        """KPIs from phase 3 (doelen en KPI's) on, a target per contract year falling or
        rising as the growth model does, an actual for the years gone by."""
        rng = self.rng
        if status == Trajectory.Status.AFGEROND or phase >= 3:
            count = rng.choices(KPI_COUNTS, cum_weights=KPI_COUNT_CUM)[0]
        elif phase == 2 and rng.random() < 0.25:
            count = 1
        else:
            return []
        kpis = []
        for _ in range(count):
            if self.refs.kpi_examples and rng.random() < 0.7:
                example, name, unit, direction, r_level = rng.choice(self.refs.kpi_examples)
            else:
                example, r_level = None, target
                name = " ".join(self._words((3, 6))).capitalize()[:200]
                unit = rng.choice(UNITS)
                direction = rng.choice(KpiExample.Direction.values)
            base = rng.randint(10, 200)
            step = base * rng.uniform(0.05, 0.15)
            sign = -1 if direction == KpiExample.Direction.LAGER else 1
            measurements = []
            for year in range(rng.randint(*MEASUREMENTS)):
                period_start = start + timedelta(days=365 * year)
                period_end = period_start + timedelta(days=365)
                goal = round(base + sign * step * year, 2)
                actual = (
                    Decimal(str(round(goal * rng.uniform(0.85, 1.15), 2)))
                    if period_end <= self.today
                    else None
                )
                measurements.append(
                    (
                        period_start,
                        period_end,
                        f"contractjaar {year + 1}",
                        Decimal(str(goal)),
                        actual,
                    )
                )
            kpis.append(
                {
                    "example_id": example,
                    "name": name,
                    "unit": unit,
                    "direction": direction,
                    "r_level_id": r_level,
                    "measurements": measurements,
                }
            )
        return kpis

    def _documents(self, first: date, last: date) -> list[tuple]:
        """(file, title, size, confidential, uploaded by, uploaded at)."""
        rng = self.rng
        documents = []
        for _ in range(rng.choices(DOCUMENT_COUNTS, cum_weights=DOCUMENT_COUNT_CUM)[0]):
            when = self._between(first, last)
            documents.append(
                (
                    f"trajecten/{when:%Y/%m}/{rng.getrandbits(40):010x}.pdf",
                    " ".join(self._words((2, 6))).capitalize()[:200],
                    rng.randint(20_000, 5_000_000),
                    rng.random() < 0.5,
                    rng.choice(self.refs.users),
                    when,
                )
            )
        return documents


# --- Inserting a batch -----------------------------------------------------------------

TRAJECTORY_FIELDS = [
    "organisation_id",
    "themegroup_id",
    "title",
    "need_description",
    "procurement_type",
    "product_category_id",
    "status",
    "estimated_value",
    "r_level_target_id",
    "r_level_achieved_id",
    "current_phase_id",
    "procedure",
    "special_method",
    "award_basis",
    "value_based_award",
    "circular_weight",
    "tender_fee",
    "contract_start",
    "contract_end",
    "supplier",
    "tenderned_id",
    "notes",
    "share_confidential",
    "outcome",
    "lessons",
    "closed_on",
    "created_by_id",
    "created_at",
    "updated_at",
]


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _quoted(model._meta.db_table)


def _columns(model, names: list[str]) -> list[str]:
    """The columns of fields named by name or attname ("organisation_id")."""
    return [model._meta.get_field(name).column for name in names]


def _reserve_ids(cursor, model, count: int) -> list[int]:
    """`count` ids from the table's identity sequence, as an INSERT would take them."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [model._meta.db_table, model._meta.pk.column, count],
    )
    return [row[0] for row in cursor.fetchall()]


def _copy(cursor, model, names: list[str], rows) -> None:
    """COPY rows (tuples in the order of `names`, field names) into the model's table."""
    columns = ", ".join(_quoted(c) for c in _columns(model, names))
    with cursor.copy(f"COPY {_table(model)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


# The tsvector as `services.trajectory_search_index` stores it (and migration 0003).
SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('dutch', s.title), 'A') "
    "|| setweight(to_tsvector('dutch', s.need_description), 'B') "
    "|| setweight(to_tsvector('dutch', s.lessons || ' ' || s.outcome), 'C')"
)
STAGE = "bench_trajectory_stage"


def _history_sql(model, *, date: str, user: str, where: str) -> str:
    """INSERT … SELECT of one "+" record per row of `model` (simple_history's table)."""
    historical = model.history.model
    columns = [
        f.column for f in historical._meta.concrete_fields if not f.name.startswith("history_")
    ]
    listed = ", ".join(_quoted(c) for c in columns)
    selected = ", ".join(f"s.{_quoted(c)}" for c in columns)
    return (
        f"INSERT INTO {_table(historical)} ({listed}, history_date, history_type, "  # noqa: S608
        f"history_user_id, history_change_reason) "
        f"SELECT {selected}, {date}, '+', {user}, NULL FROM {_table(model)} AS s WHERE {where}"
    )


def trajectory_history_sql() -> str:
    """A "+" record for every new trajectory, by its creator at its creation."""
    return _history_sql(
        Trajectory, date="s.created_at", user="s.created_by_id", where="s.id = ANY(%s)"
    )


def progress_history_sql() -> str:
    """A record for every phase that was started (the page lists these changes)."""
    return _history_sql(
        PhaseProgress,
        date="(s.started_on + time '09:00') AT TIME ZONE 'Europe/Amsterdam'",
        user="NULL",
        where="s.trajectory_id = ANY(%s) AND s.started_on IS NOT NULL",
    )


@dataclass
class Batch:
    trajectories: list[dict] = field(default_factory=list)
    parts: list[dict] = field(default_factory=list)

    @transaction.atomic
    def save(self, phases: dict[int, int]) -> list[int]:
        """COPY everything in (ids taken from the sequences first), the trajectories
        through a staging table that adds their search vectors; then the first history
        records. The ids of the trajectories."""
        with connection.cursor() as cursor:
            # Benchmark data: the commit need not wait for the WAL to reach the disk.
            cursor.execute("SET LOCAL synchronous_commit TO off")
            ids = _reserve_ids(cursor, Trajectory, len(self.trajectories))
            self._trajectories(cursor, ids)
            progress, answers, team, documents, joint, kpis = [], [], [], [], [], []
            for pk, parts in zip(ids, self.parts, strict=True):
                progress += [
                    (
                        pk,
                        phases[number],
                        row["status"],
                        row.get("started_on"),
                        row.get("planned_end_on"),
                        row.get("completed_on"),
                        "",
                    )
                    for number, row in enumerate(parts["timeline"], start=1)
                ]
                answers += [(pk, *answer) for answer in parts["answers"]]
                team += [(pk, *member) for member in parts["team"]]
                documents += [
                    (pk, path, title, "application/pdf", size, confidential, user, when)
                    for path, title, size, confidential, user, when in parts["documents"]
                ]
                joint += [(pk, organisation) for organisation in parts["participants"]]
                kpis += [(pk, kpi) for kpi in parts["kpis"]]
            _copy(
                cursor,
                PhaseProgress,
                [
                    "trajectory_id",
                    "phase_id",
                    "status",
                    "started_on",
                    "planned_end_on",
                    "completed_on",
                    "notes",
                ],
                progress,
            )
            _copy(
                cursor,
                QuestionAnswer,
                [
                    "trajectory_id",
                    "question_id",
                    "answer",
                    "is_done",
                    "answered_by_id",
                    "answered_at",
                ],
                answers,
            )
            _copy(
                cursor,
                TeamMember,
                ["trajectory_id", "user_id", "role", "name"],
                [(pk, user, role, name) for pk, role, user, name in team],
            )
            _copy(
                cursor,
                TrajectoryDocument,
                [
                    "trajectory_id",
                    "file",
                    "title",
                    "content_type",
                    "size",
                    "is_confidential",
                    "uploaded_by_id",
                    "uploaded_at",
                ],
                documents,
            )
            Joint = Trajectory.participating_organisations.through
            _copy(cursor, Joint, ["trajectory_id", "organisation_id"], joint)
            kpi_ids = _reserve_ids(cursor, Kpi, len(kpis))
            kpi_fields = ["example_id", "name", "unit", "direction", "r_level_id"]
            _copy(
                cursor,
                Kpi,
                ["id", "trajectory_id", *kpi_fields],
                [
                    (kpi_id, pk, *(kpi[name] for name in kpi_fields))
                    for kpi_id, (pk, kpi) in zip(kpi_ids, kpis, strict=True)
                ],
            )
            _copy(
                cursor,
                KpiMeasurement,
                ["kpi_id", "period_start", "period_end", "label", "target", "actual"],
                [
                    (kpi_id, *measurement)
                    for kpi_id, (_pk, kpi) in zip(kpi_ids, kpis, strict=True)
                    for measurement in kpi["measurements"]
                ],
            )
            cursor.execute(trajectory_history_sql(), [ids])
            cursor.execute(progress_history_sql(), [ids])
        return ids

    def _trajectories(self, cursor, ids: list[int]) -> None:
        columns = ", ".join(_quoted(c) for c in _columns(Trajectory, ["id", *TRAJECTORY_FIELDS]))
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} "
            f"(LIKE {_table(Trajectory)} INCLUDING DEFAULTS)"
        )
        cursor.execute(f"TRUNCATE {STAGE}")  # also inside an outer transaction (tests)
        with cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, self.trajectories, strict=True):
                copy.write_row((pk, *(row[name] for name in TRAJECTORY_FIELDS)))
        cursor.execute(
            f"INSERT INTO {_table(Trajectory)} ({columns}, search_vector) "  # noqa: S608
            f"SELECT {columns}, {SEARCH_VECTOR_SQL} FROM {STAGE} AS s"
        )


def add_trajectories(
    generator: TrajectoryGenerator,
    count: int,
    *,
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Generate and insert `count` trajectories in batches (each one transaction)."""
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        generator.build(size).save(generator.refs.phases)
        done += size
        if progress:
            progress(done)
