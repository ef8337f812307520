"""Pages of a themegroup's meetings: the list, a meeting with its agenda, registration,
attendance, minutes and actions, and the meetings as iCalendar.

A meeting the reader may not see answers 404 (`Meeting.objects.visible_to`); a change
by someone who is not a coordinator of this group (or staff) answers 403
(`permissions.can_manage_themegroup`); a GET on a POST-only action answers 405."""

from functools import cache
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery, Window
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import calendars, extensions, forms, permissions, services
from community.models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingAction,
    Themegroup,
    ThemegroupMembership,
    User,
)

PAST_MEETINGS = 20
# On the themegroup page: the next and the last few meetings, the open actions due first.
SUMMARY_MEETINGS = 3
SUMMARY_ACTIONS = 5
# On a meeting's page: the open actions of earlier meetings due first (all of them are on
# the group's list of meetings).
EARLIER_ACTIONS = 10
# What a meeting's row on the themegroup page shows (read as plain values).
SUMMARY_COLUMNS = ("pk", "title", "starts_at", "location", "online_url", "has_minutes")
REGISTRATION_ANSWERS = (
    Attendance.Status.AANWEZIG,
    Attendance.Status.MISSCHIEN,
    Attendance.Status.AFWEZIG,
)


# --- lookups ------------------------------------------------------------------------------


def _themegroup(request, region_slug, slug) -> Themegroup:
    """The group if the reader may open it (`permissions.can_see_themegroup`), else 404."""
    themegroup = get_object_or_404(
        Themegroup.objects.select_related("region"), region__slug=region_slug, slug=slug
    )
    if not permissions.can_see_themegroup(request.user, themegroup):
        raise Http404
    return themegroup


def _meeting(request, region_slug, slug, pk) -> Meeting:
    """The meeting if the reader may see it (the rule of `Meeting.objects.visible_to`):
    whoever sees the whole group, or a linked person invited to it (a guest). Else 404."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("themegroup__region"),
        pk=pk,
        themegroup__region__slug=region_slug,
        themegroup__slug=slug,
    )
    user = request.user
    if not (
        permissions.sees_all_meetings(user, meeting.themegroup)
        or (
            permissions.is_linked(user)
            and Attendance.objects.filter(meeting=meeting, user=user).exists()
        )
    ):
        raise Http404
    return meeting


def _managed(request, region_slug, slug, pk) -> Meeting:
    meeting = _meeting(request, region_slug, slug, pk)
    if not permissions.can_manage_themegroup(request.user, meeting.themegroup):
        raise PermissionDenied
    return meeting


def _errors_onto(form, error: ValidationError) -> None:
    """A service's refusal on the form: by the field it names when the form has it (so
    the error summary links to it), else for the form as a whole."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _posted(request):
    """The POST data of a form page (also when empty: no box ticked is an answer), or
    None on a GET."""
    return request.POST if request.method == "POST" else None


def _back(meeting, anchor=""):
    url = meeting.get_absolute_url()
    return redirect(f"{url}#{anchor}" if anchor else url)


def may_register(user, meeting) -> bool:
    """A member or coordinator of the group, staff, or a guest invited to this meeting
    answers whether they come."""
    if permissions.is_themegroup_member(user, meeting.themegroup):
        return True
    return Attendance.objects.filter(meeting=meeting, user=user, is_guest=True).exists()


def _members(themegroup):
    """The group's members and coordinators (not its guests): who may own an action."""
    places = ThemegroupMembership.objects.filter(themegroup=themegroup).exclude(
        role=ThemegroupMembership.Role.GAST
    )
    return User.objects.filter(pk__in=places.values("user")).order_by("full_name")


def group_meetings(user, themegroup, among=None):
    """The group's meetings the user may see (of `among`, all meetings if None): all of
    them for whoever sees the whole group (`permissions.sees_all_meetings`, no scope
    subquery to plan), else those of `Meeting.objects.visible_to` (a guest: the
    meetings they are invited to)."""
    meetings = Meeting.objects.all() if among is None else among
    if permissions.sees_all_meetings(user, themegroup):
        return meetings.filter(themegroup=themegroup)
    return meetings.visible_to(user).filter(themegroup=themegroup)


@cache
def _summary_rows():
    """Every meeting as the group's page lists it: the columns a row shows, as plain
    values, with whether it has minutes (not the minutes). Built once per process: a
    request adds which meetings (`group_meetings`), when, in which order and how many."""
    return Meeting.objects.annotate(has_minutes=~Q(minutes="")).values(*SUMMARY_COLUMNS)


