"""限期整改: opened by a confirmed 不合格 result, closed by the next quarter's 合格, overdue after the
deadline; edited only by the branch's editors, with an 优秀党员 of the branch as mentor."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from core.models import AuditEntry
from ratings import followup
from ratings.choices import SheetState
from ratings.models import Rectification, RectificationState

from .helpers import sheet


def test_default_deadline_is_the_end_of_the_month_after_the_next_quarter():
    assert followup.default_deadline(2026, 1) == datetime.date(2026, 7, 31)
    assert followup.default_deadline(2026, 3) == datetime.date(2027, 1, 31)
    assert followup.default_deadline(2026, 4) == datetime.date(2027, 4, 30)


def test_unqualified_confirmed_result_opens_a_rectification(county):
    east = county.east
    sheet(east, 2026, 2, {county.east1: 2, county.east2: 5}, user=county.secretary)
    r = Rectification.objects.get()
    assert (r.member, r.branch, r.party_group, r.state) == (county.east1, east, county.east_group, RectificationState.OPEN)
    assert (r.year, r.quarter, r.deadline) == (2026, 2, datetime.date(2026, 10, 31))
    entry = AuditEntry.objects.get(action=followup.OPEN)
    assert "不合格党员（2星）" in entry.reason and entry.scope_path == east.path
    # confirming again (after a correction) opens no second one
    with transaction.atomic():
        followup.on_confirmed(county.secretary, r.entry.sheet)
    assert Rectification.objects.count() == 1


def test_draft_or_publicity_and_not_rated_open_nothing(county):
    sheet(county.east, 2026, 2, {county.east1: 1}, state=SheetState.PUBLICITY)
    sheet(county.west, 2026, 2, {county.west1: 0}, not_rated=[county.west1])
    assert not Rectification.objects.exists()


def test_next_quarter_qualified_closes_it(county):
    sheet(county.east, 2026, 2, {county.east1: 2})
    r = Rectification.objects.get()
    sheet(county.east, 2026, 3, {county.east1: 3})
    r.refresh_from_db()
    assert r.state == RectificationState.CLOSED
    assert r.closed_by_entry.sheet.quarter.quarter == 3
    assert AuditEntry.objects.filter(action=followup.CLOSE, object_id=str(r.pk)).count() == 1


def test_still_unqualified_next_quarter_keeps_it_open_with_a_note(county):
    sheet(county.east, 2026, 2, {county.east1: 2})
    sheet(county.east, 2026, 3, {county.east1: 1})
    r = Rectification.objects.get()
    assert r.state == RectificationState.OPEN
    assert "2026年第3季度评定结果仍为不合格党员（1星）" in r.notes.get().text


def test_an_earlier_quarter_confirmed_late_does_not_close_a_later_one(county):
    sheet(county.east, 2026, 3, {county.east1: 2})
    sheet(county.east, 2026, 2, {county.east1: 4})  # Q2 confirmed after Q3: not "the next quarter"
    assert Rectification.objects.get().state == RectificationState.OPEN


def test_overdue_after_the_deadline(county):
    sheet(county.east, 2026, 2, {county.east1: 2})
    r = Rectification.objects.get()
    assert not r.is_overdue(r.deadline)
    assert r.is_overdue(r.deadline + datetime.timedelta(days=1))
    assert r.status_label(r.deadline + datetime.timedelta(days=1)) == "逾期未整改"
    day_after = r.deadline + datetime.timedelta(days=1)
    assert list(followup.rectifications(county.committee, "overdue", today=day_after)) == [r]
    assert list(followup.rectifications(county.admin, "overdue", today=r.deadline)) == []
    assert list(followup.rectifications(county.other_committee, "overdue", today=day_after)) == []
    # the next quarter's 合格, even late, closes it: no longer overdue
    sheet(county.east, 2026, 3, {county.east1: 4})
    assert list(followup.rectifications(county.committee, "overdue", today=day_after)) == []


def _data(r, **kw):
    return {"education_on": datetime.date(2026, 8, 1), "education": "党小组会批评教育", "measures": "按时参加组织生活",
            "deadline": r.deadline, "mentor": None, **kw}


def test_update_with_an_excellent_mentor_of_the_branch(county):
    sheet(county.east, 2026, 2, {county.east1: 2, county.east2: 5})
    r = Rectification.objects.get()
    followup.update(county.secretary, r, _data(r, mentor=county.east2), today=datetime.date(2026, 8, 2))
    r.refresh_from_db()
    assert r.mentor == county.east2 and r.measures == "按时参加组织生活"
    entry = AuditEntry.objects.filter(object_id=str(r.pk), action="update").get()
    assert entry.changes["mentor"] == ["", str(county.east2)]


@pytest.mark.parametrize("who, mentor, field", [
    ("secretary", "west1", "mentor"),       # another branch's member
    ("secretary", "east1", "mentor"),       # the member itself / not excellent
])
def test_update_refuses_a_mentor_who_is_not_an_excellent_member_of_the_branch(county, who, mentor, field):
    sheet(county.east, 2026, 2, {county.east1: 2, county.east2: 4})
    r = Rectification.objects.get()
    with pytest.raises(ValidationError) as exc:
        followup.update(getattr(county, who), r, _data(r, mentor=getattr(county, mentor)),
                        today=datetime.date(2026, 8, 2))
    assert "优秀党员" in str(exc.value.message_dict[field])
    r.refresh_from_db()
    assert r.mentor is None and r.measures == ""


def test_update_refuses_bad_dates_a_reader_and_a_closed_one(county):
    sheet(county.east, 2026, 2, {county.east1: 2})
    r = Rectification.objects.get()
    today = datetime.date(2026, 8, 2)
    with pytest.raises(ValidationError) as exc:
        followup.update(county.secretary, r, _data(r, deadline=r.deadline + datetime.timedelta(days=400)), today=today)
    assert "一年" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        followup.update(county.secretary, r, _data(r, deadline=datetime.date(2026, 6, 30)), today=today)
    assert "2026年第2季度末" in str(exc.value)
    with pytest.raises(ValidationError):
        followup.update(county.cadre, r, _data(r), today=today)  # a tracking cadre only reads
    with pytest.raises(ValidationError):
        followup.update(county.sibling_secretary, r, _data(r), today=today)
    sheet(county.east, 2026, 3, {county.east1: 3})
    with pytest.raises(ValidationError) as exc:
        followup.update(county.secretary, r, _data(r), today=today)
    assert "已经结束" in str(exc.value)
    with pytest.raises(ValidationError):
        followup.add_note(county.secretary, r, today, "进展", today=today)


def test_progress_notes(county):
    sheet(county.east, 2026, 2, {county.east1: 2})
    r = Rectification.objects.get()
    today = datetime.date(2026, 8, 1)
    followup.add_note(county.secretary, r, today, "  参加党小组学习两次  ", today=today)
    assert r.notes.get().text == "参加党小组学习两次" and r.notes.get().author == county.secretary
    for bad in ("", "x" * 501):
        with pytest.raises(ValidationError):
            followup.add_note(county.secretary, r, today, bad, today=today)
    with pytest.raises(ValidationError):
        followup.add_note(county.secretary, r, today + datetime.timedelta(days=1), "未来", today=today)
    with pytest.raises(ValidationError):
        followup.add_note(county.secretary, r, datetime.date(2026, 6, 30), "整改开始之前", today=today)
    assert r.notes.count() == 1


def test_shortlist_holds_the_confirmed_five_star_members_in_scope(county):
    s = sheet(county.east, 2026, 2, {county.east1: 5, county.east2: 4})
    sheet(county.west, 2026, 2, {county.west1: 5}, state=SheetState.PUBLICITY)
    sheet(county.hill, 2026, 2, {county.hill1: 5})
    q = s.quarter
    assert [e.member for e in followup.shortlist(county.admin, q)] == [county.east1, county.hill1]
    assert [e.member for e in followup.shortlist(county.committee, q)] == [county.east1]
    assert list(followup.shortlist(county.sibling_secretary, q)) == []
