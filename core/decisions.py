"""Decisions by approval: a unit proposes, the level above approves or refuses, and only approval
changes the subject — in one transaction with the audit. The approver is never the proposer.

core knows no domain app: an app registers each kind of decision it owns, saying whom it concerns,
who may propose and decide it, what makes a proposal valid and what approving it does:

    decisions.register(decisions.Kind(
        code="suspend", label="停止党籍", model=Member,
        check=fn(decision, subject),          # raises ValidationError (Chinese) when it may not go ahead
        apply=fn(actor, decision, subject),   # changes the locked subject, audited; runs on approval
        corrects=fn(subject),                 # optional: the approved decision this kind sets right
        may_propose=fn(user, subject), may_decide=fn(user, decision),
        unit=fn(subject) -> (scope path, unit name),
    ))

The audit of a decision itself uses the actions submit / approve / refuse / withdraw.
"""

import datetime
from dataclasses import dataclass
from typing import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import audit
from .models import Decision

State = Decision.State

# (state, action) -> the state the action leads to. Anything missing is refused.
TRANSITIONS = {
    (State.PENDING, "approve"): State.APPROVED,
    (State.PENDING, "refuse"): State.REFUSED,
    (State.PENDING, "withdraw"): State.WITHDRAWN,
}
ACTION_LABELS = {"approve": "批准", "refuse": "不予批准", "withdraw": "撤回"}
SUBMIT = audit.register_action("submit", "提交审批")
AUDIT_ACTIONS = {
    "approve": audit.register_action("approve", "批准"),
    "refuse": audit.register_action("refuse", "不予批准"),
    "withdraw": audit.register_action("withdraw", "撤回"),
}
audit.register_label(Decision, "months", "延长期限")


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    model: type
    check: Callable
    apply: Callable
    may_propose: Callable
    may_decide: Callable
    unit: Callable
    uses_effective_on: bool = False
    help: str = ""
    url_name: str = ""  # the subject's page, given the subject's pk
    corrects: Callable = None  # fn(subject) -> the approved decision this kind sets right, if any


_kinds = {}
_guards = []


def register_guard(fn):
    """`fn(decision, subject)` runs before every approval and raises a ValidationError (Chinese)
    when a step another app requires has not been taken: the investigation's committee pre-review
    (预审) of a decision proposed from a case. Registered once, when the app starts."""
    if fn not in _guards:
        _guards.append(fn)


def register(kind):
    _kinds[kind.code] = kind


def get_kind(code):
    try:
        return _kinds[code]
    except KeyError:
        raise ValidationError({"kind": "未知的决定类别。"}) from None


def kinds_for(model):
    return [k for k in _kinds.values() if k.model is model]


def kind_label(code):
    kind = _kinds.get(code)
    return kind.label if kind else code


def _name(user):
    return (getattr(user, "display_name", "") or user.get_username())[:100]


def _subject_of(decision, lock=False):
    kind = get_kind(decision.kind)
    qs = kind.model._default_manager.all()
    if lock:
        qs = qs.select_for_update()
    return qs.get(pk=decision.object_id)


def subject(decision):
    return _subject_of(decision)


def subject_url(decision):
    from django.urls import reverse

    kind = _kinds.get(decision.kind)
    return reverse(kind.url_name, args=[decision.object_id]) if kind and kind.url_name else None


def pending_for(obj):
    return Decision.objects.for_subject(obj).pending().first()


def _check_dates(meeting_on, decided_on=None):
    today = datetime.date.today()
    if meeting_on > today:
        raise ValidationError({"meeting_on": "支部大会日期不能晚于今天。"})
    if decided_on is not None:
        if decided_on > today:
            raise ValidationError({"decided_on": "审批日期不能晚于今天。"})
        if decided_on < meeting_on:
            raise ValidationError({"decided_on": "审批日期不能早于支部大会日期。"})


@transaction.atomic
def propose(user, code, obj, *, meeting_on, grounds, effective_on=None, params=None, corrects=None):
    """A unit proposes a decision about `obj`. Nothing changes on `obj` until it is approved."""
    kind = get_kind(code)
    obj = kind.model._default_manager.select_for_update().get(pk=obj.pk)
    if not kind.may_propose(user, obj):
        raise PermissionDenied("您无权为其提出该项决定。")
    if not (grounds or "").strip():
        raise ValidationError({"grounds": "请填写事实和依据。"})
    _check_dates(meeting_on)
    waiting = pending_for(obj)
    if waiting is not None:
        raise ValidationError(f"“{obj}”已有一项待审批的决定（{waiting.kind_label}），请待审批后或撤回后再提出。")
    scope_path, unit_name = kind.unit(obj)
    decision = Decision(
        kind=code, content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk), subject_repr=str(obj)[:200], scope_path=scope_path, unit_name=unit_name,
        meeting_on=meeting_on, effective_on=effective_on if kind.uses_effective_on else None,
        params=params or {}, grounds=grounds.strip(),
        corrects=corrects or (kind.corrects(obj) if kind.corrects else None),
        proposer=user, proposer_name=_name(user),
    )
    kind.check(decision, obj)
    decision.save()
    audit.record(user, decision, SUBMIT, changes=_summary(decision), reason=decision.grounds)
    return decision


