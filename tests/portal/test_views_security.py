"""The human page about reporting a vulnerability (/beveiliging/), linked from the footer
instead of the raw security.txt (issue 12)."""

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


URL = "/beveiliging/"


@pytest.mark.django_db
def test_the_footer_links_the_human_page(client):
    page = soup(client.get("/privacy/"))
    links = [a["href"] for a in page.select("footer a")]
    assert URL in links
    assert "/.well-known/security.txt" not in links


@pytest.mark.django_db
@override_settings(SECURITY_CONTACT="mailto:meld@example.org")
def test_the_page_is_public_and_names_the_contact_and_security_txt(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "nl"
    assert page.select_one("main#inhoud h1") is not None
    contact = page.select_one("[data-testid=security-contact]")
    assert contact["href"] == "mailto:meld@example.org"
    assert contact.get_text(strip=True) == "meld@example.org"
    assert page.select_one("[data-testid=security-txt]")["href"] == "/.well-known/security.txt"


@pytest.mark.django_db
def test_the_page_reads_in_english_too(client):
    client.post("/taal/", {"language": "en", "next": URL})
    page = soup(client.get(URL))
    assert page.html["lang"] == "en"


@pytest.mark.django_db
def test_the_page_answers_post_with_405(client):
    assert client.post(URL).status_code == 405


@pytest.mark.django_db
def test_a_signed_in_member_sees_it_too(client, alice):
    client.force_login(alice)
    assert client.get(URL).status_code == 200
