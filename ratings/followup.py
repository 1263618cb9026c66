"""What follows a confirmed quarter (plan 2: "对五星级党员，优先列为推荐和表彰对象；对不合格党员，由所在党小组
进行批评教育、限期整改，安排优秀党员进行帮带").

    on_confirmed(user, sheet)        called by the confirmation, in its transaction: opens a 限期整改 for
                                     every 不合格党员 of the sheet, closes the open ones of members now
                                     rated 合格 or 优秀 in a later quarter
    update(user, rect, data, seen)   the branch records the criticism and education, measures,
                                     deadline and mentor (帮带党员: an 优秀党员 of the branch)
    add_note(user, rect, on, text)   a progress note
    shortlist(user, quarter)         the commendation shortlist: the five-star members (优秀党员)

A rectification is scoped by the branch of the sheet that opened it. Open past its deadline it is
逾期未整改 (Rectification.is_overdue): the committee and the county see it in the list and the
overview. Every change is audited in its transaction.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, concurrency
from core.scoping import covers

from .choices import SheetState
from .grades import Grade
from .models import RatingEntry, Rectification, RectificationNote, RectificationState

OPEN = audit.register_action("rectify_open", "开始限期整改")
NOTE = audit.register_action("rectify_note", "整改进展")
CLOSE = audit.register_action("rectify_close", "整改结束")
EDIT_FIELDS = ["education_on", "education", "measures", "deadline", "mentor"]
LONGEST_DEADLINE_DAYS = 366


def default_deadline(year, quarter):
    """The end of the month after the next quarter: the next quarter to mend in, and a month for
    its rating to be confirmed (Q3 2026 → 2027-01-31)."""
    y, q = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    month = 3 * q + 1  # the month after the quarter's last month
    if month > 12:
        y, month = y + 1, month - 12
    first_after = datetime.date(y + (month == 12), 1 if month == 12 else month + 1, 1)
    return first_after - datetime.timedelta(days=1)


def quarter_end(rect):
    from members.placements import quarter

    return quarter(rect.year, rect.quarter)[1]


def _later(a, b):
    return (a.year, a.quarter) > (b.year, b.quarter)


def on_confirmed(user, sheet, today=None):
    """Open and close the rectifications a confirmed sheet decides. Idempotent: a sheet confirmed
    again after a correction opens no second rectification, and closes one whose result was
    corrected to 合格. Must run inside the confirmation's transaction. Returns (opened, closed)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("followup.on_confirmed must run inside the confirmation's transaction")
    if sheet.state != SheetState.CONFIRMED:
        return [], []
    today = today or timezone.localdate()
    q = sheet.quarter
    rated = RatingEntry.objects.filter(sheet=sheet, not_rated=False, rated=True)
    # Two reads whatever the size of the sheet: its 不合格 rows, and the open rectifications of its
    # members (then, if any, their rows); a 60-member sheet does not build 60 entries.
    unqualified = list(rated.filter(grade=Grade.UNQUALIFIED).select_related("member", "sheet__branch"))
    open_by_member = {}
    for r in (Rectification.objects.open().filter(member_id__in=RatingEntry.objects.filter(sheet=sheet).values("member_id"))
              .select_related("branch", "member").order_by("year", "quarter", "pk")):
        open_by_member.setdefault(r.member_id, []).append(r)
    passed = list(rated.filter(member_id__in=list(open_by_member), grade__in=[Grade.QUALIFIED, Grade.EXCELLENT])) \
        if open_by_member else []
    opened, closed = [], []
    already = set(Rectification.objects.filter(entry__in=unqualified).values_list("entry_id", flat=True)) \
        if unqualified else set()
    for e in unqualified:
        mine = open_by_member.get(e.member_id, [])
        if mine or e.pk in already:
            for r in mine:
                text = f"{q}评定结果仍为不合格党员（{e.star_count}星），继续整改。"
                if _later(q, r) and not r.notes.filter(text=text).exists():
                    _note(None, r, today, text)
            continue
        opened.append(_open(user, e, today))
    for e in passed:
        for r in open_by_member.get(e.member_id, []):
            if r.entry_id == e.pk:  # this very result was corrected to 合格
                closed.append(_close(user, r, e, today, f"{q}评定结果更正为{e.get_grade_display()}"))
            elif _later(q, r):
                closed.append(_close(user, r, e, today, f"{q}评定为{e.get_grade_display()}（{e.star_count}星）"))
    return opened, closed


def _open(user, entry, today):
    q = entry.sheet.quarter
    r = Rectification.objects.create(
        entry=entry, member=entry.member, branch=entry.sheet.branch, party_group_id=entry.member.party_group_id,
        year=q.year, quarter=q.quarter, deadline=default_deadline(q.year, q.quarter),
    )
    audit.record(user, r, OPEN, reason=f"{q}评定为不合格党员（{entry.star_count}星），由所在党小组批评教育、限期整改，"
                                       f"整改期限至{r.deadline:%Y年%m月%d日}")
    return r


def _close(user, r, entry, today, why):
    r.state, r.closed_on, r.closed_by_entry = RectificationState.CLOSED, today, entry
    r.save(update_fields=["state", "closed_on", "closed_by_entry"])
    late = "（已过整改期限）" if today > r.deadline else ""
    audit.record(user, r, CLOSE, reason=f"{why}，整改结束{late}")
    return r


