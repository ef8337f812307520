"""URLs of procurement. Names are mechanical: `procurement:trajectory_detail` ↔ view
`views.trajectory_detail` ↔ template `procurement/trajectory_detail.html`."""

from django.urls import path

from procurement import views

app_name = "procurement"

urlpatterns = [
    path("trajecten/", views.trajectory_list, name="trajectory_list"),
    path("trajecten/nieuw/", views.trajectory_create, name="trajectory_create"),
    path("trajecten/export.<str:file_format>", views.trajectory_export, name="trajectory_export"),
    path("trajecten/kpis/import/", views.kpi_import, name="kpi_import"),
    path("trajecten/kpis/export.<str:file_format>", views.kpi_export_all, name="kpi_export_all"),
    path("trajecten/<int:pk>/", views.trajectory_detail, name="trajectory_detail"),
    path("trajecten/<int:pk>/bewerken/", views.trajectory_update, name="trajectory_update"),
    path("trajecten/<int:pk>/afsluiten/", views.trajectory_close, name="trajectory_close"),
    path("trajecten/<int:pk>/fasen/<int:number>/starten/", views.phase_start, name="phase_start"),
    path(
        "trajecten/<int:pk>/fasen/<int:number>/afronden/",
        views.phase_complete,
        name="phase_complete",
    ),
    path("trajecten/<int:pk>/fasen/<int:number>/overslaan/", views.phase_skip, name="phase_skip"),
    path("trajecten/<int:pk>/fasen/<int:number>/planning/", views.phase_plan, name="phase_plan"),
    path(
        "trajecten/<int:pk>/hulpvragen/<int:question_pk>/",
        views.question_answer,
        name="question_answer",
    ),
    path("trajecten/<int:pk>/team/", views.team_add, name="team_add"),
    path("trajecten/<int:pk>/team/nieuw/", views.team_new, name="team_new"),
    path(
        "trajecten/<int:pk>/team/<int:member_pk>/verwijderen/",
        views.team_remove,
        name="team_remove",
    ),
    path("trajecten/<int:pk>/kpis/", views.kpi_add, name="kpi_add"),
    path("trajecten/<int:pk>/kpis/nieuw/", views.kpi_new, name="kpi_new"),
    path(
        "trajecten/<int:pk>/kpis/<int:kpi_pk>/metingen/",
        views.measurement_record,
        name="measurement_record",
    ),
    path(
        "trajecten/<int:pk>/kpis/<int:kpi_pk>/metingen/nieuw/",
        views.measurement_new,
        name="measurement_new",
    ),
    path("trajecten/<int:pk>/kpis/export.<str:file_format>", views.kpi_export, name="kpi_export"),
    path("trajecten/<int:pk>/documenten/", views.document_add, name="document_add"),
    path("trajecten/<int:pk>/documenten/nieuw/", views.document_new, name="document_new"),
    path(
        "trajecten/<int:pk>/documenten/<int:document_pk>/",
        views.document_download,
        name="document_download",
    ),
]
