"""The seed command: idempotent, complete against the sources, every item cited."""

import datetime
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from cases import permissions as case_permissions
from cases.models import Case, CaseMark, KnowledgeItem
from community import maturity
from community.extensions import Progress
from community.models import (
    Agreement,
    Commitment,
    MaturityAspect,
    Membership,
    MembershipRequest,
    Organisation,
    ProductCategory,
    Region,
    Themegroup,
    User,
)
from procurement import commitments
from procurement.models import (
    EuThreshold,
    GuidingQuestion,
    KpiDaySummary,
    KpiExample,
    Phase,
    RStrategy,
)
from reports import metrics
from reports.models import ReportRun, ReportSubscription

# Obstacle dimensions per NAMI case as the Inspiratiekit names them (document 002).
NAMI_DIMENSIONS = {
    "nami-defensie-it": {"technologisch", "juridisch", "economisch", "sociaal-cultureel"},
    "nami-kunstgrasvelden-amsterdam-haarlem": {
        "technologisch",
        "juridisch",
        "economisch",
        "sociaal-cultureel",
    },
    "nami-evenementen-buitenlandse-zaken": {
        "technologisch",
        "juridisch",
        "economisch",
        "sociaal-cultureel",
    },
    "nami-expo-dubai-osaka": {"technologisch", "juridisch", "sociaal-cultureel"},
    "nami-stembiljetten-bzk": {"technologisch", "juridisch", "economisch", "sociaal-cultureel"},
    "nami-kantoorartikelen-uwv": {"economisch", "sociaal-cultureel"},
    "nami-sanitaire-supplies-rijksoverheid": {
        "technologisch",
        "juridisch",
        "economisch",
        "sociaal-cultureel",
    },
    "nami-rwzi-terwolde": {"technologisch", "juridisch", "economisch", "sociaal-cultureel"},
    "nami-werkplekomgeving-rijksoverheid": {"technologisch", "economisch", "sociaal-cultureel"},
}

# (generic, highest-R) guiding questions per phase in document 001.
QUESTIONS_PER_PHASE = {1: (3, 5), 2: (0, 4), 3: (2, 1), 4: (2, 4), 5: (4, 1), 6: (4, 1)}

SEEDED_APPS = ("community", "procurement", "cases")


