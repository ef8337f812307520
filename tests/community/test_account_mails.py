"""Account mails (verification, password reset, notices) leave the request through
Celery: a mail server that is away never fails an account page, and the worker retries."""

import re
import socket
import socketserver
import threading
import time

import pytest
from allauth.account.models import EmailAddress
from celery.signals import task_retry
from django.core import mail
from django.urls import reverse

from community import tasks
from community.models import User
from portal.celery import app
from tests.factories import PASSWORD

CONFIRMATION_LINK = re.compile(r"https?://\S+(/account/confirm-email/\S+/)")
RESET_LINK = re.compile(r"https?://\S+(/account/password/reset/key/\S+/)")
MESSAGE = {
    "subject": "[Portal] Bevestig je e-mailadres",
    "body": "Open de link.",
    "from_email": "portal@example.nl",
    "to": ["eva@gemeente.example"],
}


def _smtp_mailer(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@pytest.fixture
def mail_server_away(settings):
    """The mailer points at a port where nothing listens: every connection is refused.
    The port stays bound (without listening) so that nothing else can take it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        settings.MAILERS = _smtp_mailer(sock.getsockname()[1])
        yield


@pytest.fixture
def celery_queued():
    """Tasks go to the broker and wait for a worker, as in production."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def celery_eager_retrying(celery_eager):
    """Tasks run at once, in-process, retries included (Celery runs an eager task's
    retries at once, without the back-off), ending as a result instead of raising."""
    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


@pytest.fixture
def retries():
    """The retries Celery schedules, as its own `task_retry` signal reports them."""
    reasons = []

    def receiver(reason, **kwargs):
        reasons.append(reason)

    task_retry.connect(receiver)
    yield reasons
    task_retry.disconnect(receiver)


class _MailServer(socketserver.ThreadingTCPServer):
    """Just enough SMTP to take messages on 127.0.0.1; it hangs up on the first
    `hang_ups` connections, like a mail server that is away for a while."""

    daemon_threads = True

    def __init__(self, hang_ups: int):
        super().__init__(("127.0.0.1", 0), _MailServerSession)
        self.hang_ups = hang_ups
        self.connections = 0
        self.messages: list[bytes] = []


class _MailServerSession(socketserver.StreamRequestHandler):
    def handle(self):
        self.server.connections += 1
        if self.server.connections <= self.server.hang_ups:
            return
        self.wfile.write(b"220 test\r\n")
        data = None
        for raw in self.rfile:
            line = raw.rstrip(b"\r\n")
            if data is not None:
                if line == b".":
                    self.server.messages.append(b"\r\n".join(data))
                    data = None
                    self.wfile.write(b"250 OK\r\n")
                else:
                    data.append(line)
            elif line[:4].upper() == b"DATA":
                data = []
                self.wfile.write(b"354 go on\r\n")
            elif line[:4].upper() == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


@pytest.fixture
def mail_server(settings):
    """Start a `_MailServer(hang_ups)` and point the mailer at it."""
    servers = []

    def start(hang_ups: int) -> _MailServer:
        server = _MailServer(hang_ups)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        settings.MAILERS = _smtp_mailer(server.server_address[1])
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _signup(client, email="eva@gemeente.example"):
    return client.post(
        reverse("account_signup"),
        {"full_name": "Eva Evers", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


# --- The mail server is away: the pages answer as usual --------------------------------


@pytest.mark.django_db
def test_the_mail_server_is_really_away(mail_server_away):
    # What the pages below would run into if they sent their mails themselves.
    with pytest.raises(ConnectionRefusedError):
        mail.send_mail("Onderwerp", "Tekst", "portal@example.nl", ["eva@gemeente.example"])


@pytest.mark.django_db
def test_signup_succeeds_while_the_mail_server_is_away(
    client, mail_server_away, celery_queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="eva@gemeente.example").exists()
    assert len(queued) == 1  # the verification mail, waiting for the worker


@pytest.mark.django_db
def test_adding_an_address_succeeds_while_the_mail_server_is_away(
    client, alice, mail_server_away, celery_queued, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(
            reverse("account_email"), {"email": "alice@werk.example", "action_add": ""}
        )
    assert response.status_code == 302
    assert alice.emailaddress_set.filter(email="alice@werk.example", verified=False).exists()
    assert len(queued) == 1


@pytest.mark.django_db
def test_resending_a_verification_succeeds_while_the_mail_server_is_away(
    client, alice, mail_server_away, celery_queued, django_capture_on_commit_callbacks
):
    EmailAddress.objects.create(user=alice, email="alice@werk.example", verified=False)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(
            reverse("account_email"), {"email": "alice@werk.example", "action_send": ""}
        )
    assert response.status_code == 302
    assert len(queued) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["alice@alfa.example", "niemand@nergens.example"])
def test_password_reset_succeeds_while_the_mail_server_is_away(
    client, alice, email, mail_server_away, celery_queued, django_capture_on_commit_callbacks
):
    # A known address gets its reset link, an unknown one hears it has no account.
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(reverse("account_reset_password"), {"email": email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(queued) == 1


# --- What the queued task sends ------------------------------------------------------------


@pytest.mark.django_db
def test_the_verification_mail_arrives_with_a_working_link(
    client, celery_eager, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        _signup(client)
    assert [message.to for message in mailoutbox] == [["eva@gemeente.example"]]
    assert mailoutbox[0].subject.startswith("[Circulair Inkopen Groene Hart] ")
    path = CONFIRMATION_LINK.search(mailoutbox[0].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path).status_code == 302
    assert EmailAddress.objects.get(email="eva@gemeente.example").verified


@pytest.mark.django_db
def test_an_added_address_gets_a_verification_mail(
    client, alice, celery_eager, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"email": "alice@werk.example", "action_add": ""})
    assert [message.to for message in mailoutbox] == [["alice@werk.example"]]
    assert CONFIRMATION_LINK.search(mailoutbox[0].body)


@pytest.mark.django_db
def test_the_password_reset_mail_arrives_with_a_working_link(
    client, alice, celery_eager, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": alice.email})
    assert [message.to for message in mailoutbox] == [[alice.email]]
    path = RESET_LINK.search(mailoutbox[0].body).group(1)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert "password1" in response.context["form"].fields  # the key was accepted


@pytest.mark.django_db
def test_a_notification_mail_goes_through_the_worker_too(
    client, alice, settings, celery_eager, django_capture_on_commit_callbacks, mailoutbox
):
    # MFA and password notices use the same adapter method as the mails above.
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_change_password"),
            {
                "oldpassword": PASSWORD,
                "password1": "een-nieuw-lang-wachtwoord",
                "password2": "een-nieuw-lang-wachtwoord",
            },
        )
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [[alice.email]]


def test_the_task_sends_text_and_html(celery_eager, mailoutbox):
    tasks.account_mail_send.delay(
        **MESSAGE, html_body="<p>Open de link.</p>", headers={"X-Portal": "account"}
    )
    (message,) = mailoutbox
    assert (message.subject, message.body, message.from_email, message.to) == (
        MESSAGE["subject"],
        MESSAGE["body"],
        MESSAGE["from_email"],
        MESSAGE["to"],
    )
    assert message.alternatives == [("<p>Open de link.</p>", "text/html")]
    assert message.extra_headers == {"X-Portal": "account"}


# --- The task retries while the mail server is away ----------------------------------------


def test_the_task_retries_five_times_while_the_mail_server_is_away(
    mail_server_away, celery_eager_retrying, retries
):
    result = tasks.account_mail_send.apply(kwargs=MESSAGE)
    assert len(retries) == 5
    assert all(isinstance(retry.exc, ConnectionRefusedError) for retry in retries)
    assert result.failed()
    assert isinstance(result.result, ConnectionRefusedError)


def test_the_task_delivers_once_the_mail_server_is_back(
    mail_server, celery_eager_retrying, retries
):
    server = mail_server(hang_ups=2)
    result = tasks.account_mail_send.apply(kwargs=MESSAGE)
    assert result.successful()
    assert len(retries) == 2
    assert server.connections == 3
    (message,) = server.messages
    assert b"Subject: [Portal] Bevestig je e-mailadres" in message


# --- Through a real worker --------------------------------------------------------------------


@pytest.mark.integration
def test_an_account_mail_is_sent_by_a_real_worker(
    client, transactional_db, redis_worker, alice, mailoutbox
):
    response = client.post(reverse("account_reset_password"), {"email": alice.email})
    assert response.status_code == 302
    deadline = time.monotonic() + 30
    while not mailoutbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [message.to for message in mailoutbox] == [[alice.email]]
    assert RESET_LINK.search(mailoutbox[0].body)


@pytest.mark.django_db
def test_the_verification_mail_is_the_portals_own_dutch_text_with_the_address_served_on(
    client, celery_eager, django_capture_on_commit_callbacks, mailoutbox, settings
):
    """Not the library's "Hallo van 127.0.0.1:8101! … zijn of haar account", and a link to
    the address the visitor used (issue 12, bug 13)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "portal.gemeente.example"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "full_name": "Eva Evers",
                "email": "eva@gemeente.example",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
            HTTP_HOST="portal.gemeente.example",
        )
    (message,) = mailoutbox
    assert message.body.startswith("Beste collega,")
    assert "Hallo van" not in message.body
    assert "zijn of haar" not in message.body
    assert "Circulair Inkopen Groene Hart" in message.body.splitlines()[-1]
    link = CONFIRMATION_LINK.search(message.body).group(0)
    assert "//portal.gemeente.example/" in link
