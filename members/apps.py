from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "党员"

    def ready(self):
        from django.db.models import Q

        from branches.services import register_counter, register_dependent, register_section
        from core import audit, panels

        from . import decisions, dues, dues_sheet, exports, idcard, mobile, mobile_ledger, orglife  # noqa: F401  (exporters register themselves)
        from .dashboard import members_panel, transfers_panel
        from .models import Member, TransferLetter
        from .todo_views import todo_panel
        from .transfer_views import branch_section

        register_dependent(
            "党员", lambda org: Member.objects.on_roll().filter(Q(organization=org) | Q(party_group=org)).count()
        )
        register_counter("党员", count_on_roll)
        audit.register_page(Member, "members:detail")
        audit.register_sensitive(Member, "id_number", idcard.mask)
        panels.register(10, members_panel)
        panels.register(5, todo_panel)
        audit.register_page(orglife.Meeting, "members:meeting_detail")
        orglife.register_todo()
        decisions.register_all()
        mobile.register()
        audit.register_page(TransferLetter, "members:letter")
        register_section(20, branch_section)
        panels.register(15, transfers_panel)


def count_on_roll(org_ids):
    """{organization id: members on the roll} for the branches and party groups among `org_ids`
    (a group's members are also its branch's: the tree does not roll groups up). One query."""
    from collections import Counter

    from django.db.models import Count

    from .models import Member

    wanted = set(org_ids)
    rows = (
        Member.objects.on_roll().filter(organization_id__in=wanted)
        .values_list("organization_id", "party_group_id").annotate(n=Count("pk")).order_by()
    )
    counts = Counter()
    for branch_id, group_id, n in rows:
        counts[branch_id] += n
        if group_id in wanted:
            counts[group_id] += n
    return dict(counts)