def owner_name():
    """The name of an action's owner, as a subquery per row (`owner_name`): an action
    list never joins (and never scans) the whole user table for five names."""
    return Subquery(User.objects.filter(pk=OuterRef("owner_id")).order_by().values("full_name")[:1])


@cache
def _open_actions_due_first():
    """Every open action (open or bezig), due first, read with its meeting (without
    the minutes), its owner's name and how many rows the query keeps (`total`, a
    window count taken before any limit). Built once per process (the owner's
    subquery and the window resolved once): a request adds which meetings
    (`_open_actions`)."""
    return (
        MeetingAction.objects.exclude(status=MeetingAction.Status.AFGEROND)
        .select_related("meeting")
        .defer("meeting__minutes")
        .annotate(owner_name=owner_name(), total=Window(Count("pk")))
        .order_by("due_on", "pk")
    )


def _open_actions(user, themegroup, before=None):
    """Open actions (open or bezig) of the group's meetings that the user sees (a guest
    only those of meetings they were invited to), before `before` if given, due first.
    Read with their meeting (for whoever sees every meeting, the group is a condition
    on that same join, no subquery) and their owner's name; the meeting's group and
    region are the ones given (so no join to them)."""
    actions = _open_actions_due_first()
    if permissions.sees_all_meetings(user, themegroup):
        actions = actions.filter(meeting__themegroup=themegroup)
    else:
        actions = actions.filter(meeting__in=group_meetings(user, themegroup).values("pk"))
    if before is not None:
        actions = actions.filter(meeting__starts_at__lt=before)
    return actions


def _limited(actions, shown):
    """The first `shown` of `_open_actions` and how many there are in all, in one query
    (their `total` is a window count over every row, taken before the limit)."""
    first = list(actions[:shown])
    return first, (first[0].total if first else 0)


def meeting_url_prefix(themegroup) -> str:
    """The address of the group's meetings up to a meeting's id: one `reverse` for a
    list of meetings instead of one per row."""
    return reverse(
        "community:meeting_detail",
        kwargs={"region_slug": themegroup.region.slug, "slug": themegroup.slug, "pk": 0},
    ).removesuffix("0/")


def _with_urls(themegroup, meetings) -> None:
    """Put on each meeting (of this group) its address (`url`) and the group read already."""
    prefix = meeting_url_prefix(themegroup)
    for meeting in meetings:
        meeting.themegroup = themegroup
        meeting.url = f"{prefix}{meeting.pk}/"


def _on_group(themegroup, *action_lists):
    """Point the actions' meetings at the group already read, with their address."""
    _with_urls(themegroup, [action.meeting for actions in action_lists for action in actions])


def _with_trajectories(user, *action_lists) -> None:
    """Put on each action the trajectory it follows up (as far as the reader may see
    it), asked of procurement once for all of them."""
    every = [action for actions in action_lists for action in actions]
    linked = extensions.merged("action_trajectories", user, [a.pk for a in every])
    for action in every:
        action.trajectory = linked.get(action.pk)


# --- the list of a group's meetings --------------------------------------------------------


def themegroup_meetings_context(user, themegroup, *, summary: bool = False) -> dict:
    """What `community/_themegroup_meetings.html` shows: the group's upcoming and
    (latest) past meetings the user may see, and its open actions. The themegroup page
    includes that partial with `summary`: the next few meetings, the last few and the
    open actions due first, with their totals and a link to this list, which shows them
    all (so the group's page stays short, and as quick with 200 actions as with 2)."""
    open_actions = _open_actions(user, themegroup)
    context = {
        "themegroup": themegroup,
        "summary": summary,
        "can_manage": permissions.can_manage_themegroup(user, themegroup),
    }
    if summary:
        # The next and the last few in one query of the columns a row shows; a meeting
        # is upcoming from its start.
        now = timezone.now()
        rows = group_meetings(user, themegroup, among=_summary_rows())
        upcoming = rows.filter(starts_at__gte=now).order_by("starts_at")[:SUMMARY_MEETINGS]
        past = rows.filter(starts_at__lt=now).order_by("-starts_at")[:SUMMARY_MEETINGS]
        if connection.features.supports_slicing_ordering_in_compound:
            both = list(upcoming.union(past, all=True))
        else:  # SQLite (`make run`) takes no LIMIT inside a UNION: two short lists
            both = [*upcoming, *past]
        shown = [SimpleNamespace(**row) for row in both]
        context["upcoming_meetings"] = sorted(
            (m for m in shown if m.starts_at >= now), key=lambda m: m.starts_at
        )
        context["past_meetings"] = sorted(
            (m for m in shown if m.starts_at < now), key=lambda m: m.starts_at, reverse=True
        )
        context["open_actions"], context["open_action_count"] = _limited(
            open_actions, SUMMARY_ACTIONS
        )
    else:
        meetings = (
            group_meetings(user, themegroup).annotate(has_minutes=~Q(minutes="")).defer("minutes")
        )
        context["upcoming_meetings"] = list(meetings.upcoming())
        context["past_meetings"] = list(meetings.past()[:PAST_MEETINGS])
        context["open_actions"] = list(open_actions)
        context["open_action_count"] = len(context["open_actions"])
    _with_urls(themegroup, (*context["upcoming_meetings"], *context["past_meetings"]))
    _on_group(themegroup, context["open_actions"])
    _with_trajectories(user, context["open_actions"])
    return context


