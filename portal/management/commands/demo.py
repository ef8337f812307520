"""Demo data for a local look around (`make run`). Never for production.

Fictional people (every name ends in "(demo)", every address is @demo.example) in three
Groene Hart municipalities, with about twenty procurement trajectories across the six
phases, their KPIs and answers, and a few draft cases. Needs `seed` first. Running it
again changes nothing but resets the demo password.
"""

from datetime import date
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases import filters as case_filters
from cases import services as case_services
from cases.models import Case, CaseMark, CaseObstacle, CaseStrategy
from community.models import (
    MaturityAspect,
    Membership,
    Organisation,
    OrganisationMaturity,
    Themegroup,
    ThemegroupMembership,
    User,
)
from community.seeding import product_category
from procurement.models import (
    GuidingQuestion,
    Kpi,
    KpiMeasurement,
    Phase,
    PhaseProgress,
    ProcurementType,
    QuestionAnswer,
    TeamMember,
    Trajectory,
)

DEMO_PASSWORD = "demo-GroeneHart-2026"  # noqa: S105 (printed on purpose: fictional demo data)

GOUDA, WOERDEN, BODEGRAVEN = "gemeente-gouda", "gemeente-woerden", "gemeente-bodegraven-reeuwijk"

# (e-mail, full name, organisation slug, role, staff). All people are fictional.
PEOPLE = [
    ("inkoper@demo.example", "Anouk de Vries (demo)", GOUDA, "inkoper", False),
    ("coordinator@demo.example", "Bas Jansen (demo)", WOERDEN, "coordinator", False),
    ("bestuurder@demo.example", "Carla Smit (demo)", BODEGRAVEN, "bestuurder", False),
    ("beheerder@demo.example", "Daan Visser (demo)", None, None, True),
    ("inkoper.woerden@demo.example", "Eva Mulder (demo)", WOERDEN, "inkoper", False),
    ("inkoper.bodegraven@demo.example", "Frank Bos (demo)", BODEGRAVEN, "inkoper", False),
    ("bestuurder.gouda@demo.example", "Gerda Peters (demo)", GOUDA, "bestuurder", False),
    ("bestuurder.woerden@demo.example", "Hans Kok (demo)", WOERDEN, "bestuurder", False),
]

# (organisation, title, type, category, phase, r target, r achieved, value, themegroup)
TRAJECTORIES = [
    (
        GOUDA,
        "Kantoormeubilair stadskantoor",
        "levering",
        "Kantoormeubilair",
        6,
        3,
        3,
        180000,
        "facilitair",
    ),
    (
        GOUDA,
        "Bedrijfskleding buitendienst",
        "levering",
        "Bedrijfskleding",
        4,
        2,
        None,
        95000,
        "facilitair",
    ),
    (
        GOUDA,
        "Koffie- en thee-automaten",
        "dienst",
        "Catering en automaten",
        5,
        1,
        2,
        120000,
        "facilitair",
    ),
    (
        GOUDA,
        "Groot onderhoud Goudse singels",
        "werk",
        "Grond-, weg- en waterbouw",
        2,
        2,
        None,
        2400000,
        "gww",
    ),
    (GOUDA, "Laptops en beeldschermen", "levering", "ICT-hardware", 3, 1, None, 310000, None),
    (
        GOUDA,
        "Renovatie sporthal Oost",
        "werk",
        "Gebouwen en renovatie",
        1,
        0,
        None,
        1600000,
        "vastgoed",
    ),
    (
        GOUDA,
        "Schoonmaak gemeentelijke gebouwen",
        "dienst",
        "Schoonmaak",
        6,
        2,
        2,
        450000,
        "facilitair",
    ),
    (
        WOERDEN,
        "Herinrichting Rijnstraat",
        "werk",
        "Grond-, weg- en waterbouw",
        3,
        2,
        None,
        3100000,
        "gww",
    ),
    (
        WOERDEN,
        "Wagenpark buitendienst",
        "levering",
        "Mobiliteit en vervoer",
        4,
        1,
        None,
        850000,
        None,
    ),
    (
        WOERDEN,
        "Vervanging openbare verlichting",
        "werk",
        "Openbare ruimte en groen",
        5,
        3,
        3,
        1200000,
        "gww",
    ),
    (
        WOERDEN,
        "Catering raadsvergaderingen",
        "dienst",
        "Catering en automaten",
        2,
        2,
        None,
        60000,
        "facilitair",
    ),
    (
        WOERDEN,
        "Inrichting nieuw gemeentehuis",
        "levering",
        "Inrichting en stoffering",
        1,
        0,
        None,
        700000,
        "vastgoed",
    ),
    (WOERDEN, "Printers en multifunctionals", "dienst", "ICT-hardware", 6, 1, 1, 140000, None),
    (
        BODEGRAVEN,
        "Bruggen Reeuwijkse Plassen",
        "werk",
        "Grond-, weg- en waterbouw",
        4,
        3,
        None,
        1900000,
        "gww",
    ),
    (
        BODEGRAVEN,
        "Groenonderhoud kernen",
        "dienst",
        "Openbare ruimte en groen",
        3,
        2,
        None,
        520000,
        None,
    ),
    (
        BODEGRAVEN,
        "Verduurzaming gemeentewerf",
        "werk",
        "Gebouwen en renovatie",
        2,
        2,
        None,
        980000,
        "vastgoed",
    ),
    (BODEGRAVEN, "Kantoorartikelen", "levering", "Overig", 1, 0, None, 40000, "facilitair"),
    (BODEGRAVEN, "Dienstfietsen", "levering", "Mobiliteit en vervoer", 5, 1, 1, 30000, None),
    (BODEGRAVEN, "Zonnepanelen op scholen", "werk", "Energie", 2, 3, None, 650000, "vastgoed"),
    (
        WOERDEN,
        "Tapijttegels kantoorvloeren",
        "levering",
        "Inrichting en stoffering",
        4,
        3,
        None,
        110000,
        "vastgoed",
    ),
]

