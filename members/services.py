"""Member records: create, edit, move between branches, change roll state. Every change audited."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import audit, concurrency
from core.validators import check_date

from . import placements
from .choices import RollState
from .models import Member, PlacementReason, pinyin_key

AUDIT_FIELDS = audit.editable_fields(Member)

DUPLICATE_ID = "该公民身份号码已登记为在册党员，请核对；如是组织关系转入，请先由原党支部办理转出。"


def _locked():
    """Members locked for the change (PostgreSQL locks only the member rows, not the joined ones)."""
    return Member.objects.select_for_update(of=("self",))


def _require_reason(reason, message):
    if not (reason or "").strip():
        raise ValidationError({"reason": message})


def _place(user, member, branch, party_group, reason, action, batch=None, why=PlacementReason.MOVE):
    """Put a locked member in `branch` (and `party_group`) from today: audited, and its placements
    closed and opened, in the caller's transaction."""
    fields = ["organization", "party_group"]
    before = audit.snapshot(member, fields)
    member.organization = branch
    member.party_group = party_group
    member.full_clean()
    member.save(update_fields=fields)
    audit.follow(member)  # its history goes with it
    audit.record(user, member, action, before=before, after=audit.snapshot(member, fields), reason=reason,
                 batch=batch)
    placements.move(member, placements.today(), why)


def _check_unique_id(member):
    clash = Member.objects.on_roll().filter(id_number=member.id_number).exclude(pk=member.pk)
    if member.on_roll and clash.exists():
        raise ValidationError({"id_number": DUPLICATE_ID})


def _full_clean(member):
    """The record's rules. The only constraint (one on-roll member per ID number) is checked by
    `_check_unique_id`, with the clearer message, and by the database on save: Django's own check of
    a conditional constraint costs a query built over every field (35 ms a member, most of an import)."""
    member.full_clean(validate_constraints=False)


def _save(member):
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent save slipped past the check
        raise ValidationError({"id_number": DUPLICATE_ID}) from exc


@transaction.atomic
def create_member(user, member, reason="", *, action=audit.Action.CREATE, batch=None,
                  why=PlacementReason.REGISTRATION, on=None):
    """Register a member. `action`/`batch`: how the audit names it (the roster import: 导入); on the
    roll, its placement starts `on` (today), for reason `why` (a member arriving with a letter)."""
    _full_clean(member)
    _check_unique_id(member)
    _save(member)
    audit.record(user, member, action, batch=batch, before={}, after=audit.snapshot(member, AUDIT_FIELDS),
                 reason=reason)
    if member.on_roll:
        placements.open_placement(member, on or placements.today(), why)
    return member


@transaction.atomic
def create_members(user, members, reasons, *, action=audit.Action.CREATE, batch=None):
    """Register many members at once (the roster import): the rules, audit entries and placements of
    create_member, in a handful of queries for the lot instead of five per member. All or none:
    a ValidationError (a rule, an ID already on the roll) writes nothing."""
    from core.models import AuditEntry

    for member in members:
        _full_clean(member)
        member.normalize()
    ids = [m.id_number for m in members]
    if len(set(ids)) != len(ids):
        raise ValidationError({"id_number": "同一批党员中有重复的公民身份号码。"})
    if Member.objects.on_roll().filter(id_number__in=ids).exists():
        raise ValidationError({"id_number": DUPLICATE_ID})
    for member in members:
        member.name = (member.name or "").strip()
        member.name_pinyin = pinyin_key(member.name)
    try:
        with transaction.atomic():
            Member.objects.bulk_create(members)
    except IntegrityError as exc:  # a concurrent registration slipped past the check
        raise ValidationError({"id_number": DUPLICATE_ID}) from exc
    AuditEntry.objects.bulk_create([
        audit.entry(user, m, action, before={}, after=audit.snapshot(m, AUDIT_FIELDS), reason=reason, batch=batch)
        for m, reason in zip(members, reasons, strict=True)
    ])
    placements.open_placements([m for m in members if m.on_roll], placements.today(), PlacementReason.REGISTRATION)
    return members


@transaction.atomic
def update_member(user, member, reason="", *, seen=None, action=audit.Action.UPDATE, batch=None):
    """Save an edited member (a form's instance); the before values come from the database.
    `seen`: the version the form was loaded at (core/concurrency.py): a stale form is refused.
    `action`/`batch`: how the audit names the change (the roster import: 导入)."""
    old = _locked().select_related("organization", "party_group").get(pk=member.pk)
    concurrency.check(user, old, seen)
    member.last_contact_on = old.last_contact_on  # kept by members/contacts.py, never by the form
    if old.organization_id != member.organization_id:
        raise ValidationError({"organization": "调整所在党支部请使用“转移”操作并填写理由。"})
    if old.roll_state != member.roll_state:
        raise ValidationError({"roll_state": "变更在册状态请使用“状态变更”操作。"})
    for name, message in DECISION_FIELDS.items():
        if getattr(old, name) != getattr(member, name):
            raise ValidationError({name: message})
    _full_clean(member)
    _check_unique_id(member)
    before, after = audit.snapshot(old, AUDIT_FIELDS), audit.snapshot(member, AUDIT_FIELDS)
    if before == after:
        return member  # nothing changed: no save, so no new version to refuse someone else's form
    _save(member)
    audit.record(user, member, action, before=before, after=after, reason=reason, batch=batch)
    if old.party_group_id != member.party_group_id:
        placements.move(member, placements.today(), PlacementReason.GROUP)
    return member


