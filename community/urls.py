"""URLs of the community pages. Names are mechanical: `community:themegroup_detail` ↔
view `views.themegroups.themegroup_detail` (the views live in modules by subject) ↔
template `community/themegroup_detail.html`."""

from django.urls import path

from community.views import digests

app_name = "community"

urlpatterns = [
    path("themagroepen/samenvatting/", digests.digest_settings, name="digest_settings"),
    path(
        "themagroepen/samenvatting/afmelden/<str:token>/",
        digests.digest_unsubscribe,
        name="digest_unsubscribe",
    ),
]
