from django.db.models import Count, Q
from django.urls import reverse

from . import dues
from .choices import Category
from .decisions import overdue_q
from .models import Member


def members_panel(request):
    """Counts of the members in the user's scope, each a link to the filtered roster."""
    qs = Member.objects.visible_to(request.user).on_roll()
    c = qs.aggregate(
        total=Count("pk"),
        probationary=Count("pk", filter=Q(category=Category.PROBATIONARY)),
        mobile=Count("pk", filter=Q(is_mobile=True)),
        lost=Count("pk", filter=Q(is_lost_contact=True)),
        overdue=Count("pk", filter=overdue_q()),
        owing=Count("pk", filter=dues.arrears_q()),
        owing_long=Count("pk", filter=dues.arrears_q(months=dues.BACK_PAY_MONTHS)),
    )
    roster = reverse("members:roster")
    return {
        "title": "党员队伍",
        "items": [
            ("在册党员", c["total"], roster),
            ("预备党员", c["probationary"], f"{roster}?category=probationary"),
            ("流动党员", c["mobile"], f"{roster}?mobile=yes"),
            ("失联党员", c["lost"], f"{roster}?lost=yes"),
            ("预备期已满未作决定", c["overdue"], reverse("members:probation")),
            ("欠交党费", c["owing"], reverse("members:dues_index")),
            (f"连续{dues.BACK_PAY_MONTHS}个月以上未交党费", c["owing_long"], reverse("members:dues_index")),
        ],
    }




def transfers_panel(request):
    """Transfers needing attention in the user's scope, in one query: receipts awaited and overdue
    (the sending side), internal transfers waiting for the user to confirm (the receiving side)."""
    from core.scoping import paths_q, scope_paths

    from . import transfers
    from .models import LetterStatus, TransferLetter

    user = request.user
    today = transfers.today()
    sender = paths_q("from_org__path", scope_paths(user)) or Q()
    receiver = paths_q("to_org__path", user.editor_paths) if user.editor_paths else Q(pk__in=[])
    issued = Q(status=LetterStatus.ISSUED) & sender
    c = TransferLetter.objects.filter(status__in=[LetterStatus.ISSUED, LetterStatus.PENDING]).aggregate(
        waiting=Count("pk", filter=issued & Q(receipt_due_on__gte=today)),
        overdue=Count("pk", filter=issued & Q(receipt_due_on__lt=today)),
        confirm=Count("pk", filter=Q(status=LetterStatus.PENDING) & (receiver or Q())),
    )
    if not any(c.values()):
        return None
    url = reverse("members:transfers")
    return {
        "title": "组织关系转接",
        "items": [
            ("等待回执", c["waiting"], f"{url}?show=open"),
            ("回执逾期", c["overdue"], f"{url}?show=overdue"),
            ("待确认接收", c["confirm"], f"{url}?show=confirm"),
        ],
    }
