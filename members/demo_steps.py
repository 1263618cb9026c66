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


@steps.step(62, "组织关系转接")
def relationship_transfers(ctx):
    """Letters out of the county from the demo secretary's branch (one receipt back, one awaited,
    one overdue), one internal transfer to the neighbouring branch waiting for it to confirm, and
    one confirmed the other way; all through members/transfers.py."""
    from . import transfers

    users, today = ctx.users, ctx.today
    if not {"secretary", "secretary2", "committee"} <= set(users):
        return
    days = datetime.timedelta
    home, neighbour = users["secretary"].home_branch, users["secretary2"].home_branch

    logins = [u.display_name for u in users.values()]  # the demo secretaries are members of their branch

    def candidates(branch):
        return Member.objects.on_roll().exclude(name__in=logins).filter(
            organization=branch, is_lost_contact=False,
            membership_status=MembershipStatus.NORMAL).order_by("pk")

    # By priority (a small demo branch has few members): overdue, awaiting confirmation, awaited, back.
    out = [
        (40, "中共浙江省杭州市西湖区委组织部", "中共杭州市西湖区翠苑街道第一社区支部委员会", "外出务工定居杭州", None),
        None,
        (10, "中共上海市浦东新区委组织部", "中共上海市浦东新区张江镇第三党支部", "调入上海工作", None),
        (60, "中共江苏省南京市鼓楼区委组织部", "中共南京市鼓楼区宁海路街道西康路社区委员会", "随子女定居南京", 15),
    ]
    for plan, member in zip(out, list(candidates(home)[:4]), strict=False):
        if plan is None:
            transfers.start_internal(users["secretary"], member, neighbour, reason="家庭住址迁至相邻村，便于参加组织生活")
            continue
        ago, addressee, destination, reason, back_after = plan
        issued = today - days(ago)
        letter = transfers.issue_letter(users["secretary"], member, addressee=addressee, destination=destination,
                                        issued_on=issued, dues_paid_to=issued.replace(day=1), reason=reason)
        if back_after is not None:
            transfers.register_receipt(users["secretary"], letter, issued + days(back_after), destination)
    back = candidates(neighbour).first()
    if back is not None:
        letter = transfers.start_internal(users["secretary2"], back, home, reason="工作单位调整到本村合作社")
        transfers.confirm_internal(users["committee"], letter)
