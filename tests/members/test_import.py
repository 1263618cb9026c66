"""Roster import: the national system's export and a dirty file built here, the preview's counts,
all-or-nothing, idempotent re-import, the error workbook read back, bad files, scope, query counts."""

import datetime
import io

import openpyxl
import pytest
import xlwt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_id
from core.models import AuditEntry
from members.importing import service
from members.importing.reading import FileRefused
from members.models import ImportBatch, Member

from .import_files import NATIONAL_HEADERS, national_row, upload, workbook

Status = ImportBatch.Status


def run(user, content, branch=None, name="名册.xlsx"):
    return service.upload(user, upload(content, name), branch)


def statuses(batch):
    return {r["n"]: r["status"] for r in batch.result["rows"]}


def errors_of(batch, n):
    row = next(r for r in batch.result["rows"] if r["n"] == n)
    return {key: msg for key, _, msg in row["errors"]}


def test_national_export_by_branch_column(county):
    """The national system's headers in their own order, under a merged title row and a note row;
    a committee imports into two of its branches by the 所在党支部 column."""
    rows = [national_row(1, "国一", "东街村党支部"), national_row(2, "国二", "中共西街村党支部", female=True),
            national_row(3, "国三", "城关镇党委/东街村党支部", probationary=True,
                         joined=datetime.date(2026, 3, 1))]
    batch = run(county.committee, workbook(rows))
    assert batch.status == Status.PREVIEWED, batch.error
    assert batch.result["header_row"] == 3
    assert batch.counts == {"new": 3, "updated": 0, "unchanged": 0, "error": 0}
    assert Member.objects.filter(name__startswith="国").count() == 0  # a preview writes nothing

    batch = service.commit(county.committee, batch)
    assert batch.status == Status.COMMITTED
    one, two, three = (Member.objects.get(name=n) for n in ("国一", "国二", "国三"))
    assert one.organization == county.east and two.organization == county.west
    assert three.category == "probationary" and three.full_member_on is None
    assert one.education == "university" and one.degree == "bachelor" and one.job_category == "professional"
    assert one.phone == "13900000001" and one.residence == "城关镇东街" and one.is_mobile is False
    assert one.placements.get().organization == county.east  # placed like any registration
    entry = AuditEntry.objects.get(object_id=str(one.pk), content_type__model="member")
    assert entry.action == "import" and entry.actor == county.committee
    assert entry.reason == "导入：名册.xlsx 第4行"
    assert entry.changes["id_number"][1] == one.id_number


EXCEL_2001_07_01 = (datetime.date(2001, 7, 1) - datetime.date(1899, 12, 30)).days


def dirty_file(ids):
    """Every kind of dirt people send: full-width digits and spaces, a lowercase x, dates as 2001.07,
    2001年7月, 20010701, an Excel date, an Excel date number, and IDs Excel turned into numbers."""
    headers = ["姓名", "身份证号码", "人员类别", "入党时间", "转正时间", "岗位", "联系电话", "出生年月"]
    full_width = ids[0].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    rows = [
        ["张　三", f"　{full_width[:6]} {full_width[6:]}　", "正式党员", "2001.07", "2002年7月", "工人",
         "１３９ ００００ ００１１", None],
        ["李四", ids[1].lower(), "正式", "2001年7月", "20020701", "农民", "13900000012", "1980.05"],
        ["王五", ids[2], "正式党员", "20010701", datetime.datetime(2002, 7, 1), "离退休人员", 13900000013, None],
        ["赵六", ids[3], "预备党员", EXCEL_2001_07_01, None, "学生", None, None],
        ["钱七", 3.20981198001011e17, "正式党员", "2001-07-01", "2002-07-01", "工人", None, None],
        ["孙八", "3.20981E+17", "正式党员", "2001-07-01", "2002-07-01", "工人", None, None],
        ["周九", ids[4], "正式党员", "2001/13/01", "2002-07-01", "宇航员", None, None],
    ]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_dirty_file(county):
    birth = datetime.date(1980, 5, 1)
    ids = [make_id(birth), make_id(birth, female=True), make_id(birth), make_id(birth), make_id(birth)]
    while not ids[1].endswith("X"):  # a lowercase x to normalize
        ids[1] = make_id(birth, female=True)
    batch = run(county.secretary, dirty_file(ids), county.east)
    assert statuses(batch) == {2: "new", 3: "new", 4: "new", 5: "new", 6: "error", 7: "error", 8: "error"}
    assert "后几位已丢失" in errors_of(batch, 6)["id_number"]  # 1.23457E+17: never a silently wrong ID
    assert "后几位已丢失" in errors_of(batch, 7)["id_number"]
    assert "日期不存在" in errors_of(batch, 8)["joined_on"]
    assert "不是有效的工作岗位" in errors_of(batch, 8)["job_category"]

    service.commit(county.secretary, batch)
    zhang = Member.objects.get(id_number=ids[0])
    assert zhang.name == "张三" and zhang.phone == "13900000011"
    assert zhang.joined_on == datetime.date(2001, 7, 1) and zhang.full_member_on == datetime.date(2002, 7, 1)
    assert zhang.birth_date == birth and zhang.gender == "男"  # from the ID
    li = Member.objects.get(id_number=ids[1])  # the lowercase x stored as X
    assert li.joined_on == datetime.date(2001, 7, 1) and li.full_member_on == datetime.date(2002, 7, 1)
    assert li.birth_date == birth  # "1980.05": the month agrees with the ID, which gives the day
    wang = Member.objects.get(id_number=ids[2])
    assert wang.joined_on == datetime.date(2001, 7, 1) and wang.full_member_on == datetime.date(2002, 7, 1)
    assert wang.phone == "13900000013" and wang.job_category == "retired"
    zhao = Member.objects.get(id_number=ids[3])
    assert zhao.joined_on == datetime.date(2001, 7, 1) and zhao.category == "probationary"
    assert not Member.objects.filter(name__in=["钱七", "孙八", "周九"]).exists()


