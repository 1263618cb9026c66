from django.urls import path

from . import followup_views

app_name = "ratings"
urlpatterns = [
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
