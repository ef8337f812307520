"""Project middleware."""

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class StaffMFAMiddleware:
    """Staff must have two-factor authentication before they may use the admin.

    A signed-in staff user without an active authenticator who asks for any page under
    /beheer/ is sent to the TOTP set-up page instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff
            and request.path.startswith(reverse("admin:index"))
            and not is_mfa_enabled(user)
        ):
            messages.warning(
                request,
                _("Stel eerst tweestapsverificatie in. Daarna kunt u de beheeromgeving gebruiken."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
