"""Organizational life (组织生活): record a branch's meetings with each member's attendance, record a
contact outside meetings, and count the quarter's 三会一课 per branch.

    save_meeting(user, meeting, marks)        create or correct a meeting and its attendance, at once
    delete_meeting(user, meeting, reason)     a meeting entered by mistake
    record_contact(user, member, on, method, note)
    candidates(branch, day, group=None)       who may be marked at a meeting of that day
    quarter_summary(branches, year, q)        {branch id: {kind: (expected, held)}}

Every write is one transaction with its audit entry and the contact clock (members/contacts.py):
attendance and recorded contacts are two of the clock's sources."""

import datetime
from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from accounts import permissions
from branches.choices import BRANCH_KINDS, OrgKind
from branches.models import Officer, Organization
from core import audit
from core.scoping import covers

from . import contacts, placements
from .models import (
    AbsenceReason,
    Attendance,
    ContactMethod,
    ContactRecord,
    Meeting,
    MeetingKind,
    Member,
    Placement,
)

MEETING_FIELDS = ["kind", "party_group", "held_on", "topic", "place", "host", "notes"]
DELETE = audit.register_action("delete", "删除")
CONTACT = audit.register_action("contact", "登记联系")
NOTE_MAX = Attendance._meta.get_field("absence_note").max_length


# -- the clock's sources ----------------------------------------------------------------------

@contacts.source("attendance")
def attendance_dates(member_ids):
    rows = (Attendance.objects.filter(member_id__in=member_ids, present=True).order_by()
            .values("member_id").annotate(day=Max("meeting__held_on")).values_list("member_id", "day"))
    return dict(rows)


@contacts.source("contact")
def contact_dates(member_ids):
    rows = (ContactRecord.objects.filter(member_id__in=member_ids).order_by()
            .values("member_id").annotate(day=Max("contacted_on")).values_list("member_id", "day"))
    return dict(rows)


# -- who may be marked ------------------------------------------------------------------------

def may_record(user, branch):
    """Meetings of a branch are recorded by its secretary or an editor grant above it."""
    return user.is_active and covers(user.editor_paths, branch.path)


def candidates(branch, day, group=None):
    """The members who may be marked at a meeting of `branch` (or its party `group`) on `day`: those
    its placements put there that day, and its present members whom no placement puts elsewhere
    that day (registered in the system after the meeting). A member who was in another branch that
    day belongs to that branch's meeting. Ordered by party group, then name."""
    if group is not None:
        on_day = placements.group_members_during([group.pk], day, day).get(group.pk, set())
        current = Member.objects.on_roll().filter(party_group=group)
    else:
        on_day = placements.members_on([branch.pk], day).get(branch.pk, set())
        current = Member.objects.on_roll().filter(organization=branch)
    current_ids = set(current.values_list("pk", flat=True))
    elsewhere = set(
        Placement.objects.on(day).filter(member_id__in=current_ids - on_day).exclude(organization=branch)
        .values_list("member_id", flat=True)
    )
    ids = on_day | (current_ids - elsewhere)
    return (Member.objects.filter(pk__in=ids).select_related("party_group")
            .order_by("party_group__name", "name_pinyin", "pk"))


def officer_names(branch):
    return set(Officer.objects.filter(organization=branch).values_list("name", flat=True))


def default_marks(meeting, members):
    """A new meeting's attendance as the form first shows it: everyone present, except at a 支部委员会,
    where the branch's committee members (班子成员, matched by name) are present and the others not
    concerned."""
    if meeting.kind == MeetingKind.COMMITTEE:
        names = officer_names(meeting.organization)
        return {m.pk: ("present" if m.name in names else "") for m in members}
    return {m.pk: "present" for m in members}


# -- meetings ---------------------------------------------------------------------------------

