"""Identity: sign-up with verification, login, password reset, admin behind MFA."""

import re

import pytest
from allauth.mfa.models import Authenticator
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse

from community.models import User
from tests.factories import PASSWORD


def _confirmation_link(message):
    return re.search(r"https?://[^\s]+/account/confirm-email/[^\s]+", message.body).group(0)


@pytest.mark.django_db
def test_it_signs_up_verifies_by_mail_and_logs_in(
    client, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the mail goes out via Celery
        response = client.post(
            reverse("account_signup"),
            {
                "full_name": "Eva Evers",
                "email": "eva@gemeente.example",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="eva@gemeente.example")
    assert user.full_name == "Eva Evers"

    # Not verified yet: logging in leads back to the verification notice.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "eva@gemeente.example", "password": PASSWORD}
    )
    assert response["Location"] == reverse("account_email_verification_sent")

    assert len(mail.outbox) >= 1
    link = _confirmation_link(mail.outbox[-1])
    path = "/" + link.split("/", 3)[3]
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "eva@gemeente.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.get(reverse("account_email")).status_code == 200


@pytest.mark.django_db
def test_it_rerenders_signup_with_linked_errors(client):
    response = client.post(
        reverse("account_signup"),
        {"full_name": "", "email": "geen-adres", "password1": "a", "password2": "b"},
    )
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.select_one("[data-testid=error-summary]")
    assert summary is not None
    for link in summary.select("a[href^='#']"):
        assert soup.find(id=link["href"][1:]) is not None
    email = soup.find("input", attrs={"name": "email"})
    assert email["aria-invalid"] == "true"
    assert soup.find(id=email["aria-describedby"].split()[-1]) is not None
    assert email["value"] == "geen-adres"  # nothing the user typed is lost


@pytest.mark.django_db
def test_password_reset_does_not_reveal_whether_an_address_exists(client, alice):
    known = client.post(reverse("account_reset_password"), {"email": alice.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "niemand@nergens.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")


@pytest.mark.django_db
def test_it_sends_a_reset_link_only_to_a_known_address(
    client, alice, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the mail goes out via Celery
        client.post(reverse("account_reset_password"), {"email": alice.email})
    assert any("password/reset/key" in message.body for message in mail.outbox)
    assert mail.outbox[-1].to == [alice.email]


@pytest.mark.django_db
def test_anonymous_on_a_protected_page_is_sent_to_login(client):
    response = client.get(reverse("account_email"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_anonymous_on_the_admin_is_sent_to_the_allauth_login(client):
    # The admin's own login form is not a way around allauth's rate limits and MFA.
    response = client.get("/beheer/", follow=True)
    final_path, _status = response.redirect_chain[-1]
    assert final_path.startswith(reverse("account_login"))
    response = client.get("/beheer/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_staff_without_mfa_cannot_reach_the_admin(client, staff):
    client.force_login(staff)
    response = client.get("/beheer/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    response = client.get("/beheer/community/user/")
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_staff_with_mfa_reaches_the_admin(client, staff):
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    assert client.get("/beheer/").status_code == 200


@pytest.mark.django_db
def test_non_staff_is_refused_the_admin(client, alice):
    client.force_login(alice)
    response = client.get("/beheer/", follow=True)
    assert response.status_code == 403
    assert BeautifulSoup(response.content, "html.parser").select_one("main h1") is not None


@pytest.mark.django_db
def test_it_locks_an_account_after_repeated_failed_logins(client, alice):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": alice.email, "password": "fout"})
    # Even the right password is refused until the limit has passed.
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert BeautifulSoup(response.content, "html.parser").select_one("[data-testid=error-summary]")
