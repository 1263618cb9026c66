"""The pages of what follows a quarter: overview (query count constant), shortlist, rectification
edit and notes through the views, the annual sheets in Excel and PDF, the member's printed form."""

import datetime
import io
import subprocess

import openpyxl
import pytest
from django.urls import reverse

from branches.choices import OrgCategory, OrgKind
from conftest import bulk_members, make_org, seen
from core.models import AuditEntry
from ratings.choices import SheetState
from ratings.models import Rectification

from .helpers import sheet


def _pdf_text(content):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def _county_with_sheets(county, n_branches, per_branch):
    """n_branches extra branches under 城关镇党委 with per_branch members each, all rated in 2026 Q3:
    half confirmed, a quarter in publicity, the rest drafts; plus the fixture's branches."""
    for i in range(n_branches):
        b = make_org(f"测试{i}村党支部", OrgKind.BRANCH, county.town,
                     category=OrgCategory.RURAL if i % 2 else OrgCategory.COMMUNITY)
        members = bulk_members(b, per_branch, start=1000 * (i + 1))
        state = [SheetState.CONFIRMED, SheetState.CONFIRMED, SheetState.PUBLICITY, SheetState.DRAFT][i % 4]
        sheet(b, 2026, 3, {m: (5 - k % 6) if k % 6 < 6 else 0 for k, m in enumerate(members)}, state=state)


@pytest.mark.parametrize("n_branches, per_branch", [(2, 3), (12, 15)])
def test_overview_query_count_is_constant(client, county, django_assert_max_num_queries, n_branches, per_branch):
    _county_with_sheets(county, n_branches, per_branch)
    client.force_login(county.admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("ratings:overview"))
    assert response.status_code == 200


def test_overview_shows_progress_distribution_and_overdue(client, county):
    sheet(county.east, 2026, 3, {county.east1: 5, county.east2: 2})
    sheet(county.west, 2026, 3, {county.west1: 4}, state=SheetState.PUBLICITY)
    client.force_login(county.committee)
    page = client.get(reverse("ratings:overview")).content.decode()
    assert "东街村党支部" in page and "西街村党支部" in page and "山口村党支部" not in page
    assert "<svg" in page and "③农村" in page
    assert 'aria-label="五星1人，四星0人，三星0人，两星及以下1人，不评定0人"' in page
    assert "公示期满待确认" in page  # 西街村's publicity ended long ago and is not confirmed
    # the rectification of 张东二 is open; on the day after its deadline it is overdue
    from ratings.overview import overview

    r = Rectification.objects.get()
    data = overview(county.committee, r.entry.sheet.quarter, today=r.deadline + datetime.timedelta(days=1))
    assert (data.open_rectifications, data.overdue_rectifications) == (1, 1)
    assert dict((s[0], n) for s, n in data.by_status) == {
        "not_started": 0, "drafting": 0, "publicity": 0, "due": 1, "confirmed": 1}


def test_shortlist_page(client, county):
    sheet(county.east, 2026, 3, {county.east1: 5, county.east2: 4})
    client.force_login(county.committee)
    page = client.get(reverse("ratings:shortlist")).content.decode()
    assert "张东一" in page and "张东二" not in page


def test_rectification_edit_and_note_through_the_page(client, county):
    sheet(county.east, 2026, 2, {county.east1: 2, county.east2: 5})
    r = Rectification.objects.get()
    client.force_login(county.secretary)
    url = reverse("ratings:rectification", args=[r.pk])
    assert "暂不安排" in client.get(url).content.decode()
    post = {"education_on": "2026-07-10", "education": "党小组会上开展批评教育", "measures": "每月参加组织生活",
            "deadline": "2026-12-31", "mentor": county.east2.pk, **seen(r)}
    assert client.post(url, post).status_code == 302
    r.refresh_from_db()
    assert (r.mentor, r.deadline) == (county.east2, datetime.date(2026, 12, 31))
    # stale: the page was opened before that save
    post2 = {**post, "measures": "覆盖", "version": 0}
    response = client.post(url, post2)
    assert response.status_code == 400 and "已被他人修改" in response.content.decode()
    # a tampered mentor from another branch
    response = client.post(url, {**post, "mentor": county.west1.pk, **seen(r)})
    assert response.status_code == 400 and "优秀党员" in response.content.decode()
    note_url = reverse("ratings:rectification_note", args=[r.pk])
    assert client.post(note_url, {"note-noted_on": "2026-08-01", "note-text": "参加学习"}).status_code == 302
    response = client.post(note_url, {"note-noted_on": "2026-08-01", "note-text": ""})
    assert response.status_code == 400 and "请修改以下内容" in response.content.decode()
    assert r.notes.count() == 1
    # a tracking cadre reads, never writes
    client.force_login(county.cadre)
    assert client.get(url).status_code == 200
    assert client.post(note_url, {"note-noted_on": "2026-08-01", "note-text": "x"}).status_code == 403
    assert client.post(url, post).status_code == 403


