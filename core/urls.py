from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("downloads/", views.downloads, name="downloads"),
    path("audit/", views.audit_log, name="audit_log"),
    path("downloads/<uuid:pk>/file/", views.download_file, name="download_file"),
    path("downloads/<uuid:pk>/status/", views.job_status, name="job_status"),
]
