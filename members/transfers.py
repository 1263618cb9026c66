"""Relationship transfers (组织关系转接), each step one transaction with its audit:

    issue_letter(user, member, ...)        out of the county: a numbered letter, the member 已转出,
                                           its placement ended; the old branch keeps it in its
                                           scope until the receipt is registered
    register_receipt(user, letter, ...)    the receipt (回执) came back
    start_internal(user, member, branch)   within the county: the sending side starts …
    confirm_internal(user, letter, ...)    … the receiving side confirms: the member moves, the
                                           receipt is registered with the move
    cancel_letter(user, letter, reason)    作废: the member returns to the roll (a cancelled letter
                                           keeps its number)
    register_incoming(user, member, ...)   a member arriving from outside the county with its letter

Letters are numbered per county and year without gaps (`next_serial`: a counter row taken under a
row lock in the letter's transaction). Reading, for lists, the to-do page and the investigation:
`letters_visible_to`, `awaiting_receipt`, `overdue_receipts`, `awaiting_confirmation`,
`members_awaiting_receipt`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import permissions
from branches.choices import COMMITTEE_KINDS, OrgKind
from branches.models import Organization
from core import audit, concurrency
from core.scoping import covers, scope_paths

from . import placements, services
from .choices import RollState
from .models import (
    IncomingTransfer,
    LetterCounter,
    LetterKind,
    LetterStatus,
    Member,
    PlacementReason,
    TransferLetter,
)

ISSUE = audit.register_action("letter_issue", "开具介绍信")
START = audit.register_action("transfer_start", "发起转接")
CONFIRM = audit.register_action("transfer_confirm", "确认接收")
RECEIPT = audit.register_action("letter_receipt", "登记回执")
CANCEL = audit.register_action("letter_cancel", "作废介绍信")
INCOMING = audit.register_action("transfer_in", "县外转入")

NOT_ON_ROLL = "该党员不在册（{state}），不能办理组织关系转接。"
OPEN_LETTER = "该党员已有未办结的组织关系介绍信（第{number}号），请先办结或作废。"
NOT_SENDER = "您不能为该党员办理转出：只有党员所在党支部或其上级党组织可以开具介绍信。"


def today():
    return timezone.localdate()


def valid_days():
    return settings.TRANSFER_LETTER_VALID_DAYS


def receipt_months():
    return settings.TRANSFER_RECEIPT_MONTHS


def add_months(d, months):
    """The same day `months` later, the month's last day when it has no such day (1-31 → 2-28)."""
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return d.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(d)


def receipt_due(issued_on):
    """The last day the receipt may come back: one month (TRANSFER_RECEIPT_MONTHS) after issue;
    overdue from the day after."""
    return add_months(issued_on, receipt_months())


# -- reading --------------------------------------------------------------------------------------

def letters_visible_to(user):
    return TransferLetter.objects.visible_to(user).select_related("member", "from_org", "to_org")


def letters_sent_by(user):
    """Letters of the sending side: the user's scope covers the branch that issued them."""
    return TransferLetter.objects.within(scope_paths(user)).select_related("member", "from_org", "to_org")


def awaiting_receipt(user, on=None):
    """Letters out of the county, issued in the user's scope, whose receipt is not back and not yet
    due (the to-do page's 等待回执)."""
    return letters_sent_by(user).filter(status=LetterStatus.ISSUED, receipt_due_on__gte=on or today()).order_by(
        "receipt_due_on", "pk")


def overdue_receipts(user, on=None):
    """Letters whose receipt is more than a month late (the to-do page's 回执逾期)."""
    return letters_sent_by(user).filter(status=LetterStatus.ISSUED, receipt_due_on__lt=on or today()).order_by(
        "receipt_due_on", "pk")


def awaiting_confirmation(user):
    """Internal transfers into a branch under the user's editor grants, waiting for it to confirm."""
    return TransferLetter.objects.filter(status=LetterStatus.PENDING).filter(
        to_org__in=Organization.objects.within(user.editor_paths)
    ).select_related("member", "from_org", "to_org").order_by("issued_on", "pk")


def members_awaiting_receipt(branch_ids=None):
    """Members transferred out of these branches (None: all) whose receipt has not been registered:
    they stay in the old branch's scope of the relationship investigation (DOMAIN.md)."""
    qs = Member.objects.filter(transfer_letters__status=LetterStatus.ISSUED, roll_state=RollState.TRANSFERRED_OUT)
    if branch_ids is not None:
        qs = qs.filter(transfer_letters__from_org_id__in=list(branch_ids))
    return qs.distinct()


def investigation_scope(branch):
    """Every member whose formal relationship is in `branch`, plus those transferred out of it with
    no receipt (DOMAIN.md: the investigation's scope of a branch)."""
    return Member.objects.filter(
        Q(organization=branch, roll_state=RollState.ON_ROLL)
        | Q(pk__in=members_awaiting_receipt([branch.pk]).values("pk"))
    )