def _counts():
    return {
        model._meta.label: model.objects.count()
        for app in SEEDED_APPS
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def seeded(db):
    call_command("seed", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_seeding_twice_gives_the_same_rows(seeded):
    first = _counts()
    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == first
    assert first["cases.Case"] > 0


def test_it_loads_the_regions_and_all_41_municipalities(seeded):
    assert set(Region.objects.values_list("slug", flat=True)) == {"groene-hart", "regio-zwolle"}
    municipalities = Organisation.objects.exclude(cbs_code="")
    assert municipalities.count() == 41
    assert municipalities.filter(region__slug="groene-hart").count() == 19
    assert municipalities.filter(region__slug="regio-zwolle").count() == 22
    gouda = Organisation.objects.get(cbs_code="GM0513")
    assert (gouda.name, gouda.province, gouda.population) == (
        "Gemeente Gouda",
        "Zuid-Holland",
        75763,
    )
    # The `groep` column: 13 core and 6 wider Groene Hart municipalities (issue 12).
    groups = Counter(municipalities.values_list("region__slug", "region_group"))
    assert groups == {
        ("groene-hart", "kern"): 13,
        ("groene-hart", "ruim"): 6,
        ("regio-zwolle", "lid"): 22,
    }
    assert gouda.region_group == Organisation.RegionGroup.KERN


def test_it_loads_the_groene_hart_themegroups(seeded):
    assert set(
        Themegroup.objects.filter(region__slug="groene-hart").values_list("sector", flat=True)
    ) == {"gww", "vastgoed", "facilitair"}
    # The interview names the groups but gives them no scope: the texts invent none.
    descriptions = " ".join(Themegroup.objects.values_list("description", flat=True))
    assert "riolering" not in descriptions
    assert "catering" not in descriptions.lower()


def test_it_loads_the_r_ladder_with_the_rvo_mapping(seeded):
    ladder = list(RStrategy.objects.order_by("level"))
    assert [r.level for r in ladder] == list(range(10))
    assert (ladder[0].name_nl, ladder[0].name_en, ladder[0].rvo_step) == ("Weigeren", "Refuse", 1)
    assert ladder[8].rvo_step == 4  # Recycle
    # Document 001 defines R0–R2 only; R3–R9 cite the PBL study; the RVO step is ours.
    assert {r.source.key for r in ladder[:3]} == {"pianoo-handvatten-hoogste-r"}
    assert {r.source.key for r in ladder[3:]} == {"pbl-circulaire-economie-2016"}
    assert all("eigen toelichting van het portaal" in r.source_section for r in ladder)


def test_it_loads_the_six_phases_with_every_guiding_question(seeded):
    phases = Phase.objects.order_by("number")
    assert [p.number for p in phases] == [1, 2, 3, 4, 5, 6]
    for phase in phases:
        kinds = Counter(phase.questions.values_list("kind", flat=True))
        generic, highest = QUESTIONS_PER_PHASE[phase.number]
        assert (kinds[GuidingQuestion.Kind.GENERIEK], kinds[GuidingQuestion.Kind.HOOGSTE_R]) == (
            generic,
            highest,
        ), phase
        assert phase.goal
        assert phase.guidance.filter(kind="betrokkene").exists()
        assert phase.guidance.filter(kind="aandachtspunt").exists()
    tagged = GuidingQuestion.objects.filter(kind="hoogste_r").exclude(r_level=None)
    assert set(tagged.values_list("r_level", flat=True)) <= {0, 1, 2}


def test_it_loads_the_basisingredienten_and_kpi_examples(seeded):
    assert MaturityAspect.objects.count() == 7  # six basisingrediënten + Chef Circulair
    # Document 001 names six basisingrediënten: the seventh says it is the portal's own.
    chef = MaturityAspect.objects.get(key="chef-circulair")
    assert "aanvulling van het portaal" in chef.name
    assert set(KpiExample.objects.exclude(r_level=None).values_list("r_level", flat=True)) == {
        0,
        1,
        2,
    }
    assert KpiExample.objects.filter(r_level=None).exists()  # organisation-wide


def test_every_seeded_reference_name_has_an_english_name(seeded):
    """English pages name phases, basisingrediënten, product categories and R-levels in
    English (`kit.localized`): the seed gives every one an English name."""
    for model in (Phase, MaturityAspect, ProductCategory, RStrategy):
        assert not model.objects.filter(name_en="").exists(), model
    assert Phase.objects.get(number=4).name_en == "Circular tendering"


def test_it_loads_the_nine_nami_cases_with_their_obstacle_dimensions(seeded):
    nami = Case.objects.filter(source__key="nami-inspiratiekit")
    assert nami.count() == 9
    for case in nami:
        dimensions = set(case.obstacles.values_list("dimension", flat=True))
        assert dimensions == NAMI_DIMENSIONS[case.slug], case.slug
        assert case.strategies.exists(), case.slug
        assert case.lessons.exists(), case.slug
        assert case.context, case.slug
        assert case.approach, case.slug
    # Case 3 names public-transport venues and vegetarian catering among its solutions.
    events = Case.objects.get(slug="nami-evenementen-buitenlandse-zaken")
    solutions = " ".join(events.obstacles.values_list("solution", flat=True))
    for fact in ("openbaar vervoer", "vegetarische"):
        assert fact in solutions, fact


def test_it_loads_the_knowledge_items_of_the_sources(seeded):
    counts = Counter(KnowledgeItem.objects.values_list("source__key", "kind"))
    assert counts[("nami-inspiratiekit", "conclusie")] == 5
    zwolle = KnowledgeItem.objects.filter(source__key="regio-zwolle-succesfactoren")
    # Six clusters (§4.1) and the four aspects of a learning community (§4.2).
    assert zwolle.filter(kind="succesfactor").exclude(audience="learning_community").count() == 6
    assert zwolle.filter(kind="succesfactor", audience="learning_community").count() == 4
    assert zwolle.filter(kind="aanbeveling").exclude(audience="learning_community").count() == 9
    assert zwolle.filter(kind="aanbeveling", audience="learning_community").count() == 6
    participants = zwolle.get(kind="achtergrond").text
    for name in ("Hogeschool Windesheim", "Gemeente Staphorst", "BuyITDirect"):
        assert name in participants, name
    process = zwolle.get(slug="zwolle-lc-succesfactor-proces").text
    for fact in ("acht tot tien", "meerjarig", "facilitator", "online", "kwartaal"):
        assert fact in process + zwolle.get(slug="zwolle-lc-succesfactor-structuur").text, fact
    # The Groene Hart interview: start, partners, housing corporations, action lines.
    groene_hart = " ".join(
        KnowledgeItem.objects.filter(source__key="platform-groene-hart-interview").values_list(
            "text", flat=True
        )
    )
    for fact in ("mei 2025", "Versnellingsnetwerk", "NEVI", "woningcorporaties", "Biobased"):
        assert fact in groene_hart, fact


def test_it_loads_the_worked_examples_of_zwolle_and_the_groene_hart(seeded):
    slugs = set(Case.objects.values_list("slug", flat=True))
    assert {
        "zwolle-stadsdijkversterking-zwolle-2019",
        "zwolle-vondeltuin-amsterdam",
        "zwolle-defensie-raambekleding",
        "zwolle-amsterdam-groeimodel-elektrisch-vervoer",
        "zwolle-aalborg-schoolmeubilair",
    } <= slugs
    groene_hart = Case.objects.filter(source__key="platform-groene-hart-interview")
    assert groene_hart.count() == 2
    # Filed under their region, so the region facet lists the Groene Hart (issue 12, bug 11).
    assert set(groene_hart.values_list("region__slug", flat=True)) == {"groene-hart"}
    assert set(Case.objects.exclude(region=None).values_list("region__slug", flat=True)) == {
        "groene-hart",
        "regio-zwolle",
    }


def test_it_loads_the_green_deal_with_all_48_participants(seeded):
    deal = Agreement.objects.get(slug="green-deal-circulair-inkopen-2")
    types = Counter(deal.participants.values_list("participant_type", flat=True))
    assert types == {
        "faciliterende_partner": 2,
        "kennispartner": 12,
        "inkopende_deelnemer": 31,
        "rijksoverheid": 3,
    }
    two_trajectories = deal.commitments.get(
        applies_to="inkopende_deelnemer", metric="trajectories_started"
    )
    assert two_trajectories.target == 2
    # All 23 bullets of "Inzet en acties" (21 records: the facilitating partners'
    # project-team bullets share one), per participant type (issue 12).
    applies_to = Counter(deal.commitments.values_list("applies_to", flat=True))
    assert applies_to == {
        "": 4,
        "inkopende_deelnemer": 5,
        "faciliterende_partner": 4,
        "kennispartner": 4,
        "rijksoverheid": 4,
    }


def test_every_seeded_item_cites_its_source(seeded):
    for model in (
        Case,
        KnowledgeItem,
        Phase,
        KpiExample,
        MaturityAspect,
        Agreement,
        Commitment,
        EuThreshold,
        RStrategy,
    ):
        assert model.objects.exists(), model
        assert not model.objects.filter(source=None).exists(), model
        if model is not RStrategy:
            assert not model.objects.filter(source_section="").exists(), model


def test_seeded_cases_are_published_and_public(seeded):
    assert not Case.objects.exclude(status="gepubliceerd").exists()
    assert not Case.objects.exclude(visibility="openbaar").exists()
    assert not Case.objects.filter(published_at=None).exists()


def test_seeding_creates_no_accounts(seeded):
    assert not User.objects.exists()


def test_thresholds_are_rows_with_validity_dates(seeded):
    from datetime import date

    current = EuThreshold.objects.filter(
        valid_from__lte=date(2026, 6, 1), valid_until__gte=date(2026, 6, 1)
    )
    assert {t.category: int(t.amount) for t in current} == {
        "werken": 5404000,
        "leveringen_diensten_centraal": 140000,
        "leveringen_diensten_decentraal": 216000,
        "sociale_diensten": 750000,
        "speciale_sectoren": 432000,
    }


@pytest.fixture
def demo(seeded, settings):
    settings.DEBUG = True
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_data_builds_on_the_seed(demo):
    from procurement.models import Kpi, PhaseProgress, Trajectory

    demo = Trajectory.objects.filter(title__endswith="(demo)")
    assert demo.count() == 20
    assert set(demo.values_list("current_phase__number", flat=True)) == {1, 2, 3, 4, 5, 6}
    assert not User.objects.exclude(email__endswith="@demo.example").exists()
    assert not User.objects.exclude(full_name__endswith="(demo)").exists()
    demo_cases = Case.objects.filter(title__endswith="(demo)")
    # Two drafts, a submitted case (in the Groene Hart review queue) and a published one
    # written as cases, and a draft made from a closed trajectory ("Maak er een
    # praktijkvoorbeeld van").
    assert sorted(demo_cases.values_list("status", flat=True)) == [
        "concept",
        "concept",
        "concept",
        "gepubliceerd",
        "ingediend",
    ]
    coordinator = User.objects.get(email="coordinator@demo.example")
    assert case_permissions.reviewable_cases(coordinator).filter(title__endswith="(demo)")
    published = demo_cases.get(status="gepubliceerd")
    assert case_permissions.contact_recipient(published).email == published.author.email
    from_trajectory = demo_cases.get(trajectories__status="afgerond")
    assert from_trajectory.trajectories.get().lessons
    # Every state of a trajectory: an overdue phase, a joint tender of three
    # municipalities, KPIs with several periods.
    running = PhaseProgress.objects.filter(trajectory__in=demo, status="bezig")
    assert running.filter(planned_end_on__lt=timezone.localdate()).exists()
    assert (
        demo.filter(participating_organisations__isnull=False)
        .distinct()
        .get(title="Zonnepanelen op scholen (demo)")
        .participating_organisations.count()
        == 2
    )
    assert (
        Kpi.objects.filter(trajectory__in=demo, measurements__isnull=False)
        .annotate(periods=Count("measurements"))
        .filter(periods__gte=3)
        .exists()
    )
    assert CaseMark.objects.filter(user__email="inkoper@demo.example", kind="bewaard").exists()


def test_demo_data_goes_through_the_services_so_the_history_names_the_actor(demo):
    from community.models import OrganisationMaturity
    from procurement.models import Trajectory

    trajectory = Trajectory.objects.get(title="Herinrichting Rijnstraat (demo)")
    assert trajectory.created_by.email == "inkoper.woerden@demo.example"
    assert [(h.history_type, h.history_user) for h in trajectory.history.all()] == [
        ("+", trajectory.created_by)
    ]
    assert trajectory.answers.filter(answered_by=trajectory.created_by, is_done=True).count() == 4
    assert list(trajectory.kpis.get().measurements.values_list("label", "target", "actual")) == [
        ("Contractjaar 1", 100, 96),
        ("Contractjaar 2", 85, 80),
        ("Contractjaar 3", 70, None),
    ]
    maturity = OrganisationMaturity.history.filter(organisation__slug="gemeente-gouda")
    assert maturity.count() == 14  # last year's seven, then this year's
    assert set(maturity.values_list("history_user__email", flat=True)) == {"beheerder@demo.example"}
    case = Case.objects.get(title="Minder drukwerk door digitale raadsstukken (demo)")
    assert {h.history_user.email for h in case.history.all()} == {"inkoper.bodegraven@demo.example"}


def test_demo_data_shows_maturity_over_two_years_and_computed_progress(demo):
    gouda = Organisation.objects.get(slug="gemeente-gouda")
    rows = maturity.profile(gouda)["rows"]
    assert all(row.last_year is not None and row.this_year is not None for row in rows)
    assert {row.change for row in rows} >= {"up", "same"}

    staff = User.objects.get(email="beheerder@demo.example")
    for slug, organisation_slug, met in (
        ("green-deal-circulair-inkopen-2", "provincie-zuid-holland", True),
        ("manifest-circulair-inkopen-groene-hart-demo", "gemeente-gouda", True),
    ):
        agreement = Agreement.objects.get(slug=slug)
        participants = list(agreement.participants.select_related("organisation"))
        progress = commitments.trajectories_started(
            staff, list(agreement.commitments.all()), participants
        )
        participant = next(p for p in participants if p.organisation.slug == organisation_slug)
        measured = [
            v for (c, p), v in progress.items() if p == participant.pk and v.met is not None
        ]
        assert measured
        assert all(isinstance(v, Progress) and v.met is met for v in measured)


def test_demo_data_twice_gives_the_same_rows(demo):
    first = _counts()
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == first  # history tables included: nothing was saved again
    assert User.objects.get(email="inkoper@demo.example").check_password("demo-GroeneHart-2026")


def test_demo_data_shows_a_request_waiting_for_the_groene_hart_coordinator(demo):
    waiting = MembershipRequest.objects.get(status="open")
    assert waiting.user.email == "aanvrager@demo.example"
    assert waiting.organisation.region.slug == "groene-hart"
    assert not Membership.objects.filter(user=waiting.user).exists()
    coordinator = User.objects.get(email="coordinator@demo.example")
    assert list(MembershipRequest.objects.decidable_by(coordinator)) == [waiting]


def test_demo_data_has_a_finished_report_per_kind_of_scope_and_a_failed_one(demo):
    finished = ReportRun.objects.filter(status=ReportRun.Status.KLAAR)
    assert set(finished.values_list("scope_kind", flat=True)) == {
        "organisatie",
        "regio",
        "themagroep",
    }
    assert all(run.file and run.pages >= 3 for run in finished)
    assert set(finished.values_list("language", flat=True)) == {"nl", "en"}
    failed = ReportRun.objects.get(status=ReportRun.Status.MISLUKT)
    assert failed.error


def test_demo_data_has_the_groene_hart_coordinator_subscribed_quarterly(demo):
    subscription = ReportSubscription.objects.get()
    assert subscription.user.email == "coordinator@demo.example"
    assert (subscription.scope_kind, subscription.region.slug, subscription.frequency) == (
        "regio",
        "groene-hart",
        "kwartaal",
    )
    assert subscription.history.get().history_user == subscription.user


def test_demo_data_refuses_production(seeded, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo")


def test_knowledge_items_link_to_phases_by_number(seeded):
    conclusion = KnowledgeItem.objects.get(slug="nami-conclusie-2")
    assert sorted(conclusion.phases.values_list("number", flat=True)) == [2, 5]


def test_demo_data_shows_the_groene_hart_themegroups_at_work(demo):
    from community.models import Themegroup

    gww = Themegroup.objects.get(region__slug="groene-hart", slug="gww")
    roles = set(gww.memberships.values_list("role", flat=True))
    assert roles == {"coordinator", "lid", "gast"}
    assert gww.goal
    assert gww.announcements.count() == 2
    assert gww.documents.get().shared_with_guests
    assert set(gww.learning_goals.values_list("status", flat=True)) == {"open", "bezig", "bereikt"}
    assert gww.join_requests.get(status="open").user.email == "bestuurder@demo.example"
    assert gww.invitations.get(status="open").email == "nieuw.lid@demo.example"
    for themegroup in Themegroup.objects.filter(region__slug="groene-hart"):
        assert themegroup.announcements.exists()
        assert themegroup.learning_goals.exists()
        history = themegroup.announcements.first().history.get()
        assert history.history_user.email == "coordinator@demo.example"


def test_demo_meetings_show_every_part_of_a_themegroups_meetings(demo):
    from community.models import Meeting

    for slug in ("gww", "vastgoed", "facilitair"):
        meetings = Meeting.objects.filter(themegroup__slug=slug, title__endswith="(demo)")
        past, upcoming = meetings.past(), meetings.upcoming()
        assert past.count() == 2, slug
        assert all(m.minutes and m.actions.exists() for m in past), slug
        assert all(m.attendances.filter(attended=True).exists() for m in past), slug
        assert upcoming.count() == 1, slug
        assert upcoming.get().attendances.filter(status="aanwezig").exists(), slug
        assert upcoming.get().agenda_items.count() >= 2, slug
    linked = Meeting.objects.filter(actions__trajectory_link__isnull=False).distinct()
    assert linked.count() >= 3
    assert {h.history_user.email for h in Meeting.history.all()} == {"coordinator@demo.example"}


def test_the_demo_leaves_the_dashboards_kpi_summary_filled(demo):
    region = Region.objects.get(slug="groene-hart")
    scope = metrics.Scope.of(region)
    period = metrics.Period(datetime.date(2000, 1, 1), datetime.date(2040, 12, 31))

    assert KpiDaySummary.objects.filter(scope_kind="regio", scope_id=region.pk).exists()
    rows = metrics.kpi_progress(scope, period)
    assert rows
    assert rows == metrics.kpi_progress_measured(scope, period)
