from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "党员"

    def ready(self):
        from django.db.models import Q

        from branches.services import register_counter, register_dependent
        from core import audit, panels

        from . import decisions, exports, idcard  # noqa: F401  (exports registers the roster exporter)
        from .dashboard import members_panel
        from .models import Member

        register_dependent(
            "党员", lambda org: Member.objects.on_roll().filter(Q(organization=org) | Q(party_group=org)).count()
        )
        register_counter("党员", count_on_roll)
        audit.register_page(Member, "members:detail")
        audit.register_sensitive(Member, "id_number", idcard.mask)
        panels.register(10, members_panel)
        decisions.register_all()


def count_on_roll(org_ids):
    from django.db.models import Count

    from .models import Member

    rows = (
        Member.objects.on_roll().filter(organization_id__in=org_ids)
        .values("organization_id").annotate(n=Count("pk")).order_by()
    )
    return {r["organization_id"]: r["n"] for r in rows}
