"""整改规范: the dispositions of the members a campaign has checked (plan 3, 整改规范; DOMAIN.md).

    propose(user, case, data)             the branch proposes a disposition from the case, with the
                                          evidence it rests on (the search record, the dates);
                                          a Party decision (停止党籍, 自行脱党除名, 取消预备党员资格,
                                          保留组织关系, 退党除名) is proposed as the member decision
                                          (core/decisions.propose, branch meeting date and grounds
                                          from the case), nothing on the member changes yet
    prereview(user, disp, agree, opinion) the committee's pre-review (预审) of such a decision:
                                          agreeing lets the level above approve it (core.decisions,
                                          the guard below); disagreeing refuses the decision
    record_done(user, disp, outcome, on)  another kind carried out (办理中 → 已办结)
    withdraw(user, disp)                  the branch takes a proposal back

Approval is core.decisions.approve on the decision's own page: four-eyes, the level above, and the
member's roll and status change only then (members/decisions.py). A disposition's state is read
from its Decision (models.Disposition.state); STATE_Q is the same as filters for the list.

The rules (refusals in Chinese, nothing changed):
    - only once the working group has verified the branch (已核查, 已签署);
    - 停止党籍: a member classified 失联, still unreachable, with a search attempt, whose lost_since
      is six whole calendar months or more before the branch meeting (lost_time.py);
    - 自行脱党除名: a member whose 党籍 was stopped two whole years or more before the branch meeting
      and who is still 失联 with a search attempt (members/decisions.py's LAPSE checks only the roll);
    - 取消预备党员资格: a 预备党员 classified 失联, still unreachable, with a search attempt;
    - 限期改正: a member found by the search (附件4 counts it), with a deadline;
    - 补办转接手续: a member transferred out without a receipt, or 空挂.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from core import audit
from core import decisions as core_decisions
from core.models import Decision
from core.validators import check_text
from members.choices import Category, MembershipStatus

from . import lost_time, services
from .choices import (
    DECISION_KINDS,
    CheckState,
    Classification,
    DispositionKind,
    DispositionState,
    PreReview,
    ScopeReason,
)
from .models import Case, Disposition

PROPOSE = audit.register_action("inv_dispose", "提出整改处置")
PREREVIEW = audit.register_action("inv_prereview", "党(工)委预审")
DONE = audit.register_action("inv_dispose_done", "整改处置办结")
WITHDRAW = audit.register_action("inv_dispose_withdraw", "撤回整改处置")

# the working group has agreed the branch's conclusions: the rectification may begin
OPEN_STATES = (CheckState.VERIFIED, CheckState.SIGNED)
# the kinds for a member still unreachable (a found contact stops them, even after proposing)
UNREACHABLE_KINDS = (DispositionKind.SUSPEND, DispositionKind.LAPSE, DispositionKind.DISQUALIFY)
LAPSE_MONTHS = 24  # 停止党籍后满两年仍无法取得联系

PENDING = Decision.State.PENDING
STATE_Q = {
    DispositionState.PRE_REVIEW: Q(decision__state=PENDING) & ~Q(prereview=PreReview.AGREE),
    DispositionState.IN_APPROVAL: Q(decision__state=PENDING, prereview=PreReview.AGREE),
    DispositionState.OPEN: Q(decision__isnull=True, record_state=DispositionState.OPEN),
    DispositionState.DONE: (Q(decision__state=Decision.State.APPROVED)
                            | Q(decision__isnull=True, record_state=DispositionState.DONE)),
    DispositionState.REFUSED: Q(decision__state=Decision.State.REFUSED),
    DispositionState.WITHDRAWN: (Q(decision__state=Decision.State.WITHDRAWN)
                                 | Q(decision__isnull=True, record_state=DispositionState.WITHDRAWN)),
}
# proposed and not refused or withdrawn (附件4 counts these; a case has one at a time per kind)
ACTIVE_Q = Q(decision__state__in=[PENDING, Decision.State.APPROVED]) | Q(
    decision__isnull=True, record_state__in=[DispositionState.OPEN, DispositionState.DONE])

NOT_YET = "党(工)委工作组核查完毕（已核查或已签署）后，才能提出整改处置；该党支部的排查现为“{}”。"
NEEDS_SEARCH = "{}须有查找记录：请先登记经多方查找仍无法取得联系的情况。"


def today():
    return timezone.localdate()


def _d(day):
    return f"{day:%Y年%-m月%-d日}" if day else ""


# --- who ---------------------------------------------------------------------------------------

def can_propose(user, check):
    """The branch (its secretary, or an editor grant above it), once the branch is verified."""
    return services.can_self_check(user, check) and check.state in OPEN_STATES


def can_prereview(user, disp):
    """The committee's working group (a committee or county grant covering the branch)."""
    return services.can_verify(user, disp.case.branch_check)


