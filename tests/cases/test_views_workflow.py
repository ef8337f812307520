"""The review workflow: submit, publish, return; who may, and the author's e-mail."""

import time

import pytest
from django.urls import reverse

from cases import mails, services
from cases.models import Case
from tests import factories
from tests.cases.factories import CaseFactory
from tests.cases.html import error_links, soup


@pytest.fixture
def bob(bob):
    """The coordinator with two-factor authentication, which reviewing needs."""
    return factories.give_totp(bob)


@pytest.fixture
def staff(staff):
    """Staff with two-factor authentication: without it every page sends them to set it
    up (tests/test_isolation.py)."""
    return factories.give_totp(staff)


CHECKLIST = {
    "no_contract_values": "on",
    "no_running_tender_suppliers": "on",
    "no_personal_data": "on",
}


def _url(case, action=""):
    return f"/praktijkvoorbeelden/{case.slug}/{action}"


@pytest.fixture
def draft(alice, alfa, groene_hart):
    return CaseFactory(author=alice, organisations=[alfa], region=groene_hart, title="Stoelen")


@pytest.fixture
def submitted(alice, alfa, groene_hart):
    return CaseFactory(
        submitted=True, author=alice, organisations=[alfa], region=groene_hart, title="Stoelen"
    )


@pytest.fixture
def post(client, django_capture_on_commit_callbacks, celery_eager):
    """POST as a persona, running the on-commit callbacks like a real commit and the
    tasks they queue (the e-mails) at once."""

    def post(user, url, data=None):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return post


def _status(case):
    case.refresh_from_db()
    return case.status


# --- submit ----------------------------------------------------------------------------