def test_birth_date_against_id(county):
    rows = [national_row(1, "错生日", "东街村党支部", birth=datetime.date(1985, 3, 1))]
    rows[0][5] = "1985-04-01"
    batch = run(county.secretary, workbook(rows), county.east)
    assert errors_of(batch, 4) == {"birth_date": "出生日期与公民身份号码中的出生日期不一致。"}


def test_month_only_dates_keep_the_day(county):
    """出生年月 and dates written without a day: the ID's birth date and the stored day are kept when
    the month agrees, so such a file neither fails nor updates on every import."""
    from conftest import make_member

    m = make_member(county.east, "月份", birth=datetime.date(1980, 5, 9), joined=datetime.date(2005, 7, 15))
    row = national_row(1, "月份", "", id_number=m.id_number)
    row[5], row[11], row[12] = "1980年5月", "2005.07", "200607"
    row[6], row[8], row[10], row[13], row[14], row[15] = "", "", "13800000000", "农牧渔民", "", ""
    batch = run(county.secretary, workbook([row]), county.east)
    assert batch.counts == {"new": 0, "updated": 0, "unchanged": 1, "error": 0}, batch.result
    row[11], row[12] = "2005.08", "2006.08"  # another month: that month's first day
    batch = run(county.secretary, workbook([row]), county.east)
    assert batch.result["rows"][0]["changes"] == [["入党日期", "2005-07-15", "2005-08-01"],
                                                  ["转正日期", "2006-07-15", "2006-08-01"]]
    row[5] = "1980.06"
    batch = run(county.secretary, workbook([row]), county.east)
    assert "不一致" in errors_of(batch, 4)["birth_date"]


def test_preview_counts_updates_and_decision_fields(county):
    east1, east2 = county.east1, county.east2
    rows = [
        national_row(1, east1.name, "东街村党支部", id_number=east1.id_number, birth=east1.birth_date,
                     joined=east1.joined_on),
        national_row(2, east2.name, "东街村党支部", id_number=east2.id_number, birth=east2.birth_date,
                     female=True, joined=east2.joined_on),
        national_row(3, "新人", "东街村党支部"),
    ]
    batch = run(county.secretary, workbook(rows), county.east)
    assert batch.counts == {"new": 1, "updated": 2, "unchanged": 0, "error": 0}
    changed = {r["name"]: {label for label, *_ in r["changes"]} for r in batch.result["rows"]}
    assert {"学历", "学位", "手机号码", "工作岗位", "现居住地", "户籍所在地"} <= changed[east1.name]
    assert "姓名" not in changed[east1.name]
    service.commit(county.secretary, batch)
    east1.refresh_from_db()
    assert east1.phone == "13900000001" and east1.party_group == county.east_group  # kept: not in the file

    # The same file again: nothing changes. Now a 转正 by import is refused (a decision).
    again = run(county.secretary, workbook(rows), county.east)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 3, "error": 0}
    rows[0][7] = "预备党员"
    rows[0][12] = ""
    refused = run(county.secretary, workbook(rows), county.east)
    assert "提出决定" in errors_of(refused, 4)["category"]


