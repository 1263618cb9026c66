from django.apps import AppConfig


class InvestigationConfig(AppConfig):
    name = "investigation"
    verbose_name = "组织关系排查"

    def ready(self):
        from core import audit, panels

        from . import services, todo  # noqa: F401  (services registers its audit actions)
        from .models import BranchCheck, Case, CommitteeOpinion, SearchAttempt, VerificationReport

        audit.register_page(Case, "investigation:case")
        audit.register_page(BranchCheck, "investigation:check")
        audit.register_page(CommitteeOpinion, "investigation:opinion")
        audit.register_label(Case, "attempts", SearchAttempt._meta.verbose_name)
        audit.register_label(CommitteeOpinion, "signed_version", "已签署版本")
        audit.register_label(VerificationReport, "summary", "核查情况")
        todo.register()
        panels.register(25, todo.panel)

        from . import documents, documents_views  # noqa: F401  (the forms' exporters register themselves)

        services.SIGNED_DOCUMENT = documents.signed_forms  # a signature freezes 附件1–3 and the mobile table