def _check_meeting(meeting):
    """The meeting's own rules, keyed by field, in Chinese."""
    errors = {}
    branch = meeting.organization
    today = timezone.localdate()
    if branch.kind not in BRANCH_KINDS:
        errors["organization"] = "组织生活会议只能登记在党支部（含联合党支部、临时党支部）。"
    day = meeting.held_on
    if day is not None:
        if day > today:
            errors["held_on"] = "会议日期不能晚于今天：会议开过之后再登记。"
        elif branch.established_on and day < branch.established_on:
            errors["held_on"] = (f"会议日期早于{branch.name}的成立日期（{branch.established_on:%Y-%m-%d}），"
                                 "请核对。")
        elif branch.is_dissolved and branch.dissolved_on and day > branch.dissolved_on:
            errors["held_on"] = f"{branch.name}已于{branch.dissolved_on:%Y-%m-%d}撤销，不能登记此后的会议。"
    if meeting.kind == MeetingKind.GROUP:
        group = meeting.party_group
        if group is None:
            errors["party_group"] = "党小组会请选择党小组。"
        elif group.kind != OrgKind.GROUP or group.parent_id != branch.pk:
            errors["party_group"] = f"所选党小组不属于{branch.name}，只能登记本支部党小组的会议。"
        elif group.is_dissolved and (not group.dissolved_on or (day and day > group.dissolved_on)):
            errors["party_group"] = f"“{group.name}”已撤销，不能登记其撤销后的会议。"
    elif meeting.party_group_id is not None:
        errors["party_group"] = "只有党小组会需要选择党小组。"
    return errors


def _check_marks(meeting, marks, allowed):
    """`marks`: {member id: (present, reason, note)}. Every member must be one of `allowed`, every
    absence needs a reason (and a few words when the reason is 其他)."""
    foreign = sorted(set(marks) - set(allowed))
    if foreign:
        raise ValidationError(
            f"出席名单中有不属于{meeting.organization.name}"
            f"{'（' + meeting.party_group.name + '）' if meeting.party_group_id else ''}的党员"
            f"（编号 {'、'.join(str(pk) for pk in foreign[:5])}），未保存。请刷新页面后重新填写。"
        )
    errors = []
    for pk, (present, reason, note) in marks.items():
        name = allowed[pk].name
        if note and len(note) > NOTE_MAX:
            errors.append(f"{name}的缺席说明最多{NOTE_MAX}个字，当前为{len(note)}个字，请删减。")
        if present:
            continue
        if not reason:
            errors.append(f"{name}缺席，请选择缺席原因（党章规定无正当理由不参加组织生活的要作处理，须写明原因）。")
        elif reason not in AbsenceReason.values:
            errors.append(f"{name}的缺席原因无效，请重新选择。")
        elif reason == AbsenceReason.OTHER and not note.strip():
            errors.append(f"{name}缺席原因为“其他”，请写明具体原因。")
    if not any(present for present, _, _ in marks.values()):
        errors.append("会议至少应有一名党员出席；请核对出席情况。")
    if errors:
        raise ValidationError(errors)


def attendance_summary(rows):
    """"出席12人；缺席2人：张三（因病）、李四（外出务工经商）" — the audit's record of who came."""
    present = [r for r in rows if r.present]
    absent = [r for r in rows if not r.present]
    text = f"出席{len(present)}人"
    if absent:
        text += f"；缺席{len(absent)}人：" + "、".join(
            f"{r.member.name}（{r.get_absence_reason_display()}{'：' + r.absence_note if r.absence_note else ''}）"
            for r in absent)
    return text


def _snapshot(meeting, rows):
    return {**audit.snapshot(meeting, MEETING_FIELDS), "attendance": attendance_summary(rows)}


