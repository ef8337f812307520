"""Themegroup pages: the list per region, a group's page (with the sections other apps
add through `community.extensions`), and what members do there: announcements, shared
documents, learning goals, asking to join and leaving. Membership management is in
`community.views.membership`."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from community import extensions, forms, permissions, services
from community.models import (
    LearningGoal,
    Membership,
    Themegroup,
    ThemegroupAnnouncement,
    ThemegroupDocument,
    ThemegroupInvitation,
    ThemegroupJoinRequest,
    ThemegroupMembership,
)
from community.views import meetings

ANNOUNCEMENTS_SHOWN = 10
ROLE_ORDER = Case(
    When(role=ThemegroupMembership.Role.COORDINATOR, then=Value(0)),
    When(role=ThemegroupMembership.Role.LID, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def visible_themegroup(request, region_slug, slug) -> Themegroup:
    """The group if the reader may open it (`permissions.can_see_themegroup`, the rule
    of `Themegroup.objects.visible_to` without its subqueries), else 404."""
    themegroup = get_object_or_404(
        Themegroup.objects.select_related("region"), region__slug=region_slug, slug=slug
    )
    if not permissions.can_see_themegroup(request.user, themegroup):
        raise Http404
    return themegroup


def managed_themegroup(request, region_slug, slug) -> Themegroup:
    """The group if the reader may manage it; 404 unseen, 403 seen but not theirs."""
    themegroup = visible_themegroup(request, region_slug, slug)
    if not permissions.can_manage_themegroup(request.user, themegroup):
        raise PermissionDenied
    return themegroup


def places_of(themegroup):
    """The group's places with each person's active organisations, in a constant number
    of queries: coordinators first, then members, then guests."""
    return (
        ThemegroupMembership.objects.filter(themegroup=themegroup)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__memberships",
                queryset=Membership.objects.active().select_related("organisation"),
                to_attr="active_memberships",
            )
        )
        .annotate(role_order=ROLE_ORDER)
        .order_by("role_order", "user__full_name", "pk")
    )


@dataclass(frozen=True)
class MemberRow:
    """One place in the group as its page lists it: who, their organisations, the role."""

    name: str
    email: str
    role: str
    role_label: str
    organisations: str


def member_rows(themegroup) -> list[MemberRow]:
    """The group's places as plain rows (the page only shows them), coordinators first,
    then members, then guests, each with the names of their active organisations: two
    queries of plain values, whatever the number of members."""
    places = list(
        ThemegroupMembership.objects.filter(themegroup=themegroup)
        .annotate(role_order=ROLE_ORDER)
        .order_by("role_order", "user__full_name", "pk")
        .values_list("user_id", "user__full_name", "user__email", "role")
    )
    organisations = defaultdict(list)
    for user_id, name in (
        Membership.objects.active()
        .filter(user__in=[user_id for user_id, *_rest in places])
        .order_by("organisation__name", "role")
        .values_list("user_id", "organisation__name")
    ):
        organisations[user_id].append(name)
    labels = {role: str(label) for role, label in ThemegroupMembership.Role.choices}
    return [
        MemberRow(
            name=name,
            email=email,
            role=role,
            role_label=labels.get(role, role),
            organisations=", ".join(organisations[user_id]),
        )
        for user_id, name, email, role in places
    ]


@require_GET
def themegroup_list(request):
    """The themegroups the reader may open, per region, with their number of members."""
    themegroups = (
        Themegroup.objects.visible_to(request.user)
        .select_related("region")
        .annotate(
            member_count=Count(
                "memberships",
                filter=~Q(memberships__role=ThemegroupMembership.Role.GAST),
            )
        )
        .order_by("region__name", "name")
    )
    roles = permissions.themegroup_roles(request.user)
    regions = {}
    for themegroup in themegroups:
        role = roles.get(themegroup.pk)
        themegroup.reader_role = ThemegroupMembership.Role(role).label if role else ""
        regions.setdefault(themegroup.region, []).append(themegroup)
    return render(request, "community/themegroup_list.html", {"regions": regions.items()})


def render_detail(request, themegroup, status=200, **bound):
    """The group's page; `bound` holds a form with errors when an action failed."""
    user = request.user
    is_member = permissions.is_themegroup_member(user, themegroup)
    can_manage = permissions.can_manage_themegroup(user, themegroup)
    places = member_rows(themegroup)
    context = {
        "themegroup": themegroup,
        "role": permissions.themegroup_role(user, themegroup),
        "is_member": is_member,
        "can_manage": can_manage,
        "can_join": permissions.can_request_to_join(user, themegroup),
        "can_leave": permissions.can_leave_themegroup(user, themegroup),
        "coordinators": [p for p in places if p.role == ThemegroupMembership.Role.COORDINATOR],
        "places": places if is_member else [],
        "member_count": sum(p.role != ThemegroupMembership.Role.GAST for p in places),
        "learning_goals": list(
            LearningGoal.objects.filter(themegroup=themegroup).order_by("created_at", "id")
        ),
        "sections": extensions.call("themegroup_sections", user, themegroup),
        "action_error": bound.get("action_error"),
        # Upcoming and past meetings and the open actions: the meeting pages' part.
        **meetings.themegroup_meetings_context(user, themegroup, summary=True),
    }
    if context["can_join"]:
        context["pending_request"] = ThemegroupJoinRequest.objects.filter(
            themegroup=themegroup, user=user, status=ThemegroupJoinRequest.Status.OPEN
        ).exists()
        context["join_form"] = bound.get("join_form") or forms.JoinRequestForm()
    if is_member:
        context["announcements"] = list(
            ThemegroupAnnouncement.objects.filter(themegroup=themegroup).select_related("author")[
                :ANNOUNCEMENTS_SHOWN
            ]
        )
        context["documents"] = list(
            ThemegroupDocument.objects.filter(themegroup=themegroup).select_related("uploaded_by")
        )
        context["document_form"] = bound.get("document_form") or forms.DocumentForm()
    if can_manage:
        context["announcement_form"] = bound.get("announcement_form") or forms.AnnouncementForm()
        context["goal_form"] = bound.get("goal_form") or forms.LearningGoalForm()
        context["open_invitations"] = ThemegroupInvitation.objects.filter(
            themegroup=themegroup,
            status=ThemegroupInvitation.Status.OPEN,
            expires_at__gt=timezone.now(),
        ).count()
        context["open_requests"] = ThemegroupJoinRequest.objects.filter(
            themegroup=themegroup, status=ThemegroupJoinRequest.Status.OPEN
        ).count()
        context["goal_statuses"] = LearningGoal.Status.choices
    return render(request, "community/themegroup_detail.html", context, status=status)


