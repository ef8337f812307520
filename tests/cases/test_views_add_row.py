"""Adding rows to the repeating parts of the case form (issue 12): an "add a row" submit
button per part (R-strategies, obstacles, lessons) sends the form back as typed with one
more empty row, saving and checking nothing; it works without JavaScript."""

import pytest

from cases.models import Case
from tests.cases.factories import CaseFactory
from tests.cases.html import soup
from tests.cases.posts import case_form_data

CREATE = "/praktijkvoorbeelden/nieuw/"


def _lessons(page) -> list[str]:
    return [area.get_text() for area in page.select("textarea[name^='les-'][name$='-text']")]


def test_adding_a_lesson_row_keeps_what_was_typed_and_saves_nothing(client, alice, alfa):
    client.force_login(alice)
    data = case_form_data(
        organisations=[alfa], title="", lessons=["Begin klein", "Meet", "Deel het"]
    )
    data["rij_toevoegen"] = "les"

    response = client.post(CREATE, data)

    assert response.status_code == 200
    page = soup(response)
    assert [text.strip() for text in _lessons(page)] == ["Begin klein", "Meet", "Deel het", ""]
    assert page.select_one("input[name='les-TOTAL_FORMS']")["value"] == "4"
    assert page.select_one("[data-testid=row-added]") is not None
    # The empty title is not named as an error: nothing was checked.
    assert page.select_one("[data-testid=error-summary]") is None
    assert page.select("[aria-invalid]") == []
    assert page.select_one("input[name='summary'], textarea[name='summary']") is not None
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("prefix", "before", "field"),
    [("strategie", 3, "r_level"), ("obstakel", 4, "dimension"), ("les", 3, "text")],
)
def test_each_part_gets_one_more_row(client, alice, alfa, prefix, before, field):
    client.force_login(alice)
    data = {**case_form_data(organisations=[alfa]), "rij_toevoegen": prefix}
    page = soup(client.post(CREATE, data))
    assert len(page.select(f"[name^='{prefix}-'][name$='-{field}']")) == before + 1
    button = page.select_one(f"[data-testid=add-row-{prefix}] button")
    assert button["name"] == "rij_toevoegen"
    assert button["value"] == prefix
    assert button["type"] == "submit"


def test_a_form_with_an_added_row_saves_every_row(client, r_ladder, alice, alfa):
    client.force_login(alice)
    lessons = ["Een", "Twee", "Drie", "Vier"]
    data = case_form_data(organisations=[alfa], lessons=lessons)
    assert data["les-TOTAL_FORMS"] == "4"  # the fourth row the button added

    assert client.post(CREATE, data).status_code == 302
    assert list(Case.objects.get().lessons.values_list("text", flat=True)) == lessons


def test_a_part_stops_growing_at_its_maximum(client, alice, alfa):
    client.force_login(alice)
    data = case_form_data(organisations=[alfa])
    data.update({"les-TOTAL_FORMS": "20", "rij_toevoegen": "les"})
    page = soup(client.post(CREATE, data))
    assert len(_lessons(page)) == 20
    part = page.select_one("[data-testid=add-row-les]")
    assert part.select_one("button") is None


@pytest.mark.parametrize("total", ["abc", "-5", ""])
def test_a_broken_row_count_is_no_error(client, alice, alfa, total):
    client.force_login(alice)
    data = {**case_form_data(organisations=[alfa]), "les-TOTAL_FORMS": total}
    data["rij_toevoegen"] = "les"
    assert client.post(CREATE, data).status_code == 200


def test_enter_in_a_text_box_saves_rather_than_adding_a_row(client, alice):
    """The form's first submit button (the one Enter presses) is the save button."""
    client.force_login(alice)
    form = soup(client.get(CREATE)).select_one("[data-testid=case-form]")
    first = form.select_one("button[type=submit]")
    assert first.get("name") is None


def test_an_editor_adds_a_row_to_a_draft_and_the_draft_is_unchanged(
    client, r_ladder, alice, alfa, groene_hart
):
    draft = CaseFactory(author=alice, organisations=[alfa], region=groene_hart, lessons=["Een"])
    client.force_login(alice)
    url = f"/praktijkvoorbeelden/{draft.slug}/bewerken/"
    data = {**case_form_data(organisations=[alfa], lessons=["Anders"]), "rij_toevoegen": "les"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert [text.strip() for text in _lessons(soup(response))][:1] == ["Anders"]
    assert list(draft.lessons.values_list("text", flat=True)) == ["Een"]


def test_who_may_not_write_gets_no_row_either(client, dora, alfa):
    client.force_login(dora)
    data = {**case_form_data(organisations=[alfa]), "rij_toevoegen": "les"}
    assert client.post(CREATE, data).status_code == 403
    client.logout()
    assert client.post(CREATE, data).status_code == 302  # to the login page