@transaction.atomic
def save_meeting(user, meeting, marks, reason=""):
    """Create `meeting` (unsaved) or correct it (saved), with its attendance `marks`
    ({member id: (present, absence reason, note)}; members left out are not concerned). All or
    nothing: the meeting, its attendance, the audit entry and the members' contact dates."""
    branch = Organization.objects.select_for_update().get(pk=meeting.organization_id)
    meeting.organization = branch
    if not may_record(user, branch):
        raise ValidationError("您不能登记该党支部的组织生活。")
    errors = _check_meeting(meeting)
    if errors:
        raise ValidationError(errors)
    meeting.full_clean()
    old_rows, before = [], {}
    if meeting.pk:
        old = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if old.organization_id != meeting.organization_id:
            raise ValidationError("会议所属党支部不能更改；如登记错了支部，请删除后在正确的支部重新登记。")
        old_rows = list(Attendance.objects.filter(meeting=old).select_related("member"))
        before = _snapshot(old, old_rows)
    allowed = {m.pk: m for m in candidates(branch, meeting.held_on, meeting.party_group)}
    allowed.update({r.member_id: r.member for r in old_rows})  # marked before: may stay on the list
    _check_marks(meeting, marks, allowed)

    is_new = meeting.pk is None
    if is_new:
        meeting.created_by = user if user is not None and user.pk else None
    meeting.save()
    Attendance.objects.filter(meeting=meeting).delete()
    rows = [
        Attendance(meeting=meeting, member=allowed[pk], present=present,
                   absence_reason="" if present else reason, absence_note="" if present else note.strip())
        for pk, (present, reason, note) in sorted(marks.items())
    ]
    Attendance.objects.bulk_create(rows)
    after = _snapshot(meeting, rows)
    if is_new:
        audit.record(user, meeting, audit.Action.CREATE, after=after, reason=reason)
        contacts.touch([r.member_id for r in rows if r.present], meeting.held_on)
    else:
        audit.record(user, meeting, audit.Action.UPDATE, before=before, after=after, reason=reason)
        contacts.refresh({*(r.member_id for r in old_rows), *(r.member_id for r in rows)})
    return meeting


@transaction.atomic
def delete_meeting(user, meeting, reason):
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写删除理由。"})
    meeting = (Meeting.objects.select_for_update(of=("self",)).select_related("organization", "party_group")
               .get(pk=meeting.pk))
    if not may_record(user, meeting.organization):
        raise ValidationError("您不能删除该党支部的会议记录。")
    rows = list(Attendance.objects.filter(meeting=meeting).select_related("member"))
    audit.record(user, meeting, DELETE, before=_snapshot(meeting, rows), after={}, reason=reason)
    meeting.delete()
    contacts.refresh([r.member_id for r in rows])


audit.register_label(Meeting, "attendance", "出席情况")


# -- contacts outside meetings ---------------------------------------------------------------

@transaction.atomic
def record_contact(user, member, contacted_on, method, note=""):
    """A talk, call or visit with a member: audited on the member, raises its contact date."""
    member = Member.objects.select_for_update(of=("self",)).select_related("organization").get(pk=member.pk)
    if not permissions.can_edit_member(user, member):
        raise ValidationError("您不能为该党员登记联系记录。")
    if not member.on_roll:
        raise ValidationError(f"{member.name}已不在册，不能登记联系记录。")
    errors = {}
    if contacted_on is None:
        errors["contacted_on"] = "请填写联系日期。"
    elif contacted_on > timezone.localdate():
        errors["contacted_on"] = "联系日期不能晚于今天。"
    elif contacted_on < member.joined_on:
        errors["contacted_on"] = "联系日期不能早于该党员的入党日期。"
    if method not in ContactMethod.values:
        errors["method"] = "请选择联系方式。"
    if errors:
        raise ValidationError(errors)
    record = ContactRecord(member=member, contacted_on=contacted_on, method=method, note=(note or "").strip(),
                           recorded_by=user if user is not None and user.pk else None,
                           recorded_by_name=_name(user))
    record.full_clean()
    record.save()
    audit.record(user, member, CONTACT, changes={
        "contact": ["", f"{contacted_on:%Y-%m-%d} {record.get_method_display()}"
                        f"{'：' + record.note if record.note else ''}"]})
    contacts.touch([member.pk], contacted_on)
    return record


audit.register_label(Member, "contact", "联系记录")


def _name(user):
    if user is None or not user.pk:
        return "系统"
    return getattr(user, "display_name", "") or user.get_username()