def can_record(user, disp):
    check = disp.case.branch_check
    return services.can_self_check(user, check) or services.can_verify(user, check)


# --- the evidence --------------------------------------------------------------------------------

def evidence(case):
    """{"searches", "first", "last", "found"} of the case's search record (one query)."""
    got = case.attempts.aggregate(n=Count("pk"), first=Min("searched_on"), last=Max("searched_on"),
                                  found=Count("pk", filter=Q(found=True)))
    return {"searches": got["n"], "first": got["first"], "last": got["last"],
            "found": bool(got["found"]) or case.contact_found_on is not None}


def evidence_text(case, ev, day):
    """The evidence a decision's grounds carry, in one paragraph."""
    parts = [f"{case.campaign.name}排查结论：{case.get_classification_display() or '未分类'}"]
    if case.lost_reason:
        parts.append(f"失去联系情形：{case.get_lost_reason_display()}")
    if case.lost_since:
        parts.append(f"自{_d(case.lost_since)}起与党组织失去联系（至{_d(day)}共{lost_time.describe(case.lost_since, day)}）")
    if ev["searches"]:
        span = _d(ev["first"]) if ev["first"] == ev["last"] else f"{_d(ev['first'])}至{_d(ev['last'])}"
        parts.append(f"查找记录{ev['searches']}次（{span}）" + ("，已取得联系" if ev["found"] else "，均未取得联系"))
    else:
        parts.append("无查找记录")
    return "【排查依据】" + "；".join(parts) + "。"


# --- the rules ---------------------------------------------------------------------------------------

def _unreachable(case, ev, label):
    """{field: message} unless the case is 失联, still unreachable, with a search attempt."""
    if case.classification != Classification.LOST or ev["found"]:
        return {"kind": f"只有排查结论为“失联”、经多方查找仍无法取得联系的党员，才能{label}。"}
    if not ev["searches"]:
        return {"kind": NEEDS_SEARCH.format(label)}
    return {}


def rule_errors(case, kind, data, ev):
    """{field: message} of the rules of `kind` for this case (empty: it may be proposed)."""
    member = case.member
    meeting = data.get("meeting_on")
    errors = {}
    if kind == DispositionKind.SUSPEND:
        errors = _unreachable(case, ev, "停止党籍")
        if not errors and member.category == Category.PROBATIONARY:
            errors = {"kind": "预备党员与党组织失去联系的，应取消预备党员资格，不适用停止党籍。"}
        if not errors and meeting:
            if case.lost_since is None:
                errors = {"kind": "该党员没有失去联系起始日期，不能停止党籍：请先在自查结论中填写。"}
            elif lost_time.months_out(case.lost_since, meeting) < lost_time.LOST_MONTHS:
                errors = {"meeting_on": f"该党员自{_d(case.lost_since)}起与党组织失去联系，至支部大会（{_d(meeting)}）"
                                        f"不满{lost_time.LOST_MONTHS}个月，不能停止党籍。"}
    elif kind == DispositionKind.LAPSE:
        errors = _unreachable(case, ev, "按自行脱党予以除名")
        if not errors and member.membership_status != MembershipStatus.SUSPENDED:
            errors = {"kind": "自行脱党除名须在停止党籍满两年后仍无法取得联系：该党员未被停止党籍，请先提出停止党籍。"}
        if not errors and meeting:
            since = member.membership_status_on
            if since is None or lost_time.months_out(since, meeting) < LAPSE_MONTHS:
                errors = {"meeting_on": f"该党员{'于' + _d(since) if since else ''}停止党籍，满两年后仍无法取得联系的，"
                                        "方可按自行脱党予以除名；支部大会日期不满两年。"}
    elif kind == DispositionKind.DISQUALIFY:
        if member.category != Category.PROBATIONARY:
            errors = {"kind": "只有预备党员才能取消预备党员资格；正式党员失联的，按停止党籍处置。"}
        else:
            errors = _unreachable(case, ev, "取消预备党员资格")
    elif kind in (DispositionKind.RETAIN, DispositionKind.QUIT):
        if case.classification == Classification.LOST and not ev["found"]:
            errors = {"kind": f"{DispositionKind(kind).label}须本人提出申请：仍无法取得联系的党员不适用。"}
    elif kind == DispositionKind.CORRECT:
        if case.contact_found_on is None:
            errors = {"kind": "限期改正适用于经排查取得联系、确有不合格表现的党员：该党员没有取得联系的记录。"}
        elif not data.get("due_on"):
            errors = {"due_on": "请填写改正期限。"}
        elif data["due_on"] < today():
            errors = {"due_on": "改正期限不能早于今天。"}
    elif kind == DispositionKind.COMPLETE_TRANSFER:
        if case.scope_reason != ScopeReason.AWAITING_RECEIPT and case.classification != Classification.HANGING:
            errors = {"kind": "补办转接手续适用于已转出未回执或“空挂”的党员。"}
    if not errors and kind in (DispositionKind.TRANSFER_OUT, DispositionKind.DISCIPLINE) and not data.get("detail"):
        errors = {"detail": "请写明转往的党组织。" if kind == DispositionKind.TRANSFER_OUT else "请写明处分种类。"}
    return errors


