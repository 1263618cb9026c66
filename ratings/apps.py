from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "星级评定"

    def ready(self):
        from core import audit

        from . import objections, services  # noqa: F401  (register their audit actions)
        from .choices import Star
        from .models import CriteriaSet, RatingSheet

        for star in Star:
            audit.register_label(CriteriaSet, star.value, star.label)
        audit.register_page(RatingSheet, "ratings:sheet")
        audit.register_label(RatingSheet, "entries", "评定结果")
        audit.register_label(RatingSheet, "objection_answer", "异议答复")