def test_commit_all_or_nothing_and_idempotent(county):
    rows = [national_row(1, "甲", "东街村党支部"), national_row(2, "乙", "东街村党支部", id_number="1234")]
    content = workbook(rows)
    batch = run(county.secretary, content, county.east)
    assert batch.counts == {"new": 1, "updated": 0, "unchanged": 0, "error": 1}
    entries = AuditEntry.objects.count()
    with pytest.raises(service.CommitRefused, match="全部正确才导入"):
        service.commit(county.secretary, batch, all_or_nothing=True)
    assert not Member.objects.filter(name="甲").exists() and AuditEntry.objects.count() == entries

    batch = service.commit(county.secretary, batch)  # the valid rows only
    assert batch.written == {"new": 1, "updated": 0, "unchanged": 0, "error": 1}
    assert Member.objects.filter(name="甲").count() == 1
    entries = AuditEntry.objects.count()

    again = service.commit(county.secretary, run(county.secretary, content, county.east))
    assert again.written == {"new": 0, "updated": 0, "unchanged": 1, "error": 1}
    assert Member.objects.filter(name="甲").count() == 1 and AuditEntry.objects.count() == entries


def test_all_or_nothing_at_commit_time_writes_nothing(county):
    """A row valid at the preview but refused at the commit (someone registered the ID meanwhile):
    with all-or-nothing, nothing at all is written."""
    rows = [national_row(1, "丙", "东街村党支部"), national_row(2, "丁", "东街村党支部")]
    batch = run(county.secretary, workbook(rows), county.east)
    assert batch.counts["new"] == 2
    clash = Member.objects.get(pk=county.west1.pk)
    Member.objects.filter(pk=clash.pk).update(id_number=rows[1][3])
    batch = service.commit(county.secretary, batch, all_or_nothing=True)
    assert batch.status == Status.PREVIEWED and "没有写入任何数据" in batch.error
    assert not Member.objects.filter(name__in=["丙", "丁"]).exists()


def test_error_workbook_read_back_and_reimported(county, client):
    rows = [national_row(1, "好", "东街村党支部"), national_row(2, "坏", "东街村党支部", id_number="12345"),
            national_row(3, "也坏", "东街村党支部")]
    rows[2][11] = "2001.13"
    batch = run(county.secretary, workbook(rows), county.east)
    client.force_login(county.secretary)
    response = client.get(reverse("members:import_errors", args=[batch.pk]))
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws.cell(2, 1).value == "序号" and ws.cell(2, len(NATIONAL_HEADERS) + 2).value == "错误说明"
    assert [ws.cell(r, len(NATIONAL_HEADERS) + 1).value for r in (3, 4)] == [5, 6]  # original rows
    id_cell, date_cell = ws.cell(3, 4), ws.cell(4, 12)
    assert id_cell.value == "12345" and id_cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert "18位" in id_cell.comment.text
    assert date_cell.value == "2001.13" and "日期不存在" in date_cell.comment.text
    assert ws.cell(3, 2).fill.fgColor.rgb in (None, "00000000")  # a good cell is not marked
    assert "公民身份号码" in ws.cell(3, len(NATIONAL_HEADERS) + 2).value

    # Fixed in the error workbook itself and uploaded again: it imports.
    ws.cell(3, 4).value = make_id(datetime.date(1985, 3, 1))
    ws.cell(4, 12).value = "2010.07"
    buf = io.BytesIO()
    ws.parent.save(buf)
    fixed = run(county.secretary, buf.getvalue(), county.east)
    assert fixed.counts == {"new": 2, "updated": 0, "unchanged": 0, "error": 0}


