"""The rating cycle: open a quarter, fill a sheet, submit it to publicity, revise it, confirm it.

    open_quarter(user, year, quarter, opens_on, due_on)   county: every active branch gets a sheet
    prepare(sheet)                                       list the quarter's members (placements)
    save(user, sheet, rows, meeting_on=…, submit=…)      one transaction: the grid, maybe submitted
    revise(user, sheet, rows, reason)                    in publicity: restarts the seven days
    confirm(user, sheet, today)                          after publicity: frozen (core/versions.py)
    correct(user, sheet, rows, reason)                   a confirmed sheet: a new frozen version

Objections are in ratings/objections.py. Each change is audited on the sheet inside its transaction;
a refusal raises ValidationError (in Chinese) and changes nothing.
"""

import csv
import datetime
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role
from branches.models import Organization
from core import audit, versions
from core.scoping import covers
from members.models import Member, Placement, PlacementReason
from members.placements import left_during, members_during

from . import criteria, followup
from .choices import STAR_FIELDS, SheetState, Star
from .grades import Grade, publicity_days
from .models import TEXT_MAX, RatingEntry, RatingQuarter, RatingSheet

OPEN = audit.register_action("rq_open", "开展季度评星")
SAVE = audit.register_action("rate_save", "保存评星草稿")
SUBMIT = audit.register_action("rate_submit", "提交公示")
REVISE = audit.register_action("rate_revise", "修订评星结果")
CONFIRM = audit.register_action("rate_confirm", "确认评星结果")
CORRECT = audit.register_action("rate_correct", "更正评星结果")

RESULT_KIND = "star_result"
ROW_FIELDS = (*STAR_FIELDS, "rated", "basis", "not_rated", "not_rated_reason", "opinion_note", "opinions_heard",
              "criteria_set_id")


# --- who --------------------------------------------------------------------------------------

def can_rate(user, sheet):
    """The branch's secretary, or an editor grant above it (committee, county)."""
    return user.is_active and covers(user.editor_paths, sheet.branch.path)


def on_behalf(user, sheet):
    """Someone other than the branch's own secretary enters the sheet (recorded as such)."""
    return Role.BRANCH_SECRETARY not in user.roles_on(sheet.branch.path)


def _require_rater(user, sheet):
    if not can_rate(user, sheet):
        raise PermissionDenied("您不能评定该党支部的党员。")


# --- quarters and sheets --------------------------------------------------------------------------

def open_quarter(user, year, quarter, opens_on, due_on):
    """The county opens (year, quarter): every active branch gets a draft sheet."""
    if not user.is_county_admin:
        raise PermissionDenied("只有组织部管理员可以开展季度评星。")
    errors = {}
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = "季度应为1–4。"
    if not 2000 <= (year or 0) <= 2100:
        errors["year"] = "请填写正确的年度。"
    if opens_on and due_on and due_on < opens_on:
        errors["due_on"] = "完成期限不能早于开始日期。"
    if not errors and RatingQuarter.objects.filter(year=year, quarter=quarter).exists():
        errors["quarter"] = f"{year}年第{quarter}季度已经开展评星。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        q = RatingQuarter.objects.create(year=year, quarter=quarter, opens_on=opens_on, due_on=due_on, opened_by=user)
        branches = Organization.objects.active().branches().values_list("pk", flat=True)
        RatingSheet.objects.bulk_create(RatingSheet(quarter=q, branch_id=pk) for pk in branches)
        audit.record(user, q, OPEN, reason=f"完成期限 {due_on:%Y-%m-%d}")
    return q


def sheet_for(quarter, branch):
    """The branch's sheet for an open quarter (a branch founded since the opening gets one now)."""
    sheet, _ = RatingSheet.objects.get_or_create(quarter=quarter, branch=branch)
    return sheet


