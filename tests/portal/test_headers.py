"""Security headers on pages, error pages and static files."""

import pytest


@pytest.fixture
def static_served(settings):
    # Static files are not collected in tests: let whitenoise find them in static/.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


def _assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def _csp_directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_it_sends_security_headers_on_a_page(client):
    response = client.get("/")
    assert response.status_code == 200
    _assert_common_headers(response)
    assert response["X-Frame-Options"] == "DENY"
    csp = _csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]


@pytest.mark.django_db
def test_it_sends_security_headers_on_a_404(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    _assert_common_headers(response)
    assert _csp_directives(response)["default-src"] == ["'self'"]


@pytest.mark.django_db
def test_it_sends_security_headers_on_a_static_file(client, static_served):
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    _assert_common_headers(response)


@pytest.mark.django_db
def test_it_serves_the_vendored_nl_design_system_css_from_our_origin(client, static_served):
    response = client.get("/static/vendor/utrecht-component-library-css/index.css")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert b".utrecht-button" in body