def member_clock(member):
    """The member's latest attendance and latest recorded contacts, for its contact page."""
    last_meeting = (Attendance.objects.filter(member=member, present=True).select_related("meeting")
                    .order_by("-meeting__held_on").first())
    return {
        "last_meeting": last_meeting.meeting if last_meeting else None,
        "records": list(ContactRecord.objects.filter(member=member)[:20]),
    }


# -- the quarter's 三会一课 ---------------------------------------------------------------------

# What the rules expect of a branch per month of a quarter (三会一课): 支部党员大会 and 党课 once a
# quarter, 支部委员会 once a month, 党小组会 once a month for each party group. 主题党日 is counted,
# without a number the rules fix here.
PER_QUARTER = {MeetingKind.GENERAL: 1, MeetingKind.LECTURE: 1}
PER_MONTH = {MeetingKind.COMMITTEE: 1}
EXPECT_TEXT = ("支部党员大会、党课每季度至少一次，支部委员会每月一次，党小组会每个党小组每月一次（本季度未结束的，"
               "按已开始的月份计算）；主题党日只计次数。")
SUMMARY_KINDS = [MeetingKind.GENERAL, MeetingKind.COMMITTEE, MeetingKind.GROUP, MeetingKind.LECTURE]


def _months(start):
    return [datetime.date(start.year, start.month + i, 1) for i in range(3)]


def _month_end(first):
    return contacts.add_months(first, 1) - datetime.timedelta(days=1)


def _alive_months(org, start, today=None):
    """How many months of the quarter starting `start` the organization existed in (and, in the
    current quarter, that have begun by `today`)."""
    n = 0
    for first in _months(start):
        last = _month_end(first)
        if today is not None and first > today:
            continue
        if org.established_on and org.established_on > last:
            continue
        if org.is_dissolved and (not org.dissolved_on or org.dissolved_on < first):
            continue
        n += 1
    return n


def quarter_summary(branches, year, q):
    """{branch id: {kind: (expected, held)}} for the quarter, and the 主题党日 held under
    MeetingKind.THEME_DAY as (None, held). Three queries whatever the number of branches."""
    start, end = placements.quarter(year, q)
    today = timezone.localdate()
    branches = list(branches)
    ids = [b.pk for b in branches]
    held = Counter()
    rows = (Meeting.objects.filter(held_on__gte=start, held_on__lte=end, organization_id__in=ids).order_by()
            .values_list("organization_id", "kind").annotate(n=Count("pk")))
    for org_id, kind, n in rows:
        held[org_id, kind] = n
    group_months = defaultdict(int)
    for group in Organization.objects.filter(parent_id__in=ids, kind=OrgKind.GROUP).only(
            "parent_id", "established_on", "is_dissolved", "dissolved_on"):
        group_months[group.parent_id] += _alive_months(group, start, today)
    out = {}
    for b in branches:
        months = _alive_months(b, start, today)
        once = 1 if _alive_months(b, start) else 0  # once a quarter: due by the quarter's end
        expected = {
            MeetingKind.GENERAL: once,
            MeetingKind.COMMITTEE: months,
            MeetingKind.GROUP: group_months[b.pk],
            MeetingKind.LECTURE: once,
        }
        out[b.pk] = {k: (expected[k], held[b.pk, k]) for k in SUMMARY_KINDS}
        out[b.pk][MeetingKind.THEME_DAY] = (None, held[b.pk, MeetingKind.THEME_DAY])
    return out


def shortfalls(summary, finished=True):
    """[(kind, expected, held)] where fewer meetings were held than the rules expect (before the
    quarter's end, the once-a-quarter meetings are not yet short)."""
    return [(k, e, h) for k, (e, h) in summary.items()
            if e is not None and h < e and (finished or k not in PER_QUARTER)]


# -- the to-do page's sections (members/todo.py) ---------------------------------------------

