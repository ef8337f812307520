"""A refused request is one log line without a traceback; a server error keeps its
traceback (issue 12, bug 9)."""

import io
import logging
import logging.config

import pytest
from django.urls import reverse


@pytest.fixture
def log_output(settings):
    """What the root console handler writes, for the duration of a test. The portal's
    logging configuration is applied first: a real Celery worker started by another
    test sets up logging of its own."""
    logging.config.dictConfig(settings.LOGGING)
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_403_is_logged_once_without_a_traceback(client, dora, log_output, settings):
    settings.DEBUG = True  # make run's setting, where Django's own handler is active
    client.force_login(dora)
    response = client.get(reverse("cases:case_create"))
    assert response.status_code == 403
    lines = [line for line in log_output.getvalue().splitlines() if "Forbidden" in line]
    assert len(lines) == 1
    assert "Traceback" not in log_output.getvalue()


def test_a_server_error_keeps_its_traceback(log_output):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.error("Internal Server Error: /x/", exc_info=True, extra={"status_code": 500})
    assert "Traceback" in log_output.getvalue()
