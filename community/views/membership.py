"""Who is in a themegroup: the members page of its coordinators (invitations, requests
to join, roles, removing), and the invitation link an invited person follows (before
or after signing up). Every change goes through `community.services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import forms, permissions, services
from community.adapters import INVITATION_SESSION_KEY
from community.models import (
    Membership,
    Themegroup,
    ThemegroupInvitation,
    ThemegroupJoinRequest,
    ThemegroupMembership,
)
from community.views.themegroups import (
    MEMBERS_PER_PAGE,
    managed_themegroup,
    members_url,
    places_of,
    visible_themegroup,
)
from kit import paging


def _render_members(request, themegroup, status=200, **bound):
    """The members page: every place of the group, a page at a time. Its coordinators
    (and staff) also get the invite form, the open invitations and requests, and per
    place a form to change its role or remove it; the other members read the list."""
    can_manage = permissions.can_manage_themegroup(request.user, themegroup)
    paginator = Paginator(places_of(themegroup), MEMBERS_PER_PAGE)
    page = paginator.get_page(paging.page_number(request.GET))
    context = {
        "themegroup": themegroup,
        "can_manage": can_manage,
        "page": page,
        "places": page.object_list,
        "action_error": bound.get("action_error"),
    }
    if not can_manage:
        return render(request, "community/themegroup_members.html", context, status=status)
    context.update(
        {
            "invitations": list(
                ThemegroupInvitation.objects.filter(
                    themegroup=themegroup, status=ThemegroupInvitation.Status.OPEN
                ).select_related("invited_by", "organisation")
            ),
            "join_requests": list(
                ThemegroupJoinRequest.objects.filter(
                    themegroup=themegroup, status=ThemegroupJoinRequest.Status.OPEN
                ).select_related("user")
            ),
            "now": timezone.now(),
            "roles": ThemegroupMembership.Role.choices,
            "invite_form": bound.get("invite_form")
            or forms.InvitationForm(themegroup=themegroup, user=request.user),
        }
    )
    # The askers' organisations, in one query for all requests.
    askers = [r.user_id for r in context["join_requests"]]
    organisations = {}
    for membership in (
        Membership.objects.active().filter(user__in=askers).select_related("organisation")
    ):
        organisations.setdefault(membership.user_id, []).append(membership.organisation.name)
    for join_request in context["join_requests"]:
        join_request.organisation_names = organisations.get(join_request.user_id, [])
    return render(request, "community/themegroup_members.html", context, status=status)


def _back(themegroup, anchor=""):
    url = members_url(themegroup)
    return redirect(f"{url}#{anchor}" if anchor else url)


def _refused(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_GET
def themegroup_members(request, region_slug, slug):
    """Who is in the group: for its members and coordinators (and staff); whoever reads
    the group without a place in it (or as a guest) gets 403."""
    themegroup = visible_themegroup(request, region_slug, slug)
    if not permissions.is_themegroup_member(request.user, themegroup):
        raise PermissionDenied
    return _render_members(request, themegroup)


@require_POST
def invitation_create(request, region_slug, slug):
    themegroup = managed_themegroup(request, region_slug, slug)
    form = forms.InvitationForm(request.POST, themegroup=themegroup, user=request.user)
    if form.is_valid():
        try:
            invitation = services.themegroup_invitation_create(
                actor=request.user, themegroup=themegroup, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("De uitnodiging is verstuurd naar %(email)s.") % {"email": invitation.email},
            )
            return _back(themegroup, "uitnodigingen")
    return _render_members(request, themegroup, status=400, invite_form=form, action_error=form)


@require_POST
def invitation_withdraw(request, region_slug, slug, pk):
    themegroup = managed_themegroup(request, region_slug, slug)
    invitation = get_object_or_404(ThemegroupInvitation, themegroup=themegroup, pk=pk)
    try:
        services.themegroup_invitation_withdraw(actor=request.user, invitation=invitation)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("De uitnodiging is ingetrokken."))
    return _back(themegroup, "uitnodigingen")


@require_POST
def join_request_decide(request, region_slug, slug, pk):
    """Approve or decline a request (the button pressed says which)."""
    themegroup = managed_themegroup(request, region_slug, slug)
    join_request = get_object_or_404(ThemegroupJoinRequest, themegroup=themegroup, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("goedkeuren", "afwijzen"):
        messages.error(request, _("Kies goedkeuren of afwijzen."))
        return _back(themegroup, "aanvragen")
    try:
        services.themegroup_join_request_decide(
            actor=request.user, join_request=join_request, approve=decision == "goedkeuren"
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("De aanvraag is goedgekeurd.")
            if decision == "goedkeuren"
            else _("De aanvraag is afgewezen."),
        )
    return _back(themegroup, "aanvragen")


@require_POST
def member_role_set(request, region_slug, slug, pk):
    themegroup = managed_themegroup(request, region_slug, slug)
    place = get_object_or_404(ThemegroupMembership, themegroup=themegroup, pk=pk)
    form = forms.RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies een rol."))
        return _back(themegroup, "leden")
    try:
        services.themegroup_member_role_set(
            actor=request.user, place=place, role=form.cleaned_data["role"]
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("De rol is gewijzigd."))
    return _back(themegroup, "leden")


@require_POST
def member_remove(request, region_slug, slug, pk):
    themegroup = managed_themegroup(request, region_slug, slug)
    place = get_object_or_404(ThemegroupMembership, themegroup=themegroup, pk=pk)
    try:
        services.themegroup_member_remove(actor=request.user, place=place)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("De persoon is uit de themagroep gehaald."))
    return _back(themegroup, "leden")


def _welcome(user, themegroup):
    """Where an accepted invitation leads: the group's page, or for a guest (who sees
    only their meetings) the start page."""
    if Themegroup.objects.visible_to(user).filter(pk=themegroup.pk).exists():
        return redirect(themegroup.get_absolute_url())
    return redirect("portal:home")


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """The link in an invitation mail. Anyone may open it: a visitor without an account
    is offered sign-up (the token travels in the session, so that verifying the address
    makes the membership, see `community.adapters`), a signed-in person accepts with a
    button. A used, expired or withdrawn link says so (410) and makes nothing."""
    invitation = get_object_or_404(
        ThemegroupInvitation.objects.select_related("themegroup", "themegroup__region"),
        token=token,
    )
    themegroup = invitation.themegroup
    user = request.user
    if (
        invitation.status == ThemegroupInvitation.Status.GEACCEPTEERD
        and user.is_authenticated
        and invitation.accepted_by_id == user.pk
    ):
        # Accepted on verifying the address (or a second click): on to the group.
        return _welcome(user, themegroup)
    context = {"invitation": invitation, "themegroup": themegroup}
    if problem := services.invitation_problem(invitation):
        request.session.pop(INVITATION_SESSION_KEY, None)
        return render(
            request, "community/invitation_accept.html", {**context, "problem": problem}, status=410
        )
    if not user.is_authenticated:
        request.session[INVITATION_SESSION_KEY] = invitation.token
        here = reverse("community:invitation_accept", args=[invitation.token])
        if request.method == "POST":
            return redirect(f"{reverse('account_login')}?next={here}")
        context["next"] = here
        return render(request, "community/invitation_accept.html", context)
    if request.method == "POST":
        try:
            services.themegroup_invitation_accept(actor=user, invitation=invitation)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            return render(request, "community/invitation_accept.html", context, status=400)
        request.session.pop(INVITATION_SESSION_KEY, None)
        messages.success(
            request,
            _("Welkom in de themagroep %(name)s.") % {"name": themegroup.name},
        )
        return _welcome(user, themegroup)
    return render(request, "community/invitation_accept.html", context)