def _year_2025(county):
    sheet(county.east, 2025, 1, {county.east1: 5, county.east2: 3})
    sheet(county.east, 2025, 2, {county.east1: 5, county.east2: 2})
    sheet(county.east, 2025, 3, {county.east1: 4, county.east2: 3}, not_rated=[county.east2])
    sheet(county.east, 2025, 4, {county.east1: 5, county.east2: 3})
    sheet(county.hill, 2025, 4, {county.hill1: 5})


def test_annual_branch_sheet_on_screen_and_in_excel(client, county):
    _year_2025(county)
    client.force_login(county.secretary)
    page = client.get(reverse("ratings:annual"), {"year": 2025}).content.decode()
    assert "张东一" in page and "优秀党员" not in page.split("张东一")[1].split("</tr>")[0]  # 19/4 → 4 stars
    response = client.get(reverse("ratings:annual_xlsx"), {"year": 2025})
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = [tuple(row) for row in wb.active.iter_rows(values_only=True)]
    assert rows[0][0] == "2025年度党员星级评定汇总表（年终定星）"
    header = next(r for r in rows if r[0] == "序号")
    assert list(header[:9]) == ["序号", "姓名", "第一季度得星", "第二季度得星", "第三季度得星", "第四季度得星",
                                "平均得星", "年度得星", "年度等次"]
    body = {r[1]: r for r in rows if r[0] in (1, 2)}
    assert body["张东一"][2:9] == (5, 5, 4, 5, "4.75", 4, "合格党员")
    assert body["张东二"][2:10] == (3, 2, "未评定", 3, "2.67", 2, "不合格党员", "第三季度未评定")
    assert any("定星规则" in str(c) for r in rows for c in r if c)
    assert AuditEntry.objects.filter(action="export", reason__contains="年终定星").count() == 1


def test_annual_pdf_and_county_summary(client, county):
    _year_2025(county)
    client.force_login(county.secretary)
    text = _pdf_text(client.get(reverse("ratings:annual_pdf"), {"year": 2025}).content)
    assert "2025年度党员星级评定汇总表" in text and "张东二" in text and "不合格党员" in text
    assert "党支部书记（签字）" in text
    client.force_login(county.admin)
    page = client.get(reverse("ratings:annual"), {"year": 2025}).content.decode()
    assert "东街村党支部" in page and "山口村党支部" in page
    text = _pdf_text(client.get(reverse("ratings:annual_pdf"), {"year": 2025}).content)
    assert "2025年度党员星级评定（年终定星）汇总表" in text
    line = next(ln for ln in text.splitlines() if "东街村党支部" in ln)
    assert line.split()[-6:] == ["2", "0", "1", "1", "0", "0.0%"]
    total = next(ln for ln in text.splitlines() if "合计" in ln)
    assert total.split()[-6:] == ["3", "1", "1", "1", "0", "33.3%"]
    wb = openpyxl.load_workbook(io.BytesIO(client.get(reverse("ratings:annual_xlsx"), {"year": 2025}).content))
    names = [r[1] for r in wb.active.iter_rows(values_only=True)]
    assert "山口村党支部" in names and "合计" in names
    # the committee sees its own branches only; a bad year is refused in Chinese
    client.force_login(county.other_committee)
    page = client.get(reverse("ratings:annual"), {"year": 2025}).content.decode()
    assert "山口村党支部" in page and "东街村党支部" not in page
    assert "年度应在 2000–2099 之间" in client.get(reverse("ratings:annual"), {"year": 1900}).content.decode()
    assert client.get(reverse("ratings:annual"), {"branch": county.east.pk}).status_code == 404


def test_member_printout(client, county):
    s = sheet(county.east, 2026, 3, {county.east1: 3, county.east2: 5})
    entry = s.entries.get(member=county.east1)
    client.force_login(county.secretary)
    response = client.get(reverse("ratings:entry_print", args=[entry.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for expected in ("党员季度星级评定表", "2026年第3季度", "张东一", "东街村党支部", "东街村第一党小组",
                     "评星标准", "自评", "互评", "支部评定", "是否得星", "理论学习星", "清正廉洁星",
                     "得星数", "合格党员", "支部委员会", "党员本人签字", "党支部书记签字", "日期",
                     "未得星依据未按时参加组织生活", "认真学习党的理论"):
        assert expected in text.replace(" ", ""), expected
    compact = text.replace(" ", "")
    assert compact.count("☑是") == 3 and compact.count("☑否") == 2
    whole = _pdf_text(client.get(reverse("ratings:sheet_print", args=[s.pk])).content)
    assert whole.count("党员季度星级评定表") == 2 and "张东二" in whole
    assert AuditEntry.objects.filter(action="export", reason__contains="党员季度星级评定表").count() == 2
