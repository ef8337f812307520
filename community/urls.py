"""URLs of the community pages. Names are mechanical: `community:themegroup_detail` ↔
view `views.themegroups.themegroup_detail` (the views live in modules by subject) ↔
template `community/themegroup_detail.html`. Themegroup slugs are unique per region, so
a group's address holds its region's slug."""

from django.urls import path

from community.views import (
    agreements,
    digests,
    meetings,
    membership,
    onboarding,
    organisations,
    themegroups,
)

app_name = "community"

GROUP = "themagroepen/<slug:region_slug>/<slug:slug>/"
MEETING = GROUP + "bijeenkomsten/<int:pk>/"

urlpatterns = [
    path("themagroepen/samenvatting/", digests.digest_settings, name="digest_settings"),
    path(
        "themagroepen/samenvatting/afmelden/<str:token>/",
        digests.digest_unsubscribe,
        name="digest_unsubscribe",
    ),
    path("themagroepen/", themegroups.themegroup_list, name="themegroup_list"),
    # Before the group addresses: "uitnodiging" is not a region.
    path(
        "themagroepen/uitnodiging/<str:token>/",
        membership.invitation_accept,
        name="invitation_accept",
    ),
    path(GROUP, themegroups.themegroup_detail, name="themegroup_detail"),
    path(f"{GROUP}aanmelden/", themegroups.join_request_create, name="join_request_create"),
    path(f"{GROUP}verlaten/", themegroups.themegroup_leave, name="themegroup_leave"),
    path(f"{GROUP}mededelingen/", themegroups.announcement_create, name="announcement_create"),
    path(f"{GROUP}documenten/nieuw/", themegroups.document_new, name="document_new"),
    path(f"{GROUP}documenten/<int:pk>/", themegroups.document_download, name="document_download"),
    path(
        f"{GROUP}mededelingen/<int:pk>/verwijderen/",
        themegroups.announcement_delete,
        name="announcement_delete",
    ),
    path(
        f"{GROUP}documenten/<int:pk>/verwijderen/",
        themegroups.document_delete,
        name="document_delete",
    ),
    path(f"{GROUP}leerdoelen/", themegroups.learning_goal_create, name="learning_goal_create"),
    path(
        f"{GROUP}leerdoelen/<int:pk>/status/",
        themegroups.learning_goal_status,
        name="learning_goal_status",
    ),
    path(f"{GROUP}leden/", membership.themegroup_members, name="themegroup_members"),
    path(f"{GROUP}leden/uitnodigen/", membership.invitation_create, name="invitation_create"),
    path(
        f"{GROUP}uitnodigingen/<int:pk>/intrekken/",
        membership.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path(
        f"{GROUP}aanvragen/<int:pk>/beslissen/",
        membership.join_request_decide,
        name="join_request_decide",
    ),
    path(f"{GROUP}leden/<int:pk>/rol/", membership.member_role_set, name="member_role_set"),
    path(f"{GROUP}leden/<int:pk>/verwijderen/", membership.member_remove, name="member_remove"),
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
    path(
        "account/organisatie/",
        onboarding.membership_request_create,
        name="membership_request_create",
    ),
    path(
        "account/organisatie/<int:pk>/intrekken/",
        onboarding.membership_request_withdraw,
        name="membership_request_withdraw",
    ),
    # Before the organisation addresses: "aanvragen" is not an organisation.
    path(
        "organisaties/aanvragen/",
        onboarding.membership_request_list,
        name="membership_request_list",
    ),
    path(
        "organisaties/aanvragen/<int:pk>/beslissen/",
        onboarding.membership_request_decide,
        name="membership_request_decide",
    ),
    path("organisaties/", organisations.organisation_list, name="organisation_list"),
    path(
        "organisaties/<slug:slug>/", organisations.organisation_detail, name="organisation_detail"
    ),
    path(
        "organisaties/<slug:slug>/volwassenheid/",
        organisations.organisation_maturity,
        name="organisation_maturity",
    ),
    path("afspraken/", agreements.agreement_list, name="agreement_list"),
    path("afspraken/nieuw/", agreements.agreement_create, name="agreement_create"),
    path("afspraken/<slug:slug>/", agreements.agreement_detail, name="agreement_detail"),
]
