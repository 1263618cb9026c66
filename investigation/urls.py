from django.urls import path

from . import conclusion_views, documents_views, rectify_views, views

app_name = "investigation"
urlpatterns = [
    path("", views.index, name="index"),
    path("open/", views.open_campaign, name="open"),
    path("overview/", conclusion_views.overview_page, name="overview"),  # ?c=campaign&committee=
    path("checks/<int:pk>/", views.check_detail, name="check"),
    path("checks/<int:pk>/submit/", views.submit, name="submit"),
    path("checks/<int:pk>/agree/", views.agree_rest, name="agree_rest"),
    path("checks/<int:pk>/finish/", views.finish, name="finish"),
    path("checks/<int:pk>/report/", views.report, name="report"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/search/", views.case_search, name="case_search"),
    path("cases/<int:pk>/verdict/", views.case_verdict, name="case_verdict"),
    # 整改规范 (rectify.py)
    path("cases/<int:pk>/dispose/", rectify_views.case_dispose, name="case_dispose"),
    path("dispositions/", rectify_views.disposition_list, name="dispositions"),
    path("dispositions/<int:pk>/", rectify_views.disposition, name="disposition"),
    path("dispositions/<int:pk>/prereview/", rectify_views.disposition_prereview, name="disposition_prereview"),
    path("dispositions/<int:pk>/done/", rectify_views.disposition_done, name="disposition_done"),
    path("dispositions/<int:pk>/withdraw/", rectify_views.disposition_withdraw, name="disposition_withdraw"),
    path("opinions/<int:pk>/", views.opinion, name="opinion"),
    path("opinions/<int:pk>/sign/", views.sign, name="sign"),
    path("opinions/<int:pk>/signed/", views.signed_file, name="signed_file"),
    # 总结巩固: the committee's acceptance and summary (with 附件4)
    path("opinions/<int:pk>/conclusion/", conclusion_views.conclusion, name="conclusion"),
    path("opinions/<int:pk>/accept/", conclusion_views.accept, name="accept"),
    path("opinions/<int:pk>/summary.pdf", conclusion_views.summary_pdf, name="summary_pdf"),
    # the forms (附件1–4, the ledger): ?campaign=&org=, default the newest campaign and the user's organization
    path("forms/", documents_views.forms_page, name="forms"),
    path("forms/annex1.xlsx", documents_views.register_file, {"name": "annex1", "fmt": "xlsx"}, name="annex1_xlsx"),
    path("forms/annex1.pdf", documents_views.register_file, {"name": "annex1", "fmt": "pdf"}, name="annex1_pdf"),
    path("forms/annex2.xlsx", documents_views.register_file, {"name": "annex2", "fmt": "xlsx"}, name="annex2_xlsx"),
    path("forms/annex2.pdf", documents_views.register_file, {"name": "annex2", "fmt": "pdf"}, name="annex2_pdf"),
    path("forms/annex3.xlsx", documents_views.grid_file, {"name": "annex3", "fmt": "xlsx"}, name="annex3_xlsx"),
    path("forms/annex3.pdf", documents_views.grid_file, {"name": "annex3", "fmt": "pdf"}, name="annex3_pdf"),
    path("forms/annex4.xlsx", documents_views.grid_file, {"name": "annex4", "fmt": "xlsx"}, name="annex4_xlsx"),
    path("forms/annex4.pdf", documents_views.grid_file, {"name": "annex4", "fmt": "pdf"}, name="annex4_pdf"),
    path("forms/ledger.xlsx", documents_views.register_file, {"name": "ledger", "fmt": "xlsx"}, name="ledger_xlsx"),
    path("forms/ledger.pdf", documents_views.register_file, {"name": "ledger", "fmt": "pdf"}, name="ledger_pdf"),
]
# printed records (PDF)
urlpatterns += [
    path("cases/<int:pk>/search-record.pdf", documents_views.case_print, name="case_print"),
    path("checks/<int:pk>/report.pdf", documents_views.report_print, name="report_print"),
]
urlpatterns += [
    path("cases/<int:pk>/committee-opinion/", views.case_committee_opinion, name="case_committee_opinion"),
]
