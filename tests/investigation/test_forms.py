"""The investigation's forms generated from a campaign's cases (investigation/documents.py and
documents_views.py): 附件1–4 and the ledger read back (Excel cell by cell, PDF text) against the
data; the summary tables reconcile or refuse with the reason; scope; audit; query counts."""

import datetime
import io
import pathlib
import subprocess

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Organization
from conftest import bulk_members
from core.models import AuditEntry, ExportJob
from investigation import documents, lost_time, services
from investigation.choices import Classification
from investigation.models import Case
from members.contacts import add_months
from members.models import Member
from tests.investigation.helpers import case_of, open_campaign, search

ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"
TODAY = timezone.localdate()
ANNEX1_HEADERS = ["序号", "姓名", "性别", "出生年月", "公民身份号码", "入党时间", "人员类别（正式/预备）", "所在党支部",
                  "党组织类别（代码）", "与党组织失去联系时间", "失去联系情形（代码）", "取得联系时间", "现工作单位或居住地",
                  "联系电话", "备注"]
ANNEX2_HEADERS = ["序号", "姓名", "性别", "出生年月", "公民身份号码", "入党时间", "人员类别（正式/预备）", "所在党支部",
                  "党组织类别（代码）", "与党组织失去联系时间", "失去联系情形（代码）", "现工作单位或居住地", "联系电话",
                  "已采取的查找措施", "处置意见（停止党籍／取消预备党员资格）", "党支部意见", "基层党委意见", "备注"]


def months_ago(n, days=0):
    return add_months(TODAY, -n) - datetime.timedelta(days=days)


def lost(user, case, reason, since, **more):
    return services.classify(user, case, {"classification": Classification.LOST, "lost_reason": reason,
                                          "lost_since": since, **more})


@pytest.fixture
def inv(county):
    """西街村 is a 非公有制企业 branch (②). 张东一 lost two years (①, two searches, 停止党籍 proposed);
    张东二 found ten days ago after eight months (⑥); 李西一 lost seven years (②); 王山一 正常."""
    Organization.objects.filter(pk=county.west.pk).update(category="2")
    county.campaign = open_campaign(county)
    c = county.campaign
    a = county.admin
    e1 = case_of(c, county.east1)
    search(a, e1, day=TODAY - datetime.timedelta(days=20))
    services.log_search(a, e1, {"searched_on": TODAY - datetime.timedelta(days=5), "channel": "relatives",
                                "searcher": "李委员", "result": "亲属称已多年未联系", "found": False})
    lost(a, e1, "1", months_ago(24), disposal_proposal="suspend", branch_opinion="建议停止党籍")
    e2 = case_of(c, county.east2)
    search(a, e2, found=True, day=TODAY - datetime.timedelta(days=10))
    services.classify(a, e2, {"classification": Classification.MOBILE, "lost_reason": "6", "lost_since": months_ago(8),
                              "contact_found_on": TODAY - datetime.timedelta(days=10),
                              "whereabouts": "江苏省苏州市某电子厂", "current_phone": "13900001111",
                              "note": "已转为流动党员管理"})
    w1 = case_of(c, county.west1)
    search(a, w1)
    lost(a, w1, "2", months_ago(84))
    services.classify(a, case_of(c, county.hill1), {"classification": Classification.NORMAL})
    return county


