from django.urls import path

from . import followup_views, views

app_name = "ratings"
urlpatterns = [
    # the rating cycle (views.py)
    path("", views.index, name="index"),
    path("open/", views.open_quarter, name="open_quarter"),
    path("criteria/", views.criteria_page, name="criteria"),
    path("criteria/edit/", views.criteria_edit, name="criteria_edit"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("sheets/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("sheets/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("sheets/<int:pk>/objections/", views.objection_add, name="objection_add"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    # what follows a quarter (followup_views.py)
    path("overview/", followup_views.overview_page, name="overview"),
    path("shortlist/", followup_views.shortlist_page, name="shortlist"),
    path("rectifications/", followup_views.rectification_list, name="rectifications"),
    path("rectifications/<int:pk>/", followup_views.rectification_detail, name="rectification"),
    path("rectifications/<int:pk>/note/", followup_views.rectification_note, name="rectification_note"),
    path("annual/", followup_views.annual_page, name="annual"),
    path("annual/export.xlsx", followup_views.annual_export, {"fmt": "xlsx"}, name="annual_xlsx"),
    path("annual/export.pdf", followup_views.annual_export, {"fmt": "pdf"}, name="annual_pdf"),
    path("entries/<int:pk>/print.pdf", followup_views.entry_print, name="entry_print"),
    path("sheets/<int:pk>/print.pdf", followup_views.sheet_print, name="sheet_print"),
]
