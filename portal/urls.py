"""URL configuration: Dutch paths, the admin at /beheer/ behind allauth's login."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from portal import views

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Circulair Inkopen Groene Hart – beheer"
admin.site.site_title = "Beheer"

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("toegankelijkheid/", views.accessibility, name="accessibility"),
        path("privacy/", views.privacy, name="privacy"),
        path("beveiliging/", views.security, name="security"),
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal_patterns)),
    path("", include("cases.urls")),
    path("", include("procurement.urls")),
    path("", include("community.urls")),
    path("", include("reports.urls")),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("health/", views.health_check, name="health"),
    path("taal/", login_not_required(set_language), name="set_language"),
    path("account/", include("allauth.urls")),
    path("beheer/", admin.site.urls),
]