@transaction.atomic
def move_member(user, member, branch, reason, party_group=None, *, seen=None):
    """Move a member to another branch of the county: one action, with a reason."""
    _require_reason(reason, "请填写转移理由。")
    member = _locked().select_related("organization", "party_group").get(pk=member.pk)
    concurrency.check(user, member, seen)
    if not member.on_roll:
        raise ValidationError("只有在册党员可以转移。")
    if branch.pk == member.organization_id:
        raise ValidationError({"branch": "新党支部与原党支部相同。"})
    _place(user, member, branch, party_group, reason, audit.Action.MOVE)
    return member


# Which roll states may follow which by a plain change: facts only (去世; a record entered as
# 已转出 before letters were kept, back onto the roll). 已转出 is the effect of an introduction
# letter (members/transfers.py), its reversal the letter's cancellation; 出党 and its reversal
# (重新入党) are decisions the level above approves (members/decisions.py).
ROLL_TRANSITIONS = {
    RollState.ON_ROLL: (RollState.DECEASED,),
    RollState.TRANSFERRED_OUT: (RollState.ON_ROLL,),
    RollState.REMOVED: (),
    RollState.DECEASED: (),
}
DECISION_ONLY = {
    RollState.REMOVED: "出党须由党支部大会讨论、上级党组织批准：请在党员页面“提出决定”。",
    RollState.TRANSFERRED_OUT: "转出须开具组织关系介绍信：请在党员页面点“转出县外”或“县内转接”。",
}
LETTER_BACK = "该党员凭介绍信第{number}号转出：回到在册请作废该介绍信（组织关系转接页面）。"
REMOVED_BACK = "已出党的人员不能通过状态变更恢复在册；重新入党请提出“重新入党”决定，经上级党组织批准。"
DECISION_FIELDS = {
    "category": "人员类别的变更（转正）须由支部大会讨论、上级党组织批准：请在党员页面“提出决定”。",
    "membership_status": "党籍状态（停止党籍、保留组织关系、恢复党籍）须由上级党组织批准：请在党员页面“提出决定”。",
    "membership_status_on": "党籍状态日期随批准的决定记录，不能直接修改。",
    "probation_extended_months": "延长预备期须由上级党组织批准：请在党员页面“提出决定”。",
    "removal_kind": "出党方式随批准的决定记录，不能直接修改。",
}


@transaction.atomic
def change_roll_state(user, member, new_state, on_date, reason, *, branch=None, party_group=None, seen=None):
    """A fact about the member (去世 with its date, 已转出 and back), needing no approval: 出党 and
    重新入党 are decisions (members/decisions.py). Leaving the roll ends the member's placement that day;
    coming back onto it starts one, in `branch` and `party_group` when given (else where it was),
    refused when that branch or group is dissolved or the group is another branch's."""
    _require_reason(reason, "请填写变更理由。")
    problem = check_date(on_date, not_after_today=True)
    if problem:
        raise ValidationError({"on_date": problem})
    member = _locked().select_related("organization", "party_group").get(pk=member.pk)
    concurrency.check(user, member, seen)
    new_state = RollState(new_state)
    if new_state in DECISION_ONLY:
        raise ValidationError({"roll_state": DECISION_ONLY[new_state]})
    if member.roll_state == RollState.REMOVED:
        raise ValidationError({"roll_state": REMOVED_BACK})
    letter = member.transfer_letters.filter(status="issued").first()
    if letter is not None:
        raise ValidationError({"roll_state": LETTER_BACK.format(number=letter.number)})
    if new_state not in ROLL_TRANSITIONS[RollState(member.roll_state)]:
        raise ValidationError(
            {"roll_state": f"不能从“{member.get_roll_state_display()}”变更为“{new_state.label}”。"}
        )
    fields = ["roll_state", "roll_state_on"]
    replace = new_state == RollState.ON_ROLL and branch is not None
    if replace:
        fields += ["organization", "party_group"]
    before = audit.snapshot(member, fields)
    if replace:
        member.organization, member.party_group = branch, party_group
    member.roll_state = new_state
    member.roll_state_on = on_date
    if new_state == RollState.ON_ROLL:
        problems = member.placement_errors()
        if problems:
            raise ValidationError(problems)
        _check_unique_id(member)
    member.save(update_fields=fields)
    if replace:
        audit.follow(member)  # back in another branch: its history goes with it
    audit.record(user, member, audit.Action.STATE, before=before, after=audit.snapshot(member, fields),
                 reason=reason)
    if new_state == RollState.ON_ROLL:
        placements.move(member, on_date, PlacementReason.RETURN)  # (closes one left open, if any)
    else:
        placements.close_placement(member, on_date, placements.LEAVING.get(new_state, PlacementReason.LEFT))
    return member


@transaction.atomic
def move_all_members(user, source, branch, reason):
    """Move every on-roll member of `source` to `branch` (a branch merge): one audit entry per
    member, all sharing one batch id. Returns the number moved."""
    _require_reason(reason, "请填写转移理由。")
    if branch.pk == source.pk:
        raise ValidationError({"branch": "新党支部与原党支部相同。"})
    batch = audit.new_batch()
    members = list(
        _locked().on_roll().filter(organization=source)
        .select_related("organization", "party_group")
    )
    if not members:
        raise ValidationError("该党支部没有在册党员。")
    for member in members:
        _place(user, member, branch, None, reason, audit.Action.BULK, batch=batch, why=PlacementReason.MERGE)
    return len(members)