def _clean(case, data):
    kind = data.get("kind") or ""
    if kind not in DispositionKind.values:
        raise ValidationError({"kind": "请选择处置方式。"})
    values = {"kind": kind, "meeting_on": data.get("meeting_on"), "due_on": data.get("due_on"),
              "detail": (data.get("detail") or "").strip(), "grounds": (data.get("grounds") or "").strip()}
    errors = {}
    for f, multiline in (("detail", False), ("grounds", True)):
        problem = check_text(values[f], multiline=multiline) if values[f] else None
        if problem:
            errors[f] = problem
    if not values["grounds"]:
        errors["grounds"] = "请填写事实和依据。"
    if kind in DECISION_KINDS and not values["meeting_on"]:
        errors["meeting_on"] = "请填写讨论决定的支部大会日期。"
    if values["meeting_on"] and values["meeting_on"] > today():
        errors["meeting_on"] = "支部大会日期不能晚于今天。"
    if kind != DispositionKind.CORRECT:
        values["due_on"] = None
    if errors:
        raise ValidationError(errors)
    return values


# --- the writes ------------------------------------------------------------------------------------

def _lock_case(case):
    return Case.objects.select_for_update().select_related("branch_check", "branch", "member", "campaign").get(pk=case.pk)


def propose(user, case, data):
    """The branch proposes a disposition from the case. Returns the Disposition."""
    with transaction.atomic():
        locked = _lock_case(case)
        check = locked.branch_check
        if not services.can_self_check(user, check):
            raise PermissionDenied("您不能为该党支部的党员提出整改处置。")
        if check.state not in OPEN_STATES:
            raise ValidationError(NOT_YET.format(check.get_state_display()))
        values = _clean(locked, data)
        kind = values["kind"]
        ev = evidence(locked)
        errors = rule_errors(locked, kind, values, ev)
        if errors:
            raise ValidationError(errors)
        active = Disposition.objects.filter(ACTIVE_Q, case=locked, kind=kind).select_related("decision").first()
        if active is not None:
            raise ValidationError(f"该党员已有一项“{active.get_kind_display()}”（{active.state_label}），不能重复提出。")
        disp = Disposition(case=locked, branch=locked.branch, proposed_by=user if user.pk else None,
                           evidence_searches=ev["searches"], evidence_first_search_on=ev["first"],
                           evidence_last_search_on=ev["last"], evidence_lost_since=locked.lost_since, **values)
        if kind in DECISION_KINDS:
            grounds = f"{values['grounds']}\n{evidence_text(locked, ev, values['meeting_on'])}"
            disp.decision = core_decisions.propose(user, DECISION_KINDS[kind], locked.member,
                                                   meeting_on=values["meeting_on"], grounds=grounds)
        else:
            disp.record_state = DispositionState.OPEN
        disp.save()
        after = audit.snapshot(disp, ["kind", "meeting_on", "detail", "due_on", "evidence_searches",
                                      "evidence_lost_since"])
        audit.record(user, disp, PROPOSE, after=after, reason=values["grounds"])
        audit.record(user, locked, PROPOSE, changes={"dispositions": ["", disp.get_kind_display()]},
                     reason=values["grounds"])
    return disp


def _lock(disp):
    return (Disposition.objects.select_for_update(of=("self",))
            .select_related("case__branch_check", "case__member", "branch", "decision").get(pk=disp.pk))


