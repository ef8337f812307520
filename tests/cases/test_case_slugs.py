"""A case's address follows its title: a renamed case gets a new slug and its old
address redirects permanently, only for readers who may see the case."""

import pytest

from cases import services
from cases.models import Case, CaseSlug
from tests.cases.factories import CaseFactory
from tests.cases.posts import case_form_data


def _page(slug):
    return f"/praktijkvoorbeelden/{slug}/"


@pytest.fixture
def draft(alice, alfa, groene_hart):
    return CaseFactory(
        author=alice, organisations=[alfa], region=groene_hart, title="Stoelen", slug="stoelen"
    )


def _rename(client, alice, alfa, case, title):
    client.force_login(alice)
    response = client.post(
        f"/praktijkvoorbeelden/{case.slug}/bewerken/",
        case_form_data(organisations=[alfa], title=title),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    return response


def test_a_renamed_case_lives_at_the_address_of_its_new_title(client, alice, alfa, draft):
    response = _rename(client, alice, alfa, draft, "Stoelen en bureaus")

    assert draft.slug == "stoelen-en-bureaus"
    assert response["Location"] == _page("stoelen-en-bureaus")
    assert client.get(_page("stoelen-en-bureaus")).status_code == 200


def test_the_old_address_redirects_permanently_to_the_new_one(client, alice, alfa, draft):
    _rename(client, alice, alfa, draft, "Stoelen en bureaus")

    response = client.get(_page("stoelen"))

    assert response.status_code == 301
    assert response["Location"] == _page("stoelen-en-bureaus")


def test_after_two_renames_both_old_addresses_lead_to_the_case(client, alice, alfa, draft):
    _rename(client, alice, alfa, draft, "Stoelen en bureaus")
    _rename(client, alice, alfa, draft, "Kantoormeubilair")

    for old in ("stoelen", "stoelen-en-bureaus"):
        response = client.get(_page(old))
        assert response.status_code == 301
        assert response["Location"] == _page("kantoormeubilair")


def test_renamed_back_it_takes_its_first_address_again(client, alice, alfa, draft):
    _rename(client, alice, alfa, draft, "Stoelen en bureaus")
    _rename(client, alice, alfa, draft, "Stoelen")

    assert draft.slug == "stoelen"
    assert list(CaseSlug.objects.filter(case=draft).values_list("slug", flat=True)) == [
        "stoelen-en-bureaus"
    ]
    assert client.get(_page("stoelen")).status_code == 200


def test_an_edit_that_keeps_the_title_keeps_the_address(client, alice, alfa, draft):
    _rename(client, alice, alfa, draft, "Stoelen")
    assert draft.slug == "stoelen"
    assert not CaseSlug.objects.exists()


def test_an_old_address_is_never_given_to_another_case(client, alice, alfa, draft):
    _rename(client, alice, alfa, draft, "Stoelen en bureaus")

    other = services.case_create(
        actor=alice,
        content=services.CaseContent(
            fields={"title": "Stoelen", "summary": "x"}, organisations=[alfa]
        ),
    )

    assert other.slug != "stoelen"
    assert other.slug.startswith("stoelen-")
    response = client.get(_page("stoelen"))
    assert response["Location"] == _page("stoelen-en-bureaus")


@pytest.mark.parametrize("persona", ["bob", "charlie"])
def test_others_do_not_learn_where_a_draft_moved(client, request, alice, alfa, draft, persona):
    _rename(client, alice, alfa, draft, "Stoelen en bureaus")
    client.force_login(request.getfixturevalue(persona))

    assert client.get(_page("stoelen")).status_code == 404


def test_anonymous_visitors_follow_the_old_address_of_a_public_case(client, alice, alfa, draft):
    _rename(client, alice, alfa, draft, "Stoelen en bureaus")
    Case.objects.filter(pk=draft.pk).update(
        status="gepubliceerd", visibility="openbaar", published_at=draft.created_at
    )
    client.logout()

    response = client.get(_page("stoelen"))

    assert response.status_code == 301
    assert response["Location"] == _page("stoelen-en-bureaus")


def test_an_unknown_address_is_still_not_found(client, alice):
    client.force_login(alice)
    assert client.get(_page("bestaat-niet")).status_code == 404