def _summary(decision):
    out = {"kind": ["", decision.kind_label], "meeting_on": ["", decision.meeting_on.isoformat()]}
    if decision.effective_on:
        out["effective_on"] = ["", decision.effective_on.isoformat()]
    if decision.params.get("months"):
        out["months"] = ["", f"{decision.params['months']}个月"]
    return out


def _transition(decision, action):
    new = TRANSITIONS.get((decision.state, action))
    if new is None:
        raise ValidationError(
            f"该决定{decision.get_state_display()}，不能再{ACTION_LABELS.get(action, action)}。"
        )
    return new


def _close(user, decision, action, opinion="", decided_on=None):
    decision.state = _transition(decision, action)
    decision.closed_at = timezone.now()
    if action != "withdraw":
        decision.decider = user
        decision.decider_name = _name(user)
        decision.decided_on = decided_on or datetime.date.today()
        decision.opinion = opinion.strip()
    decision.save()
    changes = {"state": [State.PENDING.label, decision.get_state_display()]}
    audit.record(user, decision, AUDIT_ACTIONS[action], changes=changes, reason=decision.opinion)


def _may_decide(user, decision):
    if decision.proposer_id is not None and decision.proposer_id == user.pk:
        raise ValidationError("不能审批自己提出的决定，须由上级党组织的其他人员审批。")
    if not get_kind(decision.kind).may_decide(user, decision):
        raise ValidationError("您无权审批该决定：须由提出单位的上级党组织审批。")


@transaction.atomic
def approve(user, decision, opinion="", decided_on=None):
    """The level above approves: the subject changes now, audited in this transaction."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _transition(decision, "approve")
    obj = _subject_of(decision, lock=True)
    _may_decide(user, decision)
    decided_on = decided_on or datetime.date.today()
    _check_dates(decision.meeting_on, decided_on)
    decision.decided_on = decided_on
    kind = get_kind(decision.kind)
    kind.check(decision, obj)
    for guard in _guards:
        guard(decision, obj)
    kind.apply(user, decision, obj)
    _close(user, decision, "approve", opinion, decided_on)
    return decision


@transaction.atomic
def refuse(user, decision, opinion):
    """The level above refuses, with its opinion; the subject is left as it was."""
    if not (opinion or "").strip():
        raise ValidationError({"opinion": "不予批准时请填写审批意见。"})
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _transition(decision, "refuse")
    _may_decide(user, decision)
    _close(user, decision, "refuse", opinion)
    return decision


@transaction.atomic
def withdraw(user, decision):
    """The proposing unit takes back a proposal still waiting."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _transition(decision, "withdraw")
    if not may_withdraw(user, decision):
        raise ValidationError("只有提出单位可以撤回该决定；上级党组织不同意的，请作“不予批准”并写明意见。")
    _close(user, decision, "withdraw")
    return decision


def may_withdraw(user, decision):
    """The proposer, or another person of the proposing unit (who may propose but not decide it)."""
    if not decision.is_pending:
        return False
    if decision.proposer_id == user.pk:
        return True
    kind = get_kind(decision.kind)
    return kind.may_propose(user, _subject_of(decision)) and not kind.may_decide(user, decision)


def may_decide(user, decision):
    """For pages: may `user` approve or refuse this pending decision?"""
    if not decision.is_pending or decision.proposer_id == user.pk:
        return False
    kind = _kinds.get(decision.kind)
    return kind is not None and kind.may_decide(user, decision)


def approval_blocked(decision):
    """The reason a registered guard (register_guard) would refuse approving this pending decision
    now, or "": the page says it instead of offering 批准 (refusing stays possible)."""
    if not _guards or not decision.is_pending:
        return ""
    subject = _subject_of(decision)
    for guard in _guards:
        try:
            guard(decision, subject)
        except ValidationError as exc:
            return " ".join(exc.messages)
    return ""


def awaiting(user):
    """The pending decisions in the user's scope that this user may approve or refuse."""
    pending = Decision.objects.visible_to(user).pending().exclude(proposer=user).order_by("proposed_at", "pk")
    return [d for d in pending if may_decide(user, d)]


def history(decisions):
    """{decision pk: [audit entries, oldest first]} for the given decisions, in one query."""
    from .models import AuditEntry

    decisions = list(decisions)
    if not decisions:
        return {}
    ct = ContentType.objects.get_for_model(Decision)
    out = {d.pk: [] for d in decisions}
    entries = AuditEntry.objects.filter(content_type=ct, object_id__in=[str(d.pk) for d in decisions])
    for e in entries.order_by("at", "pk"):
        out[int(e.object_id)].append(e)
    return out


def pending_panel(request):
    """Dashboard: the decisions waiting for this user's approval, and those of the user's scope
    waiting for the level above."""
    from django.urls import reverse

    waiting = list(Decision.objects.visible_to(request.user).pending())
    mine = [d for d in waiting if may_decide(request.user, d)]
    if not waiting:
        return None
    url = reverse("decisions")
    return {"title": "决定审批", "items": [
        ("待我审批", len(mine), url),
        ("本范围其他待审批", len(waiting) - len(mine), f"{url}?show=all"),
    ]}
