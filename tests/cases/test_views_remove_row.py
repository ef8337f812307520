"""Removing rows from the repeating parts of the case form (issue 12): a "remove" submit
button per row sends the form back as typed without that row (the rows after it move up),
saving and checking nothing; it works without JavaScript, and htmx posts the same button
(tests/browser/test_case_form_rows.py)."""

import pytest

from cases.models import Case
from tests.cases.factories import CaseFactory
from tests.cases.html import soup
from tests.cases.posts import case_form_data

CREATE = "/praktijkvoorbeelden/nieuw/"


def _lessons(page) -> list[str]:
    return [
        area.get_text().strip() for area in page.select("textarea[name^='les-'][name$='-text']")
    ]


def test_removing_a_lesson_moves_the_next_ones_up_and_saves_nothing(client, alice, alfa):
    client.force_login(alice)
    data = case_form_data(organisations=[alfa], title="", lessons=["Een", "Twee", "Drie"])
    data["rij_verwijderen"] = "les-1"

    response = client.post(CREATE, data)

    assert response.status_code == 200
    page = soup(response)
    assert _lessons(page) == ["Een", "Drie"]
    assert page.select_one("input[name='les-TOTAL_FORMS']")["value"] == "2"
    status = page.select_one("[data-testid=row-removed]")
    assert status["role"] == "status"
    assert status.has_attr("autofocus")
    assert status.find_parent("fieldset")["id"] == "rijen-les"
    assert page.select_one("[data-testid=error-summary]") is None
    assert page.select("[aria-invalid]") == []
    assert page.select_one("#id_summary").get_text().strip().startswith("De gemeente")
    assert Case.objects.count() == 0


def test_every_row_has_its_remove_button(client, alice):
    client.force_login(alice)
    page = soup(client.get(CREATE))
    for prefix, rows in (("strategie", 3), ("obstakel", 4), ("les", 3)):
        buttons = page.select(f"[data-testid=row-{prefix}] button[name=rij_verwijderen]")
        assert [button["value"] for button in buttons] == [f"{prefix}-{n}" for n in range(rows)]
        for button in buttons:
            assert button["type"] == "submit"
            assert button["formaction"] == f"#rijen-{prefix}"
            # htmx posts the same button and swaps in only this part of the answer.
            assert button["hx-post"] == CREATE
            assert button["hx-select"] == button["hx-target"] == f"#rijen-{prefix}"
        # Each button names its row, so the buttons of a part are told apart.
        names = [button.get_text(" ", strip=True) for button in buttons]
        assert len(set(names)) == rows
        assert all(str(n + 1) in name for n, name in enumerate(names))


def test_removing_a_strategy_keeps_the_next_rows_boxes_as_they_were(client, r_ladder, alice, alfa):
    client.force_login(alice)
    data = case_form_data(
        organisations=[alfa],
        strategies=[(r_ladder[0].pk, "Niet gekocht"), (r_ladder[1].pk, "Gedeeld")],
    )
    del data["strategie-1-applied"]  # the second strategy was considered, not applied
    data["rij_verwijderen"] = "strategie-0"

    page = soup(client.post(CREATE, data))

    rows = page.select("[data-testid=row-strategie]")
    assert len(rows) == 2
    assert rows[0].select_one("select option[selected]")["value"] == str(r_ladder[1].pk)
    assert rows[0].select_one("textarea").get_text().strip() == "Gedeeld"
    assert not rows[0].select_one("input[type=checkbox]").has_attr("checked")


def test_a_part_can_be_emptied_and_the_case_saves_without_it(client, r_ladder, alice, alfa):
    client.force_login(alice)
    data = case_form_data(organisations=[alfa], lessons=["Een"])
    data.update({"les-TOTAL_FORMS": "1", "rij_verwijderen": "les-0"})

    page = soup(client.post(CREATE, data))
    assert _lessons(page) == []
    assert page.select_one("[data-testid=add-row-les] button") is not None

    data = case_form_data(organisations=[alfa])
    data["les-TOTAL_FORMS"] = "0"
    assert client.post(CREATE, data).status_code == 302
    assert not Case.objects.get().lessons.exists()


def test_an_editor_removes_a_lesson_of_a_case_and_saving_drops_it(
    client, r_ladder, alice, alfa, groene_hart
):
    draft = CaseFactory(
        author=alice, organisations=[alfa], region=groene_hart, lessons=["Een", "Twee", "Drie"]
    )
    client.force_login(alice)
    url = f"/praktijkvoorbeelden/{draft.slug}/bewerken/"
    data = case_form_data(organisations=[alfa], lessons=["Een", "Twee", "Drie"])
    data["rij_verwijderen"] = "les-1"

    page = soup(client.post(url, data))
    assert _lessons(page) == ["Een", "Drie"]
    assert list(draft.lessons.values_list("text", flat=True)) == ["Een", "Twee", "Drie"]

    # Saving the form as it came back (without the button) keeps the two rows left.
    kept = case_form_data(organisations=[alfa], lessons=["Een", "Drie"])
    kept["les-TOTAL_FORMS"] = page.select_one("input[name='les-TOTAL_FORMS']")["value"]
    assert client.post(url, kept).status_code == 302
    assert list(draft.lessons.values_list("text", flat=True)) == ["Een", "Drie"]


@pytest.mark.parametrize("value", ["les-3", "les-99", "les--1", "les-x", "zoveel-0", "", "les-١"])
def test_a_remove_button_naming_no_row_changes_and_saves_nothing(client, alice, alfa, value):
    client.force_login(alice)
    data = case_form_data(organisations=[alfa], lessons=["Een", "Twee", "Drie"])
    data["rij_verwijderen"] = value

    response = client.post(CREATE, data)

    assert response.status_code == 200
    assert _lessons(soup(response)) == ["Een", "Twee", "Drie"]
    assert soup(response).select_one("[data-testid=row-removed]") is None
    assert Case.objects.count() == 0


def test_an_added_row_takes_the_focus(client, alice, alfa):
    client.force_login(alice)
    data = {**case_form_data(organisations=[alfa]), "rij_toevoegen": "obstakel"}
    page = soup(client.post(CREATE, data))
    focused = page.select("[autofocus]")
    assert [element["name"] for element in focused] == ["obstakel-4-dimension"]


def test_who_may_not_write_removes_no_row_either(client, dora, alfa):
    client.force_login(dora)
    data = {**case_form_data(organisations=[alfa], lessons=["Een"]), "rij_verwijderen": "les-0"}
    assert client.post(CREATE, data).status_code == 403
    client.logout()
    assert client.post(CREATE, data).status_code == 302  # to the login page