@require_GET
def meeting_list(request, region_slug, slug):
    """Upcoming and past meetings of a themegroup, its open actions, and the address of
    the reader's own calendar feed."""
    themegroup = _themegroup(request, region_slug, slug)
    context = themegroup_meetings_context(request.user, themegroup)
    context["feed_url"] = request.build_absolute_uri(
        reverse(
            "community:themegroup_feed",
            kwargs={
                "region_slug": region_slug,
                "slug": slug,
                "token": calendars.feed_token(request.user, themegroup),
            },
        )
    )
    return render(request, "community/meeting_list.html", context)


# --- one meeting ---------------------------------------------------------------------------


def _render_detail(request, meeting, status=200, **bound):
    """The meeting page: when and where, agenda, registration, open actions of earlier
    meetings, this meeting's actions, minutes and, for the coordinator, who answered,
    who came and the guests to invite. `bound`: a form with errors of a failed action."""
    user = request.user
    themegroup = meeting.themegroup
    can_manage = permissions.can_manage_themegroup(user, themegroup)
    attendances = list(meeting.attendances.select_related("user").order_by("user__full_name"))
    mine = next((a for a in attendances if a.user_id == user.pk), None)
    counts = dict.fromkeys(REGISTRATION_ANSWERS, 0)
    for attendance in attendances:
        if attendance.status in counts:
            counts[attendance.status] += 1
    actions = list(meeting.actions.annotate(owner_name=owner_name()).order_by("due_on", "pk"))
    _with_urls(themegroup, [meeting])
    for action in actions:
        action.meeting = meeting
    earlier, earlier_count = _limited(
        _open_actions(user, themegroup, before=meeting.starts_at), EARLIER_ACTIONS
    )
    _on_group(themegroup, earlier)
    _with_trajectories(user, actions, earlier)
    registering = not meeting.is_past and may_register(user, meeting)
    guests = []
    if can_manage:
        invited = {a.user_id for a in attendances}
        guests = [
            place.user
            for place in ThemegroupMembership.objects.filter(
                themegroup=themegroup, role=ThemegroupMembership.Role.GAST
            ).select_related("user")
            if place.user_id not in invited
        ]
    context = {
        "meeting": meeting,
        "themegroup": themegroup,
        "can_manage": can_manage,
        "agenda": list(meeting.agenda_items.order_by("position")),
        "counts": [(Attendance.Status(a).label, a, counts[a]) for a in REGISTRATION_ANSWERS],
        "mine": mine,
        "registering": registering,
        "registration_form": bound.get("registration")
        or forms.RegistrationForm(initial={"status": mine.status if mine else None}),
        "attendances": attendances if can_manage else [],
        "present": [a for a in attendances if a.attended],
        "actions": actions,
        "earlier_actions": earlier,
        "earlier_action_count": earlier_count,
        "agenda_form": bound.get("agenda") or forms.AgendaItemForm(),
        "guest_form": bound.get("guest")
        or (forms.GuestInviteForm(guests=_guest_queryset(guests)) if guests else None),
        "action_error": bound.get("action_error"),
    }
    return render(request, "community/meeting_detail.html", context, status=status)


def _guest_queryset(guests):
    return User.objects.filter(pk__in=[g.pk for g in guests]).order_by("full_name")


