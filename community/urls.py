"""URLs of the community pages. Names are mechanical: `community:themegroup_detail` ↔
view `views.themegroup_detail` ↔ template `community/themegroup_detail.html`. Included
in portal/urls.py once it has a page."""

app_name = "community"

urlpatterns = []
