"""The portal's own pages: start page, statements, security.txt, errors, navigation."""

from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.views.defaults import bad_request, server_error

from tests import factories


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def nav_links(response):
    return [a["href"] for a in soup(response).select("nav[aria-label] .portal-nav__link")]


@pytest.mark.django_db
def test_anonymous_home_invites_to_log_in(client):
    page = soup(client.get("/"))
    assert page.select_one("main h1") is not None
    assert page.select_one("main a[href='/account/login/']") is not None
    assert page.select_one("[data-testid=memberships]") is None


@pytest.mark.django_db
def test_start_page_lists_the_users_organisations_and_roles(client, alice, beta):
    from community.models import Membership

    Membership.objects.create(user=alice, organisation=beta, role=Membership.Role.BESTUURDER)
    client.force_login(alice)
    rows = soup(client.get("/")).select("[data-testid=memberships] tbody tr")
    assert {(r["data-organisation"], r["data-role"]) for r in rows} == {
        ("gemeente-alfa", "inkoper"),
        ("gemeente-beta", "bestuurder"),
    }


@pytest.mark.django_db
def test_start_page_hides_other_peoples_memberships(client, alice, bob, dora):
    client.force_login(alice)
    rows = soup(client.get("/")).select("[data-testid=memberships] tbody tr")
    assert [(r["data-organisation"], r["data-role"]) for r in rows] == [
        ("gemeente-alfa", "inkoper")
    ]


@pytest.mark.django_db
def test_start_page_without_memberships_explains_the_next_step(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    page = soup(client.get("/"))
    assert page.select_one("[data-testid=memberships]") is None
    assert page.select_one("main .portal-empty-state") is not None


@pytest.mark.django_db
def test_start_page_query_count_does_not_grow_with_memberships(
    client, alice, django_assert_max_num_queries
):
    from tests.factories import MembershipFactory

    client.force_login(alice)
    with django_assert_max_num_queries(12) as few:
        client.get("/")
    for _ in range(5):
        MembershipFactory(user=alice)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/toegankelijkheid/", "/privacy/"])
def test_public_pages_refuse_post(client, path):
    assert client.post(path).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/toegankelijkheid/", "/privacy/"])
def test_statements_are_public_and_in_the_layout(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("main#inhoud h1") is not None
    assert page.select_one("footer a[href='/toegankelijkheid/']") is not None
    assert page.select_one("footer a[href='/privacy/']") is not None


@pytest.mark.django_db
def test_security_txt_has_contact_and_a_future_expiry(client):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in response.text.strip().splitlines())
    assert fields["Contact"].startswith(("mailto:", "https://"))
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert expires > datetime.now(UTC)


@pytest.mark.django_db
def test_404_is_dutch_and_in_the_layout(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    page = soup(response)
    assert page.html["lang"] == "nl"
    assert page.select_one("main#inhoud h1") is not None
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_500_is_in_the_layout_without_details():
    request = RequestFactory().get("/")
    response = server_error(request)
    assert response.status_code == 500
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("main#inhoud h1") is not None
    assert b"Traceback" not in response.content
    assert b"SECRET_KEY" not in response.content


@pytest.mark.django_db
def test_navigation_shows_what_the_roles_allow(client, alice, staff):
    assert "/beheer/" not in nav_links(client.get("/"))
    client.force_login(alice)
    links = nav_links(client.get("/"))
    assert "/account/2fa/" in links
    assert "/beheer/" not in links
    client.force_login(factories.give_totp(staff))
    assert "/beheer/" in nav_links(client.get("/"))


@pytest.mark.django_db
def test_the_language_switch_changes_the_page_language(client):
    response = client.post("/taal/", {"language": "en", "next": "/privacy/"})
    assert response.status_code == 302
    assert response["Location"] == "/privacy/"
    english = soup(client.get("/privacy/"))
    assert english.html["lang"] == "en"
    client.post("/taal/", {"language": "nl", "next": "/privacy/"})
    dutch = soup(client.get("/privacy/"))
    # The page itself is translated, not only its lang attribute.
    assert english.select_one("main h1").get_text() != dutch.select_one("main h1").get_text()


@pytest.mark.django_db
def test_the_skip_link_is_the_first_link_and_targets_main(client):
    page = soup(client.get("/"))
    first_link = page.body.find("a")
    assert first_link["href"] == "#inhoud"
    assert page.select_one("main#inhoud") is not None


@pytest.mark.django_db
def test_400_is_dutch_and_in_the_layout(rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    response = bad_request(request, exception=None)
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert page.html["lang"] == "nl"
    assert page.select_one("main#inhoud h1").get_text() == "Ongeldige aanvraag"
