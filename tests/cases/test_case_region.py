"""A case's region is the region of one of its organisations (R5), so it is reviewed by
the coordinators of the right region: a Gemeente Alfa case cannot be filed under Regio
Zwolle. The form offers only the regions and organisations where the writer is an
active inkoper or coordinator (staff: all)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from cases.models import Case
from community.models import Membership, Organisation, Region
from tests import factories
from tests.cases.factories import CaseFactory
from tests.cases.html import error_links, soup
from tests.cases.posts import case_form_data

CREATE = "/praktijkvoorbeelden/nieuw/"


def _edit(case):
    return f"/praktijkvoorbeelden/{case.slug}/bewerken/"


def _submit(case):
    return f"/praktijkvoorbeelden/{case.slug}/indienen/"


def _offered(response):
    """(organisation ids, region ids) the case form offers; the empty region left out."""
    page = soup(response)
    organisations = {int(i["value"]) for i in page.select("input[name=organisations]")}
    regions = {int(o["value"]) for o in page.select("select[name=region] option") if o["value"]}
    return organisations, regions


# --- what the form offers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "organisation", "region"),
    [
        ("alice", "alfa", "groene_hart"),  # inkoper
        ("bob", "beta", "groene_hart"),  # coordinator
        ("charlie", "charlie_org", "zwolle"),
        # Her Alfa membership ended: only Gemeente Charlie, only Regio Zwolle.
        ("former", "charlie_org", "zwolle"),
    ],
)
def test_the_form_offers_only_the_writers_own_organisations_and_regions(
    client, request, persona, organisation, region, zwolle, groene_hart, alfa, beta, charlie_org
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(CREATE)

    assert response.status_code == 200
    assert _offered(response) == (
        {request.getfixturevalue(organisation).pk},
        {request.getfixturevalue(region).pk},
    )


def test_a_bestuurder_membership_adds_no_organisation_or_region_to_the_form(
    client, alfa, charlie_org, groene_hart
):
    """Inkoper in Alfa and bestuurder in Charlie: she writes only for Alfa."""
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=alfa, role=Membership.Role.INKOPER)
    factories.MembershipFactory(
        user=user, organisation=charlie_org, role=Membership.Role.BESTUURDER
    )
    client.force_login(user)

    assert _offered(client.get(CREATE)) == ({alfa.pk}, {groene_hart.pk})


def test_a_suspended_coordinator_membership_offers_nothing_of_its_organisation(
    client, alice, charlie_org
):
    membership = factories.MembershipFactory(
        user=alice,
        organisation=charlie_org,
        role=Membership.Role.COORDINATOR,
        suspended_at=timezone.now(),
    )
    client.force_login(alice)

    organisations, regions = _offered(client.get(CREATE))

    assert membership.organisation_id not in organisations
    assert charlie_org.region_id not in regions


def test_staff_are_offered_every_organisation_and_region(
    client, staff_mfa, alfa, beta, charlie_org
):
    client.force_login(staff_mfa)

    assert _offered(client.get(CREATE)) == (
        set(Organisation.objects.values_list("pk", flat=True)),
        set(Region.objects.values_list("pk", flat=True)),
    )


@pytest.mark.parametrize("persona", ["dora", "suspended"])
def test_who_does_not_write_gets_no_form(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(CREATE).status_code == 403


# --- what a POST may file ----------------------------------------------------------------


def _assert_region_refused(response):
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("[data-testid=case-form]") is not None, "the form is shown again"
    assert "id_region" in error_links(page)


def test_an_alfa_case_cannot_be_filed_under_regio_zwolle(client, alice, alfa, zwolle):
    client.force_login(alice)

    response = client.post(CREATE, case_form_data(organisations=[alfa], region=zwolle.pk))

    _assert_region_refused(response)
    assert not Case.objects.exists()


def test_not_even_staff_file_an_alfa_case_under_regio_zwolle(client, staff_mfa, alfa, zwolle):
    """Staff may choose any region, but it must still be one of the case's organisations."""
    client.force_login(staff_mfa)

    response = client.post(CREATE, case_form_data(organisations=[alfa], region=zwolle.pk))

    _assert_region_refused(response)
    assert not Case.objects.exists()


def test_a_shared_case_may_be_filed_under_either_organisations_region(
    client, staff_mfa, alfa, charlie_org, zwolle
):
    client.force_login(staff_mfa)

    response = client.post(
        CREATE, case_form_data(organisations=[alfa, charlie_org], region=zwolle.pk)
    )

    assert response.status_code == 302
    assert Case.objects.get().region == zwolle


def test_without_a_region_the_case_gets_its_organisations_region(client, alice, alfa, groene_hart):
    client.force_login(alice)

    response = client.post(CREATE, case_form_data(organisations=[alfa], region=""))

    assert response.status_code == 302
    assert Case.objects.get().region == groene_hart


def test_an_edit_cannot_move_a_draft_to_another_region(client, alice, alfa, groene_hart, zwolle):
    draft = CaseFactory(author=alice, organisations=[alfa], region=groene_hart)
    client.force_login(alice)

    response = client.post(_edit(draft), case_form_data(organisations=[alfa], region=zwolle.pk))

    _assert_region_refused(response)
    draft.refresh_from_db()
    assert draft.region == groene_hart


def test_the_service_refuses_a_region_of_none_of_the_organisations(alice, alfa, zwolle):
    """The rule holds below the form too (the admin, imports, later API)."""
    content = services.CaseContent(
        fields={"title": "Stoelen", "summary": "Opgeknapt.", "region": zwolle},
        organisations=[alfa],
    )

    with pytest.raises(ValidationError) as error:
        services.case_create(actor=alice, content=content)

    assert "region" in error.value.message_dict
    assert not Case.objects.exists()


# --- who reviews it ----------------------------------------------------------------------


def test_a_submitted_alfa_case_goes_to_the_groene_hart_coordinators(
    client, alice, bob, zwolle_coordinator, alfa, groene_hart
):
    client.force_login(alice)
    response = client.post(CREATE, case_form_data(organisations=[alfa], title="Stoelen"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.region == groene_hart

    assert client.post(_submit(case)).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.INGEDIEND

    client.force_login(bob)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert case.get_absolute_url().encode() in client.get("/praktijkvoorbeelden/").content

    client.force_login(zwolle_coordinator)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert case.get_absolute_url().encode() not in client.get("/praktijkvoorbeelden/").content


def test_a_shared_case_filed_under_zwolle_goes_to_the_zwolle_coordinator(
    client, bob, zwolle_coordinator, alfa, charlie_org, zwolle
):
    case = CaseFactory(submitted=True, organisations=[alfa, charlie_org], region=zwolle)

    client.force_login(zwolle_coordinator)
    assert client.get(case.get_absolute_url()).status_code == 200
    client.force_login(bob)  # Groene Hart coordinator, not a member of Alfa or Charlie
    assert client.get(case.get_absolute_url()).status_code == 404
