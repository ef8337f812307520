"""URLs of the community pages. Names are mechanical: `community:themegroup_detail` ↔
view `views.themegroups.themegroup_detail` (the views live in modules by subject) ↔
template `community/themegroup_detail.html`."""

from django.urls import path

from community.views import agreements, organisations

app_name = "community"

urlpatterns = [
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