def open_letter(member):
    return member.transfer_letters.filter(status__in=[LetterStatus.PENDING, LetterStatus.ISSUED]).first()


# -- numbers --------------------------------------------------------------------------------------

def next_serial(year):
    """The next letter number of `year`, under a lock on the year's counter row (SELECT … FOR UPDATE
    on PostgreSQL; SQLite's IMMEDIATE transaction holds the write lock already). Must run inside the
    letter's transaction: a rollback gives the number back, so numbers have no gaps."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_serial must run inside the letter's transaction")
    counter = LetterCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                LetterCounter.objects.create(year=year, last=0)
        except IntegrityError:  # another issuer created the year's row first
            pass
        counter = LetterCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


# -- checks ---------------------------------------------------------------------------------------

def _lock_member(member, user, seen):
    member = services._locked().select_related("organization", "party_group").get(pk=member.pk)
    concurrency.check(user, member, seen)
    return member


def _check_sender(user, member):
    if user is not None and not permissions.can_edit_member(user, member):
        raise ValidationError(NOT_SENDER)
    if not member.on_roll:
        raise ValidationError(NOT_ON_ROLL.format(state=member.get_roll_state_display()))
    current = open_letter(member)
    if current is not None:
        raise ValidationError(OPEN_LETTER.format(number=current.number))


def _check_issue_date(member, issued_on):
    if issued_on > today():
        raise ValidationError({"issued_on": "开具日期不能晚于今天。"})
    if issued_on < member.joined_on:
        raise ValidationError({"issued_on": f"开具日期不能早于入党日期（{member.joined_on.isoformat()}）。"})
    last_start = (member.placements.order_by("-started_on").values_list("started_on", flat=True).first())
    if last_start and issued_on < last_start:
        raise ValidationError({"issued_on": f"开具日期不能早于党员编入现党支部之日（{last_start.isoformat()}）。"})


def _required(value, field, message):
    if not (value or "").strip():
        raise ValidationError({field: message})
    return value.strip()


def basic_committee(branch):
    """The basic-level committee (基层党委) above a branch: its nearest 党委 or 党工委 (above a
    党总支 too); the branch's parent when none."""
    for org in reversed(branch.ancestors()):
        if org.kind in COMMITTEE_KINDS:
            return org
    return branch.parent


def _letter(user, member, kind, status, issued_on, **fields):
    sender = basic_committee(member.organization) or member.organization
    return TransferLetter.objects.create(
        year=issued_on.year, serial=next_serial(issued_on.year), kind=kind, status=status, member=member,
        category=member.category, from_org=member.organization, issued_on=issued_on, valid_days=valid_days(),
        receipt_due_on=receipt_due(issued_on), member_phone=member.phone, sender_address=sender.address,
        sender_phone=sender.phone, issued_by=user if user is not None and user.pk else None, **fields,
    )


LETTER_FIELDS = ["status", "receipt_on", "receipt_unit", "cancelled_on", "cancel_reason"]


def _letter_snapshot(letter, *, filled=False):
    """The letter's workflow fields as audited (`filled`: only those with a value, for a new letter)."""
    values = audit.snapshot(letter, LETTER_FIELDS)
    return {k: v for k, v in values.items() if v} if filled else values


def _lock_letter(letter):
    return TransferLetter.objects.select_for_update(of=("self",)).select_related(
        "member", "from_org", "to_org").get(pk=letter.pk)


# -- out of the county ----------------------------------------------------------------------------

@transaction.atomic
def issue_letter(user, member, *, addressee, destination, issued_on=None, dues_paid_to=None, reason="",
                 seen=None):
    """Issue an introduction letter to a party organization outside the county: the member becomes
    已转出 on the day of issue and its placement ends; it stays in the old branch until the receipt
    is registered. Returns the letter."""
    addressee = _required(addressee, "addressee", "请填写介绍信抬头（接收的基层党委）。")
    destination = _required(destination, "destination", "请填写转往的党组织。")
    issued_on = issued_on or today()
    member = _lock_member(member, user, seen)
    _check_sender(user, member)
    _check_issue_date(member, issued_on)
    letter = _letter(user, member, LetterKind.OUT, LetterStatus.ISSUED, issued_on, addressee=addressee,
                     destination=destination, dues_paid_to=dues_paid_to, reason=reason)
    fields = ["roll_state", "roll_state_on"]
    before = audit.snapshot(member, fields)
    member.roll_state, member.roll_state_on = RollState.TRANSFERRED_OUT, issued_on
    member.save(update_fields=fields)
    why = f"开具组织关系介绍信第{letter.number}号，转往{destination}"
    audit.record(user, member, audit.Action.STATE, before=before, after=audit.snapshot(member, fields),
                 reason=why)
    audit.record(user, letter, ISSUE, after=_letter_snapshot(letter, filled=True), reason=reason or why)
    placements.close_placement(member, issued_on, PlacementReason.TRANSFER_OUT)
    return letter


