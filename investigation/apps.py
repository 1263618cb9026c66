from django.apps import AppConfig


class InvestigationConfig(AppConfig):
    name = "investigation"
    verbose_name = "组织关系排查"

    def ready(self):
        from core import audit, panels
        from core import decisions as core_decisions

        from . import rectify, services, todo  # noqa: F401  (services registers its audit actions)
        from .models import BranchCheck, Case, CommitteeOpinion, Disposition, SearchAttempt, VerificationReport

        audit.register_page(Case, "investigation:case")
        audit.register_page(BranchCheck, "investigation:check")
        audit.register_page(CommitteeOpinion, "investigation:opinion")
        audit.register_label(Case, "attempts", SearchAttempt._meta.verbose_name)
        audit.register_label(CommitteeOpinion, "signed_version", "已签署版本")
        audit.register_label(VerificationReport, "summary", "核查情况")
        audit.register_page(Disposition, "investigation:disposition")
        audit.register_label(Case, "dispositions", Disposition._meta.verbose_name)
        core_decisions.register_guard(rectify.approval_guard)  # the committee's 预审 before approval
        todo.register()
        panels.register(25, todo.panel)

        from . import documents, documents_views  # noqa: F401  (the forms' exporters register themselves)

        services.SIGNED_DOCUMENT = documents.signed_forms  # a signature freezes 附件1–3 and the mobile table
