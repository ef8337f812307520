"""URLs of the community pages. Names are mechanical: `community:themegroup_detail` ↔
view `views.themegroups.themegroup_detail` (the views live in modules by subject) ↔
template `community/themegroup_detail.html`."""

app_name = "community"

urlpatterns = []
