from django.apps import AppConfig
from django.db.models.signals import post_migrate


def analyze(using="default", **kwargs):
    """Refresh SQLite's planner statistics after every migrate (`make run` migrates at each start).

    A migration that rebuilds a table drops its statistics; without them SQLite guesses that an
    equality on any index matches ten rows, and walks all 30,000 members by roll state to find a
    branch's 270 (0.3 s per roster page) instead of the branch's rows by organization.
    """
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "公共"

    def ready(self):
        post_migrate.connect(analyze, sender=self)
        from . import decisions, panels, versions  # noqa: F401  (versions registers its audit action)

        panels.register(5, decisions.pending_panel)