def sheet(response):
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def pdf_text(content, *args):
    return subprocess.run(["pdftotext", *args, "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def url(name, inv, org):
    return f"{reverse(f'investigation:{name}')}?campaign={inv.campaign.pk}&org={org.pk}"


def keep(name, content):
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_bytes(content)


# -- 附件3 ---------------------------------------------------------------------------------------

def test_annex3_counts_the_lost_by_category_range_and_reason(inv):
    grid = documents.annex3(inv.root, inv.campaign)
    row = lambda key: [grid.value(key, leaf.key) for leaf in grid.leaves]  # noqa: E731
    #                 lost  m6 1-5 6-10 11+  ①  ②  ③  ④  ⑤  ⑥  ⑦  found
    assert row("c3") == [1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    assert row("c2") == [1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert row("total") == [2, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1]
    town = documents.annex3(inv.town, inv.campaign)
    assert town.value("total", "lost") == 2 and town.unit_name == "城关镇党委"
    assert documents.annex3(inv.other_town, inv.campaign).value("total", "lost") == 0


def test_annex3_excel_and_pdf_read_back(client, inv):
    client.force_login(inv.admin)
    ws = sheet(client.get(url("annex3_xlsx", inv, inv.root)))
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == "与党组织失去联系党员情况汇总表" and "A1:P1" in merged
    assert ws["A2"].value == f"填报单位（盖章）：X县委　　截至　{TODAY.year}年{TODAY.month}月{TODAY.day}日"
    assert ws["A3"].value == "项目" and ws["C3"].value == "行号"
    assert ws["D3"].value == f"截止{TODAY.year}年{TODAY.month}月{TODAY.day}日未取得联系党员数量"
    assert ws["E3"].value == "失去联系时间" and "E3:H3" in merged
    assert ws["I3"].value == "失去联系情形" and "I3:O3" in merged
    assert ws["P3"].value == "一年内已取得联系党员数量"
    assert [c.value for c in ws[4]][4:15] == ["6个月以上不满1年", "1年至5年", "6年至10年", "11年及以上", "①外出务工经商",
                                             "②单位改制或破产", "③毕业后去向不明", "④工作单位改变", "⑤出国（境）",
                                             "⑥居住地改变", "⑦其他"]
    assert [c.value for c in ws[5]] == ["甲", None, "乙", *[str(i) for i in range(1, 14)]]
    assert [c.value for c in ws[6]] == ["总计", None, "01", 2, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1]
    assert ws["A7"].value == "党组织类别" and "A7:A15" in merged
    assert [c.value for c in ws[7]][1:] == ["国有企业", "02", *[0] * 13]
    assert [c.value for c in ws[8]][1:] == ["非公有制企业", "03", 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert [c.value for c in ws[9]][1:] == ["农村", "04", 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    assert ws["A17"].value.startswith("负责人（签名）：")
    response = client.get(url("annex3_pdf", inv, inv.root))
    keep("annex3.pdf", response.content)
    text = pdf_text(response.content, "-layout")
    for expected in ["与党组织失去联系党员情况汇总表", "填报单位（盖章）：X县委", "负责人（签名）：", "第 1 页，共 1 页"]:
        assert expected in text, expected
    flat = "".join(pdf_text(response.content, "-raw").split())
    for header in ["失去联系时间", "6个月以上不满1年", "11年及以上", "失去联系情形", "①外出务工经商", "⑦其他",
                   "一年内已取得联系党员数量", "党组织类别", "社会组织"]:
        assert header in flat, header
    total = next(line for line in text.splitlines() if "总计" in line)
    assert total.split()[1:] == ["01", "2", "0", "1", "1", "0", "1", "1", "0", "0", "0", "0", "0", "1"]
    rural = next(line for line in text.splitlines() if line.split()[:1] == ["农村"] or " 农村 " in line)
    assert rural.split()[-14:] == ["04", "1", "0", "1", "0", "0", "1", "0", "0", "0", "0", "0", "0", "1"]


def test_annex3_that_does_not_reconcile_is_not_made_and_says_why(client, inv):
    Case.objects.filter(campaign=inv.campaign, member=inv.west1).update(lost_since=months_ago(2))
    client.force_login(inv.admin)
    page = client.get(url("forms", inv, inv.root)).content.decode()
    assert "两数不符，表格不予生成" in page and "1名失联党员失去联系不满6个月（不属于本表统计范围）" in page
    response = client.get(url("annex3_xlsx", inv, inv.root), follow=True)
    assert "spreadsheet" not in response["Content-Type"]
    assert "1名失联党员失去联系不满6个月" in response.content.decode()
    assert not AuditEntry.objects.filter(action="export").exists()


# -- 附件4 ---------------------------------------------------------------------------------------

def test_annex4_counts_what_became_of_the_lost_and_found(client, inv):
    Member.objects.filter(pk=inv.west1.pk).update(membership_status="suspended")
    grid = documents.annex4(inv.root, inv.campaign)
    assert [grid.value("total", k) for k in ("managed", "disqualified", "retained", "suspended", "correct", "quit",
                                             "lapsed")] == [1, 0, 0, 1, 0, 0, 0]
    assert grid.value("c3", "managed") == 1 and grid.value("c2", "suspended") == 1
    Member.objects.filter(pk=inv.east1.pk).update(roll_state="removed", removal_kind="lapsed")
    assert documents.annex4(inv.root, inv.campaign).value("c3", "lapsed") == 1
    client.force_login(inv.committee)
    ws = sheet(client.get(url("annex4_xlsx", inv, inv.town)))
    assert ws["A1"].value == "与党组织失去联系党员管理及处置情况汇总表"
    assert ws["D3"].value == "规范管理情况" and ws["H3"].value == "组织处置情况"
    assert [c.value for c in ws[4]][3:] == ["纳入组织管理", "取消预备党员资格", "保留组织关系", "停止党籍", "限期改正",
                                            "退党除名", "自行脱党除名"]
    assert [c.value for c in ws[6]] == ["总计", None, "01", 1, 0, 0, 1, 0, 0, 1]
    assert [c.value for c in ws[8]][1:] == ["非公有制企业", "03", 0, 0, 0, 1, 0, 0, 0]
    response = client.get(url("annex4_pdf", inv, inv.town))
    keep("annex4.pdf", response.content)
    text = pdf_text(response.content, "-layout")
    assert "与党组织失去联系党员管理及处置情况汇总表" in text and "填报单位（盖章）：城关镇党委" in text
    assert next(line for line in text.splitlines() if "总计" in line).split()[1:] == ["01", "1", "0", "0", "1", "0", "0", "1"]


# -- 附件1, 附件2, the ledger ---------------------------------------------------------------------

def test_annex1_lists_the_found_cell_by_cell(client, inv):
    client.force_login(inv.committee)
    ws = sheet(client.get(url("annex1_xlsx", inv, inv.town)))
    assert ws["A1"].value == "经查找取得联系党员登记表"
    assert ws["A2"].value == f"筛选条件：排查工作＝{inv.campaign.name}"
    assert ws["A3"].value.startswith("党委（盖章）：城关镇党委")
    assert [c.value for c in ws[4]] == ANNEX1_HEADERS
    m = inv.east2
    found = TODAY - datetime.timedelta(days=10)
    row = [c.value for c in ws[5]]
    assert row[:5] == [1, "张东二", "女", "1990年3月", m.id_number]
    assert row[5:9] == ["2015年6月", "正式", "东街村党支部", "③"]
    assert row[9] == f"{lost_time.months_out(months_ago(8), found)}个月"  # from the last contact to the day found
    assert row[10] == "⑥" and row[11].date() == found
    assert row[12:] == ["江苏省苏州市某电子厂", "13900001111", "已转为流动党员管理"]
    assert ws.max_row == 7 and ws["A7"].value.startswith("填表人：") and "党委书记（签字）：" in ws["A7"].value
    response = client.get(url("annex1_pdf", inv, inv.town))
    keep("annex1.pdf", response.content)
    text = pdf_text(response.content, "-layout")
    for expected in ["经查找取得联系党员登记表", "党委（盖章）：城关镇党委", "张东二", m.id_number, "13900001111",
                     "党委书记（签字）："]:
        assert expected in text, expected
    assert "江苏省苏州市某电子厂" in "".join(pdf_text(response.content, "-raw").split())  # wraps in its cell
    assert "张东一" not in text and "李西一" not in text


def test_annex2_lists_the_unreachable_with_the_searches(client, inv):
    client.force_login(inv.admin)
    ws = sheet(client.get(url("annex2_xlsx", inv, inv.root)))
    assert ws["A1"].value == "经查找仍然无法取得联系党员登记表"
    assert [c.value for c in ws[4]] == ANNEX2_HEADERS
    rows = {r[1]: r for r in ([c.value for c in ws[i]] for i in (5, 6))}
    assert set(rows) == {"张东一", "李西一"}
    e1 = rows["张东一"]
    assert e1[7:11] == ["东街村党支部", "③", "2年", "①"]
    assert e1[13] == (f"原联系方式1次、询问亲友1次；最近一次{(TODAY - datetime.timedelta(days=5)).year}年"
                      f"{(TODAY - datetime.timedelta(days=5)).month}月{(TODAY - datetime.timedelta(days=5)).day}日："
                      "亲属称已多年未联系")
    assert e1[14:17] == ["停止党籍", "建议停止党籍", ""]
    w1 = rows["李西一"]
    assert w1[8:11] == ["②", "7年", "②"]
    response = client.get(url("annex2_pdf", inv, inv.root))
    keep("annex2.pdf", response.content)
    text = pdf_text(response.content, "-layout")
    for expected in ["经查找仍然无法取得联系党员登记表", "县委组织部（盖章）：X县委", "张东一", "李西一"]:
        assert expected in text, expected
    flat = "".join(pdf_text(response.content, "-raw").split())  # cell by cell, wrapped lines joined
    for expected in ANNEX2_HEADERS[1:] + ["停止党籍", "建议停止党籍", "亲属称已多年未联系"]:
        assert expected in flat, expected
    assert "张东二" not in text


def test_ledger_lists_every_case_with_its_outcome(client, inv):
    client.force_login(inv.admin)
    ws = sheet(client.get(url("ledger_xlsx", inv, inv.root)))
    assert ws["A1"].value == "党员组织关系排查台账"
    headers = [c.value for c in ws[4]]
    assert headers == ["序号", "姓名", "性别", "公民身份号码", "人员类别", "所在党支部", "列入原因", "重点人群", "排查结论",
                       "失去联系情形", "最近联系日期", "查找次数", "排查结果", "核查意见", "备注"]
    rows = {r[1]: r for r in ([c.value for c in ws[i]] for i in range(5, 9))}
    assert set(rows) == {"张东一", "张东二", "李西一", "王山一"}
    assert [rows["张东一"][i] for i in (8, 9, 11, 12)] == ["失联", "①外出务工经商", 2, "仍无法取得联系"]
    assert rows["张东二"][12] == f"已取得联系（{TODAY - datetime.timedelta(days=10):%Y-%m-%d}）"
    assert [rows["王山一"][i] for i in (8, 11, 12, 13)] == ["正常", 0, "已分类", "未核查"]
    response = client.get(url("ledger_pdf", inv, inv.root))
    keep("ledger.pdf", response.content)
    assert "党员组织关系排查台账" in pdf_text(response.content, "-layout")


def test_a_tracking_cadre_sees_no_form(client, inv):
    client.force_login(inv.cadre)  # tracking cadre of 东街村: the investigation is not its business
    for name in FILES:
        assert client.get(url(name, inv, inv.east)).status_code == 403, name
        assert client.get(reverse(f"investigation:{name}")).status_code == 403, name
    assert not AuditEntry.objects.filter(action="export").exists()


def test_two_grants_get_the_forms_of_the_secretarys_branch_only(client, inv):
    client.force_login(inv.two_grants)  # secretary of 东街村, tracking cadre of 山口村
    page = client.get(reverse("investigation:forms")).content.decode()
    assert f"org={inv.east.pk}" in page
    assert client.get(url("ledger_xlsx", inv, inv.hill)).status_code == 404
    ws = sheet(client.get(url("annex2_xlsx", inv, inv.east)))
    assert ws["B5"].value == "张东一" and ws["E5"].value == inv.east1.id_number  # an editor grant: whole


def test_a_long_register_goes_to_the_background_and_is_audited(client, inv, settings):
    settings.EXPORT_SYNC_MAX_ROWS = {"xlsx": 0, "pdf": 0}
    client.force_login(inv.committee)
    response = client.get(url("annex2_pdf", inv, inv.town))
    assert response.status_code == 302 and response.url == reverse("downloads")
    job = ExportJob.objects.get(user=inv.committee)
    assert job.status == ExportJob.Status.DONE, job.error
    with job.file.open("rb") as fh:
        text = pdf_text(fh.read(), "-layout")
    assert "张东一" in text and "李西一" in text
    entry = AuditEntry.objects.get(action="export")
    assert entry.object_id == str(inv.town.pk) and "经查找仍然无法取得联系党员登记表" in entry.reason


# -- the page, scope, audit, queries -------------------------------------------------------------

def test_forms_page_lists_the_forms_for_the_users_organization(client, inv):
    client.force_login(inv.secretary)
    page = client.get(reverse("investigation:forms")).content.decode()
    for title in ["经查找取得联系党员登记表", "经查找仍然无法取得联系党员登记表", "与党组织失去联系党员情况汇总表",
                  "与党组织失去联系党员管理及处置情况汇总表", "党员组织关系排查台账", "流动党员管理有关情况统计表"]:
        assert title in page, title
    assert f"campaign={inv.campaign.pk}&amp;org={inv.east.pk}" in page
    assert "西街村党支部" not in page
    index = client.get(reverse("investigation:index")).content.decode()
    assert reverse("investigation:forms") in index


FILES = ["forms", "annex1_xlsx", "annex1_pdf", "annex2_xlsx", "annex2_pdf", "annex3_xlsx", "annex3_pdf",
         "annex4_xlsx", "annex4_pdf", "ledger_xlsx", "ledger_pdf"]


@pytest.mark.parametrize("viewer, org", [("sibling_secretary", "east"), ("other_committee", "town"),
                                         ("committee", "other_town"), ("secretary", "town"), ("two_grants", "west")])
def test_an_organization_outside_the_scope_answers_404(client, inv, viewer, org):
    client.force_login(getattr(inv, viewer))
    for name in FILES:
        assert client.get(url(name, inv, getattr(inv, org))).status_code == 404, name
    assert client.get(f"{reverse('investigation:annex3_pdf')}?campaign=999999&org={inv.east.pk}").status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_a_committee_sees_only_its_subtree(client, inv):
    client.force_login(inv.other_committee)  # 青山乡: 王山一 only
    ws = sheet(client.get(reverse("investigation:ledger_xlsx")))
    names = [ws.cell(r, 2).value for r in range(5, ws.max_row + 1)]
    assert "王山一" in names and not {"张东一", "张东二", "李西一"} & set(names)
    assert ws.cell(5, 1).value == 1 and ws.max_row == 7


def test_every_download_is_audited(client, inv):
    client.force_login(inv.committee)
    client.get(url("annex3_pdf", inv, inv.town))
    client.get(url("annex1_xlsx", inv, inv.town))
    entries = list(AuditEntry.objects.filter(action="export").order_by("pk"))
    assert [e.object_id for e in entries] == [str(inv.town.pk)] * 2
    assert entries[0].reason.startswith("导出PDF《附件3与党组织失去联系党员情况汇总表_城关镇党委_")
    assert entries[1].reason.startswith("导出Excel《附件1经查找取得联系党员登记表_城关镇党委_")
    assert all(e.actor == inv.committee for e in entries)


def test_summary_queries_are_constant_in_the_number_of_members(inv, django_assert_num_queries):
    with django_assert_num_queries(2):
        documents.annex3(inv.root, inv.campaign)
    with django_assert_num_queries(1):
        documents.annex4(inv.root, inv.campaign)
    more = bulk_members(inv.hill, 40)
    check = inv.campaign.checks.get(branch=inv.hill)
    Case.objects.bulk_create([Case(campaign=inv.campaign, branch_check=check, branch=inv.hill, member=m,
                                   classification="lost", lost_reason="7", lost_since=months_ago(6 + 13 * i % 140))
                              for i, m in enumerate(more)])
    with django_assert_num_queries(2):
        grid = documents.annex3(inv.root, inv.campaign)
    assert grid.value("total", "lost") == 42 and grid.value("total", "r7") == 40
    with django_assert_num_queries(1):
        documents.annex4(inv.root, inv.campaign)


def test_register_queries_are_constant_in_the_number_of_rows(inv, django_assert_max_num_queries):
    doc, rows = documents.register("annex2", inv.admin, inv.root, inv.campaign)
    with django_assert_max_num_queries(2):
        assert len([[c.export_value(r, i) for c in doc.columns] for i, r in enumerate(rows)]) == 2


# -- the committee's signature freezes the forms ----------------------------------------------------

def _ready_to_sign(inv):
    from investigation.models import CommitteeOpinion

    for branch in (inv.east, inv.west):
        check = inv.campaign.checks.get(branch=branch)
        services.submit(inv.admin, check)
        services.agree_rest(inv.committee, check)
        services.finish_verification(inv.committee, check)
    opinion = CommitteeOpinion.objects.get(campaign=inv.campaign, committee=inv.town)
    return services.save_opinion(inv.committee, opinion, {"meeting_on": TODAY, "initial_handling": "继续查找"})


def test_the_signed_file_holds_annexes_1_to_3_and_the_mobile_table(inv):
    from core import versions

    version = services.sign(inv.committee, _ready_to_sign(inv), "王书记")
    content = versions.read_file(version)
    assert version.filename == "城关镇党委排查登记表签署件.pdf" and content.startswith(b"%PDF")
    text = pdf_text(content, "-layout")
    for expected in ["经查找取得联系党员登记表", "经查找仍然无法取得联系党员登记表", "与党组织失去联系党员情况汇总表",
                     "流动党员管理有关情况统计表", "张东二", "张东一", "李西一", inv.east1.id_number, "党委（盖章）：城关镇党委",
                     "填报单位（盖章）：城关镇党委"]:
        assert expected in text, expected
    assert "王山一" not in text and "青山乡党委" not in text


def test_a_signature_is_refused_while_annex3_does_not_reconcile(inv):
    from django.core.exceptions import ValidationError

    opinion = _ready_to_sign(inv)
    Case.objects.filter(campaign=inv.campaign, member=inv.west1).update(lost_since=months_ago(2))
    with pytest.raises(ValidationError) as err:
        services.sign(inv.committee, opinion, "王书记")
    assert "不能签署" in err.value.messages[0] and "1名失联党员失去联系不满6个月" in err.value.messages[0]
    opinion.refresh_from_db()
    assert not opinion.is_signed
