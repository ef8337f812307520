"""Writing a case: who may create and edit, the formsets, errors that keep the input."""

import pytest

from cases.models import Case
from community.models import Membership
from tests import factories
from tests.cases.factories import CaseFactory
from tests.cases.html import error_links, soup
from tests.cases.posts import case_form_data


@pytest.fixture
def staff(staff):
    """Staff with two-factor authentication: without it every page sends them to set it
    up (tests/test_isolation.py)."""
    return factories.give_totp(staff)


CREATE = "/praktijkvoorbeelden/nieuw/"


def _edit(case):
    return f"/praktijkvoorbeelden/{case.slug}/bewerken/"


# --- create -------------------------------------------------------------------------


def test_an_inkoper_gets_the_empty_form(client, alice):
    client.force_login(alice)
    response = client.get(CREATE)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("[data-testid=case-form]") is not None
    assert page.select_one("[data-testid=error-summary]") is None
    # Only her own organisation can be chosen.
    choices = page.select("input[name=organisations]")
    assert [c["value"] for c in choices] == [str(alice.memberships.get().organisation_id)]


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    for response in (client.get(CREATE), client.post(CREATE, {})):
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")
    assert not Case.objects.exists()


@pytest.mark.parametrize("persona", ["dora", "outsider"])
def test_readers_who_do_not_write_may_not_create(client, request, persona, alfa):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, case_form_data(organisations=[alfa])).status_code == 403
    assert not Case.objects.exists()


def test_create_answers_other_methods_with_405(client, alice):
    client.force_login(alice)
    assert client.put(CREATE).status_code == 405


def test_a_post_with_formsets_creates_a_draft_with_its_parts(client, r_ladder, alice, alfa):
    client.force_login(alice)
    data = case_form_data(
        organisations=[alfa],
        sector="facilitair",
        year="2023",
        tag_names="stoelen, hergebruik",
        strategies=[(3, "Stoelen hergebruikt"), (0, "Geen nieuwe gekocht")],
        obstacles=[
            ("juridisch", "Garantie vervalt", "Afspraak met de opknapper"),
            ("", "", ""),
            ("economisch", "Budget zat in investeringen", ""),
        ],
        lessons=["Begin bij de gebruikers", "", "Meet de CO2-winst"],
    )

    response = client.post(CREATE, data)

    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/praktijkvoorbeelden/{case.slug}/"
    assert case.status == Case.Status.CONCEPT
    assert case.author == alice
    assert case.region == alfa.region  # no region chosen: the one of her organisation
    assert list(case.organisations.all()) == [alfa]
    assert sorted(case.tags.values_list("slug", flat=True)) == ["hergebruik", "stoelen"]
    assert {(s.r_level_id, s.explanation) for s in case.strategies.all()} == {
        (3, "Stoelen hergebruikt"),
        (0, "Geen nieuwe gekocht"),
    }
    assert [(o.position, o.dimension, o.obstacle, o.solution) for o in case.obstacles.all()] == [
        (1, "juridisch", "Garantie vervalt", "Afspraak met de opknapper"),
        (2, "economisch", "Budget zat in investeringen", ""),
    ]
    assert [(lesson.position, lesson.text) for lesson in case.lessons.all()] == [
        (1, "Begin bij de gebruikers"),
        (2, "Meet de CO2-winst"),
    ]
    assert case.history.first().history_user == alice


def test_a_writer_cannot_write_for_another_organisation(client, alice, beta):
    client.force_login(alice)
    response = client.post(CREATE, case_form_data(organisations=[beta]))
    assert response.status_code == 400
    assert "id_organisations" in " ".join(error_links(soup(response)))
    assert not Case.objects.exists()


# --- errors -----------------------------------------------------------------------------


def _assert_links_reach_fields(page):
    links = error_links(page)
    assert links, "the error summary links to the fields"
    for target in links:
        assert target, "an error link without a target"
        assert page.find(id=target) is not None, f"#{target} does not exist on the page"


