from django.urls import path

from . import views

app_name = "investigation"
urlpatterns = [
    path("", views.index, name="index"),
    path("open/", views.open_campaign, name="open"),
    path("checks/<int:pk>/", views.check_detail, name="check"),
    path("checks/<int:pk>/submit/", views.submit, name="submit"),
    path("checks/<int:pk>/agree/", views.agree_rest, name="agree_rest"),
    path("checks/<int:pk>/finish/", views.finish, name="finish"),
    path("checks/<int:pk>/report/", views.report, name="report"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/search/", views.case_search, name="case_search"),
    path("cases/<int:pk>/verdict/", views.case_verdict, name="case_verdict"),
    path("opinions/<int:pk>/", views.opinion, name="opinion"),
    path("opinions/<int:pk>/sign/", views.sign, name="sign"),
    path("opinions/<int:pk>/signed/", views.signed_file, name="signed_file"),
]
