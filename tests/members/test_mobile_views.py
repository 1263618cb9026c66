"""The mobile-member pages and the ledger's files (members/mobile_views.py, members/mobile_ledger.py)."""

import datetime
import io
import pathlib
import re
import subprocess

import openpyxl
import pytest
from django.urls import reverse

from conftest import bulk_members, make_id
from core.models import AuditEntry
from members import mobile
from members.models import Member, MobilePeriod

D = datetime.date
ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"
# FORMS.md, 流动党员 ledger (PROPOSED), in its order.
FORMS_COLUMNS = ["序号", "姓名", "性别", "公民身份号码", "入党时间", "人员类别", "所在党支部", "原职业", "外出时间",
                 "流出原因", "流入地（省/市/县）", "务工（就业）单位", "流入地党组织", "流入地联系人及电话", "本人联系电话",
                 "活动证号", "组织关系状态（未转移／已转移）", "最近一次汇报日期", "党费交至年月", "返回时间", "备注"]


def out_data(**over):
    data = {"started_on": D(2024, 3, 1), "place": "江苏省苏州市昆山市", "reach": "province",
            "employer": "昆山精密电子有限公司", "host_org": "昆山开发区流动党员党支部", "contact_person": "王经理",
            "contact_phone": "0512-57001234", "reason": "外出务工经商", "card_number": "LD2024001", "notes": ""}
    data.update(over)
    return data


def post_data(**over):
    data = {k: ("" if v is None else v) for k, v in out_data(**over).items()}
    data["started_on"] = str(data["started_on"])
    data.setdefault("original_job", "farmer")
    return data


def inflow(county, org=None, name="陈外来"):
    return mobile.register_inflow(county.admin, {
        "organization": org or county.east, "name": name, "gender": "男",
        "id_number": make_id(D(1988, 4, 12), region="420102"), "joined_on": D(2012, 7, 1), "category": "full",
        "phone": "13912345678", "home_org": "湖北省武汉市江岸区某社区党支部", "started_on": D(2025, 2, 10),
        "place": "湖北省武汉市", "reason": "外出务工经商", "employer": "县城建筑公司"})