def prepare(sheet):
    """List on a draft sheet every member who belonged to the branch on at least one day of the
    quarter (members.placements), each with the criteria set that fits it; note who joined or left
    during the quarter. Members already listed keep their rows. Returns how many were added."""
    if not sheet.is_draft:
        return 0
    start, end = sheet.quarter.span
    wanted = members_during([sheet.branch_id], start, end).get(sheet.branch_id, set())
    have = set(sheet.entries.values_list("member_id", flat=True))
    missing = wanted - have
    if not missing:
        return 0
    sets = criteria.in_force(sheet.quarter.year, sheet.quarter.quarter)
    left = {m: (day, reason) for m, day, reason in left_during([sheet.branch_id], start, end).get(sheet.branch_id, [])}
    came = {
        m: (day, PlacementReason(reason)) for m, day, reason in
        Placement.objects.filter(organization_id=sheet.branch_id, member_id__in=missing, started_on__gt=start,
                                 started_on__lte=end).exclude(start_reason=PlacementReason.GROUP)
        .values_list("member_id", "started_on", "start_reason")
    }
    members = Member.objects.filter(pk__in=missing).order_by("name_pinyin", "pk")
    position = len(have)
    rows = []
    for m in members:
        position += 1
        notes = []
        if m.pk in came:
            day, reason = came[m.pk]
            notes.append(f"{day.month}月{day.day}日{'转入' if reason == PlacementReason.MOVE else reason.label}")
        if m.pk in left:
            day, reason = left[m.pk]
            notes.append(f"{day.month}月{day.day}日{reason.label}")
        rows.append(RatingEntry(sheet=sheet, member=m, criteria_set=sets[criteria.audience_for(m, end)],
                                position=position, period_note="；".join(notes)[:100]))
    with transaction.atomic():
        RatingEntry.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def sets_of(sheet, entries):
    """The criteria sets a row may be rated under: those in force for the quarter, and any an entry
    already uses."""
    sets = {s.pk: s for s in criteria.in_force(sheet.quarter.year, sheet.quarter.quarter).values()}
    for e in entries:
        sets.setdefault(e.criteria_set_id, e.criteria_set)
    return list(sets.values())


def grid_entries(sheet):
    """The sheet's rows for the grid, each with its member and criteria set: two queries."""
    return list(sheet.entries.select_related("member", "criteria_set").order_by("position", "pk"))


# --- reading the grid ------------------------------------------------------------------------

def _int(value, default=0):
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else default


def read_rows(data, entries, sets):
    """Apply the posted grid `data` to `entries` (in memory): each row posts `row` = its entry id,
    then `{id}-study` … (checked: awarded), `{id}-rated`, `{id}-basis`, `{id}-not_rated`,
    `{id}-not_rated_reason`, `{id}-opinion_note`, `{id}-opinions_heard`, `{id}-criteria_set`.
    A posted row that is not an entry of this sheet is refused: the sheet rates its own members only.
    Returns the entries that changed."""
    by_id = {str(e.pk): e for e in entries}
    posted = data.getlist("row")
    foreign = [r for r in posted if r not in by_id]
    if foreign:
        raise ValidationError("提交的党员不在本党支部本季度的评定表中，不能评定。")
    allowed_sets = {str(s.pk): s for s in sets}
    changed = []
    for key in dict.fromkeys(posted):
        e = by_id[key]
        before = tuple(getattr(e, f) for f in ROW_FIELDS)
        for f in STAR_FIELDS:
            setattr(e, f, data.get(f"{key}-{f}") == "on")
        e.rated = data.get(f"{key}-rated") in ("1", "on") or e.rated
        e.not_rated = data.get(f"{key}-not_rated") == "on"
        e.basis = (data.get(f"{key}-basis") or "").strip()[:TEXT_MAX]
        e.not_rated_reason = (data.get(f"{key}-not_rated_reason") or "").strip()[:200]
        e.opinion_note = (data.get(f"{key}-opinion_note") or "").strip()[:TEXT_MAX]
        e.opinions_heard = min(_int(data.get(f"{key}-opinions_heard"), e.opinions_heard), 9999)
        chosen = data.get(f"{key}-criteria_set")
        if chosen:
            if chosen not in allowed_sets:
                raise ValidationError(f"{e.member.name}：所选评星标准不适用于本季度。")
            e.criteria_set = allowed_sets[chosen]
        e.refresh()
        if tuple(getattr(e, f) for f in ROW_FIELDS) != before:
            changed.append(e)
    return changed


def all_stars(entries):
    """The quick action: every member not marked 不评定 gets all five stars (in memory)."""
    changed = []
    for e in entries:
        if e.not_rated:
            continue
        for f in STAR_FIELDS:
            setattr(e, f, True)
        e.rated, e.basis = True, ""
        e.refresh()
        changed.append(e)
    return changed


def problems(sheet, entries):
    """What stands in the way of submitting: [message], empty when the sheet may go to publicity."""
    out = []
    if not sheet.evaluation_meeting_on:
        out.append("请填写党员评议会日期。")
    elif sheet.evaluation_meeting_on > timezone.localdate():
        out.append("党员评议会日期不能晚于今天。")
    unrated = [e.member.name for e in entries if not e.rated and not e.not_rated]
    if unrated:
        out.append(f"以下党员尚未评定：{'、'.join(unrated[:10])}{'等' if len(unrated) > 10 else ''}"
                   f"（共{len(unrated)}名）。请评定，或勾选“不评定”并写明原因。")
    no_reason = [e.member.name for e in entries if e.not_rated and not e.not_rated_reason]
    if no_reason:
        out.append(f"{'、'.join(no_reason)}：不评定的请写明原因。")
    no_basis = [e.member.name for e in entries if e.rated and not e.not_rated and e.star_count < 5 and not e.basis]
    if no_basis:
        out.append(f"{'、'.join(no_basis)}：有未得的星，请写明未得星依据。")
    return out