DRAFT_CASES = [
    (
        "demo-leasefietsen-gouda",
        "Dienstfietsen leasen in plaats van kopen (demo)",
        GOUDA,
        "inkoper@demo.example",
        "Een fictief concept: de gemeente onderzoekt of zij dienstfietsen als dienst kan afnemen.",
        1,
        "Gebruik in plaats van bezit: de leverancier blijft eigenaar en onderhoudt de fietsen.",
    ),
    (
        "demo-hergebruik-meubilair-woerden",
        "Meubilair van het oude gemeentehuis hergebruikt (demo)",
        WOERDEN,
        "inkoper.woerden@demo.example",
        "Een fictief concept: bestaand meubilair wordt opgeknapt voor het nieuwe gemeentehuis.",
        3,
        "Stoelen en tafels worden hergebruikt na een inventarisatie van wat er al is.",
    ),
    (
        "demo-minder-drukwerk-bodegraven",
        "Minder drukwerk door digitale raadsstukken (demo)",
        BODEGRAVEN,
        "inkoper.bodegraven@demo.example",
        "Een fictief concept: de behoefte aan printers daalt doordat raadsstukken digitaal gaan.",
        0,
        "De vraag zelf verdwijnt: geen nieuwe printers voor de raadszaal.",
    ),
]