@require_GET
def meeting_detail(request, region_slug, slug, pk):
    return _render_detail(request, _meeting(request, region_slug, slug, pk))


def _meeting_form_page(request, themegroup, meeting=None):
    form = forms.MeetingForm(_posted(request), instance=meeting)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.MEETING_FIELDS}
        try:
            if meeting is None:
                meeting = services.meeting_create(actor=request.user, themegroup=themegroup, **data)
            else:
                meeting = services.meeting_update(actor=request.user, meeting=meeting, **data)
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, _("De bijeenkomst is opgeslagen."))
            return _back(meeting)
    return render(
        request,
        "community/meeting_form.html",
        {"form": form, "meeting": meeting, "themegroup": themegroup},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request, region_slug, slug):
    themegroup = _themegroup(request, region_slug, slug)
    if not permissions.can_manage_themegroup(request.user, themegroup):
        raise PermissionDenied
    return _meeting_form_page(request, themegroup)


@require_http_methods(["GET", "POST"])
def meeting_update(request, region_slug, slug, pk):
    meeting = _managed(request, region_slug, slug, pk)
    return _meeting_form_page(request, meeting.themegroup, meeting)


# --- agenda --------------------------------------------------------------------------------


@require_POST
def agenda_item_add(request, region_slug, slug, pk):
    meeting = _managed(request, region_slug, slug, pk)
    form = forms.AgendaItemForm(request.POST)
    if form.is_valid():
        services.agenda_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        messages.success(request, _("Het agendapunt is toegevoegd."))
        return _back(meeting, "agenda")
    return _render_detail(request, meeting, status=400, agenda=form, action_error=form)


def _agenda_item(meeting, item_pk) -> AgendaItem:
    return get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)


@require_POST
def agenda_item_remove(request, region_slug, slug, pk, item_pk):
    meeting = _managed(request, region_slug, slug, pk)
    services.agenda_item_remove(actor=request.user, item=_agenda_item(meeting, item_pk))
    messages.success(request, _("Het agendapunt is verwijderd."))
    return _back(meeting, "agenda")


@require_POST
def agenda_item_move(request, region_slug, slug, pk, item_pk):
    meeting = _managed(request, region_slug, slug, pk)
    item = _agenda_item(meeting, item_pk)
    form = forms.AgendaMoveForm(request.POST)
    if form.is_valid():
        services.agenda_item_move(
            actor=request.user, item=item, direction=form.cleaned_data["direction"]
        )
        if request.headers.get("HX-Request"):
            return render(
                request,
                "community/meeting_detail.html#agenda",
                {
                    "meeting": meeting,
                    "can_manage": True,
                    "agenda": list(meeting.agenda_items.order_by("position")),
                },
            )
        return _back(meeting, f"agendapunt-{item.pk}")
    return _render_detail(request, meeting, status=400, action_error=form)


# --- registration, guests and attendance ---------------------------------------------------


@require_POST
def meeting_register(request, region_slug, slug, pk):
    meeting = _meeting(request, region_slug, slug, pk)
    if not may_register(request.user, meeting):
        raise PermissionDenied
    form = forms.RegistrationForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_register(
                actor=request.user, meeting=meeting, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, _("Uw aanmelding is opgeslagen."))
            return _back(meeting, "aanmelding")
    return _render_detail(request, meeting, status=400, registration=form, action_error=form)


@require_POST
def guest_invite(request, region_slug, slug, pk):
    meeting = _managed(request, region_slug, slug, pk)
    guests = User.objects.filter(
        themegroup_memberships__themegroup=meeting.themegroup,
        themegroup_memberships__role=ThemegroupMembership.Role.GAST,
    )
    form = forms.GuestInviteForm(request.POST, guests=guests)
    if form.is_valid():
        try:
            services.meeting_guest_invite(
                actor=request.user, meeting=meeting, user=form.cleaned_data["user"]
            )
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, _("De gast is uitgenodigd."))
            return _back(meeting, "deelnemers")
    return _render_detail(request, meeting, status=400, guest=form, action_error=form)


