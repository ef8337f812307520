"""Themegroup pages: the list per region, a group's page (with the sections other apps
add through `community.extensions`), and what members do there: announcements, shared
documents, learning goals, asking to join and leaving. Membership management is in
`community.views.membership`."""

from dataclasses import dataclass
from functools import cache

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

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
    User,
)
from community.views import meetings
from kit.aggregates import names_joined

ANNOUNCEMENTS_SHOWN = 10
# The group's page lists its first places; the members page pages them all.
MEMBERS_SHOWN = 20
MEMBERS_PER_PAGE = 50
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


@dataclass(frozen=True)
class MemberSummary:
    """The first places of the group as its page shows them, and the totals: `places`
    (coordinators first), `total` places, `members` (not counting guests) and
    `coordinators`."""

    places: list[MemberRow]
    total: int
    members: int
    coordinators: int


def _user_field(name):
    """One field of the place's user, as a subquery: read per row by its primary key,
    so the place list never joins (and never scans) the whole user table."""
    return Subquery(User.objects.filter(pk=OuterRef("user_id")).order_by().values(name)[:1])


@cache
def _places_in_order():
    """Every place with what the group's page shows of it but its organisations:
    coordinators first, then members, then guests, with the name and e-mail of the
    person and the group's totals as window counts over the places the query keeps.
    Built once per process (its subqueries and windows resolved once): a request adds
    only its group and the organisations, which depend on the time of asking."""
    guest = ThemegroupMembership.Role.GAST
    coordinator = ThemegroupMembership.Role.COORDINATOR
    return ThemegroupMembership.objects.annotate(
        role_order=ROLE_ORDER,
        name=_user_field("full_name"),
        email=_user_field("email"),
        total=Window(Count("pk")),
        members=Window(Count("pk", filter=~Q(role=guest))),
        coordinators=Window(Count("pk", filter=Q(role=coordinator))),
    ).order_by("role_order", "name", "pk")


@cache
def _organisation_names():
    """The names of the organisations of the place's person, joined, from their
    memberships: a request keeps the active ones (`MembershipQuerySet.active`, which
    depends on the time of asking). Built once per process."""
    return (
        Membership.objects.filter(user=OuterRef("user_id"))
        .order_by()
        .values("user")
        .annotate(names=names_joined("organisation__name"))
        .values("names")
    )


def member_summary(themegroup, *, limit: int = MEMBERS_SHOWN) -> MemberSummary:
    """The group's first `limit` places as plain rows, coordinators first, then members,
    then guests, each with the names of their active organisations, and the totals:
    one query whatever the number of members (counts as window functions over the
    group's places, names and organisations per shown row)."""
    rows = list(
        _places_in_order()
        .filter(themegroup=themegroup)
        .annotate(organisations=Subquery(_organisation_names().active()))
        .values_list("name", "email", "role", "organisations", "total", "members", "coordinators")[
            :limit
        ]
    )
    labels = {role: str(label) for role, label in ThemegroupMembership.Role.choices}
    first = rows[0] if rows else (None,) * 4 + (0, 0, 0)
    return MemberSummary(
        places=[
            MemberRow(
                name=name or "",
                email=email,
                role=role,
                role_label=labels.get(role, role),
                organisations=organisations or "",
            )
            for name, email, role, organisations, *_counts in rows
        ],
        total=first[4],
        members=first[5],
        coordinators=first[6],
    )


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


def _manager_counts(themegroup) -> tuple[int, int]:
    """The group's open invitations (not expired) and open requests to join, in one
    query."""
    invitations = ThemegroupInvitation.objects.filter(
        themegroup=OuterRef("pk"),
        status=ThemegroupInvitation.Status.OPEN,
        expires_at__gt=timezone.now(),
    )
    requests = ThemegroupJoinRequest.objects.filter(
        themegroup=OuterRef("pk"), status=ThemegroupJoinRequest.Status.OPEN
    )
    return (
        Themegroup.objects.filter(pk=themegroup.pk)
        .annotate(
            open_invitations=Coalesce(_counted(invitations), 0),
            open_requests=Coalesce(_counted(requests), 0),
        )
        .values_list("open_invitations", "open_requests")
        .get()
    )


def _counted(queryset):
    return Subquery(
        queryset.order_by().values("themegroup").annotate(n=Count("pk")).values("n")[:1]
    )


@cache
def _announcements_newest_first():
    """Every announcement as the group's page shows it, newest first, with its author's
    name and address only (not their whole row). Built once per process: a request adds
    its group and the limit."""
    return ThemegroupAnnouncement.objects.order_by("-created_at", "-id").values(
        "pk",
        "title",
        "body",
        "created_at",
        "author_id",
        author_name=F("author__full_name"),
        author_email=F("author__email"),
    )


def render_detail(request, themegroup, status=200, **bound):
    """The group's page; `bound` holds a form with errors when an action failed.

    Short whatever the group's size: its first places (with the totals and a link to
    the members page), the next and last meetings, the open actions due first, the
    latest trajectories and cases (each with its total and a link to the full list);
    the document upload form is a page of its own."""
    user = request.user
    is_member = permissions.is_themegroup_member(user, themegroup)
    can_manage = permissions.can_manage_themegroup(user, themegroup)
    summary = member_summary(themegroup)
    coordinator = ThemegroupMembership.Role.COORDINATOR
    context = {
        "themegroup": themegroup,
        "role": permissions.themegroup_role(user, themegroup),
        "is_member": is_member,
        "can_manage": can_manage,
        "can_join": permissions.can_request_to_join(user, themegroup),
        "can_leave": permissions.can_leave_themegroup(user, themegroup),
        "coordinators": [p for p in summary.places if p.role == coordinator],
        "more_coordinators": summary.coordinators
        - sum(p.role == coordinator for p in summary.places),
        "places": summary.places if is_member else [],
        "place_count": summary.total,
        "member_count": summary.members,
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
            _announcements_newest_first().filter(themegroup=themegroup)[:ANNOUNCEMENTS_SHOWN]
        )
        context["documents"] = list(
            ThemegroupDocument.objects.filter(themegroup=themegroup).values(
                "pk", "title", "shared_with_guests"
            )
        )
    if can_manage:
        context["announcement_form"] = bound.get("announcement_form") or forms.AnnouncementForm()
        context["goal_form"] = bound.get("goal_form") or forms.LearningGoalForm()
        context["open_invitations"], context["open_requests"] = _manager_counts(themegroup)
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


@require_http_methods(["GET", "POST"])
def document_new(request, region_slug, slug):
    """The page on which members share a PDF or image with the group (checked by its
    content); after the upload, back to the group's documents. Members only: whoever
    reads the group without a place in it gets 403."""
    themegroup = visible_themegroup(request, region_slug, slug)
    if not permissions.can_share_documents(request.user, themegroup):
        raise PermissionDenied
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
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
    return render(
        request,
        "community/document_new.html",
        {"themegroup": themegroup, "form": form},
        status=400 if form.errors else 200,
    )


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
