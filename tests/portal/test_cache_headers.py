"""What a cache may keep (R4), over the same pages as the access matrix.

- Every response to a signed-in user: `Cache-Control` with `private` and `no-store`
  (also redirects, 403/404/405 and downloads).
- Attachment downloads and exports: `no-store` for anonymous visitors too.
- Everything under /account/: `private` and `no-store` for anonymous visitors too.
- The public pages for anonymous visitors (home, case list, a public case, knowledge
  base) may be cached: no `no-store`.
"""

import pytest

from tests.test_isolation import ALL_ROUTES, World, entry_for

PERSONAS = ("anonymous", "alice", "former", "staff", "staff_mfa")
# The admin is one family: a few of its pages stand for the rest.
ADMIN_SAMPLE = {
    "admin:index",
    "admin:login",
    "admin:cases_case_changelist",
    "admin:cases_case_change",
}
PAGES = sorted(
    name
    for name, route in ALL_ROUTES.items()
    if entry_for(route) is not None and (not name.startswith("admin:") or name in ADMIN_SAMPLE)
)
DOWNLOADS = {"cases:case_attachment", "cases:case_export"}
CACHEABLE = {  # (route, target) an anonymous visitor gets as a public page
    ("portal:home", "page"),
    ("cases:case_list", "page"),
    ("cases:knowledge_list", "page"),
    ("cases:case_detail", "public"),
}


def cache_control(response) -> set[str]:
    """The directives of Cache-Control, without their values (max-age=0 → max-age)."""
    header = response.get("Cache-Control", "")
    return {part.split("=")[0].strip().lower() for part in header.split(",") if part.strip()}


def _responses(client, request, route_name, persona, method):
    """(target, response) for every target of the route, as this persona."""
    route = ALL_ROUTES[route_name]
    entry = entry_for(route)
    world = World(request)
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    for target_name in entry.targets:
        target = entry.targets[target_name](world, route)
        data = target.data if method == "post" else {}
        response = getattr(client, method)(target.url, data)
        if response.streaming:
            b"".join(response.streaming_content)
        yield target_name, target, response


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
@pytest.mark.parametrize("route_name", PAGES)
def test_no_response_to_a_signed_in_user_is_kept(db, client, request, route_name, persona, method):
    for target_name, target, response in _responses(client, request, route_name, persona, method):
        directives = cache_control(response)
        assert {"private", "no-store"} <= directives, (
            f"{method.upper()} {target.url} ({target_name}) → {response.status_code}: "
            f"Cache-Control {response.get('Cache-Control')!r}"
        )


@pytest.mark.parametrize("route_name", PAGES)
def test_what_an_anonymous_visitor_gets_is_cached_only_where_public(
    db, client, request, route_name
):
    route = ALL_ROUTES[route_name]
    for target_name, target, response in _responses(
        client, request, route_name, "anonymous", "get"
    ):
        directives = cache_control(response)
        where = f"GET {target.url} ({target_name}) → {response.status_code}: {directives}"
        if route.pattern.startswith("account/"):
            assert {"private", "no-store"} <= directives, where
        if route_name in DOWNLOADS and response.status_code == 200:
            assert "no-store" in directives, where
        if (route_name, target_name) in CACHEABLE:
            assert response.status_code == 200, where
            assert "no-store" not in directives, where
            assert "private" not in directives, where


@pytest.mark.parametrize("method", ["get", "post"])
def test_account_pages_are_private_for_anonymous_visitors_also_on_post(db, client, request, method):
    """A failed login or sign-up page holds what was typed: never in a shared cache."""
    for name in ("account_login", "account_signup", "account_reset_password"):
        for _target_name, target, response in _responses(
            client, request, name, "anonymous", method
        ):
            assert {"private", "no-store"} <= cache_control(response), target.url


def test_the_walk_covers_downloads_and_account_pages():
    assert set(PAGES) >= DOWNLOADS
    assert {"account_login", "account_confirm_email", "mfa_activate_totp"} <= set(PAGES)
    assert {route for route, _target in CACHEABLE} <= set(PAGES)
