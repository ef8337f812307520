from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("praktijkvoorbeelden/", views.case_list, name="case_list"),
    path("praktijkvoorbeelden/nieuw/", views.case_create, name="case_create"),
    path(
        "praktijkvoorbeelden/uit-traject/<int:pk>/",
        views.case_from_trajectory,
        name="case_from_trajectory",
    ),
    path("praktijkvoorbeelden/bewaard/", views.case_bookmarks, name="case_bookmarks"),
    path("praktijkvoorbeelden/beoordelen/", views.case_review_queue, name="case_review_queue"),
    path("praktijkvoorbeelden/export.<str:file_format>", views.case_export, name="case_export"),
    path("praktijkvoorbeelden/<slug:slug>/", views.case_detail, name="case_detail"),
    path("praktijkvoorbeelden/<slug:slug>/bewerken/", views.case_update, name="case_update"),
    path("praktijkvoorbeelden/<slug:slug>/indienen/", views.case_submit, name="case_submit"),
    path("praktijkvoorbeelden/<slug:slug>/publiceren/", views.case_publish, name="case_publish"),
    path("praktijkvoorbeelden/<slug:slug>/terugsturen/", views.case_return, name="case_return"),
    path(
        "praktijkvoorbeelden/<slug:slug>/terugtrekken/", views.case_withdraw, name="case_withdraw"
    ),
    path("praktijkvoorbeelden/<slug:slug>/contact/", views.case_contact, name="case_contact"),
    path("praktijkvoorbeelden/<slug:slug>/markeren/<str:kind>/", views.case_mark, name="case_mark"),
    path(
        "praktijkvoorbeelden/<slug:slug>/bijlagen/<int:pk>/",
        views.case_attachment,
        name="case_attachment",
    ),
    path("kennisbank/", views.knowledge_list, name="knowledge_list"),
    path("kennisbank/bronnen/<slug:key>/", views.knowledge_source, name="knowledge_source"),
    path("kennisbank/<slug:slug>/", views.knowledge_detail, name="knowledge_detail"),
]
