"""The roster as Excel and PDF: read back, scoped, constant queries, large ones in the background."""

import datetime
import io
import subprocess

import openpyxl
import pytest
from django.urls import reverse

from conftest import bulk_members
from core.models import ExportJob
from members.roster import COLUMNS


def pdf_text(content):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def sheet(content):
    return openpyxl.load_workbook(io.BytesIO(content)).active


@pytest.fixture
def secretary_client(client, county):
    client.force_login(county.secretary)
    return client


def test_excel_read_back_cell_by_cell(secretary_client, county):
    cols = ["name", "gender", "birth_date", "id_number", "category", "joined_on", "phone", "branch", "is_mobile"]
    response = secretary_client.post(reverse("members:export_xlsx"), {"columns": cols, "sort": "name"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C_" in response["Content-Disposition"]
    ws = sheet(response.content)
    assert ws["A1"].value == "党员名册"
    assert "A1:J1" in {str(r) for r in ws.merged_cells.ranges}
    today = datetime.date.today()
    assert ws["A2"].value == f"党支部（盖章）：东街村党支部　　截至　{today.year}年{today.month}月{today.day}日"
    assert [c.value for c in ws[3]] == ["序号", "姓名", "性别", "出生日期", "公民身份号码", "人员类别", "入党日期",
                                        "手机号码", "所在党支部", "是否流动党员"]
    # 张东二 (zhang dong er) sorts before 张东一 (zhang dong yi) by pinyin.
    e2, e1 = county.east2, county.east1
    assert [c.value for c in ws[4]] == [1, "张东二", "女", datetime.datetime(1990, 3, 8), e2.id_number, "正式党员",
                                        datetime.datetime(2015, 6, 30), "13800000000", "东街村党支部", "否"]
    assert [c.value for c in ws[5]][:5] == [2, "张东一", "男", datetime.datetime(1980, 5, 1), e1.id_number]
    assert ws["E4"].data_type == "s"  # the ID stays text, never a number in scientific notation
    assert ws["D4"].number_format == 'yyyy"年"m"月"d"日"'
    assert ws.cell(row=7, column=1).value.startswith("填表人：")
    assert ws.freeze_panes == "C4"
    assert ws.auto_filter.ref == "A3:J5"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.max_row == 7


def test_all_28_columns_in_excel(secretary_client):
    response = secretary_client.post(reverse("members:export_xlsx"), {"columns": [c.key for c in COLUMNS]})
    ws = sheet(response.content)
    assert len(COLUMNS) == 28
    assert [c.value for c in ws[3]] == [c.header for c in COLUMNS]


def test_pdf_has_chinese_headers_names_and_footer(secretary_client, county):
    response = secretary_client.post(reverse("members:export_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in ["党员名册", "党支部（盖章）：东街村党支部", "截至", "序号", "姓名", "公民身份号码", "人员类别",
                     "张东一", "张东二", county.east1.id_number, "1980年5月1日", "填表人：", "党支部书记（签字）：",
                     "第 1 页，共 1 页"]:
        assert expected in text, expected
    assert "李西一" not in text
    fonts = subprocess.run(["pdffonts", "-"], input=response.content, capture_output=True, check=True).stdout.decode()
    assert "CJK" in fonts and " yes " in fonts  # the CJK font is embedded (subset)


@pytest.mark.parametrize("fmt, extra", [("xlsx", 3), ("xlsx", 90), ("pdf", 3), ("pdf", 40)])
def test_export_query_count_is_constant(secretary_client, county, fmt, extra, django_assert_max_num_queries):
    bulk_members(county.east, extra)
    # session, user, organization, count, the ordered keys, the rows; the audit entry (3 with its savepoint).
    with django_assert_max_num_queries(9):
        response = secretary_client.post(reverse(f"members:export_{fmt}"), {"columns": [c.key for c in COLUMNS]})
    assert response.status_code == 200


def test_large_export_runs_in_background_and_is_downloaded(client, county, settings):
    settings.EXPORT_SYNC_MAX_ROWS = {"xlsx": 2, "pdf": 2}
    client.force_login(county.committee)
    response = client.post(reverse("members:export_xlsx"), {"sort": "name"})
    assert response.status_code == 302 and response.url == reverse("downloads")
    page = client.get(response.url).content.decode()
    assert "已转入后台生成" in page and "党员名册_" in page
    job = ExportJob.objects.get(user=county.committee)
    assert job.status == "done" and job.total == 3 and job.done == 3
    status = client.get(reverse("job_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["percent"] == 100
    download = client.get(reverse("download_file", args=[job.pk]))
    ws = sheet(b"".join(download.streaming_content))
    assert [ws.cell(row=r, column=2).value for r in (4, 5, 6)] == ["李西一", "张东二", "张东一"]
    # Another user cannot see the job nor fetch the file.
    client.force_login(county.secretary)
    assert client.get(reverse("download_file", args=[job.pk])).status_code == 404
    assert client.get(reverse("job_status", args=[job.pk])).status_code == 404
    assert "党员名册_" not in client.get(reverse("downloads")).content.decode()


def test_background_job_is_scoped_to_the_user_who_asked(client, county, settings):
    settings.EXPORT_SYNC_MAX_ROWS = {"xlsx": 0, "pdf": 0}
    client.force_login(county.sibling_secretary)
    client.post(reverse("members:export_pdf"), {"state": "all"})
    job = ExportJob.objects.get(user=county.sibling_secretary)
    text = pdf_text(job.file.read())
    assert "李西一" in text and "张东一" not in text and "王山一" not in text


def test_failed_job_is_reported(client, county, settings, monkeypatch):
    settings.EXPORT_SYNC_MAX_ROWS = {"xlsx": 0, "pdf": 0}
    from core import exports

    def broken(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setitem(exports.FORMATS, "xlsx", (exports.FORMATS["xlsx"][0], broken))
    client.force_login(county.secretary)
    client.post(reverse("members:export_xlsx"))
    job = ExportJob.objects.get(user=county.secretary)
    assert job.status == "failed" and "磁盘已满" in job.error
    assert "磁盘已满" in client.get(reverse("downloads")).content.decode()


def test_old_export_files_are_pruned(client, county, settings):
    from core import exports

    settings.EXPORT_SYNC_MAX_ROWS = {"xlsx": 0, "pdf": 0}
    client.force_login(county.secretary)
    for _ in range(exports.KEEP_JOBS_PER_USER + 2):
        client.post(reverse("members:export_xlsx"))
    jobs = ExportJob.objects.filter(user=county.secretary)
    assert jobs.count() == exports.KEEP_JOBS_PER_USER
    files = list((settings.MEDIA_ROOT / "exports").rglob("*.xlsx"))
    assert len(files) == exports.KEEP_JOBS_PER_USER


def test_long_pdf_is_laid_out_in_chunks_with_continuous_numbering(secretary_client, county, monkeypatch):
    from core.documents import pdf

    monkeypatch.setattr(pdf, "CHUNK_ROWS", 20)
    bulk_members(county.east, 48)  # 50 rows: chunks of 20, 20, 10
    response = secretary_client.post(reverse("members:export_pdf"), {"columns": ["name"], "sort": "name"})
    pdf = response.content
    pages = int(subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
                .split("Pages:")[1].split()[0])
    assert pages >= 3
    text = pdf_text(pdf)
    assert text.count("党员名册") == 1 and text.count("填表人：") == 1
    assert f"第 1 页，共 {pages} 页" in text and f"第 {pages} 页，共 {pages} 页" in text
    names = [line.split()[1] for line in text.splitlines() if line.strip() and line.split()[0].isdigit()
             and len(line.split()) == 2]
    assert len(names) == 50 and len(set(names)) == 50
    seqs = [int(line.split()[0]) for line in text.splitlines() if len(line.split()) == 2 and line.split()[0].isdigit()]
    assert seqs == list(range(1, 51))


def test_read_only_roles_get_masked_ids_in_files_too(client, county):
    client.force_login(county.cadre)
    ws = sheet(client.post(reverse("members:export_xlsx"), {"columns": ["name", "id_number"]}).content)
    ids = [ws.cell(row=r, column=3).value for r in (4, 5)]
    assert sorted(ids) == sorted([county.east1.masked_id, county.east2.masked_id])
    text = pdf_text(client.post(reverse("members:export_pdf")).content)
    assert county.east1.id_number not in text and county.east1.masked_id in text