# --- saving ----------------------------------------------------------------------------------

WRITE_FIELDS = (*ROW_FIELDS, "star_count", "grade")


def _write(entries):
    """Write the rows' fields: one prepared UPDATE executed per row (executemany). bulk_update's
    CASE expressions cost ~4 ms of Python per row here (a 60-member sheet took 0.5 s to save)."""
    if not entries:
        return
    meta = RatingEntry._meta
    columns = [meta.get_field(f).column for f in WRITE_FIELDS]
    qn = connection.ops.quote_name
    sql = (f"UPDATE {qn(meta.db_table)} SET {', '.join(f'{qn(c)} = %s' for c in columns)} "
           f"WHERE {qn(meta.pk.column)} = %s")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[getattr(e, f) for f in WRITE_FIELDS] + [e.pk] for e in entries])


def _summary(changed):
    return {"entries": ["", "、".join(f"{e.member.name}{e.star_count}星" if e.rated else e.member.name
                                     for e in changed[:30]) + ("等" if len(changed) > 30 else "")]}


def _lock(sheet):
    """The sheet's row, locked for the change (a stale page cannot overwrite a newer state)."""
    return RatingSheet.objects.select_for_update().select_related("quarter", "branch").get(pk=sheet.pk)


def _start_publicity(sheet, today):
    sheet.publicity_starts_on = today
    sheet.publicity_ends_on = today + datetime.timedelta(days=publicity_days())


def save(user, sheet, changed, *, meeting_on=None, submit=False, entries=None, today=None):
    """Save a draft's changed rows (and the evaluation meeting date); with submit=True also start
    publicity, refused (and nothing saved) while `problems()` finds anything."""
    _require_rater(user, sheet)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _lock(sheet)
        if not locked.is_draft:
            raise ValidationError(f"评定表{locked.get_state_display()}，不能再按草稿修改。"
                                  + ("公示期间的修改请使用“修订”，并写明原因。" if locked.in_publicity else ""))
        before = {"evaluation_meeting_on": locked.evaluation_meeting_on}
        if meeting_on is not None:
            locked.evaluation_meeting_on = meeting_on
        _write(changed)
        changes = {**_summary(changed)} if changed else {}
        if before["evaluation_meeting_on"] != locked.evaluation_meeting_on:
            changes["evaluation_meeting_on"] = [str(before["evaluation_meeting_on"] or ""),
                                                str(locked.evaluation_meeting_on or "")]
        behalf = on_behalf(user, locked)
        if submit:
            found = problems(locked, entries if entries is not None else grid_entries(locked))
            if found:
                raise ValidationError(found)
            locked.state = SheetState.PUBLICITY
            _start_publicity(locked, today)
            locked.submitted_at, locked.submitted_by, locked.entered_on_behalf = timezone.now(), user, behalf
        locked.save()
        if submit:
            audit.record(user, locked, SUBMIT, changes=changes,
                         reason=(f"公示 {locked.publicity_starts_on:%Y-%m-%d} 至 {locked.publicity_ends_on:%Y-%m-%d}"
                                 + ("；代党支部书记录入" if behalf else "")))
        elif changes:
            audit.record(user, locked, SAVE, changes=changes, reason="代党支部书记录入" if behalf else "")
    sheet.__dict__.update({k: getattr(locked, k) for k in (
        "state", "evaluation_meeting_on", "publicity_starts_on", "publicity_ends_on", "submitted_at",
        "entered_on_behalf")})
    return locked


def revise(user, sheet, changed, reason, *, entries, today=None):
    """A revision during publicity (after an objection, say): the rows change, the revision count
    goes up and the publicity restarts from today for the full length."""
    _require_rater(user, sheet)
    reason = (reason or "").strip()
    today = today or timezone.localdate()
    if not reason:
        raise ValidationError("修订公示中的评定结果，请写明修订原因。")
    if not changed:
        raise ValidationError("评定结果没有改动。")
    with transaction.atomic():
        locked = _lock(sheet)
        if not locked.in_publicity:
            raise ValidationError(f"评定表{locked.get_state_display()}，不能修订。")
        found = problems(locked, entries)
        if found:
            raise ValidationError(found)
        _write(changed)
        locked.revision += 1
        before = [str(locked.publicity_starts_on), str(locked.publicity_ends_on)]
        _start_publicity(locked, today)
        locked.save()
        audit.record(user, locked, REVISE, reason=reason, changes={
            **_summary(changed), "publicity_ends_on": [before[1], str(locked.publicity_ends_on)],
        })
    return locked


