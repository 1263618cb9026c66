from django.urls import path

from . import decision_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("downloads/", views.downloads, name="downloads"),
    path("audit/", views.audit_log, name="audit_log"),
    path("downloads/<uuid:pk>/file/", views.download_file, name="download_file"),
    path("downloads/<uuid:pk>/status/", views.job_status, name="job_status"),
    path("decisions/", decision_views.decision_list, name="decisions"),
    path("decisions/<int:pk>/", decision_views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/withdraw/", decision_views.decision_withdraw, name="decision_withdraw"),
    path("downloads/<uuid:pk>/retry/", views.retry_job, name="retry_job"),
]
