"""Issue 12, what users expected in the case library: the coordinators' review queue,
the mail to them on submit, no publishing one's own case where a colleague can,
editing and withdrawing a published case, and contacting its author."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case
from community.models import Membership
from tests import factories
from tests.cases.factories import CaseFactory
from tests.cases.html import error_links, soup
from tests.cases.posts import case_form_data

QUEUE = "/praktijkvoorbeelden/beoordelen/"
CHECKLIST = {
    "visibility": Case.Visibility.COMMUNITY,
    "no_contract_values": "on",
    "no_running_tender_suppliers": "on",
    "no_personal_data": "on",
}


def _url(case, action=""):
    return f"/praktijkvoorbeelden/{case.slug}/{action}"


@pytest.fixture
def bob(bob):
    """The coordinator with two-factor authentication, which reviewing needs."""
    return factories.give_totp(bob)


@pytest.fixture
def colleague(alfa):
    """A second Groene Hart coordinator (of Gemeente Alfa)."""
    user = factories.UserFactory(email="cees@alfa.example", full_name="Cees Coördinator")
    factories.MembershipFactory(user=user, organisation=alfa, role=Membership.Role.COORDINATOR)
    return factories.give_totp(user)


def _submitted(author, organisation, region, days_ago, **kwargs):
    return CaseFactory(
        submitted=True,
        author=author,
        organisations=[organisation],
        region=region,
        submitted_at=timezone.now() - timedelta(days=days_ago),
        **kwargs,
    )


@pytest.fixture
def post(client, django_capture_on_commit_callbacks, celery_eager):
    """POST as a persona, running the on-commit callbacks (and the mails they queue)."""

    def post(user, url, data=None):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return post


# --- the review queue ------------------------------------------------------------------


def test_the_queue_lists_the_regions_submitted_cases_oldest_first(
    client, bob, alice, alfa, groene_hart, charlie, charlie_org, zwolle
):
    newer = _submitted(alice, alfa, groene_hart, 1, slug="nieuwer")
    older = _submitted(alice, alfa, groene_hart, 5, slug="ouder")
    _submitted(charlie, charlie_org, zwolle, 9, slug="zwolle")  # another region
    CaseFactory(author=alice, organisations=[alfa], region=groene_hart, slug="concept")
    client.force_login(bob)

    page = soup(client.get(QUEUE))

    rows = page.select("[data-testid=review-queue] tbody tr")
    assert [row["data-case"] for row in rows] == [older.slug, newer.slug]
    first = rows[0]
    assert first.select_one("th a")["href"] == older.get_absolute_url()
    assert first.select_one("[data-testid=author]").get_text() == alice.full_name
    assert page.select_one("[data-testid=review-queue] caption") is not None
    assert [a["href"] for a in page.select("nav a") if a["href"] == QUEUE] == [QUEUE]


def test_staff_see_every_region_in_the_queue(client, staff, alice, alfa, groene_hart, zwolle):
    charlie_org = factories.OrganisationFactory(region=zwolle)
    _submitted(alice, alfa, groene_hart, 2, slug="gh")
    _submitted(None, charlie_org, zwolle, 3, slug="zw")
    client.force_login(factories.give_totp(staff))

    rows = soup(client.get(QUEUE)).select("[data-testid=review-queue] tbody tr")

    assert [row["data-case"] for row in rows] == ["zw", "gh"]


def test_the_queue_is_for_coordinators_only(client, alice, dora):
    for user in (alice, dora):
        client.force_login(user)
        assert client.get(QUEUE).status_code == 403
    client.logout()
    assert client.get(QUEUE).status_code == 302  # to the login
    assert "beoordelen" not in [a["href"] for a in soup(client.get("/")).select("nav a")]


def test_a_post_to_the_queue_is_refused(client, bob):
    client.force_login(bob)
    assert client.post(QUEUE).status_code == 405


def test_an_empty_queue_says_so(client, bob):
    client.force_login(bob)
    page = soup(client.get(QUEUE))
    assert page.select_one("[data-testid=review-queue]") is None
    assert page.select_one(".portal-empty-state, [data-testid=empty-state]") is not None


def test_the_queue_reads_a_constant_number_of_queries(
    client, bob, alice, alfa, beta, groene_hart, django_assert_max_num_queries
):
    for day in range(3):
        _submitted(alice, alfa, groene_hart, day)
    client.force_login(bob)
    client.get(QUEUE)  # sessions and memberships warmed up
    with django_assert_max_num_queries(12) as few:
        client.get(QUEUE)
    for day in range(3, 12):
        _submitted(alice, beta, groene_hart, day)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(QUEUE)
    assert len(soup(response).select("[data-testid=review-queue] tbody tr")) == 12


def test_the_start_page_counts_what_awaits_the_coordinator(client, bob, alice, alfa, groene_hart):
    _submitted(alice, alfa, groene_hart, 1)
    _submitted(alice, alfa, groene_hart, 2)
    client.force_login(bob)

    summary = soup(client.get("/")).select_one("[data-testid=review-summary]")

    assert summary["data-count"] == "2"
    assert summary.select_one("a")["href"] == QUEUE
    client.force_login(alice)
    assert soup(client.get("/")).select_one("[data-testid=review-summary]") is None


# --- the mail to the coordinators on submit --------------------------------------------


def test_submitting_mails_the_regions_coordinators(post, alice, bob, alfa, groene_hart, mailoutbox):
    factories.UserFactory(email="ex@beta.example")  # no membership: not told
    draft = CaseFactory(author=alice, organisations=[alfa], region=groene_hart, title="Stoelen")

    post(alice, _url(draft, "indienen/"))

    to_coordinators = [m for m in mailoutbox if m.to == [bob.email]]
    assert len(to_coordinators) == 1
    assert QUEUE in to_coordinators[0].body
    assert draft.get_absolute_url() in to_coordinators[0].body
    assert sorted(m.to[0] for m in mailoutbox) == sorted([alice.email, bob.email])


def test_the_coordinators_mail_waits_for_the_commit(
    client, alice, bob, alfa, groene_hart, mailoutbox, django_capture_on_commit_callbacks
):
    draft = CaseFactory(author=alice, organisations=[alfa], region=groene_hart)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(_url(draft, "indienen/"))
    assert mailoutbox == []
    assert len(callbacks) >= 2  # the author's mail and the coordinators' mail, queued


# --- a coordinator's own case ----------------------------------------------------------


def test_a_coordinator_does_not_publish_their_own_case_when_a_colleague_can(
    client, bob, colleague, beta, groene_hart
):
    own = _submitted(bob, beta, groene_hart, 1, slug="eigen")
    client.force_login(bob)

    page = soup(client.get(_url(own)))

    assert page.select_one("[data-testid=publish-form]") is None
    assert page.select_one("[data-testid=own-case-note]") is not None
    assert client.post(_url(own, "publiceren/"), CHECKLIST).status_code == 403
    assert "eigen" not in [
        row["data-case"] for row in soup(client.get(QUEUE)).select("tbody tr[data-case]")
    ]
    client.force_login(colleague)
    assert client.post(_url(own, "publiceren/"), CHECKLIST).status_code == 302
    own.refresh_from_db()
    assert own.status == Case.Status.GEPUBLICEERD


def test_the_only_coordinator_of_a_region_publishes_their_own_case(client, bob, beta, groene_hart):
    own = _submitted(bob, beta, groene_hart, 1)
    client.force_login(bob)

    page = soup(client.get(_url(own)))

    assert page.select_one("[data-testid=publish-form]") is not None
    assert page.select_one("[data-testid=own-case-note]") is None
    assert client.post(_url(own, "publiceren/"), CHECKLIST).status_code == 302


# --- editing a published case ----------------------------------------------------------


@pytest.fixture
def published(alice, alfa, groene_hart):
    return CaseFactory(
        published=True, author=alice, organisations=[alfa], region=groene_hart, title="Stoelen"
    )


@pytest.mark.parametrize("editor", ["alice", "bob"])
def test_the_author_and_the_coordinator_edit_a_published_case(
    client, request, published, alfa, editor
):
    user = request.getfixturevalue(editor)
    client.force_login(user)
    assert client.get(_url(published, "bewerken/")).status_code == 200

    data = case_form_data(organisations=[alfa], title="Stoelen hergebruikt")
    response = client.post(_url(published, "bewerken/"), data)

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == Case.Status.GEPUBLICEERD
    assert published.title == "Stoelen hergebruikt"
    assert published.history.first().history_user == user
    assert list(published.organisations.all()) == [alfa]


def test_an_edit_of_a_published_case_is_checked_as_a_draft_and_keeps_the_input(
    client, alice, alfa, published
):
    client.force_login(alice)
    data = case_form_data(organisations=[alfa], title="", summary="Mijn nieuwe samenvatting")

    response = client.post(_url(published, "bewerken/"), data)

    assert response.status_code == 400
    page = soup(response)
    assert "id_title" in error_links(page)
    assert page.select_one("#id_summary").get_text().strip() == "Mijn nieuwe samenvatting"
    published.refresh_from_db()
    assert published.title == "Stoelen"


def test_others_do_not_edit_a_published_case(client, dora, charlie, published, alfa):
    data = case_form_data(organisations=[alfa], title="Anders")
    client.force_login(dora)  # bestuurder of Alfa: reads, does not write
    assert client.post(_url(published, "bewerken/"), data).status_code == 403
    client.force_login(charlie)  # inkoper elsewhere
    assert client.post(_url(published, "bewerken/"), data).status_code == 403


def test_an_author_who_left_does_not_edit_their_published_case(client, alice, published, alfa):
    Membership.objects.filter(user=alice).update(ended_at=timezone.now() - timedelta(days=1))
    factories.MembershipFactory(user=alice, role=Membership.Role.INKOPER)  # elsewhere now
    client.force_login(alice)
    data = case_form_data(organisations=[alfa], title="Anders")
    assert client.post(_url(published, "bewerken/"), data).status_code == 403


# --- withdrawing a published case ------------------------------------------------------


def test_the_coordinator_withdraws_with_a_reason_and_the_author_hears_why(
    post, client, bob, alice, published, mailoutbox
):
    response = post(bob, _url(published, "terugtrekken/"), {"reason": "Er staan bedragen in."})

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == Case.Status.CONCEPT
    assert published.withdrawal_reason == "Er staan bedragen in."
    assert published.history.first().history_user == bob
    (message,) = mailoutbox
    assert message.to == [alice.email]
    assert "Er staan bedragen in." in message.body
    client.force_login(alice)
    page = soup(client.get(_url(published)))
    assert page.select_one("[data-testid=withdrawal-reason]") is not None
    assert page.select_one("[data-testid=submit-form]") is not None


def test_the_author_withdraws_without_a_mail_to_themselves(post, alice, published, mailoutbox):
    response = post(alice, _url(published, "terugtrekken/"), {"reason": "Verouderd."})

    assert response.status_code == 302
    assert response["Location"] == published.get_absolute_url()
    assert mailoutbox == []


def test_withdrawing_needs_a_reason(client, alice, published):
    client.force_login(alice)

    response = client.post(_url(published, "terugtrekken/"), {"reason": "   "})

    assert response.status_code == 400
    assert error_links(soup(response)) == ["id_reason"]
    published.refresh_from_db()
    assert published.status == Case.Status.GEPUBLICEERD


def test_a_get_on_withdraw_is_refused(client, alice, published):
    client.force_login(alice)
    assert client.get(_url(published, "terugtrekken/")).status_code == 405


def test_others_do_not_withdraw(client, dora, charlie, published):
    for user in (dora, charlie):
        client.force_login(user)
        assert client.post(_url(published, "terugtrekken/"), {"reason": "x"}).status_code == 403


# --- contacting the author -------------------------------------------------------------


def test_a_member_writes_to_the_author_without_seeing_the_address(
    post, client, charlie, alice, published, mailoutbox
):
    client.force_login(charlie)
    page = client.get(_url(published)).content.decode()
    assert alice.email not in page
    assert soup(client.get(_url(published))).select_one("[data-testid=contact-form]")

    response = post(charlie, _url(published, "contact/"), {"message": "Mag ik het bestek?"})

    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.to == [alice.email]
    assert message.reply_to == [charlie.email]
    assert "Mag ik het bestek?" in message.body
    follow = client.get(response["Location"]).content.decode()
    assert alice.email not in follow


def test_the_named_contact_gets_the_message(post, charlie, published, mailoutbox, dora):
    published.contact = dora
    published.save()

    post(charlie, _url(published, "contact/"), {"message": "Een vraag."})

    (message,) = mailoutbox
    assert message.to == [dora.email]


def test_the_message_waits_for_the_commit(
    client, charlie, published, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(charlie)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(_url(published, "contact/"), {"message": "Een vraag."})
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_an_empty_message_is_refused_and_a_long_one_kept(client, charlie, published):
    client.force_login(charlie)
    response = client.post(_url(published, "contact/"), {"message": " "})
    assert response.status_code == 400
    assert error_links(soup(response)) == ["id_message"]

    too_long = "x" * 2001
    response = client.post(_url(published, "contact/"), {"message": too_long})
    assert response.status_code == 400
    assert soup(response).select_one("#id_message").get_text().strip() == too_long


def test_messages_are_rate_limited(post, charlie, published, mailoutbox):
    for _ in range(5):
        assert post(charlie, _url(published, "contact/"), {"message": "Vraag"}).status_code == 302

    response = post(charlie, _url(published, "contact/"), {"message": "Nog een vraag"})

    assert response.status_code == 429
    assert soup(response).select_one("[data-testid=error-summary]") is not None
    assert soup(response).select_one("#id_message").get_text().strip() == "Nog een vraag"
    assert len(mailoutbox) == 5


def test_an_unverified_sender_is_asked_to_confirm_first(client, charlie, published, mailoutbox):
    charlie.emailaddress_set.update(verified=False)
    client.force_login(charlie)

    response = client.post(_url(published, "contact/"), {"message": "Vraag"})

    assert response.status_code == 400
    assert soup(response).select_one("[data-testid=error-summary]") is not None


def test_who_may_not_write(client, alice, outsider, published, alfa, groene_hart):
    public = CaseFactory(public=True, author=alice, organisations=[alfa], region=groene_hart)
    client.force_login(alice)  # the author herself
    assert soup(client.get(_url(public))).select_one("[data-testid=contact-form]") is None
    assert client.post(_url(public, "contact/"), {"message": "x"}).status_code == 403
    client.force_login(outsider)  # not linked to an organisation: reads only public cases
    assert client.post(_url(public, "contact/"), {"message": "x"}).status_code == 403
    assert client.post(_url(published, "contact/"), {"message": "x"}).status_code == 404
    client.logout()
    assert soup(client.get(_url(public))).select_one("[data-testid=contact-form]") is None


def test_a_get_on_contact_is_refused(client, charlie, published):
    client.force_login(charlie)
    assert client.get(_url(published, "contact/")).status_code == 405


def test_the_service_refuses_a_draft(alice, charlie, alfa, groene_hart):
    draft = CaseFactory(author=alice, organisations=[alfa], region=groene_hart)
    with pytest.raises(services.PermissionDenied):
        services.case_contact(actor=charlie, case=draft, message="x")
