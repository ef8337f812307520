"""URLs of reporting. Names are mechanical: `reports:dashboard_region` ↔ view
`views.dashboard_region` ↔ template `reports/dashboard.html` (one template for every
scope). Themegroup slugs are unique per region only, so its address holds both."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("voortgang/", views.dashboard_index, name="dashboard_index"),
    path(
        "voortgang/organisatie/<slug:slug>/",
        views.dashboard_organisation,
        name="dashboard_organisation",
    ),
    path(
        "voortgang/themagroep/<slug:region_slug>/<slug:slug>/",
        views.dashboard_themegroup,
        name="dashboard_themegroup",
    ),
    path("voortgang/regio/<slug:slug>/", views.dashboard_region, name="dashboard_region"),
    path("rapportages/", views.report_list, name="report_list"),
    path("rapportages/<int:pk>/", views.report_detail, name="report_detail"),
    path("rapportages/<int:pk>/opnieuw/", views.report_retry, name="report_retry"),
    path("rapportages/<int:pk>/download/", views.report_download, name="report_download"),
    path("rapportages/<int:pk>/delen/", views.report_share, name="report_share"),
    path("rapportages/gedeeld/<str:token>/", views.report_shared, name="report_shared"),
    path("rapportages/abonnementen/nieuw/", views.subscription_create, name="subscription_create"),
    path(
        "rapportages/abonnementen/<int:pk>/opzeggen/",
        views.subscription_delete,
        name="subscription_delete",
    ),
]
