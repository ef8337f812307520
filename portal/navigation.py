"""The main navigation: which items this user's roles allow.

Later apps add their items to ITEMS with the predicate that decides who sees them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases import permissions as case_permissions
from community import permissions


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    allowed: Callable


ITEMS = [
    NavItem(_("Start"), "portal:home", lambda user: True),
    NavItem(_("Praktijkvoorbeelden"), "cases:case_list", lambda user: True),
    NavItem(_("Kennisbank"), "cases:knowledge_list", lambda user: True),
    NavItem(_("Beoordelen"), "cases:case_review_queue", case_permissions.can_see_review_queue),
    NavItem(_("Trajecten"), "procurement:trajectory_list", lambda user: user.is_authenticated),
    NavItem(_("Themagroepen"), "community:themegroup_list", permissions.is_linked),
    NavItem(_("Organisaties"), "community:organisation_list", lambda user: user.is_authenticated),
    NavItem(
        _("Aanvragen"),
        "community:membership_request_list",
        permissions.can_view_membership_requests,
    ),
    NavItem(_("Afspraken"), "community:agreement_list", lambda user: user.is_authenticated),
    NavItem(_("Voortgang"), "reports:dashboard_index", lambda user: user.is_authenticated),
    NavItem(_("Bewaard"), "cases:case_bookmarks", lambda user: user.is_authenticated),
    NavItem(_("Mijn account"), "account_email", lambda user: user.is_authenticated),
    NavItem(_("Tweestapsverificatie"), "mfa_index", lambda user: user.is_authenticated),
    NavItem(_("Beheer"), "admin:index", permissions.can_use_admin),
]


def navigation(request):
    """Context processor: `nav_items` as (label, url, is_current) for the current user."""
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_items": []}
    items = [
        {"label": item.label, "url": reverse(item.url_name), "current": False}
        for item in ITEMS
        if item.allowed(user)
    ]
    # The most specific item containing the current address is the current one.
    matching = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["current"] = True
    return {"nav_items": items}
