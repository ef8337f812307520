"""The agreement pages: who sees which agreement, the progress on a commitment computed
from trajectories (met / not yet met, evidence named only where the reader may see the
trajectory), and a coordinator adding an agreement for their region."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import services
from community.models import Agreement, Commitment, ParticipantType
from procurement.models import RStrategy
from tests import factories
from tests.procurement.factories import TrajectoryFactory, load_guidance

INKOPEND = ParticipantType.INKOPENDE_DEELNEMER


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def ladder(db):
    load_guidance()
    return {level.pk: level for level in RStrategy.objects.all()}


def _agreement(name, *, region=None, participants=(), commitments=()):
    return services.agreement_create(
        actor=None,
        name=name,
        region=region,
        participants=list(participants),
        commitments=list(commitments),
    )


TWO_TRAJECTORIES = {
    "key": "twee-trajecten",
    "applies_to": INKOPEND,
    "description": "Iedere inkopende deelnemer start ten minste twee circulaire trajecten.",
    "metric": Commitment.Metric.TRAJECTORIES_STARTED,
    "target": 2,
    "unit": "inkooptrajecten",
}
MANUAL = {
    "key": "beleid",
    "applies_to": "",
    "description": "Circulair inkopen staat in het inkoopbeleid.",
    "metric": Commitment.Metric.OTHER,
    "target": None,
    "unit": "",
}


@pytest.fixture
def national(alfa, charlie_org):
    knowledge = factories.OrganisationFactory(
        name="Kennislab", slug="kennislab", type="kennispartner", cbs_code="", region=None
    )
    return _agreement(
        "Green Deal Circulair Inkopen 2.0",
        participants=[
            (alfa, INKOPEND),
            (charlie_org, INKOPEND),
            (knowledge, ParticipantType.KENNISPARTNER),
        ],
        commitments=[TWO_TRAJECTORIES, MANUAL],
    )


@pytest.fixture
def manifesto(groene_hart, alfa, beta):
    return _agreement(
        "Manifest Groene Hart",
        region=groene_hart,
        participants=[(alfa, INKOPEND), (beta, INKOPEND)],
        commitments=[TWO_TRAJECTORIES],
    )


def detail(agreement):
    return reverse("community:agreement_detail", args=[agreement.slug])


# --- who sees what -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("alice", {"green-deal-circulair-inkopen-20", "manifest-groene-hart"}),
        ("bob", {"green-deal-circulair-inkopen-20", "manifest-groene-hart"}),
        ("charlie", {"green-deal-circulair-inkopen-20"}),
        ("suspended", set()),
    ],
)
def test_the_list_holds_what_the_persona_may_see(
    client, request, national, manifesto, persona, expected
):
    client.force_login(request.getfixturevalue(persona))

    page = soup(client.get(reverse("community:agreement_list")))

    assert {row["data-slug"] for row in page.select("[data-testid=agreement-row]")} == expected


def test_a_regional_agreement_is_not_found_from_another_region(client, charlie, manifesto):
    client.force_login(charlie)
    assert client.get(detail(manifesto)).status_code == 404


def test_the_agreement_pages_ask_anonymous_visitors_to_log_in(client, national):
    for url in (reverse("community:agreement_list"), detail(national)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_agreement_pages_refuse_a_post(client, alice, national):
    client.force_login(alice)
    assert client.post(reverse("community:agreement_list")).status_code == 405
    assert client.post(detail(national)).status_code == 405


def test_participants_are_listed_by_type(client, alice, national):
    client.force_login(alice)

    page = soup(client.get(detail(national)))

    groups = {
        g["data-type"]: [li.get_text(strip=True) for li in g.select("li")]
        for g in page.select("[data-testid=participant-group]")
    }
    assert groups == {
        INKOPEND: ["Gemeente Alfa", "Gemeente Charlie"],
        ParticipantType.KENNISPARTNER: ["Kennislab"],
    }


# --- progress computed from trajectories ---------------------------------------------------


def _rows(response, key="twee-trajecten") -> dict:
    commitment = soup(response).select_one(f"[data-testid=commitment][data-key={key}]")
    return {
        row["data-organisation"]: row for row in commitment.select("[data-testid=progress-row]")
    }


def test_progress_counts_trajectories_with_an_r_ambition(
    client, alice, alfa, charlie_org, national, ladder
):
    first = TrajectoryFactory(organisation=alfa, title="Meubilair", r_level_target=ladder[3])
    second = TrajectoryFactory(organisation=alfa, title="Werkkleding", r_level_target=ladder[1])
    TrajectoryFactory(organisation=alfa, title="Zonder ambitie")  # not circular: not counted
    TrajectoryFactory(organisation=charlie_org, r_level_target=ladder[2])
    client.force_login(alice)

    rows = _rows(client.get(detail(national)))

    assert set(rows) == {"gemeente-alfa", "gemeente-charlie"}  # not the knowledge partner
    alfa_row, charlie_row = rows["gemeente-alfa"], rows["gemeente-charlie"]
    assert (alfa_row["data-met"], alfa_row["data-count"]) == ("true", "2")
    assert (charlie_row["data-met"], charlie_row["data-count"]) == ("false", "1")
    links = [a["href"] for a in alfa_row.select("[data-testid=evidence-link]")]
    assert links == [first.get_absolute_url(), second.get_absolute_url()]
    # Charlie's trajectory is in another region: counted, not named.
    assert charlie_row.select("[data-testid=evidence-link]") == []
    assert charlie_row.select_one("[data-testid=evidence-hidden]")["data-hidden"] == "1"


def test_the_evidence_is_named_for_the_reader_who_may_see_it(
    client, charlie, alfa, charlie_org, national, ladder
):
    TrajectoryFactory(organisation=alfa, r_level_target=ladder[3])
    TrajectoryFactory(organisation=alfa, r_level_target=ladder[3])
    own = TrajectoryFactory(organisation=charlie_org, r_level_target=ladder[2])
    client.force_login(charlie)

    response = client.get(detail(national))

    rows = _rows(response)
    assert rows["gemeente-alfa"]["data-met"] == "true"
    assert rows["gemeente-alfa"].select("[data-testid=evidence-link]") == []
    assert rows["gemeente-alfa"].select_one("[data-testid=evidence-hidden]")["data-hidden"] == "2"
    links = [a["href"] for a in rows["gemeente-charlie"].select("[data-testid=evidence-link]")]
    assert links == [own.get_absolute_url()]
    assert b"Inkooptraject" not in response.content.replace(own.title.encode(), b"")


def test_a_joint_trajectory_counts_for_each_participating_organisation(
    client, alice, alfa, charlie_org, national, ladder
):
    joint = TrajectoryFactory(organisation=alfa, r_level_target=ladder[2])
    joint.participating_organisations.add(charlie_org)
    client.force_login(alice)

    rows = _rows(client.get(detail(national)))

    assert rows["gemeente-charlie"]["data-count"] == "1"
    links = [a["href"] for a in rows["gemeente-charlie"].select("[data-testid=evidence-link]")]
    assert links == [joint.get_absolute_url()]


def test_a_commitment_the_portal_does_not_measure_says_so(client, alice, national):
    client.force_login(alice)
    page = soup(client.get(detail(national)))
    manual = page.select_one("[data-testid=commitment][data-key=beleid]")
    assert manual.select_one("[data-testid=commitment-manual]") is not None
    assert manual.select("[data-testid=progress-row]") == []


def test_the_detail_query_count_does_not_grow_with_participants_and_trajectories(
    client, alice, alfa, groene_hart, national, ladder
):
    TrajectoryFactory(organisation=alfa, r_level_target=ladder[3])
    client.force_login(alice)
    with CaptureQueriesContext(connection) as few:
        client.get(detail(national))
    for organisation in factories.OrganisationFactory.create_batch(6, region=groene_hart):
        national.participants.create(organisation=organisation, participant_type=INKOPEND)
        TrajectoryFactory.create_batch(2, organisation=organisation, r_level_target=ladder[4])
    with CaptureQueriesContext(connection) as many:
        response = client.get(detail(national))
    assert len(_rows(response)) == 8
    assert len(few) == len(many)


def test_the_list_query_count_does_not_grow(client, alice, groene_hart, national):
    client.force_login(alice)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("community:agreement_list"))
    for number in range(5):
        _agreement(f"Manifest {number}", region=groene_hart)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("community:agreement_list"))
    assert len(few) == len(many)


# --- adding an agreement -------------------------------------------------------------------


def _form(groene_hart, *organisations, **extra):
    return {
        "name": "Manifest Circulair Groene Hart",
        "region": groene_hart.pk,
        "description": "Samen circulair inkopen.",
        "starts_on": "2026-01-01",
        "ends_on": "2030-12-31",
        "inkopende_deelnemers": [o.pk for o in organisations],
        "commitment_description": "Twee circulaire trajecten per gemeente.",
        "commitment_applies_to": INKOPEND,
        "commitment_metric": Commitment.Metric.TRAJECTORIES_STARTED,
        "commitment_target": "2",
        "commitment_unit": "inkooptrajecten",
        **extra,
    }


def test_a_coordinator_adds_an_agreement_for_the_region(client, bob, groene_hart, alfa, beta):
    client.force_login(bob)
    assert client.get(reverse("community:agreement_create")).status_code == 200

    response = client.post(reverse("community:agreement_create"), _form(groene_hart, alfa, beta))

    agreement = Agreement.objects.get(name="Manifest Circulair Groene Hart")
    assert response.status_code == 302
    assert response["Location"] == agreement.get_absolute_url()
    assert agreement.region == groene_hart
    assert sorted(p.organisation.slug for p in agreement.participants.all()) == [
        "gemeente-alfa",
        "gemeente-beta",
    ]
    commitment = agreement.commitments.get()
    assert (commitment.metric, commitment.target) == (Commitment.Metric.TRAJECTORIES_STARTED, 2)
    assert agreement.history.get().history_user == bob
    assert commitment.history.get().history_user == bob


@pytest.mark.parametrize("persona", ["alice", "dora", "charlie"])
def test_who_does_not_coordinate_may_not_add_an_agreement(client, request, groene_hart, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("community:agreement_create")).status_code == 403
    response = client.post(reverse("community:agreement_create"), _form(groene_hart))
    assert response.status_code == 403
    assert not Agreement.objects.exists()


def test_a_coordinator_may_not_add_one_for_another_region(client, bob, zwolle, charlie_org):
    client.force_login(bob)

    response = client.post(reverse("community:agreement_create"), _form(zwolle, charlie_org))

    assert response.status_code == 400
    links = [a["href"] for a in soup(response).select("[data-testid=error-summary] a")]
    assert "#id_region" in links
    assert "#id_inkopende_deelnemers_0" in links or "#id_inkopende_deelnemers" in links
    assert not Agreement.objects.exists()


def test_an_invalid_agreement_keeps_what_was_typed(client, bob, groene_hart, alfa):
    client.force_login(bob)
    data = _form(groene_hart, alfa, name="", commitment_metric="", ends_on="2020-01-01")

    response = client.post(reverse("community:agreement_create"), data)

    assert response.status_code == 400
    page = soup(response)
    links = [a["href"] for a in page.select("[data-testid=error-summary] a")]
    assert "#id_name" in links
    assert "#id_commitment_metric" in links
    assert page.select_one("#id_description").get_text().strip() == "Samen circulair inkopen."
    assert page.select_one(f"input[name=inkopende_deelnemers][value='{alfa.pk}']").has_attr(
        "checked"
    )
    assert not Agreement.objects.exists()


def test_an_end_before_the_start_is_refused_on_the_form(client, bob, groene_hart, alfa):
    client.force_login(bob)
    data = _form(groene_hart, alfa, starts_on="2026-01-01", ends_on="2025-01-01")

    response = client.post(reverse("community:agreement_create"), data)

    assert response.status_code == 400
    assert soup(response).select_one("[data-testid=error-summary]") is not None
    assert not Agreement.objects.exists()


def test_the_same_organisation_twice_is_a_form_error(client, bob, groene_hart, alfa):
    client.force_login(bob)
    data = _form(groene_hart, alfa, kennispartners=[alfa.pk])
    response = client.post(reverse("community:agreement_create"), data)
    assert response.status_code == 400
    assert not Agreement.objects.exists()


def test_staff_add_a_national_agreement(client, staff_mfa, alfa):
    client.force_login(staff_mfa)
    data = _form(alfa.region, alfa, region="")
    response = client.post(reverse("community:agreement_create"), data)
    assert response.status_code == 302
    assert Agreement.objects.get().region is None


def test_a_second_agreement_with_the_same_name_gets_its_own_address(client, bob, groene_hart, alfa):
    client.force_login(bob)
    client.post(reverse("community:agreement_create"), _form(groene_hart, alfa))
    client.post(reverse("community:agreement_create"), _form(groene_hart, alfa))
    slugs = sorted(Agreement.objects.values_list("slug", flat=True))
    assert slugs == ["manifest-circulair-groene-hart", "manifest-circulair-groene-hart-2"]


def test_the_organisation_profile_links_the_agreements_it_takes_part_in(
    client, charlie, charlie_org, national, manifesto
):
    client.force_login(charlie)

    page = soup(client.get(reverse("community:organisation_detail", args=[charlie_org.slug])))

    links = [a["href"] for a in page.select("[data-testid=agreement-link]")]
    assert links == [national.get_absolute_url()]
