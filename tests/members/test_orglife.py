"""Organizational life: a meeting with its attendance in one transaction that moves the members'
contact clock; every bad input refused in Chinese with nothing half-written (another branch's
member in a tampered post, a future date, a date before the branch existed, another branch's party
group, an absence without a reason, over-long text); corrections and deletions recompute the
clock; and the quarterly 三会一课 summary counts."""

import datetime
import io
import subprocess

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from branches.choices import OrgKind
from conftest import make_member, make_org
from core.models import AuditEntry
from members import orglife, services
from members.models import Attendance, Meeting, MeetingKind, Member, Placement

D = datetime.date


def _date(member):
    return Member.objects.values_list("last_contact_on", flat=True).get(pk=member.pk)


def _post(day, marks, **fields):
    data = {"held_on": day.isoformat(), "topic": "学习贯彻党的二十届四中全会精神", **fields}
    for pk, state in marks.items():
        if isinstance(state, tuple):
            data[f"a_{pk}"], data[f"r_{pk}"], *note = state
            if note:
                data[f"n_{pk}"] = note[0]
        else:
            data[f"a_{pk}"] = state
    return data


def _create_url(county, kind="general", group=None):
    url = f"{reverse('members:meeting_create')}?org={county.east.pk}&kind={kind}"
    return url + (f"&group={group.pk}" if group else "")


def meeting(user, branch, kind, day, marks, group=None, topic="主题党日活动"):
    m = Meeting(organization=branch, kind=kind, held_on=day, topic=topic, party_group=group)
    return orglife.save_meeting(user, m, {pk: v if isinstance(v, tuple) else (v, "", "") for pk, v in marks.items()})


def test_the_form_lists_the_branch_all_present_and_saves_attendance_with_the_clock(client, county):
    client.force_login(county.secretary)
    page = client.get(_create_url(county)).content.decode()
    assert "张东一" in page and "张东二" in page and "李西一" not in page
    assert page.count('value="present" checked') == 2  # everyone present unless marked absent
    day = timezone.localdate() - datetime.timedelta(days=2)
    response = client.post(_create_url(county), _post(day, {county.east1.pk: "present",
                                                            county.east2.pk: ("absent", "illness")}))
    assert response.status_code == 302
    m = Meeting.objects.get()
    assert (m.organization, m.kind, m.held_on) == (county.east, MeetingKind.GENERAL, day)
    rows = {a.member_id: a for a in Attendance.objects.filter(meeting=m)}
    assert rows[county.east1.pk].present and not rows[county.east2.pk].present
    assert rows[county.east2.pk].status_label == "缺席（因病）"
    assert _date(county.east1) == day and _date(county.east2) is None  # absence is no contact
    entry = AuditEntry.objects.get(object_id=str(m.pk), action="create", content_type__model="meeting")
    assert entry.changes["attendance"][1] == "出席1人；缺席1人：张东二（因病）"
    detail = client.get(reverse("members:meeting_detail", args=[m.pk])).content.decode()
    assert "缺席（因病）" in detail and "出席情况" in detail