def test_old_xls_file(county):
    book = xlwt.Workbook()
    ws = book.add_sheet("名册")
    ws.write_merge(0, 0, 0, 5, "党员名册")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for i, h in enumerate(["姓名", "公民身份号码", "人员类别", "入党日期", "转正日期", "工作岗位"]):
        ws.write(1, i, h)
    ident = make_id(datetime.date(1975, 1, 2))
    ws.write(2, 0, "老表")
    ws.write(2, 1, ident)
    ws.write(2, 2, "正式党员")
    ws.write(2, 3, datetime.date(2001, 7, 1), date_style)
    ws.write(2, 4, "2002.07")
    ws.write(2, 5, "工人")
    ws.write(3, 0, "数字号")
    ws.write(3, 1, 320981197501020000.0)  # what Excel left of an ID typed as a number
    buf = io.BytesIO()
    book.save(buf)
    batch = run(county.secretary, buf.getvalue(), county.east, name="名册.xls")
    assert statuses(batch) == {3: "new", 4: "error"}
    assert "后几位已丢失" in errors_of(batch, 4)["id_number"]
    service.commit(county.secretary, batch)
    assert Member.objects.get(id_number=ident).joined_on == datetime.date(2001, 7, 1)


@pytest.mark.parametrize("content, message", [
    ("name,id\nzhang,320981\n".encode(), "不是 Excel 表格"),
    (b"PK\x03\x04 not really a zip", "无法读取"),
    (None, "工作表是空的"),
    ("no-header", "没有找到表头"),
])
def test_bad_files_refused(county, content, message):
    if content is None:
        wb = openpyxl.Workbook()
        buf = io.BytesIO()
        wb.save(buf)
        content = buf.getvalue()
    elif content == "no-header":
        content = workbook([["a", "b"]], headers=["甲", "乙", "丙"])
    with pytest.raises(FileRefused, match=message):
        run(county.secretary, content, county.east)
    assert not ImportBatch.objects.exists()


def test_large_file_refused_before_reading(county, client, settings):
    client.force_login(county.secretary)
    big = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * (20 * 1024 * 1024), content_type="application/zip")
    response = client.post(reverse("members:import"), {"file": big, "branch": county.east.pk})
    assert response.status_code == 200
    assert "文件太大（20.0 MB）" in response.content.decode()
    assert not ImportBatch.objects.exists()
    folder = settings.MEDIA_ROOT / "imports"
    assert not folder.exists() or not any(folder.iterdir())


def test_secretary_scope(county):
    """A secretary imports into its own branch only: a row naming another branch, a member of a
    sibling branch, an ID already on another committee's roll: errors, nothing leaks or moves."""
    rows = [national_row(1, "外人", "西街村党支部"),
            national_row(2, county.west1.name, "", id_number=county.west1.id_number),
            national_row(3, county.hill1.name, "", id_number=county.hill1.id_number)]
    batch = run(county.secretary, workbook(rows), county.east)
    assert "不是本次导入的“东街村党支部”" in errors_of(batch, 4)["organization"]
    assert "不在您的管理范围内" in errors_of(batch, 5)["id_number"]
    assert "不在您的管理范围内" in errors_of(batch, 6)["id_number"]
    assert "山口村" not in str(batch.result)

    # By column, a committee cannot reach another committee's branch.
    batch = run(county.committee, workbook([national_row(1, "越界", "山口村党支部")]))
    assert "不是您可以导入党员的党支部" in errors_of(batch, 4)["organization"]


def test_upload_form_scope(county, client):
    client.force_login(county.secretary)
    content = workbook([national_row(1, "越界", "")])
    response = client.post(reverse("members:import"), {"file": upload(content), "branch": county.west.pk})
    assert "不在您的管理范围内" in response.content.decode()
    assert not ImportBatch.objects.exists()
    client.force_login(county.cadre)  # read-only
    assert client.get(reverse("members:import")).status_code == 403


def test_someone_elses_import_is_404(county, client):
    batch = run(county.secretary, workbook([national_row(1, "某", "")]), county.east)
    client.force_login(county.sibling_secretary)
    for name in ("members:import_detail", "members:import_errors", "members:import_status"):
        assert client.get(reverse(name, args=[batch.pk])).status_code == 404
    assert client.post(reverse("members:import_commit", args=[batch.pk])).status_code == 404
    assert not Member.objects.filter(name="某").exists()


def _rows(n, start=0):
    return [national_row(i, f"批{i:04d}", "东街村党支部", birth=datetime.date(1960 + i % 30, 1 + i % 12, 1))
            for i in range(start, start + n)]


