"""URLs of the community pages. Names are mechanical: `community:themegroup_detail` ↔
view `views.themegroups.themegroup_detail` (the views live in modules by subject) ↔
template `community/themegroup_detail.html`."""

from django.urls import path

from community.views import meetings

app_name = "community"

GROUP = "themagroepen/<slug:region_slug>/<slug:slug>/"
MEETING = GROUP + "bijeenkomsten/<int:pk>/"

urlpatterns = [
    path(GROUP + "bijeenkomsten/", meetings.meeting_list, name="meeting_list"),
    path(GROUP + "bijeenkomsten/nieuw/", meetings.meeting_create, name="meeting_create"),
    path(GROUP + "agenda/<str:token>.ics", meetings.themegroup_feed, name="themegroup_feed"),
    path(MEETING, meetings.meeting_detail, name="meeting_detail"),
    path(MEETING + "bewerken/", meetings.meeting_update, name="meeting_update"),
    path(MEETING + "bijeenkomst.ics", meetings.meeting_ics, name="meeting_ics"),
    path(MEETING + "agenda/", meetings.agenda_item_add, name="agenda_item_add"),
    path(
        MEETING + "agenda/<int:item_pk>/verplaatsen/",
        meetings.agenda_item_move,
        name="agenda_item_move",
    ),
    path(
        MEETING + "agenda/<int:item_pk>/verwijderen/",
        meetings.agenda_item_remove,
        name="agenda_item_remove",
    ),
    path(MEETING + "aanmelding/", meetings.meeting_register, name="meeting_register"),
    path(MEETING + "gasten/", meetings.guest_invite, name="guest_invite"),
    path(MEETING + "aanwezigheid/", meetings.attendance_record, name="attendance_record"),
    path(MEETING + "verslag/", meetings.meeting_minutes, name="meeting_minutes"),
    path(MEETING + "acties/nieuw/", meetings.action_create, name="action_create"),
    path(
        MEETING + "acties/<int:action_pk>/bewerken/",
        meetings.action_update,
        name="action_update",
    ),
]
