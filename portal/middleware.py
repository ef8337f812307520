"""Project middleware: two-factor authentication for staff, and caching rules for
pages that depend on who is signed in."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from community import permissions

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
