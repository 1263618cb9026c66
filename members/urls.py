from django.urls import path

from . import decision_views, dues_views, mobile_views, views
from .importing import views as import_views

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
    path("mobile/", mobile_views.ledger, name="mobile_ledger"),
    path("mobile/export.xlsx", mobile_views.ledger_export, {"fmt": "xlsx"}, name="mobile_export_xlsx"),
    path("mobile/export.pdf", mobile_views.ledger_export, {"fmt": "pdf"}, name="mobile_export_pdf"),
    path("mobile/in/new/", mobile_views.inflow_create, name="mobile_in"),
    path("mobile/<int:pk>/", mobile_views.period_detail, name="mobile_detail"),
    path("mobile/<int:pk>/report/", mobile_views.period_report, name="mobile_report"),
    path("mobile/<int:pk>/end/", mobile_views.period_end, name="mobile_end"),
    path("mobile/<int:pk>/edit/", mobile_views.period_edit, name="mobile_edit"),
    path("<int:pk>/mobile/out/", mobile_views.outflow_start, name="mobile_out"),
    path("import/", import_views.upload, name="import"),
    path("import/template.xlsx", import_views.template, name="import_template"),
    path("import/<uuid:pk>/", import_views.detail, name="import_detail"),
    path("import/<uuid:pk>/status/", import_views.status, name="import_status"),
    path("import/<uuid:pk>/commit/", import_views.commit, name="import_commit"),
    path("import/<uuid:pk>/errors.xlsx", import_views.errors, name="import_errors"),
    path("<int:pk>/info-form.pdf", import_views.info_form, name="info_form"),
    path("branch/<int:org_pk>/info-forms.pdf", import_views.branch_info_forms, name="info_forms"),
]