def _note(user, r, on, text):
    note = RectificationNote.objects.create(rectification=r, noted_on=on, text=text, author=user,
                                            author_name=audit._actor_name(user))
    audit.record(user, r, NOTE, reason=text)
    return note


# -- who may do what -------------------------------------------------------------------------

def can_edit(user, rect):
    """The branch's secretary, or an editor grant above it (a tracking cadre only reads)."""
    return user.is_active and covers(user.editor_paths, rect.branch.path)


def mentor_choices(rect):
    """帮带党员: members of the rectification's branch rated 优秀党员 in a confirmed sheet of the
    quarter that opened it or later, still on the branch's roll, not the member itself."""
    from members.models import Member

    excellent = RatingEntry.objects.filter(
        sheet__branch_id=rect.branch_id, sheet__state=SheetState.CONFIRMED, grade=Grade.EXCELLENT,
    ).exclude(sheet__quarter__year__lt=rect.year).exclude(
        sheet__quarter__year=rect.year, sheet__quarter__quarter__lt=rect.quarter,
    ).values("member_id")
    return (Member.objects.on_roll().filter(organization_id=rect.branch_id, pk__in=excellent)
            .exclude(pk=rect.member_id).order_by("name_pinyin", "pk"))


# -- changes --------------------------------------------------------------------------------

def update(user, rect, data, seen=None, today=None):
    """Record the party group's criticism and education, the measures, the deadline, the mentor.
    `data` holds EDIT_FIELDS (mentor a Member or None). Refused, in Chinese, when closed, stale,
    or the mentor is not an 优秀党员 of the branch."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Rectification.objects.select_for_update().select_related("branch", "member").get(pk=rect.pk)
        if not can_edit(user, locked):
            raise ValidationError("您不能修改这项整改。")
        concurrency.check(user, locked, seen)
        if locked.state != RectificationState.OPEN:
            raise ValidationError("这项整改已经结束，不能再修改。")
        errors = {}
        mentor = data.get("mentor")
        if mentor is not None and not mentor_choices(locked).filter(pk=mentor.pk).exists():
            errors["mentor"] = "帮带党员应是本支部评为优秀党员（五星）的在册党员。"
        deadline = data.get("deadline")
        opened = quarter_end(locked)
        if deadline is None:
            errors["deadline"] = "请填写整改期限。"
        elif deadline <= opened:
            errors["deadline"] = f"整改期限应晚于{locked.year}年第{locked.quarter}季度末（{opened:%Y-%m-%d}）。"
        elif (deadline - opened).days > LONGEST_DEADLINE_DAYS:
            errors["deadline"] = "整改期限不能超过一年。"
        education_on = data.get("education_on")
        if education_on is not None and education_on > today:
            errors["education_on"] = "批评教育日期不能晚于今天。"
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(locked, EDIT_FIELDS)
        for name in EDIT_FIELDS:
            value = data.get(name)
            setattr(locked, name, (value or "").strip() if name in ("education", "measures") else value)
        locked.save()
        locked.refresh_from_db()
        audit.record(user, locked, audit.Action.UPDATE, before=before, after=audit.snapshot(locked, EDIT_FIELDS))
    return locked


def add_note(user, rect, noted_on, text, today=None):
    today = today or timezone.localdate()
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = "请填写整改进展。"
    elif len(text) > RectificationNote._meta.get_field("text").max_length:
        errors["text"] = "整改进展不能超过500字。"
    if noted_on is None:
        errors["noted_on"] = "请填写日期。"
    elif noted_on > today:
        errors["noted_on"] = "日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Rectification.objects.select_for_update().select_related("branch", "member").get(pk=rect.pk)
        if not can_edit(user, locked):
            raise ValidationError("您不能修改这项整改。")
        if locked.state != RectificationState.OPEN:
            raise ValidationError("这项整改已经结束，不能再记录进展。")
        if noted_on <= quarter_end(locked):
            raise ValidationError({"noted_on": f"日期应晚于{locked.year}年第{locked.quarter}季度末。"})
        return _note(user, locked, noted_on, text)


# -- lists ------------------------------------------------------------------------------------

def rectifications(user, status="", today=None):
    """The rectifications `user` may see; `status`: "" all, "open", "overdue", "closed"."""
    today = today or timezone.localdate()
    qs = Rectification.objects.visible_to(user).select_related("member", "branch", "party_group", "mentor")
    if status == "open":
        qs = qs.open()
    elif status == "overdue":
        qs = qs.overdue(today)
    elif status == "closed":
        qs = qs.filter(state=RectificationState.CLOSED)
    return qs


def shortlist(user, quarter):
    """The commendation shortlist of `quarter` (a RatingQuarter): the 优秀党员 of the confirmed sheets
    in the user's scope, by branch then name."""
    return (RatingEntry.objects.visible_to(user)
            .filter(sheet__quarter=quarter, sheet__state=SheetState.CONFIRMED, grade=Grade.EXCELLENT)
            .select_related("member", "sheet__branch")
            .order_by("sheet__branch__path", "member__name_pinyin", "pk"))