@require_http_methods(["GET", "POST"])
def attendance_record(request, region_slug, slug, pk):
    """Afterwards, the coordinator ticks who was there: the group's members and
    everyone who answered or was invited."""
    meeting = _managed(request, region_slug, slug, pk)
    listed = meeting.attendances.values("user")
    members = ThemegroupMembership.objects.filter(themegroup=meeting.themegroup).exclude(
        role=ThemegroupMembership.Role.GAST
    )
    people = list(
        User.objects.filter(Q(pk__in=listed) | Q(pk__in=members.values("user"))).order_by(
            "full_name"
        )
    )
    present = [
        str(user_id) for user_id in meeting.attendances.filter(attended=True).values_list("user")
    ]
    form = forms.AttendanceForm(_posted(request), people=people, initial={"present": present})
    if request.method == "POST" and form.is_valid():
        services.attendance_record(
            actor=request.user,
            meeting=meeting,
            present={int(user_id) for user_id in form.cleaned_data["present"]},
        )
        messages.success(request, _("De aanwezigheid is vastgelegd."))
        return _back(meeting, "deelnemers")
    return render(
        request,
        "community/attendance_record.html",
        {"meeting": meeting, "themegroup": meeting.themegroup, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- minutes and actions -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_minutes(request, region_slug, slug, pk):
    meeting = _managed(request, region_slug, slug, pk)
    form = forms.MinutesForm(_posted(request), initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        services.meeting_minutes_set(
            actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"]
        )
        messages.success(request, _("Het verslag is opgeslagen."))
        return _back(meeting, "verslag")
    return render(
        request,
        "community/meeting_minutes.html",
        {"meeting": meeting, "themegroup": meeting.themegroup, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _action_form_page(request, meeting, action=None):
    themegroup = meeting.themegroup
    trajectories = [
        choice
        for choices in extensions.call("action_trajectory_choices", request.user, themegroup)
        for choice in choices
    ]
    initial = {}
    if action is not None:
        linked = extensions.merged("action_trajectories", request.user, [action.pk])
        current = linked.get(action.pk)
        initial = {
            "title": action.title,
            "owner": action.owner_id,
            "due_on": action.due_on,
            "status": action.status,
            "trajectory": current.pk if current else None,
        }
    form = forms.ActionForm(
        _posted(request),
        initial=initial,
        members=_members(themegroup),
        trajectories=trajectories,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        trajectory_id = data.pop("trajectory")
        link = {}
        if action is None or "trajectory" in form.changed_data:
            link = {"trajectory_id": trajectory_id}
        try:
            if action is None:
                services.action_create(actor=request.user, meeting=meeting, **data, **link)
            else:
                services.action_update(actor=request.user, action=action, **data, **link)
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, _("De actie is opgeslagen."))
            return _back(meeting, "acties")
    return render(
        request,
        "community/action_form.html",
        {"meeting": meeting, "themegroup": themegroup, "form": form, "action": action},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def action_create(request, region_slug, slug, pk):
    return _action_form_page(request, _managed(request, region_slug, slug, pk))


@require_http_methods(["GET", "POST"])
def action_update(request, region_slug, slug, pk, action_pk):
    meeting = _managed(request, region_slug, slug, pk)
    action = get_object_or_404(
        MeetingAction.objects.select_related("meeting__themegroup"),
        pk=action_pk,
        meeting=meeting,
    )
    return _action_form_page(request, meeting, action)


# --- iCalendar -----------------------------------------------------------------------------


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def meeting_ics(request, region_slug, slug, pk):
    """The meeting as an .ics file for the reader's calendar."""
    meeting = _meeting(request, region_slug, slug, pk)
    content = calendars.calendar_bytes([meeting], name=meeting.title)
    return _ics_response(content, f"bijeenkomst-{meeting.pk}.ics")


@login_not_required
@require_GET
def themegroup_feed(request, region_slug, slug, token):
    """The iCalendar feed of a themegroup for one user (a calendar app cannot sign in):
    the token names the user and the group; the feed holds the meetings of that group
    the user may see now. A bad token, another group's address or an inactive account:
    404."""
    claims = calendars.feed_token_read(token)
    if claims is None:
        raise Http404
    user_id, themegroup_id = claims
    user = User.objects.filter(pk=user_id, is_active=True).first()
    themegroup = Themegroup.objects.filter(
        pk=themegroup_id, region__slug=region_slug, slug=slug
    ).first()
    if user is None or themegroup is None:
        raise Http404
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(themegroup=themegroup)
        .select_related("themegroup__region")
        .order_by("starts_at")
    )
    content = calendars.calendar_bytes(meetings, name=themegroup.name)
    response = _ics_response(content, f"{themegroup.slug}.ics")
    # Personal content at a secret address: no shared cache may keep it.
    patch_cache_control(response, private=True, no_store=True)
    return response
