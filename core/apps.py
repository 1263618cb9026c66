from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "公共"

    def ready(self):
        from . import decisions, panels

        panels.register(5, decisions.pending_panel)