@require_GET
def themegroup_detail(request, region_slug, slug):
    return render_detail(request, visible_themegroup(request, region_slug, slug))


def _back(themegroup, anchor=""):
    url = themegroup.get_absolute_url()
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- asking to join, leaving ------------------------------------------------------------


@require_POST
def join_request_create(request, region_slug, slug):
    """A member of the region asks to join; the coordinators decide on the members page."""
    themegroup = visible_themegroup(request, region_slug, slug)
    if not permissions.can_request_to_join(request.user, themegroup):
        raise PermissionDenied
    form = forms.JoinRequestForm(request.POST)
    if form.is_valid():
        try:
            services.themegroup_join_request_create(
                actor=request.user, themegroup=themegroup, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Uw aanvraag is verstuurd. De coördinator beslist erover."))
        return _back(themegroup, "lidmaatschap")
    return render_detail(request, themegroup, status=400, join_form=form, action_error=form)


@require_POST
def themegroup_leave(request, region_slug, slug):
    """Give up one's place in the group (refused for its last coordinator)."""
    themegroup = visible_themegroup(request, region_slug, slug)
    if not permissions.can_leave_themegroup(request.user, themegroup):
        raise PermissionDenied
    place = get_object_or_404(ThemegroupMembership, themegroup=themegroup, user=request.user)
    try:
        services.themegroup_member_remove(actor=request.user, place=place)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(themegroup, "lidmaatschap")
    messages.success(
        request, _("U heeft de themagroep %(name)s verlaten.") % {"name": themegroup.name}
    )
    return redirect("community:themegroup_list")


# --- announcements, documents, learning goals -------------------------------------------


@require_POST
def announcement_create(request, region_slug, slug):
    themegroup = managed_themegroup(request, region_slug, slug)
    form = forms.AnnouncementForm(request.POST)
    if form.is_valid():
        services.themegroup_announcement_create(
            actor=request.user, themegroup=themegroup, **form.cleaned_data
        )
        messages.success(request, _("De mededeling is geplaatst."))
        return _back(themegroup, "mededelingen")
    return render_detail(request, themegroup, status=400, announcement_form=form, action_error=form)


@require_POST
def document_add(request, region_slug, slug):
    """Members share a PDF or image with the group (checked by its content)."""
    themegroup = visible_themegroup(request, region_slug, slug)
    if not permissions.can_share_documents(request.user, themegroup):
        raise PermissionDenied
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.themegroup_document_add(
                actor=request.user,
                themegroup=themegroup,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                shared_with_guests=form.cleaned_data["shared_with_guests"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("Het document is gedeeld met de themagroep."))
            return _back(themegroup, "documenten")
    return render_detail(request, themegroup, status=400, document_form=form, action_error=form)


@require_GET
def document_download(request, region_slug, slug, pk):
    """A document for the group's members; for its guests only one shared with guests
    (guests do not see the group's page, only their meetings and these documents).
    Everyone else: 404. Always as a download, never cached."""
    themegroup = get_object_or_404(
        Themegroup.objects.select_related("region"), region__slug=region_slug, slug=slug
    )
    document = get_object_or_404(ThemegroupDocument, themegroup=themegroup, pk=pk)
    if not permissions.can_read_document(request.user, themegroup, document):
        raise Http404
    extension = document.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{slugify(document.title) or 'document'}.{extension}",
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


def _confirmed(request) -> bool:
    """Was the deletion confirmed on its confirmation page? The button on the group's
    page posts without it and gets that page (no JavaScript needed)."""
    return request.POST.get("bevestigd") == "ja"


def _delete_confirmation(request, themegroup, *, title, heading, anchor):
    return render(
        request,
        "community/themegroup_item_delete.html",
        {
            "themegroup": themegroup,
            "title": title,
            "heading": heading,
            "back_url": f"{themegroup.get_absolute_url()}#{anchor}",
        },
    )


@require_POST
def announcement_delete(request, region_slug, slug, pk):
    """A coordinator (or staff) takes an announcement of their group off its page, after
    confirming; others who see the group get 403, another group's announcement 404."""
    themegroup = managed_themegroup(request, region_slug, slug)
    announcement = get_object_or_404(ThemegroupAnnouncement, themegroup=themegroup, pk=pk)
    if not _confirmed(request):
        return _delete_confirmation(
            request,
            themegroup,
            title=announcement.title,
            heading=_("Mededeling verwijderen"),
            anchor="mededelingen",
        )
    services.themegroup_announcement_delete(actor=request.user, announcement=announcement)
    messages.success(request, _("De mededeling is verwijderd."))
    return _back(themegroup, "mededelingen")


@require_POST
def document_delete(request, region_slug, slug, pk):
    """A coordinator (or staff) stops sharing a document of their group, after
    confirming; its file is removed too."""
    themegroup = managed_themegroup(request, region_slug, slug)
    document = get_object_or_404(ThemegroupDocument, themegroup=themegroup, pk=pk)
    if not _confirmed(request):
        return _delete_confirmation(
            request,
            themegroup,
            title=document.title,
            heading=_("Document verwijderen"),
            anchor="documenten",
        )
    services.themegroup_document_delete(actor=request.user, document=document)
    messages.success(request, _("Het document is verwijderd."))
    return _back(themegroup, "documenten")


@require_POST
def learning_goal_create(request, region_slug, slug):
    themegroup = managed_themegroup(request, region_slug, slug)
    form = forms.LearningGoalForm(request.POST)
    if form.is_valid():
        services.learning_goal_create(
            actor=request.user, themegroup=themegroup, title=form.cleaned_data["title"]
        )
        messages.success(request, _("Het leerdoel is toegevoegd."))
        return _back(themegroup, "leerdoelen")
    return render_detail(request, themegroup, status=400, goal_form=form, action_error=form)


@require_POST
def learning_goal_status(request, region_slug, slug, pk):
    themegroup = managed_themegroup(request, region_slug, slug)
    goal = get_object_or_404(LearningGoal, themegroup=themegroup, pk=pk)
    form = forms.LearningGoalStatusForm(request.POST)
    if form.is_valid():
        services.learning_goal_status_set(
            actor=request.user, goal=goal, status=form.cleaned_data["status"]
        )
        messages.success(request, _("De status van het leerdoel is opgeslagen."))
        return _back(themegroup, "leerdoelen")
    return render_detail(request, themegroup, status=400, action_error=form)


def members_url(themegroup) -> str:
    return reverse("community:themegroup_members", args=[themegroup.region.slug, themegroup.slug])