@transaction.atomic
def register_receipt(user, letter, receipt_on, receipt_unit=""):
    """The receipt of a letter out of the county came back: the sending side's responsibility ends."""
    letter = _lock_letter(letter)
    if user is not None and not covers(user.editor_paths, letter.from_org.path):
        raise ValidationError("只有开具介绍信的党组织（或其上级）可以登记回执。")
    if letter.kind != LetterKind.OUT:
        raise ValidationError("县内转接的回执在接收方确认时自动登记。")
    if letter.status != LetterStatus.ISSUED:
        raise ValidationError(f"该介绍信{letter.get_status_display()}，不能登记回执。")
    if receipt_on is None:
        raise ValidationError({"receipt_on": "请填写回执日期。"})
    if receipt_on > today():
        raise ValidationError({"receipt_on": "回执日期不能晚于今天。"})
    if receipt_on < letter.issued_on:
        raise ValidationError({"receipt_on": f"回执日期不能早于开具日期（{letter.issued_on.isoformat()}）。"})
    before = _letter_snapshot(letter)
    letter.status, letter.receipt_on = LetterStatus.RECEIVED, receipt_on
    letter.receipt_unit = (receipt_unit or "").strip() or letter.destination
    letter.receipt_by = user if user is not None and user.pk else None
    letter.save()
    audit.record(user, letter, RECEIPT, before=before, after=_letter_snapshot(letter))
    audit.record(user, letter.member, RECEIPT, reason=f"介绍信第{letter.number}号回执已退回（{letter.receipt_unit}）")
    return letter


# -- within the county ----------------------------------------------------------------------------

def receiving_branches():
    """The branches a member may be transferred to within the county: every active branch that
    takes formal relationships (a secretary sees only its own, but may send to any)."""
    return Organization.objects.active().branches().exclude(kind=OrgKind.TEMP_BRANCH)


@transaction.atomic
def start_internal(user, member, branch, *, reason, issued_on=None, dues_paid_to=None, seen=None):
    """The sending branch starts a transfer to `branch` of the county. The member stays where it is
    until the receiving side confirms."""
    reason = _required(reason, "reason", "请填写转接原因。")
    issued_on = issued_on or today()
    member = _lock_member(member, user, seen)
    _check_sender(user, member)
    _check_issue_date(member, issued_on)
    if branch is None or not receiving_branches().filter(pk=branch.pk).exists():
        raise ValidationError({"branch": "所选接收党支部不存在、已撤销或不接转正式组织关系。"})
    if branch.pk == member.organization_id:
        raise ValidationError({"branch": "接收党支部与原党支部相同。"})
    committee = basic_committee(branch)
    letter = _letter(user, member, LetterKind.INTERNAL, LetterStatus.PENDING, issued_on, to_org=branch,
                     addressee=(committee or branch).name, destination=branch.name, dues_paid_to=dues_paid_to,
                     reason=reason)
    audit.record(user, letter, START, after=_letter_snapshot(letter, filled=True), reason=reason)
    audit.record(user, member, START, reason=f"介绍信第{letter.number}号：转往{branch.name}，待接收方确认。{reason}")
    return letter


def can_confirm(user, letter):
    return letter.status == LetterStatus.PENDING and letter.to_org_id and covers(user.editor_paths, letter.to_org.path)


@transaction.atomic
def confirm_internal(user, letter, party_group=None):
    """The receiving branch (or its committee) takes the member in: the member moves today, its
    placement ends in the old branch and starts in the new one, and the receipt is registered."""
    letter = _lock_letter(letter)
    if letter.status != LetterStatus.PENDING:
        raise ValidationError(f"该转接{letter.get_status_display()}，不能再确认接收。")
    if not covers(user.editor_paths, letter.to_org.path):
        raise ValidationError("只有接收党支部或其上级党组织可以确认接收。")
    branch = letter.to_org
    if branch.is_dissolved:
        raise ValidationError(f"“{branch.name}”已撤销，不能接收党员：请由转出方作废本次转接。")
    member = services._locked().select_related("organization", "party_group").get(pk=letter.member_id)
    if not member.on_roll or member.organization_id != letter.from_org_id:
        raise ValidationError("党员已不在原党支部在册，本次转接不能确认：请由转出方作废。")
    if party_group is not None and (party_group.parent_id != branch.pk or party_group.kind != OrgKind.GROUP):
        raise ValidationError({"party_group": "所选党小组不属于接收党支部。"})
    day = max(today(), letter.issued_on)
    services._place(user, member, branch, party_group, f"组织关系介绍信第{letter.number}号，{branch.name}确认接收",
                    CONFIRM, why=PlacementReason.TRANSFER)
    before = _letter_snapshot(letter)
    letter.status, letter.receipt_on, letter.receipt_unit = LetterStatus.RECEIVED, day, branch.name
    letter.receipt_by = user
    letter.save()
    audit.record(user, letter, CONFIRM, before=before, after=_letter_snapshot(letter),
                 reason="接收方确认，回执自动登记")
    return letter