INVALID = {
    # case: (fields, strategies, the field whose error the summary links to)
    "no title": ({"title": ""}, [], "id_title"),
    "explanation without r-level": ({}, [("", "Zonder strategie")], "id_strategie-0-r_level"),
    "duplicate r-level": ({}, [(3, "Eerste"), (3, "Tweede")], "id_strategie-1-r_level"),
    "r-level without explanation": ({}, [(2, "")], "id_strategie-0-explanation"),
}


@pytest.mark.parametrize(("fields", "strategies", "field_id"), INVALID.values(), ids=list(INVALID))
def test_an_invalid_post_answers_400_with_a_summary_linking_to_the_field(
    client, r_ladder, alice, alfa, fields, strategies, field_id
):
    client.force_login(alice)
    data = case_form_data(organisations=[alfa], strategies=strategies, **fields)

    response = client.post(CREATE, data)

    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("[data-testid=error-summary]") is not None
    assert field_id in error_links(page)
    _assert_links_reach_fields(page)
    assert not Case.objects.exists()


def test_an_error_in_a_checkbox_group_links_to_the_group(client, alice):
    client.force_login(alice)
    response = client.post(CREATE, case_form_data(organisations=[]))

    assert response.status_code == 400
    _assert_links_reach_fields(soup(response))


def test_an_obstacle_needs_a_dimension_and_a_dimension_needs_an_obstacle(client, alice, alfa):
    client.force_login(alice)
    data = case_form_data(
        organisations=[alfa],
        obstacles=[("", "Zonder dimensie", ""), ("juridisch", "", "Alleen een oplossing")],
    )

    page = soup(client.post(CREATE, data))

    assert {"id_obstakel-0-dimension", "id_obstakel-1-obstacle"} <= set(error_links(page))
    _assert_links_reach_fields(page)


def test_nothing_typed_is_lost_when_the_form_has_errors(client, r_ladder, alice, alfa):
    client.force_login(alice)
    data = case_form_data(
        organisations=[alfa],
        title="",
        summary="Mijn zorgvuldig geschreven samenvatting",
        context="## Aanleiding\n\nDe raad wilde minder kopen.",
        year="2022",
        sector="ict",
        tag_names="laptops, refurbished",
        strategies=[(4, "Laptops gerepareerd"), (4, "Dubbel")],
        obstacles=[("technologisch", "Onderdelen schaars", "Tweedehands onderdelen")],
        lessons=["Eerste les", "Tweede les"],
    )

    page = soup(client.post(CREATE, data))

    def value(selector):
        element = page.select_one(selector)
        if element.name == "textarea":
            return element.get_text().strip()
        if element.name == "select":
            selected = element.select_one("option[selected]")
            return selected["value"] if selected else ""
        return element.get("value", "")

    assert value("#id_summary") == "Mijn zorgvuldig geschreven samenvatting"
    assert value("#id_context") == "## Aanleiding\n\nDe raad wilde minder kopen."
    assert value("#id_year") == "2022"
    assert value("#id_sector") == "ict"
    assert value("#id_tag_names") == "laptops, refurbished"
    assert page.select_one(f"input[name=organisations][value='{alfa.pk}']").has_attr("checked")
    assert value("#id_strategie-0-r_level") == "4"
    assert value("#id_strategie-0-explanation") == "Laptops gerepareerd"
    assert value("#id_strategie-1-explanation") == "Dubbel"
    assert value("#id_obstakel-0-dimension") == "technologisch"
    assert value("#id_obstakel-0-obstacle") == "Onderdelen schaars"
    assert value("#id_obstakel-0-solution") == "Tweedehands onderdelen"
    assert value("#id_les-0-text") == "Eerste les"
    assert value("#id_les-1-text") == "Tweede les"


# --- edit -----------------------------------------------------------------------------


