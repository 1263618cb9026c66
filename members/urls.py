from django.urls import path

from . import decision_views, views

app_name = "members"
urlpatterns = [
    path("", views.roster, name="roster"),
    path("export.xlsx", views.roster_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("export.pdf", views.roster_export, {"fmt": "pdf"}, name="export_pdf"),
    path("new/", views.member_create, name="create"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/move/", views.member_move, name="move"),
    path("<int:pk>/state/", views.member_state, name="state"),
    path("<int:pk>/propose/", decision_views.propose, name="propose"),
    path("probation/", decision_views.probation, name="probation"),
    path("branch/<int:org_pk>/move-all/", views.branch_move_all, name="move_all"),
]
