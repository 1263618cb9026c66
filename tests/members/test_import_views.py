"""The import pages end to end (upload, preview, commit, the audit), and the member information form."""

import subprocess

from django.urls import reverse

from core.models import AuditEntry
from members.models import ImportBatch, Member

from .import_files import national_row, upload, workbook


def pdf_text(content):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def test_upload_preview_commit_pages(county, client):
    client.force_login(county.secretary)
    page = client.get(reverse("members:import")).content.decode()
    assert "下载导入模板" in page and "东街村党支部" in page and "西街村党支部" not in page
    assert "按文件中的“所在党支部”列" not in page  # a secretary's file goes into its branch

    rows = [national_row(1, "页一", ""), national_row(2, "页二", "", id_number="32098")]
    response = client.post(reverse("members:import"), {"file": upload(workbook(rows)), "branch": county.east.pk})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("members:import_detail", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert "导入预览" in page and "第 5 行" in page and "公民身份号码应为18位，当前为5位。" in page
    assert "下载错误清单" in page and "确认导入" in page and "全部正确才导入" in page
    assert client.get(response.url + "?show=new").content.decode().count("页一") >= 1

    response = client.post(reverse("members:import_commit", args=[batch.pk]), follow=True)
    page = response.content.decode()
    assert "导入完成：新增 1 名" in page and "查看党员名册" in page
    member = Member.objects.get(name="页一")
    assert member.organization == county.east
    audit_page = client.get(reverse("audit_log")).content.decode()
    assert "导入" in audit_page and "导入：名册.xlsx 第4行" in audit_page
    assert AuditEntry.objects.filter(action="import", actor=county.secretary).count() == 1
    # Committed once: posting again does nothing.
    response = client.post(reverse("members:import_commit", args=[batch.pk]), follow=True)
    assert "不能再导入" in response.content.decode()
    assert Member.objects.filter(name="页一").count() == 1


def test_committee_chooses_by_column(county, client):
    client.force_login(county.committee)
    page = client.get(reverse("members:import")).content.decode()
    assert "按文件中的“所在党支部”列" in page and "山口村党支部" not in page
    rows = [national_row(1, "列一", "西街村党支部")]
    response = client.post(reverse("members:import"), {"file": upload(workbook(rows)), "branch": ""})
    batch = ImportBatch.objects.get()
    assert batch.branch is None and batch.counts["new"] == 1, response
    # A file without the column, by column: refused at once.
    no_column = workbook([["无列", "x"]], headers=["姓名", "公民身份号码"])
    response = client.post(reverse("members:import"), {"file": upload(no_column), "branch": ""})
    assert "文件中没有“所在党支部”列" in response.content.decode()


def test_info_form_pdf(county, client):
    client.force_login(county.secretary)
    response = client.get(reverse("members:info_form", args=[county.east1.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "党员信息采集表" in text and county.east1.name in text and county.east1.id_number in text
    assert "东街村第一党小组" in text and "党员本人签字" in text and "本人核对" in text

    response = client.get(reverse("members:info_forms", args=[county.east.pk]))
    text = pdf_text(response.content)
    assert text.count("党员信息采集表") == 2 and county.east2.name in text  # one page each
    fonts = subprocess.run(["pdffonts", "-"], input=response.content, capture_output=True).stdout.decode()
    assert "CJK" in fonts or "Noto" in fonts

    client.force_login(county.cadre)  # read-only: masked IDs, no form to print
    assert client.get(reverse("members:info_form", args=[county.east1.pk])).status_code == 403
    assert client.get(reverse("members:info_forms", args=[county.east.pk])).status_code == 404