def sheet(content):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def pdf_header_cells(content):
    """The header cells of the PDF's table, left to right (pdftotext -bbox). Cells are centred
    vertically, so a header word is one below the unit line and nearer the header's centre line
    (that of 序号) than the first row's (that of its 序号 1); words are grouped into cells by
    overlapping x ranges, and each cell's lines joined."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"], input=content,
                          capture_output=True, check=True).stdout.decode()
    words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]

    def mid(w):
        return (w[1] + w[3]) / 2

    unit = next(w for w in words if w[4].startswith("党支部（盖章）"))
    head = next(w for w in words if w[4] == "序号")
    row1 = next(w for w in words if w[4] == "1" and w[1] > head[3])
    cells = []
    for x0, y0, x1, y1, w in sorted(words, key=lambda w: w[0]):
        if y0 <= unit[3] or abs(mid((x0, y0, x1, y1)) - mid(head)) >= abs(mid((x0, y0, x1, y1)) - mid(row1)):
            continue
        for cell in cells:
            if x0 < cell["x1"] - 0.5 and x1 > cell["x0"] + 0.5:
                cell["words"].append((y0, x0, w))
                cell["x0"], cell["x1"] = min(cell["x0"], x0), max(cell["x1"], x1)
                break
        else:
            cells.append({"x0": x0, "x1": x1, "words": [(y0, x0, w)]})
    return ["".join(w for _, _, w in sorted(c["words"])) for c in sorted(cells, key=lambda c: c["x0"])]


@pytest.fixture
def away(county):
    """张东一 away (with a report), 张东二 back home, 李西一 (the sibling branch) away."""
    p1 = mobile.start_outflow(county.secretary, county.east1, out_data())
    mobile.record_report(county.secretary, p1, D(2024, 9, 1), "phone", "在昆山务工")
    p2 = mobile.start_outflow(county.secretary, county.east2, out_data(started_on=D(2023, 5, 1), place="浙江省宁波市"))
    mobile.end_period(county.secretary, p2, D(2024, 1, 20), "返乡")
    p3 = mobile.start_outflow(county.committee, county.west1, out_data(place="广东省深圳市"))
    return p1, p2, p3


def test_ledger_excel_has_the_forms_columns_in_order_and_the_rows(client, county, away):
    from members.models import DuesAccount

    DuesAccount.objects.create(member=county.east1, first_month=D(2020, 1, 1), paid_up_to=D(2026, 10, 1))
    client.force_login(county.secretary)
    response = client.post(reverse("members:mobile_export_xlsx"), {"state": "all"})
    assert response.status_code == 200
    ws = sheet(response.content)
    assert ws["A1"].value == "流动党员台账（流出）"
    assert ws["A2"].value == "筛选条件：状态＝全部"
    assert ws["A3"].value.startswith("党支部（盖章）：东街村党支部")
    assert [c.value for c in ws[4]] == FORMS_COLUMNS
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, max_row=6, values_only=True)}
    assert set(rows) == {"张东一", "张东二"}  # not 李西一 of the sibling branch
    e1 = rows["张东一"]
    assert e1[3] == county.east1.id_number and e1[6] == "东街村党支部" and e1[7] == "农牧渔民"
    assert e1[8] == datetime.datetime(2024, 3, 1) and e1[9] == "外出务工经商" and e1[10] == "江苏省苏州市昆山市"
    assert e1[12] == "昆山开发区流动党员党支部" and e1[13] == "王经理 051257001234" and e1[15] == "LD2024001"
    assert e1[16] == "未转移" and e1[17] == datetime.datetime(2024, 9, 1) and not e1[19]
    assert e1[18] == "2026年10月"  # 党费交至年月, from the dues account
    assert rows["张东二"][19] == datetime.datetime(2024, 1, 20)
    assert ws.cell(row=8, column=1).value.startswith("填表人：")


def test_ledger_pdf_has_the_forms_columns_in_order(client, county, away):
    client.force_login(county.secretary)
    response = client.post(reverse("members:mobile_export_pdf"), {"state": "all"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "mobile_ledger.pdf").write_bytes(response.content)  # to look at (pdftoppm -png)
    cells = pdf_header_cells(response.content)
    assert cells == FORMS_COLUMNS, cells
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    for expected in ("流动党员台账（流出）", "东街村党支部", "张东一", "张东二", "LD2024001", "2024年9月1日",
                     "填表人：", "党支部书记（签字）："):
        assert expected in text, expected
    assert "李西一" not in text and "广东省深圳市" not in text


def test_export_is_audited_with_its_filter(client, county, away):
    client.force_login(county.secretary)
    client.post(reverse("members:mobile_export_xlsx"), {"direction": "out", "state": "current"})
    entry = AuditEntry.objects.filter(action="export").get()
    assert entry.actor == county.secretary and entry.object_id == str(county.east.pk)
    assert "导出Excel《流动党员台账（流出）_" in entry.reason and "共 1 行" in entry.reason
    assert "流向：流出；状态：正在流动" in entry.reason


def test_ledger_page_filters(client, county, away):
    p_in = inflow(county)
    client.force_login(county.committee)
    page = client.get(reverse("members:mobile_ledger")).content.decode()
    assert "张东一" in page and "李西一" in page and "张东二" not in page  # current only
    page = client.get(reverse("members:mobile_ledger"), {"state": "ended"}).content.decode()
    assert "张东二" in page and "张东一" not in page
    page = client.get(reverse("members:mobile_ledger"), {"direction": "in", "state": "all"}).content.decode()
    assert "陈外来" in page and "湖北省武汉市江岸区某社区党支部" in page and "张东一" not in page
    assert reverse("members:mobile_detail", args=[p_in.pk]) in page
    page = client.get(reverse("members:mobile_ledger"), {"org": county.west.pk}).content.decode()
    assert "李西一" in page and "张东一" not in page


def test_sibling_secretary_sees_none_of_it(client, county, away):
    inflow(county)
    client.force_login(county.sibling_secretary)
    for params in ({}, {"state": "all"}, {"direction": "in", "state": "all"}, {"org": county.east.pk}):
        page = client.get(reverse("members:mobile_ledger"), params).content.decode()
        assert "张东一" not in page and "张东二" not in page and "陈外来" not in page
        pdf = client.post(reverse("members:mobile_export_pdf"), params)
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True).stdout.decode()
        assert "张东一" not in text and "陈外来" not in text
    for p in MobilePeriod.objects.exclude(member=county.west1):
        assert client.get(reverse("members:mobile_detail", args=[p.pk])).status_code == 404
        assert client.post(reverse("members:mobile_end", args=[p.pk]), {"ended_on": "2025-01-01"}).status_code == 404


@pytest.mark.parametrize("extra", [2, 40])
def test_ledger_page_queries_constant(client, county, extra, django_assert_max_num_queries):
    for m in bulk_members(county.east, extra):
        mobile.start_outflow(county.secretary, m, out_data(started_on=D(2025, 6, 1)))
    client.force_login(county.secretary)
    # session, user and grants, the organization list, count, the page, the unrecorded count
    with django_assert_max_num_queries(9):
        response = client.get(reverse("members:mobile_ledger"))
    assert response.status_code == 200
    assert response.content.decode().count('class="c-name"') == min(extra, 50)


def test_start_report_return_through_the_pages(client, county):
    client.force_login(county.secretary)
    m = county.east1
    detail = client.get(reverse("members:detail", args=[m.pk])).content.decode()
    assert "流动情况" in detail and reverse("members:mobile_out", args=[m.pk]) in detail
    response = client.post(reverse("members:mobile_out", args=[m.pk]), post_data(contact_phone="1380000"))
    assert "联系人电话应为11位手机号码" in response.content.decode()
    assert MobilePeriod.objects.count() == 0
    response = client.post(reverse("members:mobile_out", args=[m.pk]), post_data())
    assert response.status_code == 302
    p = MobilePeriod.objects.get()
    assert Member.objects.get(pk=m.pk).is_mobile
    response = client.post(reverse("members:mobile_report", args=[p.pk]),
                           {"reported_on": "2024-06-01", "channel": "phone", "content": "近况良好"})
    assert response.status_code == 302
    response = client.post(reverse("members:mobile_end", args=[p.pk]), {"ended_on": "2024-02-01"})
    assert "返回时间不能早于外出时间" in response.content.decode()
    response = client.post(reverse("members:mobile_end", args=[p.pk]), {"ended_on": "2024-10-01", "reason": "返乡"})
    assert response.status_code == 302
    assert not Member.objects.get(pk=m.pk).is_mobile
    page = client.get(reverse("members:mobile_detail", args=[p.pk])).content.decode()
    assert "近况良好" in page and "2024-10-01" in page and "流出登记" in page


def test_member_form_no_longer_sets_is_mobile(county):
    from members.forms import MemberForm

    form = MemberForm(instance=county.east1, user=county.secretary)
    assert form.fields["is_mobile"].disabled


def test_read_only_cadre_sees_but_cannot_act(client, county, away):
    client.force_login(county.cadre)
    p1 = away[0]
    page = client.get(reverse("members:mobile_detail", args=[p1.pk])).content.decode()
    assert "江苏省苏州市昆山市" in page and reverse("members:mobile_end", args=[p1.pk]) not in page
    assert client.get(reverse("members:mobile_end", args=[p1.pk])).status_code == 403
    assert client.get(reverse("members:mobile_out", args=[county.east2.pk])).status_code == 403
    response = client.post(reverse("members:mobile_export_xlsx"), {"state": "all"})
    assert county.east1.id_number not in [c.value for c in sheet(response.content)[5]]  # masked for this role