def test_attendance_for_a_member_of_another_branch_is_refused_and_nothing_is_written(client, county):
    client.force_login(county.secretary)
    day = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(_create_url(county), _post(day, {county.east1.pk: "present",
                                                            county.west1.pk: "present"}))  # tampered
    assert response.status_code == 200
    text = response.content.decode()
    assert "出席名单中有不属于东街村党支部的党员" in text and f"编号 {county.west1.pk}" in text
    assert "李西一" not in text  # the refusal names no one the user may not see
    assert not Meeting.objects.exists() and not Attendance.objects.exists()
    assert _date(county.east1) is None and _date(county.west1) is None
    # the same through the service, for any caller
    with pytest.raises(ValidationError, match="不属于东街村党支部"):
        meeting(county.secretary, county.east, MeetingKind.LECTURE, day, {county.hill1.pk: True})
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("change, message", [
    ({"held_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}, "会议日期不能晚于今天"),
    ({"held_on": "2019-12-31"}, "会议日期早于东街村党支部的成立日期（2020-01-01）"),
    ({"topic": ""}, "请填写会议主题"),
    ({"topic": "长" * 101}, "最多100个字，当前为101个字"),
    ({"notes": "长" * 501}, "最多500个字，当前为501个字"),
    ({"topic": "学习\u202e材料"}, "不可见的格式字符"),
])
def test_bad_meeting_fields_are_refused_in_chinese(client, county, change, message):
    county.east.established_on = D(2020, 1, 1)
    county.east.save()
    client.force_login(county.secretary)
    data = _post(timezone.localdate(), {county.east1.pk: "present"})
    data.update(change)
    response = client.post(_create_url(county), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.exists() and not Attendance.objects.exists()


@pytest.mark.parametrize("mark, message", [
    (("absent", ""), "张东二缺席，请选择缺席原因"),
    (("absent", "other"), "张东二缺席原因为“其他”，请写明具体原因"),
    (("absent", "bogus"), "张东二的缺席原因无效"),
    (("absent", "other", "长" * 201), "张东二的缺席说明最多200个字"),
    ("maybe", "出席情况的数据无效"),
])
def test_an_absence_without_a_reason_is_refused(client, county, mark, message):
    client.force_login(county.secretary)
    response = client.post(_create_url(county), _post(timezone.localdate(), {county.east1.pk: "present",
                                                                              county.east2.pk: mark}))
    assert message in response.content.decode()
    assert not Meeting.objects.exists() and _date(county.east1) is None
    # what the secretary had ticked comes back with the message
    if isinstance(mark, tuple):
        assert f'name="a_{county.east2.pk}" value="absent" checked' in response.content.decode()


def test_nobody_present_is_refused(county):
    with pytest.raises(ValidationError, match="至少应有一名党员出席"):
        meeting(county.secretary, county.east, MeetingKind.THEME_DAY, timezone.localdate(),
                {county.east1.pk: (False, "illness", "")})


def test_a_group_meeting_takes_only_a_group_of_the_branch(client, county):
    west_group = make_org("西街村第一党小组", OrgKind.GROUP, county.west)
    client.force_login(county.secretary)
    assert client.get(_create_url(county, "group", west_group)).status_code == 404  # not a group of 东街村
    page = client.get(_create_url(county, "group", county.east_group)).content.decode()
    assert "张东一" in page and "张东二" not in page  # the group's members only
    with pytest.raises(ValidationError) as err:
        meeting(county.admin, county.east, MeetingKind.GROUP, timezone.localdate(), {county.east1.pk: True},
                group=west_group)
    assert "所选党小组不属于东街村党支部" in str(err.value)
    with pytest.raises(ValidationError, match="党小组会请选择党小组"):
        meeting(county.admin, county.east, MeetingKind.GROUP, timezone.localdate(), {county.east1.pk: True})
    with pytest.raises(ValidationError, match="不属于东街村党支部（东街村第一党小组）"):  # not in the group
        meeting(county.admin, county.east, MeetingKind.GROUP, timezone.localdate(),
                {county.east1.pk: True, county.east2.pk: True}, group=county.east_group)
    assert not Meeting.objects.exists()


def test_a_member_who_was_in_another_branch_that_day_belongs_to_that_branch_meeting(county):
    Placement.objects.filter(member=county.west1).update(started_on=D(2020, 1, 1))
    services.move_member(county.admin, county.west1, county.east, "调动")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert county.west1.pk not in {m.pk for m in orglife.candidates(county.east, yesterday)}
    assert county.west1.pk in {m.pk for m in orglife.candidates(county.west, yesterday)}
    assert county.west1.pk in {m.pk for m in orglife.candidates(county.east, timezone.localdate())}


def test_correcting_and_deleting_a_meeting_recompute_the_clock(client, county):
    today = timezone.localdate()
    early, late = today - datetime.timedelta(days=60), today - datetime.timedelta(days=5)
    meeting(county.secretary, county.east, MeetingKind.THEME_DAY, early, {county.east1.pk: True, county.east2.pk: True})
    m = meeting(county.secretary, county.east, MeetingKind.LECTURE, late, {county.east1.pk: True, county.east2.pk: True})
    assert _date(county.east2) == late
    client.force_login(county.secretary)
    url = reverse("members:meeting_edit", args=[m.pk])
    response = client.post(url, _post(late, {county.east1.pk: "present", county.east2.pk: ("absent", "away")},
                                      reason="张东二当天外出，更正"))
    assert response.status_code == 302
    assert _date(county.east2) == early and _date(county.east1) == late  # back to the theme day
    assert AuditEntry.objects.filter(object_id=str(m.pk), action="update", reason="张东二当天外出，更正").exists()
    response = client.post(reverse("members:meeting_delete", args=[m.pk]), {"reason": ""})
    assert "请填写删除理由" in response.content.decode() and Meeting.objects.filter(pk=m.pk).exists()
    client.post(reverse("members:meeting_delete", args=[m.pk]), {"reason": "重复登记"})
    assert not Meeting.objects.filter(pk=m.pk).exists()
    assert _date(county.east1) == early
    assert AuditEntry.objects.filter(object_id=str(m.pk), action="delete", reason="重复登记").exists()


def test_only_an_editor_of_the_branch_records_meetings(client, county):
    m = meeting(county.secretary, county.east, MeetingKind.THEME_DAY, timezone.localdate(), {county.east1.pk: True})
    client.force_login(county.cadre)
    assert client.get(reverse("members:meeting_detail", args=[m.pk])).status_code == 200
    assert client.get(reverse("members:meeting_edit", args=[m.pk])).status_code == 403
    assert client.get(reverse("members:meeting_create")).status_code == 403
    client.force_login(county.sibling_secretary)
    assert client.get(reverse("members:meeting_detail", args=[m.pk])).status_code == 404
    assert client.get(f"{reverse('members:meeting_create')}?org={county.east.pk}&kind=general").status_code == 404
    with pytest.raises(ValidationError, match="您不能登记该党支部的组织生活"):
        meeting(county.sibling_secretary, county.east, MeetingKind.LECTURE, timezone.localdate(),
                {county.east1.pk: True})


def test_a_committee_meeting_marks_the_branch_committee_present_and_the_others_not_concerned(client, county):
    county.east.officers.create(post="secretary", name="张东一")
    client.force_login(county.secretary)
    page = client.get(_create_url(county, "committee")).content.decode()
    assert f'name="a_{county.east1.pk}" value="present" checked' in page
    assert f'name="a_{county.east2.pk}" value="" checked' in page
    client.post(_create_url(county, "committee"), _post(timezone.localdate(), {county.east1.pk: "present",
                                                                               county.east2.pk: ""}))
    assert list(Attendance.objects.values_list("member_id", flat=True)) == [county.east1.pk]


# -- the quarter's 三会一课 -----------------------------------------------------------------------

def _quarter_meetings(county):
    """2026 Q2 for 东街村 (one party group): 大会 once, 支委会 twice (one short), 党小组会 three times,
    党课 none (short), 主题党日 three times; one 大会 in Q3 that must not count. 西街村: nothing."""
    m1, m2 = county.east1.pk, county.east2.pk
    for kind, days in ((MeetingKind.GENERAL, [D(2026, 4, 10)]), (MeetingKind.COMMITTEE, [D(2026, 4, 3), D(2026, 5, 8)]),
                       (MeetingKind.THEME_DAY, [D(2026, 4, 1), D(2026, 5, 1), D(2026, 6, 30)]),
                       (MeetingKind.GENERAL, [D(2026, 7, 1)])):
        for day in days:
            meeting(county.admin, county.east, kind, day, {m1: True, m2: True})
    for day in (D(2026, 4, 20), D(2026, 5, 20), D(2026, 6, 20)):
        meeting(county.admin, county.east, MeetingKind.GROUP, day, {m1: True}, group=county.east_group)


def test_the_quarterly_summary_counts_each_kind_against_the_rules(county):
    _quarter_meetings(county)
    s = orglife.quarter_summary([county.east, county.west], 2026, 2)
    assert s[county.east.pk] == {
        MeetingKind.GENERAL: (1, 1), MeetingKind.COMMITTEE: (3, 2), MeetingKind.GROUP: (3, 3),
        MeetingKind.LECTURE: (1, 0), MeetingKind.THEME_DAY: (None, 3),
    }
    assert s[county.west.pk][MeetingKind.GROUP] == (0, 0)  # no party group: none expected
    assert s[county.west.pk][MeetingKind.COMMITTEE] == (3, 0)
    assert orglife.shortfalls(s[county.east.pk]) == [(MeetingKind.COMMITTEE, 3, 2), (MeetingKind.LECTURE, 1, 0)]
    # a branch founded in May owes two 支委会 that quarter
    county.west.established_on = D(2026, 5, 15)
    assert orglife.quarter_summary([county.west], 2026, 2)[county.west.pk][MeetingKind.COMMITTEE] == (2, 0)


def test_the_summary_page_and_its_files_for_a_committee(client, county, django_assert_max_num_queries):
    _quarter_meetings(county)
    client.force_login(county.committee)
    params = {"org": county.town.pk, "year": 2026, "quarter": 2}
    page = client.get(reverse("members:orglife_summary"), params).content.decode()
    assert "2026年第2季度“三会一课”开展情况统计表" in page and "合计（2个党支部）" in page
    assert "支部委员会应开3次、实开2次" in page and "党课应开1次、实开0次" in page
    xlsx = client.get(reverse("members:orglife_summary_xlsx"), params)
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r[0] in ("合计（2个党支部）", "东街村党支部",
                                                                           "西街村党支部")}
    assert rows["东街村党支部"][:9] == (1, 1, 3, 2, 3, 3, 1, 0, 3)
    assert rows["西街村党支部"][:9] == (1, 0, 3, 0, 0, 0, 1, 0, 0)
    assert rows["合计（2个党支部）"][:9] == (2, 1, 6, 2, 3, 3, 2, 0, 3)
    pdf = client.get(reverse("members:orglife_summary_pdf"), params)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True,
                          check=True).stdout.decode()
    assert "三会一课" in text and "东街村党支部" in text and "党委书记（签字）" in text
    assert AuditEntry.objects.filter(action="export", reason__contains="三会一课_城关镇党委_2026年第2季度_2个党支部_").exists()
    # the summary's queries do not grow with the branches
    for i in range(5):
        make_org(f"新村{i}党支部", OrgKind.BRANCH, county.town)
    with django_assert_max_num_queries(12):
        client.get(reverse("members:orglife_summary"), params)


def test_the_summary_refuses_an_organization_out_of_scope(client, county):
    client.force_login(county.sibling_secretary)
    page = client.get(reverse("members:orglife_summary"), {"org": county.east.pk}).content.decode()
    assert "所选党组织不存在或不在您的管理范围内" in page and "东街村党支部" not in page
    assert client.get(reverse("members:orglife_summary_xlsx"), {"org": county.east.pk}).status_code == 404


def test_a_new_member_is_listed_and_a_departed_one_kept_for_a_past_meeting(county):
    newcomer = make_member(county.east, "赵新来")
    day = timezone.localdate() - datetime.timedelta(days=10)
    assert newcomer.pk in {m.pk for m in orglife.candidates(county.east, day)}  # registered after the meeting


def test_the_current_quarter_expects_only_the_months_begun(county):
    today = timezone.localdate()
    year, q = orglife.quarter_of(today)
    begun = today.month - (3 * q - 2) + 1
    s = orglife.quarter_summary([county.east], year, q)[county.east.pk]
    assert s[MeetingKind.COMMITTEE] == (begun, 0) and s[MeetingKind.GROUP] == (begun, 0)
    assert orglife.shortfalls(s, finished=False) == [(MeetingKind.COMMITTEE, begun, 0), (MeetingKind.GROUP, begun, 0)]
