"""The mailer built from EMAIL_URL: every backend django-environ knows gets only the
options it accepts (Django 6.1's MAILERS refuses unknown ones)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-for-this-test-only-0123456789abcdef",
    "DATABASE_URL": "postgres://portal:secret@127.0.0.1:5432/portal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "portal.example",
}

# Prints the default mailer as JSON, then sends one message through it.
SEND = """
import json, django
django.setup()
from django.conf import settings
from django.core import mail
print(json.dumps(settings.MAILERS["default"]))
mail.send_mail("Test van de portal", "Tekst", "portal@example.nl", ["eva@gemeente.example"])
"""


def _settings_run(env_overrides: dict, code: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_ENV and not key.startswith(("EMAIL_", "DJANGO_"))
    }
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="portal.settings")
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _mailer(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[0])


def test_console_mail_from_email_url_sends():
    result = _settings_run({"EMAIL_URL": "consolemail://"}, SEND)
    mailer = _mailer(result)
    assert mailer["BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert "timeout" not in mailer["OPTIONS"]
    assert "Subject: Test van de portal" in result.stdout


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("memorymail://", "django.core.mail.backends.locmem.EmailBackend"),
        ("dummymail://", "django.core.mail.backends.dummy.EmailBackend"),
    ],
)
def test_other_backends_without_options_send(url, backend):
    assert _mailer(_settings_run({"EMAIL_URL": url}, SEND)) == {"BACKEND": backend, "OPTIONS": {}}


def test_file_mail_gets_only_its_directory(tmp_path):
    result = _settings_run({"EMAIL_URL": f"filemail:///{tmp_path}"}, SEND)
    assert _mailer(result)["OPTIONS"] == {"file_path": str(tmp_path)}
    (written,) = tmp_path.iterdir()
    assert "Subject: Test van de portal" in written.read_text()


def test_smtp_gets_its_server_and_a_timeout():
    result = _settings_run(
        {"EMAIL_URL": "smtp+tls://portal%40example.nl:geheim@smtp.example.nl:587"},
        "import django; django.setup(); from django.conf import settings as s; "
        "import json; print(json.dumps(s.MAILERS['default']))",
    )
    assert _mailer(result) == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.example.nl",
            "port": 587,
            "username": "portal@example.nl",
            "password": "geheim",
            "use_tls": True,
            "timeout": 10,
        },
    }


def test_smtp_without_a_host_refuses_to_start():
    result = _settings_run({"EMAIL_URL": "smtp://"}, "import django; django.setup()")
    assert result.returncode != 0
    assert "EMAIL_URL must name the SMTP host" in result.stderr


def test_production_without_email_url_uses_the_local_relay():
    result = _settings_run(
        PRODUCTION_ENV,
        "import django; django.setup(); from django.conf import settings as s; "
        "from django.core.mail import mailers; import json; "
        "print(json.dumps(s.MAILERS['default'])); mailers.default",
    )
    assert _mailer(result) == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "localhost", "port": 25, "timeout": 10},
    }