def test_the_mail_links_to_the_address_the_change_was_made_on(
    client, alice, draft, mailoutbox, settings, django_capture_on_commit_callbacks, celery_eager
):
    """Not SITE_URL's default when the portal is served elsewhere (issue 12, bug 13)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "portal.gemeente.example"]
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(draft, "indienen/"), HTTP_HOST="portal.gemeente.example")
    (message,) = mailoutbox
    assert f"http://portal.gemeente.example{draft.get_absolute_url()}" in message.body
    assert "127.0.0.1" not in message.body


def test_the_author_submits_a_draft_and_gets_an_email(post, alice, draft, mailoutbox):
    response = post(alice, _url(draft, "indienen/"))

    assert response.status_code == 302
    assert response["Location"] == _url(draft)
    assert _status(draft) == Case.Status.INGEDIEND
    assert [m.to for m in mailoutbox] == [[alice.email]]
    assert draft.title in mailoutbox[0].subject
    assert draft.history.first().history_user == alice


def test_submit_answers_get_with_405(client, alice, draft):
    client.force_login(alice)
    assert client.get(_url(draft, "indienen/")).status_code == 405
    assert _status(draft) == Case.Status.CONCEPT


@pytest.mark.parametrize(("persona", "status"), [("bob", 404), ("charlie", 404), ("dora", 403)])
def test_only_writers_of_the_case_submit_it(post, request, draft, persona, status, mailoutbox):
    response = post(request.getfixturevalue(persona), _url(draft, "indienen/"))
    assert response.status_code == status
    assert _status(draft) == Case.Status.CONCEPT
    assert mailoutbox == []


def test_anonymous_visitors_are_sent_to_log_in_before_submitting(client, draft):
    response = client.post(_url(draft, "indienen/"))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
    assert _status(draft) == Case.Status.CONCEPT


def test_a_draft_without_region_is_not_submitted(post, alice, alfa, mailoutbox):
    case = CaseFactory(author=alice, organisations=[alfa], region=None)
    response = post(alice, _url(case, "indienen/"))
    assert response.status_code == 302
    assert _status(case) == Case.Status.CONCEPT
    assert mailoutbox == []


# --- publish ---------------------------------------------------------------------------


def test_the_regions_coordinator_publishes_for_everyone(
    client, post, alice, bob, submitted, mailoutbox
):
    response = post(bob, _url(submitted, "publiceren/"), {"visibility": "openbaar", **CHECKLIST})

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.GEPUBLICEERD
    assert submitted.visibility == Case.Visibility.OPENBAAR
    assert submitted.published_at is not None
    assert submitted.history.first().history_user == bob
    assert [m.to for m in mailoutbox] == [[alice.email]]
    client.logout()
    assert client.get(_url(submitted)).status_code == 200  # now public


def test_the_coordinator_may_publish_for_the_community_only(client, post, bob, submitted):
    post(bob, _url(submitted, "publiceren/"), {"visibility": "community", **CHECKLIST})
    submitted.refresh_from_db()
    assert (submitted.status, submitted.visibility) == ("gepubliceerd", "community")
    client.logout()
    assert client.get(_url(submitted)).status_code == 404


@pytest.mark.parametrize(
    "checklist",
    [{}, {"no_contract_values": "on", "no_running_tender_suppliers": "on"}],
    ids=["nothing-ticked", "two-of-three"],
)
def test_publishing_without_the_whole_checklist_answers_400(
    post, bob, submitted, checklist, mailoutbox
):
    response = post(bob, _url(submitted, "publiceren/"), {"visibility": "openbaar", **checklist})

    assert response.status_code == 400
    page = soup(response)
    # The problems come first, right under the title (before the case text), focused
    # when the page opens; not below the whole case in the form.
    summaries = page.select("[data-testid=error-summary]")
    assert len(summaries) == 1
    summary = summaries[0]
    assert summary.has_attr("autofocus")
    assert summary.find_previous_sibling("h1") is not None
    assert summary.find_parent(attrs={"data-testid": "publish-form"}) is None
    heading = summary.select_one("#foutoverzicht-titel").get_text()
    assert str(len(summary.select("li"))) in heading  # "Er zijn 3 problemen" above three
    missing = {name for name in CHECKLIST if name not in checklist}
    assert {f"id_{name}" for name in missing} <= set(error_links(page))
    assert all(page.find(id=target) for target in error_links(page))
    assert _status(submitted) == Case.Status.INGEDIEND
    assert mailoutbox == []


def test_publishing_with_an_unknown_visibility_answers_400(post, bob, submitted):
    response = post(bob, _url(submitted, "publiceren/"), {"visibility": "geheim", **CHECKLIST})
    assert response.status_code == 400
    assert _status(submitted) == Case.Status.INGEDIEND


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("charlie", 404),  # inkoper in Zwolle: cannot see a submitted case of the Groene Hart
        ("zwolle_coordinator", 404),  # a coordinator, but of another region
        ("alice", 403),  # the author sees it but does not review her own case
        ("dora", 403),
    ],
)
def test_only_the_regions_coordinator_publishes(
    post, request, submitted, persona, status, mailoutbox
):
    response = post(
        request.getfixturevalue(persona),
        _url(submitted, "publiceren/"),
        {"visibility": "openbaar", **CHECKLIST},
    )
    assert response.status_code == status
    assert _status(submitted) == Case.Status.INGEDIEND
    assert mailoutbox == []


def test_a_draft_cannot_be_published(post, staff, draft):
    # Staff see the draft, but only submitted cases are reviewed.
    response = post(staff, _url(draft, "publiceren/"), {"visibility": "openbaar", **CHECKLIST})
    assert response.status_code == 403
    assert _status(draft) == Case.Status.CONCEPT


def test_publish_answers_get_with_405(client, bob, submitted):
    client.force_login(bob)
    assert client.get(_url(submitted, "publiceren/")).status_code == 405


def test_the_coordinator_sees_the_review_forms(client, alice, bob, submitted):
    client.force_login(bob)
    page = soup(client.get(_url(submitted)))
    assert page.select_one("[data-testid=publish-form]") is not None
    assert page.select_one("[data-testid=return-form]") is not None
    client.force_login(alice)
    page = soup(client.get(_url(submitted)))
    assert page.select_one("[data-testid=publish-form], [data-testid=return-form]") is None


# --- return ----------------------------------------------------------------------------


def test_the_coordinator_returns_a_case_with_a_comment_the_author_reads(
    client, post, alice, bob, submitted, mailoutbox
):
    response = post(bob, _url(submitted, "terugsturen/"), {"comment": "  Noem geen bedragen.  "})

    # The draft it becomes is not bob's to see: he lands on the list with a confirmation,
    # not on a page that is not found (issue 12, bug 1).
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_list")
    landing = client.get(response["Location"])
    assert landing.status_code == 200
    assert soup(landing).select_one(".portal-messages") is not None
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.CONCEPT
    assert submitted.review_comment == "Noem geen bedragen."
    assert [m.to for m in mailoutbox] == [[alice.email]]

    client.force_login(alice)
    comment = soup(client.get(_url(submitted))).select_one("[data-testid=review-comment]")
    assert comment is not None
    assert "Noem geen bedragen." in comment.get_text()


@pytest.mark.parametrize("comment", ["", "   \n  "], ids=["empty", "whitespace"])
def test_returning_without_a_comment_answers_400(post, bob, submitted, comment, mailoutbox):
    response = post(bob, _url(submitted, "terugsturen/"), {"comment": comment})

    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("[data-testid=return-form] .utrecht-form-field--invalid") is not None
    assert _status(submitted) == Case.Status.INGEDIEND
    assert mailoutbox == []


@pytest.mark.parametrize(("persona", "status"), [("alice", 403), ("charlie", 404)])
def test_only_the_regions_coordinator_returns(post, request, submitted, persona, status):
    response = post(
        request.getfixturevalue(persona), _url(submitted, "terugsturen/"), {"comment": "x"}
    )
    assert response.status_code == status
    assert _status(submitted) == Case.Status.INGEDIEND


def test_return_answers_get_with_405(client, bob, submitted):
    client.force_login(bob)
    assert client.get(_url(submitted, "terugsturen/")).status_code == 405


def test_resubmitting_clears_the_review_comment(client, post, alice, bob, submitted):
    post(bob, _url(submitted, "terugsturen/"), {"comment": "Noem geen bedragen."})
    post(alice, _url(submitted, "indienen/"))

    submitted.refresh_from_db()
    assert submitted.status == Case.Status.INGEDIEND
    assert submitted.review_comment == ""
    client.force_login(alice)
    assert soup(client.get(_url(submitted))).select_one("[data-testid=review-comment]") is None


def test_every_transition_mails_the_author_and_a_submission_the_coordinators(
    post, alice, bob, draft, mailoutbox
):
    post(alice, _url(draft, "indienen/"))
    post(bob, _url(draft, "terugsturen/"), {"comment": "Graag een bron."})
    post(alice, _url(draft, "indienen/"))
    post(bob, _url(draft, "publiceren/"), {"visibility": "community", **CHECKLIST})

    assert _status(draft) == Case.Status.GEPUBLICEERD
    # Four steps for the author; each submission also for the region's coordinator
    # (issue 12: the review queue).
    recipients = [message.to for message in mailoutbox]
    assert recipients.count([alice.email]) == 4
    assert recipients.count([bob.email]) == 2
    assert len(mailoutbox) == 6
    assert all(not message.cc and not message.bcc for message in mailoutbox)


def test_no_mail_is_sent_when_the_transaction_does_not_commit(client, alice, draft, mailoutbox):
    # Without running the on-commit callbacks (the test's transaction never commits),
    # nothing goes out: mail follows the commit, never precedes it.
    client.force_login(alice)
    client.post(_url(draft, "indienen/"))
    assert mailoutbox == []


@pytest.mark.integration
def test_the_mail_is_sent_by_a_real_worker_after_commit(
    transactional_db, redis_worker, alice, draft, mailoutbox
):
    services.case_submit(actor=alice, case=draft)
    deadline = time.monotonic() + 30
    while not mailoutbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.to for m in mailoutbox] == [[alice.email]]
    assert draft.title in mailoutbox[0].subject


def test_no_mail_when_the_author_is_gone(alice, draft, mailoutbox):
    draft.author = None
    draft.save()
    assert mails.author_mail_send(case_id=draft.pk, event="case_submitted") is False
    assert mails.author_mail_send(case_id=999_999, event="case_submitted") is False
    assert mailoutbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["publiceren/", "terugsturen/"])
def test_a_coordinator_without_two_factor_authentication_is_sent_to_set_it_up(
    client, submitted, beta, action
):
    coordinator = factories.UserFactory()
    factories.MembershipFactory(user=coordinator, organisation=beta, role="coordinator")
    client.force_login(coordinator)

    page = soup(client.get(_url(submitted)))
    response = client.post(
        _url(submitted, action), {**CHECKLIST, "visibility": "openbaar", "comment": "x"}
    )

    assert page.select_one("[data-testid=publish-form]") is None
    assert (
        page.select_one("[data-testid=review-needs-mfa] a")["href"] == "/account/2fa/totp/activate/"
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/2fa/totp/activate/"
    assert Case.objects.get(pk=submitted.pk).status == Case.Status.INGEDIEND