def prereview(user, disp, agree, opinion=""):
    """The committee's pre-review of a decision proposed from a case: agree (the level above may
    then approve), or disagree with its opinion (the decision is refused, nothing changes)."""
    opinion = (opinion or "").strip()
    with transaction.atomic():
        locked = _lock(disp)
        if not can_prereview(user, locked):
            raise PermissionDenied("您不能预审该党支部的整改处置。")
        if locked.state != DispositionState.PRE_REVIEW:
            raise ValidationError(f"该处置{locked.state_label}，不需要预审。")
        if locked.proposed_by_id is not None and locked.proposed_by_id == user.pk:
            raise ValidationError("不能预审自己提出的处置，须由党(工)委的其他人员预审。")
        if not agree and not opinion:
            raise ValidationError({"prereview_opinion": "预审不同意时请写明意见。"})
        problem = check_text(opinion) if opinion else None
        if problem or len(opinion) > Disposition._meta.get_field("prereview_opinion").max_length:
            raise ValidationError({"prereview_opinion": problem or "预审意见最多200个字。"})
        before = audit.snapshot(locked, ["prereview", "prereview_opinion"])
        locked.prereview = PreReview.AGREE if agree else PreReview.DISAGREE
        locked.prereview_opinion, locked.prereview_at = opinion, timezone.now()
        locked.prereview_by = user if user.pk else None
        locked.save()
        audit.record(user, locked, PREREVIEW, before=before, after=audit.snapshot(locked, ["prereview", "prereview_opinion"]),
                     reason=opinion)
        if not agree:
            core_decisions.refuse(user, locked.decision, f"党(工)委预审不同意：{opinion}")
            locked.decision.refresh_from_db()
    return locked


def record_done(user, disp, outcome, done_on=None):
    """A disposition that is not a decision carried out, with its outcome."""
    outcome = (outcome or "").strip()
    done_on = done_on or today()
    with transaction.atomic():
        locked = _lock(disp)
        if not can_record(user, locked):
            raise PermissionDenied("您不能办理该党支部的整改处置。")
        if locked.state != DispositionState.OPEN:
            raise ValidationError(f"该处置{locked.state_label}，不能再登记办结。"
                                  + ("党员决定经上级党组织批准后即办结。" if locked.is_decision else ""))
        errors = {}
        if not outcome:
            errors["outcome"] = "请填写办理结果。"
        elif check_text(outcome) or len(outcome) > Disposition._meta.get_field("outcome").max_length:
            errors["outcome"] = check_text(outcome) or "办理结果最多200个字。"
        if done_on > today():
            errors["done_on"] = "办结日期不能晚于今天。"
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(locked, ["record_state", "outcome", "done_on"])
        locked.record_state, locked.outcome, locked.done_on = DispositionState.DONE, outcome, done_on
        locked.done_by = user if user.pk else None
        locked.save()
        audit.record(user, locked, DONE, before=before,
                     after=audit.snapshot(locked, ["record_state", "outcome", "done_on"]))
    return locked


def withdraw(user, disp):
    """The branch takes back a proposal still open (a decision: core.decisions.withdraw's rules)."""
    with transaction.atomic():
        locked = _lock(disp)
        if locked.is_decision:
            if locked.state not in (DispositionState.PRE_REVIEW, DispositionState.IN_APPROVAL):
                raise ValidationError(f"该处置{locked.state_label}，不能撤回。")
            core_decisions.withdraw(user, locked.decision)
            locked.decision.refresh_from_db()
        else:
            if not services.can_self_check(user, locked.case.branch_check):
                raise PermissionDenied("您不能撤回该党支部的整改处置。")
            if locked.state != DispositionState.OPEN:
                raise ValidationError(f"该处置{locked.state_label}，不能撤回。")
            locked.record_state = DispositionState.WITHDRAWN
            locked.save()
        audit.record(user, locked, WITHDRAW, changes={"state": ["", DispositionState.WITHDRAWN.label]})
    return locked


# --- the approval's guard (core.decisions.register_guard) ------------------------------------------

def approval_guard(decision, subject):
    """A decision proposed from a case is approved only after the committee's pre-review agreed,
    and (for the unreachable) only while the member is still unreachable."""
    disp = Disposition.objects.filter(decision_id=decision.pk).select_related("case").first()
    if disp is None:
        return
    if disp.prereview != PreReview.AGREE:
        raise ValidationError("该决定由组织关系排查提出，须先经党(工)委预审同意，才能审批。")
    if disp.kind in UNREACHABLE_KINDS and evidence(disp.case)["found"]:
        raise ValidationError("该党员在提出处置后已取得联系，不能再按失联处置：请不予批准，或由党支部撤回。")


# --- reading ---------------------------------------------------------------------------------------

def dispositions(qs=None):
    """Dispositions with what their list shows, in one query."""
    qs = Disposition.objects.all() if qs is None else qs
    return qs.select_related("case__member", "branch", "decision", "proposed_by", "prereview_by")


def for_case(case):
    return list(dispositions(Disposition.objects.filter(case=case)))