def member_row(m):
    """A member of the clock's sections as a to-do row (today read when the page is drawn)."""
    from django.urls import reverse

    from .todo import Row

    today = timezone.localdate()
    last = f"最近联系 {m.last_contact_on:%Y-%m-%d}" if m.last_contact_on else f"登记于 {m.created_at:%Y-%m-%d}"
    badge = f"已{contacts.elapsed_text(m.last_contact_on, today)}" if m.last_contact_on else "无记录"
    return Row(m.name, reverse("members:detail", args=[m.pk]), detail=f"{m.organization.name} · {last}",
               badge=badge, actions=(("登记联系", reverse("members:contact", args=[m.pk])),))


def register_todo():
    from . import todo

    row = member_row
    todo.register("contact_overdue", "超过六个月未参加组织生活、未交党费、未联系", contacts.overdue, 10, row=row,
                  level="red", note="党章第九条：党员如果没有正当理由，连续六个月不参加党的组织生活，或不交纳党费，"
                                    "或不做党所分配的工作，就被认为是自行脱党。请尽快联系，并登记联系情况。")
    todo.register("contact_warning", "超过五个月未联系（即将满六个月）", contacts.warning, 20, row=row, level="amber",
                  note="最近一次出席组织生活、交纳党费或登记联系已超过五个月，满六个月前请联系。")
    todo.register("contact_never", "尚无联系记录", contacts.never, 90, row=row, collapsed=True,
                  note="系统中还没有这些党员的出席、交纳党费或联系记录（多为系统启用前登记的党员），不计入逾期。"
                       "登记一次会议出席、党费或联系后即开始计时。")
    todo.register_counter(["contact_overdue", "contact_warning", "contact_never"], contacts.counts)
    _register_transfers(todo)


def _register_transfers(todo):
    """The transfers' receipts, when that capability is installed (members/transfers.py)."""
    try:
        from . import transfers
    except ImportError:
        return
    for key, title, name, order, level in (
        ("transfers_awaiting", "待回执的转出介绍信", "awaiting_receipt", 30, "amber"),
        ("receipts_overdue", "回执逾期", "overdue_receipts", 31, "red"),
    ):
        fn = getattr(transfers, name, None)
        if fn is not None and todo.section(key) is None:
            todo.register(key, title, fn, order, level=level, row=getattr(transfers, "todo_row", None))


# -- the summary as a document (core/documents) -----------------------------------------------

def quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def summary_branches(org, year, q):
    """The branches the summary of `org` covers for the quarter: itself when it is a branch, else every
    branch under it that existed during the quarter (dissolved ones until their dissolution)."""
    start, end = placements.quarter(year, q)
    if org.kind in BRANCH_KINDS:
        return [org]
    qs = (Organization.objects.subtree(org).branches()
          .exclude(established_on__gt=end).exclude(is_dissolved=True, dissolved_on__lt=start)
          .exclude(is_dissolved=True, dissolved_on__isnull=True))
    return list(qs.order_by("path"))


def summary_grid(org, branches, summary, year, q):
    from core.documents import Grid, GridRow, SumOfRows, col, group, signatory

    start, end = placements.quarter(year, q)
    columns = [group(MeetingKind(k).label, col(f"{k}_e", "应开"), col(f"{k}_h", "实开")) for k in SUMMARY_KINDS]
    columns.append(col("theme_day_h", "主题党日"))
    rows, values = [], {}
    for b in branches:
        key = f"b{b.pk}"
        rows.append(GridRow(key, b.name))
        for k in SUMMARY_KINDS:
            values[key, f"{k}_e"], values[key, f"{k}_h"] = summary[b.pk][k]
        values[key, "theme_day_h"] = summary[b.pk][MeetingKind.THEME_DAY][1]
    invariants = []
    if len(branches) > 1:
        rows.insert(0, GridRow("total", f"合计（{len(branches)}个党支部）"))
        invariants.append(SumOfRows("total"))
    return Grid(
        title=f"{year}年第{q}季度“三会一课”开展情况统计表", columns=columns, rows=rows, values=values,
        invariants=invariants, stub_header="党支部", numbered=False, unit_name=org.name,
        as_of=min(end, timezone.localdate()), signatory=signatory(org.kind),
    )
