"""The signed-in start page per role (issue 12): an inkoper or coordinator sees their own
running trajectories and their cases in progress, a coordinator the review queue, a
bestuurder the way to the dashboards; nobody sees another organisation's work."""

import pytest
from bs4 import BeautifulSoup

from cases.models import Case
from procurement.models import Trajectory
from tests.cases.factories import CaseFactory
from tests.procurement.factories import TrajectoryFactory


def _page(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _links(section) -> list[str]:
    return [a["href"] for a in section.select("li a")]


@pytest.fixture
def work(alice, alfa, beta, bob):
    own = TrajectoryFactory(organisation=alfa, title="Eigen traject")
    TrajectoryFactory(organisation=alfa, status=Trajectory.Status.AFGEROND, title="Afgerond")
    TrajectoryFactory(organisation=beta, title="Traject van Beta")
    draft = CaseFactory(author=alice, organisations=[alfa], title="Mijn concept")
    submitted = CaseFactory(author=alice, organisations=[alfa], submitted=True)
    CaseFactory(author=alice, organisations=[alfa], published=True)
    bobs = CaseFactory(author=bob, organisations=[beta], title="Concept van Bob")
    return {"own": own, "draft": draft, "submitted": submitted, "bobs": bobs}


def test_an_inkoper_sees_their_running_trajectories_and_cases_in_progress(client, alice, work):
    page = _page(client, alice)
    assert _links(page.select_one("[data-testid=my-trajectories]")) == [
        work["own"].get_absolute_url()
    ]
    drafts = page.select_one("[data-testid=my-drafts]")
    assert set(_links(drafts)) == {
        work["draft"].get_absolute_url(),
        work["submitted"].get_absolute_url(),
    }
    assert {li["data-status"] for li in drafts.select("li")} == {
        Case.Status.CONCEPT,
        Case.Status.INGEDIEND,
    }
    assert page.select_one("[data-testid=dashboards]") is None


def test_a_bestuurder_sees_the_way_to_the_dashboards_not_the_writers_lists(client, dora, work):
    page = _page(client, dora)
    assert page.select_one("[data-testid=my-trajectories]") is None
    assert page.select_one("[data-testid=my-drafts]") is None
    links = [a["href"] for a in page.select("[data-testid=dashboards] a")]
    assert "/voortgang/" in links


def test_a_coordinator_sees_their_own_work_the_review_queue_and_the_dashboards(
    client, bob, alice, alfa, groene_hart, work
):
    CaseFactory(author=alice, organisations=[alfa], region=groene_hart, submitted=True)
    page = _page(client, bob)
    # Only what Bob wrote himself; Alice's submitted case is in his review queue.
    assert _links(page.select_one("[data-testid=my-drafts]")) == [work["bobs"].get_absolute_url()]
    assert page.select_one("[data-testid=review-summary]") is not None
    assert page.select_one("[data-testid=dashboards]") is not None


def test_a_writer_without_work_gets_the_way_to_start(client, charlie):
    page = _page(client, charlie)
    for testid in ("my-trajectories", "my-drafts"):
        section = page.select_one(f"[data-testid={testid}]")
        assert section.select("li") == []
        assert section.select("a")  # all trajectories, new trajectory / write a case


def test_the_start_page_queries_do_not_grow_with_the_work(
    client, alice, alfa, django_assert_max_num_queries
):
    client.force_login(alice)
    TrajectoryFactory(organisation=alfa)
    CaseFactory(author=alice, organisations=[alfa])
    with django_assert_max_num_queries(20) as few:
        client.get("/")
    TrajectoryFactory.create_batch(6, organisation=alfa)
    CaseFactory.create_batch(6, author=alice, organisations=[alfa])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


def test_the_start_page_refuses_post(client, alice):
    client.force_login(alice)
    assert client.post("/").status_code == 405
