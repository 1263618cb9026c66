from django.urls import path

from . import views_dispatch, views_program, views_unit

app_name = "pilots"
urlpatterns = [
    path("", views_program.program_list, name="programs"),
    path("new/", views_program.program_form, name="program_create"),
    path("<int:pk>/", views_program.program_detail, name="program"),
    path("<int:pk>/edit/", views_program.program_form, name="program_edit"),
    path("<int:pk>/units/new/", views_program.unit_create, name="unit_create"),
    path("<int:pk>/rollout/", views_program.program_rollout, name="rollout"),
    path("<int:pk>/summaries/", views_program.summaries, name="summaries"),
    path("<int:pk>/summaries.xlsx", views_program.summaries_export, {"fmt": "xlsx"}, name="summaries_xlsx"),
    path("<int:pk>/summaries.pdf", views_program.summaries_export, {"fmt": "pdf"}, name="summaries_pdf"),
    path("<int:pk>/dispatch/", views_dispatch.dispatch_month, name="dispatch"),
    path("<int:pk>/dispatch.pdf", views_dispatch.dispatch_pdf, name="dispatch_pdf"),
    path("units/<int:pk>/", views_unit.unit_detail, name="unit"),
    path("units/<int:pk>/edit/", views_program.unit_edit, name="unit_edit"),
    path("units/<int:unit_pk>/categories/new/", views_unit.category_form, name="category_create"),
    path("units/<int:pk>/copy/", views_unit.scheme_copy, name="scheme_copy"),
    path("units/<int:pk>/members/", views_unit.unit_members, name="unit_members"),
    path("units/<int:pk>/summary/", views_unit.summary_edit, name="summary"),
    path("units/<int:pk>/reports/new/", views_dispatch.report_create, name="report_create"),
    path("categories/<int:pk>/edit/", views_unit.category_form, name="category_edit"),
    path("categories/<int:pk>/delete/", views_unit.category_delete, name="category_delete"),
    path("reports/<int:pk>/", views_dispatch.report_detail, name="report"),
    path("problems/<int:pk>/", views_dispatch.problem_detail, name="problem"),
]
