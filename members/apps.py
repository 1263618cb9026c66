from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "党员"

    def ready(self):
        from branches.services import register_counter, register_dependent
        from core import panels

        from . import exports  # noqa: F401  (registers the roster exporter)
        from .dashboard import members_panel
        from .models import Member

        register_dependent(
            "党员",
            lambda org: Member.objects.on_roll().filter(organization=org).count()
            + Member.objects.on_roll().filter(party_group=org).count(),
        )
        register_counter("党员", count_on_roll)
        panels.register(10, members_panel)


def count_on_roll(org_ids):
    from django.db.models import Count

    from .models import Member

    rows = (
        Member.objects.on_roll().filter(organization_id__in=org_ids)
        .values("organization_id").annotate(n=Count("pk")).order_by()
    )
    return {r["organization_id"]: r["n"] for r in rows}
