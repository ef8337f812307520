"""Project middleware: two-factor authentication for staff, caching rules for pages
that depend on who is signed in, the address a request came in on (for mail links), and
a page for a method a view does not take (405)."""

from django.contrib import messages
from django.core.exceptions import DisallowedHost
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from community import permissions
from kit import site

# Pages a staff account without two-factor authentication may still open: its own
# account (where MFA is set up, and logout), the language switch and what machines ask.
MFA_EXEMPT_PREFIXES = ("/account/", "/taal/", "/health/", "/.well-known/", "/static/")


class StaffMFAMiddleware:
    """Staff rights are used only with two-factor authentication.

    A signed-in staff user without an active authenticator is sent to the TOTP set-up
    page from every page (the front end uses staff rights too: any draft, any
    organisation), except the account pages in MFA_EXEMPT_PREFIXES.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if permissions.staff_needs_mfa(request.user) and not request.path.startswith(
            MFA_EXEMPT_PREFIXES
        ):
            messages.warning(
                request,
                _("Stel eerst tweestapsverificatie in. Daarna kunt u uw beheerrechten gebruiken."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class PrivateCacheMiddleware:
    """A response that depends on who is signed in is never kept by a shared cache,
    nor by the browser once the user has left it (logout, back button): every response
    to a signed-in user and every account page is `private, no-store`. Pages for
    anonymous visitors keep their own headers (public pages may be cached); downloads
    set `no-store` themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith("/account/"):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


class SiteAddressMiddleware:
    """Remember the address this request came in on (its Host was checked against
    ALLOWED_HOSTS), so links in mails queued now lead back to it (`kit.site`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            base = request.build_absolute_uri("/")
        except DisallowedHost:
            return self.get_response(request)
        token = site.serving(base)
        try:
            return self.get_response(request)
        finally:
            site.done(token)


class MethodNotAllowedPageMiddleware:
    """A request with a method a view does not take (a GET on an action such as
    `…/indienen/`) gets a page in the site's layout that says what happened, instead of
    Django's empty 405 (Django has no handler405). The `Allow` header stays."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response


class DutchFirstMiddleware:
    """The portal of a Dutch community opens in Dutch: the browser's Accept-Language is
    not read, only the visitor's own choice (the language cookie set by the language
    switch) counts. Placed before Django's LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
