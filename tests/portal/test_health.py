"""/health/: database, cache and broker; details only for staff."""

import pytest


@pytest.mark.django_db
def test_it_reports_healthy_to_anonymous_without_details(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_shows_each_check_to_staff(client, staff):
    client.force_login(staff)
    body = client.get("/health/").json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # discard port: nothing listens
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error"}


@pytest.mark.django_db
def test_it_names_the_failing_check_for_staff(client, settings, staff):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    client.force_login(staff)
    body = client.get("/health/").json()
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_it_refuses_post(client):
    assert client.post("/health/").status_code == 405
