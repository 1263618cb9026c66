from django.urls import path

from . import decision_views, dues_views, views

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
    path("dues/", dues_views.index, name="dues_index"),
    path("dues/branch/<int:org_pk>/", dues_views.branch, name="dues_branch"),
    path("dues/branch/<int:org_pk>/grid/", dues_views.grid, name="dues_grid"),
    path("dues/branch/<int:org_pk>/sheet.xlsx", dues_views.sheet_export, {"fmt": "xlsx"}, name="dues_sheet_xlsx"),
    path("dues/branch/<int:org_pk>/sheet.pdf", dues_views.sheet_export, {"fmt": "pdf"}, name="dues_sheet_pdf"),
    path("<int:pk>/dues/", dues_views.member, name="dues_member"),
    path("<int:pk>/dues/standard/", dues_views.standard, name="dues_standard"),
    path("<int:pk>/dues/correct/", dues_views.correct, name="dues_correct"),
]