@pytest.mark.parametrize("n", [20, 600])
def test_preview_queries_do_not_grow_with_rows(county, django_assert_max_num_queries, n):
    content = workbook(_rows(n))
    # per 500 rows: one query of members by ID, one progress update (with its savepoint)
    with django_assert_max_num_queries(21 + 4 * (n // 500)):
        batch = run(county.secretary, content, county.east)
    assert batch.counts["new"] == n


def test_large_file_in_the_background_with_progress(county, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # nothing runs
    content = workbook(_rows(900))
    batch = run(county.secretary, content, county.east)
    assert len(content) > service.SYNC_MAX_BYTES
    assert batch.status == Status.QUEUED and not batch.result  # the request did not do the work
    service.preview(batch.pk)  # what the worker runs
    batch.refresh_from_db()
    assert batch.status == Status.PREVIEWED and batch.done == batch.total == 900
    batch = service.commit(county.secretary, batch)
    assert batch.status == Status.COMMITTING  # more than SYNC_MAX_ROWS: queued
    service.write(batch.pk)
    batch.refresh_from_db()
    assert batch.status == Status.COMMITTED and batch.written["new"] == 900
    assert Member.objects.filter(name__startswith="批").count() == 900


def test_file_private_and_deleted(county, settings):
    batch = run(county.secretary, workbook([national_row(1, "私", "")]), county.east)
    import os
    import stat

    assert stat.S_IMODE(os.stat(batch.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(settings.MEDIA_ROOT / "imports").st_mode) == 0o700
    service.commit(county.secretary, batch)
    assert not os.path.exists(batch.path)

    stale = run(county.secretary, workbook([national_row(2, "旧", "")]), county.east)
    ImportBatch.objects.filter(pk=stale.pk).update(created_at=stale.created_at - datetime.timedelta(days=2))
    service.purge()
    stale.refresh_from_db()
    assert stale.status == Status.EXPIRED and not stale.result and not os.path.exists(stale.path)


def test_template_download(county, client):
    client.force_login(county.secretary)
    response = client.get(reverse("members:import_template"))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["党员信息"]
    headers = [c.value for c in ws[2]]
    assert headers[:5] == ["姓名", "性别", "民族", "出生日期", "公民身份号码"]
    assert "文本格式" in ws.cell(2, 5).comment.text and ws.cell(3, 5).number_format == "@"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "代码" in lists["B3"] and wb["代码"].sheet_state == "hidden"
    category = headers.index("人员类别") + 1
    col = next(c for c in wb["代码"][1] if c.value == "人员类别").column
    assert [wb["代码"].cell(r, col).value for r in (2, 3)] == ["正式党员", "预备党员"]
    assert ws.cell(2, category).font.color.rgb.endswith("C00000")  # required

    # Filled in and uploaded: it imports.
    ident = make_id(datetime.date(1990, 1, 1), female=True)
    for key, value in {"姓名": "模板", "公民身份号码": ident, "人员类别": "正式党员", "入党日期": "2015-07-01",
                       "转正日期": "2016-07-01", "工作岗位": "工人"}.items():
        ws.cell(3, headers.index(key) + 1, value)
    buf = io.BytesIO()
    wb.save(buf)
    batch = run(county.secretary, buf.getvalue(), county.east)
    assert batch.counts["new"] == 1, batch.result


def test_xml_entity_bomb_refused(county):
    """An .xlsx whose XML declares entities (the "billion laughs") is refused, never expanded."""
    import zipfile

    good = workbook([national_row(1, "炸弹", "")])
    src, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                laughs = b'<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                head, _, body = data.rpartition(b"?>")  # after the XML declaration, if any
                data = head + (b"?>" if head else b"") + laughs + body
            dst.writestr(item, data)
    with pytest.raises(FileRefused, match="无法读取"):
        run(county.secretary, out.getvalue(), county.east)


def test_grant_revoked_between_preview_and_commit(county):
    batch = run(county.secretary, workbook([national_row(1, "撤权", "")]), county.east)
    assert batch.counts["new"] == 1
    county.secretary.grants.all().delete()
    batch = service.commit(county.secretary, batch)
    assert batch.status == Status.PREVIEWED and "不在您的管理范围内" in batch.error
    assert not Member.objects.filter(name="撤权").exists()


def test_stale_background_preview_is_marked_failed(county, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # the worker died
    batch = service.upload(county.secretary, upload(workbook(_rows(5))), county.east, background=True)
    assert service.recover_stale(batch).status == Status.QUEUED  # not yet
    old = batch.created_at - datetime.timedelta(seconds=settings.EXPORT_HEARTBEAT_STALE_SECONDS + 1)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=old)
    batch.refresh_from_db()
    assert service.recover_stale(batch).status == Status.FAILED and "意外中断" in batch.error