# -- cancelling -----------------------------------------------------------------------------------

def can_cancel(user, letter):
    """The sending side may cancel an open letter; the receiving side may decline a pending one."""
    if not letter.is_open:
        return False
    if covers(user.editor_paths, letter.from_org.path):
        return True
    return letter.status == LetterStatus.PENDING and covers(user.editor_paths, letter.to_org.path)


@transaction.atomic
def cancel_letter(user, letter, reason):
    """作废 a letter (its number stays used). Out of the county, the member returns to the roll of
    its old branch; a pending internal transfer simply ends (declined by the receiving side, or
    withdrawn by the sending side)."""
    reason = _required(reason, "reason", "请填写作废原因。")
    letter = _lock_letter(letter)
    if not letter.is_open:
        raise ValidationError(f"该介绍信{letter.get_status_display()}，不能作废。")
    if not can_cancel(user, letter):
        raise ValidationError("只有开具介绍信的党组织（或其上级）可以作废；接收方只能退回待确认的转接。")
    on = today()
    if letter.status == LetterStatus.ISSUED:
        member = services._locked().select_related("organization", "party_group").get(pk=letter.member_id)
        fields = ["roll_state", "roll_state_on"]
        before = audit.snapshot(member, fields)
        member.roll_state, member.roll_state_on = RollState.ON_ROLL, on
        problems = member.placement_errors()
        if problems:
            raise ValidationError(
                f"原党支部不能接收该党员回到在册（{'；'.join(problems.values())}），请先由上级党组织处理。")
        services._check_unique_id(member)
        member.save(update_fields=fields)
        audit.record(user, member, audit.Action.STATE, before=before, after=audit.snapshot(member, fields),
                     reason=f"介绍信第{letter.number}号作废，恢复在册：{reason}")
        placements.open_placement(member, on, PlacementReason.LETTER_CANCELLED)
    else:
        audit.record(user, letter.member, CANCEL, reason=f"介绍信第{letter.number}号作废，转接终止：{reason}")
    before = _letter_snapshot(letter)
    letter.status, letter.cancelled_on, letter.cancel_reason = LetterStatus.CANCELLED, on, reason
    letter.save()
    audit.record(user, letter, CANCEL, before=before, after=_letter_snapshot(letter), reason=reason)
    return letter


# -- into the county ------------------------------------------------------------------------------

@transaction.atomic
def register_incoming(user, member, *, letter_number, from_org_name, issued_on, received_on, valid_until=None,
                      reason=""):
    """Register a member (an unsaved Member) arriving from outside the county with its letter's
    details: the member and its placement from the day it reported, in one transaction."""
    letter_number = _required(letter_number, "letter_number", "请填写介绍信编号。")
    from_org_name = _required(from_org_name, "from_org_name", "请填写原所在党组织。")
    if issued_on is None or received_on is None:
        raise ValidationError("请填写介绍信开具日期和报到日期。")
    if received_on > today():
        raise ValidationError({"received_on": "报到日期不能晚于今天。"})
    if issued_on > received_on:
        raise ValidationError({"issued_on": "介绍信开具日期不能晚于报到日期。"})
    if valid_until is not None:
        if valid_until < issued_on:
            raise ValidationError({"valid_until": "有效期至不能早于开具日期。"})
        if received_on > valid_until:
            raise ValidationError({"received_on": f"报到时介绍信已过有效期（至{valid_until.isoformat()}），"
                                                  "请原党组织重新开具。"})
    if user is not None and member.organization_id and not covers(user.editor_paths, member.organization.path):
        raise ValidationError({"organization": "所选党支部不存在或不在您的管理范围内。"})
    why = f"持{from_org_name}组织关系介绍信（{letter_number}）转入"
    member = services.create_member(user, member, reason or why, why=PlacementReason.TRANSFER_IN, on=received_on)
    incoming = IncomingTransfer.objects.create(
        member=member, to_org=member.organization, letter_number=letter_number, from_org_name=from_org_name,
        issued_on=issued_on, valid_until=valid_until, received_on=received_on,
        registered_by=user if user is not None and user.pk else None,
    )
    valid = f"，有效期至{valid_until.isoformat()}" if valid_until else ""
    audit.record(user, member, INCOMING, reason=f"{why}：开具日期{issued_on.isoformat()}{valid}，"
                                               f"{received_on.isoformat()}报到")
    return incoming

