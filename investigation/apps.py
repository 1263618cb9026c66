from django.apps import AppConfig


class InvestigationConfig(AppConfig):
    name = "investigation"
    verbose_name = "组织关系排查"

    def ready(self):
        from core import audit

        from . import services, todo  # noqa: F401  (register their audit actions and to-do sections)
        from .models import BranchCheck, Case

        audit.register_page(Case, "investigation:case")
        audit.register_page(BranchCheck, "investigation:check")