@pytest.fixture
def draft(r_ladder, alice, alfa, groene_hart):
    return CaseFactory(
        author=alice,
        organisations=[alfa],
        region=groene_hart,
        title="Stoelen",
        strategies=[(3, "Hergebruikt")],
        obstacles=[("juridisch", "Garantie", "Afspraak")],
        lessons=["Begin klein"],
    )


def test_the_author_gets_the_edit_form_with_the_current_parts(client, alice, draft):
    client.force_login(alice)
    response = client.get(_edit(draft))

    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("#id_title")["value"] == "Stoelen"
    assert page.select_one("#id_strategie-0-r_level option[selected]")["value"] == "3"
    assert page.select_one("#id_strategie-0-explanation").get_text().strip() == "Hergebruikt"
    assert page.select_one("#id_obstakel-0-obstacle").get_text().strip() == "Garantie"
    assert page.select_one("#id_les-0-text").get_text().strip() == "Begin klein"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("bob", 404), ("charlie", 404), ("outsider", 404), ("dora", 403), ("staff", 200)],
)
def test_who_may_open_the_edit_form_of_a_draft(client, request, draft, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_edit(draft)).status_code == status


def test_anonymous_visitors_are_sent_to_log_in_before_editing(client, draft):
    response = client.get(_edit(draft))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


@pytest.mark.parametrize("state", ["published", "submitted"])
def test_a_writer_edits_drafts_not_the_cases_of_others_in_review_or_published(
    client, r_ladder, alice, alfa, groene_hart, state
):
    # A published case is edited by its author and the region's coordinators
    # (tests/cases/test_views_review_queue.py); a submitted one waits for its review.
    colleague = factories.UserFactory(full_name="Carla Collega")
    factories.MembershipFactory(user=colleague, organisation=alfa, role=Membership.Role.INKOPER)
    case = CaseFactory(author=colleague, organisations=[alfa], region=groene_hart, **{state: True})
    client.force_login(alice)
    assert client.get(_edit(case)).status_code == 403
    assert client.post(_edit(case), case_form_data(organisations=[alfa])).status_code == 403


def test_an_edit_replaces_the_parts_and_records_the_editor(client, alice, alfa, draft):
    colleague = factories.UserFactory(full_name="Carla Collega")
    factories.MembershipFactory(user=colleague, organisation=alfa, role=Membership.Role.INKOPER)
    client.force_login(colleague)
    data = case_form_data(
        organisations=[alfa],
        title="Stoelen en bureaus",
        strategies=[(5, "Bureaus opgeknapt")],
        lessons=["Nieuwe les"],
    )

    response = client.post(_edit(draft), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Stoelen en bureaus"
    assert draft.author == alice  # a colleague's edit does not change the author
    assert draft.status == Case.Status.CONCEPT
    assert [(s.r_level_id, s.explanation) for s in draft.strategies.all()] == [
        (5, "Bureaus opgeknapt")
    ]
    assert not draft.obstacles.exists()
    assert list(draft.lessons.values_list("text", flat=True)) == ["Nieuwe les"]
    assert draft.history.first().history_user == colleague


def test_editing_keeps_the_other_organisations_of_a_shared_case(client, alice, alfa, beta, draft):
    # A case written together with Gemeente Beta: alice can only tick her own organisation,
    # so her browser sends only Alfa. Saving must not drop Beta from the case.
    draft.organisations.add(beta)
    client.force_login(alice)

    response = client.post(_edit(draft), case_form_data(organisations=[alfa], title="Stoelen"))

    assert response.status_code == 302
    assert set(draft.organisations.all()) == {alfa, beta}


def test_an_invalid_edit_changes_nothing(client, alice, alfa, draft):
    client.force_login(alice)
    response = client.post(_edit(draft), case_form_data(organisations=[alfa], title=""))

    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.title == "Stoelen"
    assert draft.strategies.count() == 1
    assert draft.history.count() == 1
