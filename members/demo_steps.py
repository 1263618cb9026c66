"""The demo county's Party decisions (demo/steps.py): 停止党籍 proposed by the neighbouring branch
and approved by the committee, and one of the demo secretary's branch still waiting for it."""

import datetime

from core import decisions
from demo import steps

from . import dues_demo, services
from .choices import Category, LostContactReason, MembershipStatus
from .models import Member


@steps.step(45, "党员决定")
def party_decisions(ctx):
    users, today = ctx.users, ctx.today
    if not {"secretary", "secretary2", "committee"} <= set(users):
        return
    for who, approve in (("secretary2", True), ("secretary", False)):
        branch = users[who].home_branch
        candidates = Member.objects.on_roll().filter(
            organization=branch, category=Category.FULL, membership_status=MembershipStatus.NORMAL)
        member = candidates.filter(
            is_lost_contact=True, lost_contact_since__lte=today - datetime.timedelta(days=183),  # six months
        ).order_by("pk").first()
        if member is None:  # a small demo: the secretary first records one member as out of contact
            member = candidates.filter(is_mobile=False).order_by("-pk").first()
            if member is None:
                continue
            member.is_lost_contact, member.lost_contact_reason = True, LostContactReason.MIGRANT_WORK
            member.lost_contact_since = today - datetime.timedelta(days=240)
            services.update_member(users[who], member, "外出务工后多次联系未果，登记为失联党员")
        d = decisions.propose(
            users[who], "suspend", member, meeting_on=today - datetime.timedelta(days=10),
            grounds=f"自{member.lost_contact_since:%Y年%m月}起与党组织失去联系，经电话、亲属、村（居）委会多方查找"
                    "仍无法取得联系，支部大会表决同意停止其党籍。",
        )
        if approve:
            decisions.approve(users["committee"], d, "经党委会研究，同意停止其党籍。", today - datetime.timedelta(days=3))


@steps.step(60, "党费")
def dues_records(ctx):
    """A dues standard for every member on the roll, the months paid, a few in arrears
    (members/dues_demo.py)."""
    n_standards, n_payments = dues_demo.seed_county(ctx.today, ctx.rng)
    if "secretary" in ctx.users:
        dues_demo.secretary_month(ctx.users["secretary"], ctx.today)
    ctx.notes.append(f"党费：核定标准 {n_standards} 人，交纳记录 {n_payments} 条。")


from . import demo_mobile, demo_orglife  # noqa: E402, F401  (the mobile members' and 组织生活's steps)
from .importing import demo as _import_demo  # noqa: E402,F401  (its step: 名册导入)
