"""A few everyday changes made through the real services, so that the demo's histories and 操作记录
are not empty."""

from members import services
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
    own = Member.objects.on_roll().filter(organization=users["secretary"].home_branch).order_by("pk")
    first = own.first()
    if first is None:
        return
    first.phone = "139" + first.phone[3:] if not first.phone.startswith("139") else "138" + first.phone[3:]
    services.update_member(users["secretary"], first, "本人更换手机号码")
    second = own.exclude(pk=first.pk).first()
    if second is not None:
        services.move_member(users["committee"], second, users["secretary2"].home_branch,
                             "随家庭迁居，转入相邻村党支部")
    elder = own.filter(birth_date__lte=add_years(today, -80)).exclude(pk=first.pk).first()
    if elder is not None:
        services.change_roll_state(users["secretary"], elder, RollState.DECEASED, today, "因病去世")
