"""The Party decisions about a member, each a proposal the level above approves (core/decisions.py).

The branch proposes with the date of its branch meeting (支部大会) and the grounds; approval by the
level above applies the change to the member, audited in the same transaction. A plain roll-state
change (services.change_roll_state) is only for facts: 去世, 已转出.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts import permissions
from core import audit
from core import decisions as core_decisions

from . import placements
from .choices import Category, MembershipStatus, RemovalKind, RollState
from .models import Member, PlacementReason, add_years

# The kinds a member may be the subject of, in the order the proposal form lists them.
FULL = "full"                  # 转正
EXTEND = "extend"              # 延长预备期
DISQUALIFY = "disqualify"      # 取消预备党员资格
SUSPEND = "suspend"            # 停止党籍
RESTORE = "restore"            # 恢复党籍
RETAIN = "retain"              # 出国（境）保留组织关系
RESUME = "resume"              # 恢复组织生活 (back from abroad)
EXPEL = "expel"                # 开除党籍
STRIKE_OFF = "strike_off"      # 除名
QUIT = "quit"                  # 退党除名
LAPSE = "lapse"                # 自行脱党除名
READMIT = "readmit"            # 重新入党

REMOVALS = {
    EXPEL: RemovalKind.EXPELLED, STRIKE_OFF: RemovalKind.STRUCK_OFF, QUIT: RemovalKind.QUIT,
    LAPSE: RemovalKind.LAPSED,
}
EXTENSION_MONTHS = range(6, 13)
READMIT_AFTER_EXPULSION_YEARS = 5  # 受到开除党籍处分的，五年内不得重新入党


def add_months(d, months):
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))


def probation_ends_on(member):
    """预备期满之日: one year from the branch meeting that admitted the member, plus an approved
    extension."""
    return add_months(add_years(member.joined_on, 1), member.probation_extended_months)


def _first_not_overdue(today, months):
    """The earliest joining date whose probation of `months` has not ended before `today`."""
    d = add_months(today, -months)
    while add_months(d - datetime.timedelta(days=1), months) >= today:
        d -= datetime.timedelta(days=1)
    while add_months(d, months) < today:
        d += datetime.timedelta(days=1)
    return d


def overdue_q(today=None):
    """A filter for the on-roll 预备党员 whose probation (a year, or a year and an approved
    extension) ended before `today` without a decision: exact, for any stored extension."""
    today = today or datetime.date.today()
    q = Q()
    for ext in (0, *EXTENSION_MONTHS):
        q |= Q(probation_extended_months=ext, joined_on__lt=_first_not_overdue(today, 12 + ext))
    return Q(roll_state=RollState.ON_ROLL, category=Category.PROBATIONARY) & q


def overdue_probationers(members, today=None):
    """[(member, probation end)] of the overdue 预备党员 of `members`, longest overdue first."""
    qs = members.filter(overdue_q(today)).select_related("organization").order_by("joined_on", "pk")
    return [(m, probation_ends_on(m)) for m in qs]


# ---- the rules of each kind: raise a ValidationError (in Chinese) when it may not go ahead


def _same_branch(decision, member):
    if decision.pk and member.organization.path != decision.scope_path:
        raise ValidationError("该党员已不在提出决定的党支部，请撤回此决定，由现所在党支部重新提出。")


def _on_roll(member):
    if not member.on_roll:
        raise ValidationError(f"该党员当前为“{member.get_roll_state_display()}”，不能作此决定。")


def _probationary(member):
    _on_roll(member)
    if member.category != Category.PROBATIONARY:
        raise ValidationError("该党员不是预备党员。")


def _check_full(decision, member):
    _probationary(member)
    due = probation_ends_on(member)
    if decision.meeting_on < due:
        raise ValidationError({"meeting_on": f"预备期至{due:%Y年%m月%d日}期满，期满后方可由支部大会讨论转正。"})
    if decision.effective_on is None:
        raise ValidationError({"effective_on": "请填写转正日期。"})
    if decision.effective_on < due:
        raise ValidationError({"effective_on": f"转正日期不能早于预备期满之日（{due:%Y年%m月%d日}）。"})
    if decision.effective_on > datetime.date.today():
        raise ValidationError({"effective_on": "转正日期不能晚于今天。"})


def _check_extend(decision, member):
    _probationary(member)
    if member.probation_extended_months:
        raise ValidationError(f"该党员的预备期已延长过{member.probation_extended_months}个月，预备期只能延长一次。")
    months = decision.params.get("months")
    if not isinstance(months, int) or months not in EXTENSION_MONTHS:
        raise ValidationError({"months": "延长预备期应为6至12个月（不能超过一年）。"})


def _check_suspend(decision, member):
    _on_roll(member)
    if member.category == Category.PROBATIONARY:
        raise ValidationError("预备党员与党组织失去联系的，应取消预备党员资格，不适用停止党籍。")
    if member.membership_status != MembershipStatus.NORMAL:
        raise ValidationError(f"该党员的党籍状态为“{member.get_membership_status_display()}”，不能停止党籍。")


def _check_status(expected):
    def check(decision, member):
        _on_roll(member)
        if member.membership_status != expected:
            raise ValidationError(f"该党员的党籍状态为“{member.get_membership_status_display()}”，不能作此决定。")
    return check


def _check_removal(decision, member):
    _on_roll(member)


def _check_readmit(decision, member):
    if member.roll_state != RollState.REMOVED:
        raise ValidationError("只有已出党的人员可以重新入党。")
    if member.removal_kind == RemovalKind.EXPELLED and member.roll_state_on:
        allowed = add_years(member.roll_state_on, READMIT_AFTER_EXPULSION_YEARS)
        if decision.meeting_on < allowed:
            raise ValidationError({"meeting_on": f"受到开除党籍处分的，五年内不得重新入党（{allowed:%Y年%m月%d日}后方可）。"})
    if decision.meeting_on <= (member.roll_state_on or member.joined_on):
        raise ValidationError({"meeting_on": "重新入党的支部大会日期应晚于出党日期。"})
    clash = Member.objects.on_roll().filter(id_number=member.id_number).exclude(pk=member.pk)
    if clash.exists():
        raise ValidationError("该公民身份号码已登记为另一名在册党员，请核对。")


# ---- what approving each kind does to the member


def _apply(actor, decision, member, values, clean=False):
    fields = list(values)
    before = audit.snapshot(member, fields)
    for name, value in values.items():
        setattr(member, name, value)
    if clean:
        member.full_clean()
    member.save(update_fields=fields)
    reason = (f"{decision.kind_label}：{decision.unit_name}{decision.meeting_on:%Y-%m-%d}支部大会讨论，"
              f"{decision.decider_name or audit_actor(actor)}于{decision.decided_on:%Y-%m-%d}批准。"
              f"事实和依据：{decision.grounds}")
    audit.record(actor, member, core_decisions.AUDIT_ACTIONS["approve"], before=before, after=audit.snapshot(member, fields),
                 reason=reason)


def audit_actor(user):
    return getattr(user, "display_name", "") or user.get_username()


def _apply_full(actor, d, m):
    _apply(actor, d, m, {"category": Category.FULL, "full_member_on": d.effective_on})


def _apply_extend(actor, d, m):
    _apply(actor, d, m, {"probation_extended_months": d.params["months"]})


def _status(status):
    def apply(actor, d, m):
        _apply(actor, d, m, {"membership_status": status, "membership_status_on": d.decided_on})
    return apply


def _removal(kind):
    def apply(actor, d, m):
        _apply(actor, d, m, {"roll_state": RollState.REMOVED, "roll_state_on": d.decided_on, "removal_kind": kind})
        placements.close_placement(m, d.decided_on, PlacementReason.REMOVED)
    return apply


def _apply_readmit(actor, d, m):
    _apply(actor, d, m, {
        "roll_state": RollState.ON_ROLL, "roll_state_on": d.decided_on, "removal_kind": "",
        "category": Category.PROBATIONARY, "joined_on": d.meeting_on, "full_member_on": None,
        "probation_extended_months": 0, "membership_status": MembershipStatus.NORMAL,
        "membership_status_on": None,
    }, clean=True)
    placements.move(m, d.decided_on, PlacementReason.RETURN)


# ---- who may propose and decide: the rules live in accounts.permissions


def may_propose(user, member):
    return permissions.can_propose_decision(user, member.organization.path)


def may_decide(user, decision):
    return permissions.can_approve_decision(user, decision.scope_path)


def _unit(member):
    return member.organization.path, member.organization.name


KINDS = [
    (FULL, "转正", _check_full, _apply_full, "预备期满（入党满一年，或延长期满），支部大会讨论同意转为正式党员。"),
    (EXTEND, "延长预备期", _check_extend, _apply_extend, "延长6至12个月，只能延长一次。"),
    (DISQUALIFY, "取消预备党员资格", _check_removal, _removal(RemovalKind.DISQUALIFIED),
     "预备党员不履行党员义务、不具备党员条件，或与党组织失去联系的。"),
    (SUSPEND, "停止党籍", _check_suspend, _status(MembershipStatus.SUSPENDED),
     "正式党员与党组织失去联系6个月以上，经多方查找仍无法取得联系的。"),
    (RESTORE, "恢复党籍", _check_status(MembershipStatus.SUSPENDED), _status(MembershipStatus.NORMAL),
     "停止党籍的党员与党组织取得联系、经审查符合条件的。"),
    (RETAIN, "保留组织关系（出国（境））", _check_status(MembershipStatus.NORMAL), _status(MembershipStatus.RETAINED),
     "出国（境）学习研修、从事劳务等，申请保留组织关系的。"),
    (RESUME, "恢复组织生活（回国（境））", _check_status(MembershipStatus.RETAINED), _status(MembershipStatus.NORMAL),
     "保留组织关系的党员回国（境）后恢复组织生活的。"),
    (EXPEL, "开除党籍", _check_removal, _removal(RemovalKind.EXPELLED), "依纪给予开除党籍处分的。"),
    (STRIKE_OFF, "除名", _check_removal, _removal(RemovalKind.STRUCK_OFF), "缺乏革命意志、不履行党员义务、经教育仍无转变的。"),
    (QUIT, "退党除名", _check_removal, _removal(RemovalKind.QUIT), "本人要求退党的。"),
    (LAPSE, "自行脱党除名", _check_removal, _removal(RemovalKind.LAPSED),
     "连续六个月不参加党的组织生活、不交纳党费、不做党所分配的工作，或停止党籍满两年仍无法取得联系的。"),
    (READMIT, "重新入党", _check_readmit, _apply_readmit, "出党后重新入党：支部大会通过之日为新的入党日期，预备期一年。"),
]


def register_all():
    for code, label, check, apply, help_text in KINDS:
        def checked(decision, member, _check=check):
            _same_branch(decision, member)
            _check(decision, member)
        core_decisions.register(core_decisions.Kind(
            code=code, label=label, model=Member, check=checked, apply=apply, may_propose=may_propose,
            may_decide=may_decide, unit=_unit, uses_effective_on=(code == FULL), help=help_text,
            url_name="members:detail",
            corrects=(lambda member, _code=code: corrected_by(_code, member)) if code in CORRECTS else None,
        ))


def kinds_open_to(member):
    """The kinds that may be proposed for `member` in its present state (for the form's choices)."""
    out = []
    for code, label, check, _, help_text in KINDS:
        probe = core_decisions.Decision(kind=code, meeting_on=datetime.date.today(),
                                        effective_on=probation_ends_on(member), params={"months": 6})
        try:
            check(probe, member)
        except ValidationError as exc:
            if _is_state_error(exc):
                continue
        out.append((code, label, help_text))
    return out


def _is_state_error(exc):
    """Errors about the member's state (not about the dates and months the form will carry)."""
    return not hasattr(exc, "error_dict")


CORRECTS = {RESTORE: (SUSPEND,), RESUME: (RETAIN,), READMIT: (EXPEL, STRIKE_OFF, QUIT, LAPSE, DISQUALIFY)}


def corrected_by(code, member):
    """The approved decision a new one sets right (恢复党籍 after 停止党籍, 重新入党 after 出党)."""
    if code not in CORRECTS:
        return None
    return (
        core_decisions.Decision.objects.for_subject(member)
        .filter(kind__in=CORRECTS[code], state=core_decisions.State.APPROVED).order_by("-closed_at").first()
    )