KPI_BY_PHASE_FROM = 3  # trajectories from phase 3 on have agreed KPIs


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
        organisations = {
            o.slug: o for o in Organisation.objects.filter(slug__in=[GOUDA, WOERDEN, BODEGRAVEN])
        }
        users = self._people(organisations)
        self._themegroups(users)
        self._trajectories(organisations, users)
        self._maturity(organisations)
        self._draft_cases(organisations, users)
        self._marks(users)
        transaction.on_commit(case_filters.facets_invalidate)

        self.stdout.write(self.style.SUCCESS("Demo accounts (fictional people):"))
        for email, _name, organisation, role, staff in PEOPLE:
            label = "platformbeheerder" if staff else f"{role} ({organisations[organisation].name})"
            self.stdout.write(f"  {email:<34} {label:<46} password: {DEMO_PASSWORD}")
        self.stdout.write(
            "  The platformbeheerder must set up two-factor authentication before /beheer/."
        )

    def _people(self, organisations):
        users = {}
        for email, full_name, organisation, role, staff in PEOPLE:
            user = User.objects.filter(email=email).first() or User(email=email)
            user.full_name = full_name
            user.is_staff = user.is_superuser = staff
            user.set_password(DEMO_PASSWORD)
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if organisation:
                Membership.objects.get_or_create(
                    user=user, organisation=organisations[organisation], role=role
                )
            users[email] = user
        return users

    def _themegroups(self, users):
        facilitator = users["coordinator@demo.example"]
        for themegroup in Themegroup.objects.filter(region__slug="groene-hart"):
            ThemegroupMembership.objects.get_or_create(
                themegroup=themegroup,
                user=facilitator,
                defaults={"role": ThemegroupMembership.Role.FACILITATOR},
            )
            for email in (
                "inkoper@demo.example",
                "inkoper.woerden@demo.example",
                "inkoper.bodegraven@demo.example",
            ):
                ThemegroupMembership.objects.get_or_create(themegroup=themegroup, user=users[email])

    def _trajectories(self, organisations, users):
        phases = list(Phase.objects.order_by("number"))
        themegroups = {t.slug: t for t in Themegroup.objects.filter(region__slug="groene-hart")}
        inkopers = {
            GOUDA: "inkoper@demo.example",
            WOERDEN: "inkoper.woerden@demo.example",
            BODEGRAVEN: "inkoper.bodegraven@demo.example",
        }
        for index, row in enumerate(TRAJECTORIES):
            org, title, kind, category, phase_number, target, achieved, value, group = row
            inkoper = users[inkopers[org]]
            finished = phase_number == 6
            start = date(2024 + index % 3, 1 + index % 12, 1)
            trajectory, _ = Trajectory.objects.update_or_create(
                organisation=organisations[org],
                title=f"{title} (demo)",
                defaults={
                    "themegroup": themegroups.get(group),
                    "need_description": f"Fictief demotraject: {title.lower()}.",
                    "procurement_type": ProcurementType(kind),
                    "product_category": product_category(category),
                    "estimated_value": Decimal(value),
                    "r_level_target_id": target,
                    "r_level_achieved_id": achieved,
                    "current_phase": phases[phase_number - 1],
                    "status": Trajectory.Status.AFGEROND if finished else Trajectory.Status.LOPEND,
                    "procedure": "openbaar" if value > 216000 else "meervoudig_onderhands",
                    "award_basis": "bpkv" if phase_number >= 4 else "",
                    "circular_weight": 30 if phase_number >= 4 else None,
                    "contract_start": start if phase_number >= 5 else None,
                    "contract_end": date(start.year + 4, start.month, 1)
                    if phase_number >= 5
                    else None,
                    "supplier": "Leverancier (demo) B.V." if phase_number >= 5 else "",
                    "created_by": inkoper,
                },
            )
            for phase in phases:
                if phase.number < phase_number:
                    status = PhaseProgress.Status.AFGEROND
                elif phase.number == phase_number:
                    status = (
                        PhaseProgress.Status.AFGEROND if finished else PhaseProgress.Status.BEZIG
                    )
                else:
                    status = PhaseProgress.Status.OPEN
                PhaseProgress.objects.update_or_create(
                    trajectory=trajectory, phase=phase, defaults={"status": status}
                )
            for question in GuidingQuestion.objects.filter(phase__number__lt=phase_number)[:4]:
                QuestionAnswer.objects.update_or_create(
                    trajectory=trajectory,
                    question=question,
                    defaults={
                        "answer": "Besproken in het startoverleg (demo).",
                        "is_done": True,
                        "answered_by": inkoper,
                    },
                )
            TeamMember.objects.get_or_create(
                trajectory=trajectory, user=inkoper, role=TeamMember.Role.INKOPER
            )
            TeamMember.objects.get_or_create(
                trajectory=trajectory,
                name="Interne opdrachtgever (demo)",
                role=TeamMember.Role.INTERNE_OPDRACHTGEVER,
            )
            if phase_number >= KPI_BY_PHASE_FROM:
                self._kpi(trajectory, start, target)

    def _kpi(self, trajectory, start, target):
        kpi, _ = Kpi.objects.get_or_create(
            trajectory=trajectory,
            name="Nieuw ingekochte producten",
            defaults={"unit": "stuks", "r_level_id": min(target, 2), "direction": "lager"},
        )
        # The groeimodel: the target tightens every contract year.
        for year, (goal, actual) in enumerate([(100, 96), (85, 80), (70, None)]):
            KpiMeasurement.objects.update_or_create(
                kpi=kpi,
                period_start=date(start.year + year, start.month, 1),
                defaults={
                    "period_end": date(start.year + year + 1, start.month, 1),
                    "label": f"Contractjaar {year + 1}",
                    "target": Decimal(goal),
                    "actual": Decimal(actual) if actual is not None else None,
                },
            )

    def _maturity(self, organisations):
        statuses = list(OrganisationMaturity.Status)
        for offset, organisation in enumerate(organisations.values()):
            for position, aspect in enumerate(MaturityAspect.objects.all()):
                OrganisationMaturity.objects.get_or_create(
                    organisation=organisation,
                    aspect=aspect,
                    defaults={
                        "status": statuses[(position + offset) % len(statuses)],
                        "note": "Fictieve demostand.",
                    },
                )

    def _marks(self, users):
        """A few readers found seeded cases useful; the inkoper saved two."""
        seeded = list(Case.objects.filter(source__isnull=False).order_by("slug")[:4])
        for index, case in enumerate(seeded):
            for email in list(users)[: 4 - index]:
                CaseMark.objects.get_or_create(case=case, user=users[email], kind="nuttig")
        for case in seeded[:2]:
            CaseMark.objects.get_or_create(
                case=case, user=users["inkoper@demo.example"], kind="bewaard"
            )

    def _draft_cases(self, organisations, users):
        for slug, title, org, author, summary, level, explanation in DRAFT_CASES:
            case, _ = Case.objects.update_or_create(
                slug=slug,
                defaults={
                    "title": title,
                    "summary": summary,
                    "region": organisations[org].region,
                    # The last one waits for the coordinator's review.
                    "status": Case.Status.INGEDIEND
                    if slug == DRAFT_CASES[-1][0]
                    else Case.Status.CONCEPT,
                    "visibility": Case.Visibility.COMMUNITY,
                    "author": users[author],
                    "contact": users[author],
                    "context": "Fictief demovoorbeeld, niet gebaseerd op een echte aanbesteding.",
                },
            )
            case.organisations.set([organisations[org]])
            CaseStrategy.objects.update_or_create(
                case=case, r_level_id=level, defaults={"explanation": explanation}
            )
            CaseObstacle.objects.update_or_create(
                case=case,
                position=1,
                defaults={
                    "dimension": "sociaal-cultureel",
                    "obstacle": "Collega's zijn gewend aan eigen spullen (demo).",
                    "solution": "Een proefperiode met een kleine groep (demo).",
                },
            )
            case_services.case_search_index(case=case)
