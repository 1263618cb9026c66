"""A few everyday changes and Party decisions made through the real services, so that the demo's
histories, 操作记录 and 决定审批 are not empty."""

import datetime

from core import decisions as core_decisions
from members import decisions, services
from members.choices import RollState
from members.models import Member, add_years

from . import steps


@steps.step(40, "日常变更")
def everyday_changes(ctx):
    """A phone number, a move between sibling branches, a death."""
    users = ctx.users
    if not {"secretary", "secretary2", "committee"} <= set(users):
        return
    today = ctx.today
    own = (Member.objects.on_roll().filter(organization=users["secretary"].home_branch)
           .exclude(name__in=[users["secretary"].display_name, users["secretary2"].display_name]).order_by("pk"))
    first = own.first()
    if first is None:
        return
    first.phone = "139" + first.phone[3:] if not first.phone.startswith("139") else "138" + first.phone[3:]
    services.update_member(users["secretary"], first, "本人更换手机号码")
    second = own.exclude(pk=first.pk).first()
    if second is not None:
        services.move_member(users["committee"], second, users["secretary2"].home_branch,
                             "随家庭迁居，转入相邻村党支部")
    elder = own.filter(birth_date__lte=add_years(today, -80), is_lost_contact=False).exclude(pk=first.pk).first()
    if elder is not None:
        services.change_roll_state(users["secretary"], elder, RollState.DECEASED, today, "因病去世")


@steps.step(50, "转正决定")
def full_membership(ctx):
    """In the demo secretary's branch: a 转正 proposed by the secretary once the year was up and
    approved by the committee (audited; the member is full from the anniversary). The 停止党籍
    decisions are members/demo_steps.py's."""
    secretary, committee = ctx.users.get("secretary"), ctx.users.get("committee")
    if secretary is None or committee is None or secretary.home_branch is None:
        return
    rng, days = ctx.rng, datetime.timedelta
    last = ctx.today - days(2)  # the services compare with the server's date
    overdue = decisions.overdue_probationers(Member.objects.filter(organization=secretary.home_branch), ctx.today)
    if overdue:
        member, due = overdue[-1]  # the most recent: its year ended a few days or weeks ago
        meeting = min(due + days(rng.randint(3, 10)), last)
        decision = core_decisions.propose(
            secretary, decisions.FULL, member, meeting_on=meeting, effective_on=due,
            grounds="预备期满，本人提交转正申请；经支部委员会审查、支部大会讨论，同意按期转为正式党员。",
        )
        core_decisions.approve(committee, decision, "同意按期转正。", min(meeting + days(rng.randint(3, 15)), last))
