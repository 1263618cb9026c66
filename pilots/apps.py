from django.apps import AppConfig


class PilotsConfig(AppConfig):
    name = "pilots"
    verbose_name = "分类管理试点"

    def ready(self):
        from core import audit

        from . import exports  # noqa: F401  (registers the summaries exporter)
        from .models import Category, PilotUnit, Problem, Program, Report
        from .services import dispatch, programs, schemes  # noqa: F401  (register their audit actions)

        audit.register_page(Program, "pilots:program")
        audit.register_page(PilotUnit, "pilots:unit")
        audit.register_page(Report, "pilots:report")
        audit.register_page(Problem, "pilots:problem")
        from .choices import ASPECTS

        for key, label in ASPECTS:
            audit.register_label(Category, f"measure:{key}", f"管理措施·{label}")
        audit.register_label(PilotUnit, "categories", "分类方案")
        audit.register_label(PilotUnit, "category", "党员类别")
        audit.register_label(Program, "phases", "阶段安排")