def result_data(sheet, entries):
    """The confirmed result as kept in the frozen version (names, stars, grade; no private field)."""
    return {
        "sheet": sheet.pk, "branch": sheet.branch.name, "year": sheet.quarter.year, "quarter": sheet.quarter.quarter,
        "evaluation_meeting_on": sheet.evaluation_meeting_on, "publicity": [sheet.publicity_starts_on,
                                                                            sheet.publicity_ends_on],
        "revision": sheet.revision,
        "rows": [{"member": e.member_id, "name": e.member.name, "stars": [f for f in STAR_FIELDS if getattr(e, f)],
                  "star_count": e.star_count, "grade": e.grade, "not_rated": e.not_rated,
                  "not_rated_reason": e.not_rated_reason, "basis": e.basis} for e in entries],
    }


def result_csv(data):
    """The frozen file: the result as a CSV Excel opens (UTF-8 with BOM)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["序号", "姓名", *[s.label for s in Star], "星级合计", "等次", "备注"])
    labels = dict(Grade.choices)
    for i, r in enumerate(data["rows"], 1):
        w.writerow([i, r["name"], *["★" if f in r["stars"] else "" for f in STAR_FIELDS],
                    "" if r["not_rated"] else r["star_count"], labels.get(r["grade"], ""),
                    f"不评定：{r['not_rated_reason']}" if r["not_rated"] else r["basis"]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _freeze(user, sheet, reason=""):
    entries = grid_entries(sheet)
    data = result_data(sheet, entries)
    name = f"{sheet.branch.name}{sheet.quarter.year}年第{sheet.quarter.quarter}季度星级评定结果.csv"
    return versions.freeze(user, sheet, RESULT_KIND, data, result_csv(data), name, reason=reason)


def confirm(user, sheet, today=None):
    """After publicity has ended the branch confirms: the sheet is frozen and its five-star members
    go on the public board."""
    _require_rater(user, sheet)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _lock(sheet)
        if not locked.in_publicity:
            raise ValidationError(f"评定表{locked.get_state_display()}，只有公示中的评定表可以确认。")
        if today <= locked.publicity_ends_on:
            raise ValidationError(f"公示期至{locked.publicity_ends_on:%Y年%m月%d日}结束，公示结束后才能确认。")
        open_objections = locked.objections.filter(answered_at__isnull=True).count()
        if open_objections:
            raise ValidationError(f"还有{open_objections}条异议未答复，请先答复。")
        locked.state = SheetState.CONFIRMED
        locked.confirmed_at, locked.confirmed_by = timezone.now(), user
        locked.save()
        audit.record(user, locked, CONFIRM, reason="代党支部书记确认" if on_behalf(user, locked) else "")
        _freeze(user, locked)
        followup.on_confirmed(user, locked, today)  # rectifications opened and closed by the result
    sheet.state = locked.state
    return locked


def correct(user, sheet, changed, reason, *, entries):
    """A correction of a confirmed sheet: the rows change and a new frozen version with the reason is
    kept beside the first (both stay readable)."""
    _require_rater(user, sheet)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("更正已确认的评定结果，请写明更正理由。")
    if not changed:
        raise ValidationError("评定结果没有改动。")
    with transaction.atomic():
        locked = _lock(sheet)
        if not locked.is_confirmed:
            raise ValidationError("只有已确认的评定表需要更正。")
        found = problems(locked, entries)
        if found:
            raise ValidationError(found)
        _write(changed)
        locked.save(update_fields=["updated_at"])
        audit.record(user, locked, CORRECT, reason=reason, changes=_summary(changed))
        _freeze(user, locked, reason=reason)
        followup.on_confirmed(user, locked)  # a result corrected to 合格 closes its rectification
    return locked


def change_since(entries, quarter):
    """{member id: star count last quarter} for the members of `entries` (confirmed sheets of the
    previous quarter, any branch). One query."""
    year, q = quarter.previous_key()
    rows = RatingEntry.objects.filter(
        sheet__quarter__year=year, sheet__quarter__quarter=q, sheet__state=SheetState.CONFIRMED,
        member_id__in=[e.member_id for e in entries], not_rated=False, rated=True,
    ).values_list("member_id", "star_count")
    return dict(rows)

