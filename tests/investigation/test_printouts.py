"""Printed records of the investigation (investigation/documents.py search_record and
verification_report; documents_views.case_print and report_print): one member's 查找记录 and one
branch's 核查情况报告, A4 PDFs read back with pdftotext against the data, named like every download,
their printing on record in the audit, scoped (404 outside; a tracking cadre sees nothing)."""

import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.models import AuditEntry
from investigation import services
from tests.core.test_download_names import disposition_name
from tests.investigation.helpers import case_of, classify_all
from tests.investigation.test_forms import inv, keep, pdf_text  # noqa: F401  (the fixture)

TODAY = timezone.localdate()
STAMP = f"{TODAY:%Y%m%d}"


def cn(d):
    return f"{d.year}年{d.month}月{d.day}日"


def flat(content):
    return "".join(pdf_text(content, "-raw").split())


def page_size(content):
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return next(line for line in info.splitlines() if line.startswith("Page size:"))


@pytest.mark.django_db
def test_search_record_prints_the_member_and_every_attempt(client, inv):  # noqa: F811
    case = case_of(inv.campaign, inv.east1)
    client.force_login(inv.secretary)
    response = client.get(reverse("investigation:case_print", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    name = disposition_name(response)
    assert name == f"查找记录_张东一_东街村党支部_2次_{STAMP}.pdf"
    keep("investigation-search-record.pdf", response.content)
    assert "(A4)" in page_size(response.content)  # A4 portrait (pdfinfo: 595.276 x 841.89 pts (A4))
    text = flat(response.content)
    since = case.lost_since
    for expected in ["党员查找记录", "2026年党员组织关系排查", "党支部（盖章）：东街村党支部", "张东一", "东街村党支部",
                     inv.east1.id_number, "排查结论失联", "失去联系情形①外出务工经商", f"失去联系起始{cn(since)}",
                     "失去联系时间2年", "查找情况（共2次）", "未取得联系",
                     # both attempts in date order: date, channel, who, result, found
                     f"1{cn(TODAY - datetime.timedelta(days=20))}原联系方式张书记电话已停机否",
                     f"2{cn(TODAY - datetime.timedelta(days=5))}询问亲友李委员亲属称已多年未联系否",
                     "处置意见停止党籍", "党支部意见建议停止党籍",
                     "查找人（签字）：", "党支部书记（签字）：", "日期：年月日", "第1页，共1页"]:
        assert expected in text, expected
    entry = AuditEntry.objects.get(action=audit.Action.EXPORT)
    assert entry.reason == f"打印《党员查找记录》（{name}）" and entry.actor == inv.secretary
    assert entry.object_repr.startswith("张东一")


@pytest.mark.django_db
def test_search_record_of_a_member_found(client, inv):  # noqa: F811
    case = case_of(inv.campaign, inv.east2)
    client.force_login(inv.committee)
    response = client.get(reverse("investigation:case_print", args=[case.pk]))
    assert disposition_name(response) == f"查找记录_张东二_东街村党支部_1次_{STAMP}.pdf"
    text = flat(response.content)
    for expected in ["排查结论流动", "失去联系情形⑥居住地改变", f"取得联系日期{cn(case.contact_found_on)}",
                     "江苏省苏州市某电子厂电话：13900001111", "已联系上是", "备注已转为流动党员管理"]:
        assert expected in text, expected


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["sibling_secretary", "cadre", "other_committee"])
def test_search_record_outside_the_scope_answers_404(client, inv, viewer):  # noqa: F811
    client.force_login(getattr(inv, viewer))
    assert client.get(reverse("investigation:case_print", args=[case_of(inv.campaign, inv.east1).pk])).status_code == 404
    assert not AuditEntry.objects.filter(action=audit.Action.EXPORT).exists()


@pytest.mark.django_db
def test_search_record_is_never_public(client, inv):  # noqa: F811
    response = client.get(reverse("investigation:case_print", args=[case_of(inv.campaign, inv.east1).pk]))
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.django_db
def test_case_page_offers_the_print(client, inv):  # noqa: F811
    case = case_of(inv.campaign, inv.east1)
    client.force_login(inv.secretary)
    page = client.get(reverse("investigation:case", args=[case.pk])).content.decode()
    assert reverse("investigation:case_print", args=[case.pk]) in page and "打印查找记录" in page


def _report(inv):  # noqa: F811
    check = inv.campaign.checks.get(branch=inv.east)
    classify_all(inv.admin, check)
    services.submit(inv.secretary, check)
    rep = services.report_for(check)
    services.save_report(inv.committee, rep, {
        "summary": "逐一核查了东街村党支部的2名党员。\n失联1名，流动1名。",
        "mobile_measures": "与苏州流入地党组织建立联系。", "hanging_fixes": "",
        "search_methods": "通过公安部门协查户籍信息。", "disposal_proposals": "张东一拟停止党籍。"})
    return check


@pytest.mark.django_db
def test_verification_report_prints_its_sections_and_counts(client, inv):  # noqa: F811
    check = _report(inv)
    client.force_login(inv.committee)
    page = client.get(reverse("investigation:report", args=[check.pk])).content.decode()
    assert reverse("investigation:report_print", args=[check.pk]) in page
    response = client.get(reverse("investigation:report_print", args=[check.pk]))
    assert response.status_code == 200
    name = disposition_name(response)
    assert name == f"核查情况报告_东街村党支部_{STAMP}.pdf"
    keep("investigation-report.pdf", response.content)
    assert "(A4)" in page_size(response.content)
    text = flat(response.content)
    for expected in ["东街村党支部党(工)委工作组核查情况报告", "2026年党员组织关系排查城关镇党委",
                     "排查对象正常流动空挂失联其他", "201010",  # 2 in scope: 0 正常, 1 流动, 0 空挂, 1 失联, 0 其他
                     "1．核查情况逐一核查了东街村党支部的2名党员。失联1名，流动1名。",
                     "2．落实流动党员管理措施与苏州流入地党组织建立联系。", "3．理顺“空挂”党员组织关系（未填写）",
                     "4．寻找“失联”党员的途径办法通过公安部门协查户籍信息。", "5．处理“失联”党员的初步建议张东一拟停止党籍。",
                     "工作组组长（签字）：", "城关镇党委工作组（盖章）", "第1页，共1页"]:
        assert expected in text, expected
    # the secretary of the branch reads (and prints) it too; the audit names each file
    client.force_login(inv.secretary)
    assert client.get(reverse("investigation:report_print", args=[check.pk])).status_code == 200
    reasons = list(AuditEntry.objects.filter(action=audit.Action.EXPORT).values_list("reason", flat=True))
    assert reasons == [f"打印《东街村党支部党(工)委工作组核查情况报告》（{name}）"] * 2


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["sibling_secretary", "cadre", "other_committee"])
def test_verification_report_outside_the_scope_answers_404(client, inv, viewer):  # noqa: F811
    check = _report(inv)
    client.force_login(getattr(inv, viewer))
    assert client.get(reverse("investigation:report_print", args=[check.pk])).status_code == 404


@pytest.mark.django_db
def test_no_report_yet_answers_404(client, inv):  # noqa: F811
    client.force_login(inv.committee)
    check = inv.campaign.checks.get(branch=inv.west)
    assert client.get(reverse("investigation:report_print", args=[check.pk])).status_code == 404
