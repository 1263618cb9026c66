"""Dues pages: the month grid posted as a secretary fills it on a phone (full-width digits, a bad
row, a tampered member id, a read-only viewer), the standard and correction forms, the member card,
and the branch dues sheet read back from Excel (openpyxl) and PDF (pdftotext)."""

import datetime
import io
import subprocess
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from conftest import bulk_members
from core.models import AuditEntry
from members import dues
from members.models import DuesPayment, DuesStandard

THIS = dues.current_month()
LAST = dues.add_months(THIS, -1)


def _standard(member, income="3000", valid_from=None):
    return dues.save_standard(None, member, valid_from=valid_from or dues.add_months(THIS, -3), basis="salary",
                              income=D(income))


def _grid_url(county, month=THIS):
    return f"{reverse('members:dues_grid', args=[county.east.pk])}?month={month:%Y-%m}"


def _post(client, county, month, rows, paid_on=None):
    data = {"month": f"{month:%Y-%m}", "paid_on": (paid_on or datetime.date.today()).isoformat()}
    for m, amount in rows:
        data[f"pay_{m.pk}"] = "1"
        data[f"amount_{m.pk}"] = amount
    return client.post(reverse("members:dues_grid", args=[county.east.pk]), data)


@pytest.fixture
def secretary(client, county):
    client.force_login(county.secretary)
    _standard(county.east1)
    _standard(county.east2, "6000")
    return client


def test_the_grid_lists_the_branch_with_each_standard(secretary, county):
    text = secretary.get(_grid_url(county)).content.decode()
    assert "张东一" in text and "张东二" in text and "李西一" not in text
    assert f'name="amount_{county.east1.pk}" value="15.00"' in text
    assert f'name="amount_{county.east2.pk}" value="90.00"' in text


def test_a_month_saved_from_the_grid_with_full_width_digits(secretary, county):
    response = _post(secretary, county, LAST, [(county.east1, "１５"), (county.east2, "１００．００元")])
    assert response.status_code == 302
    paid = dict(DuesPayment.objects.filter(month=LAST).values_list("member__name", "amount"))
    assert paid == {"张东一": D("15.00"), "张东二": D("100.00")}
    page = secretary.get(response.url).content.decode()
    assert f"已登记{dues.month_label(LAST)}党费：2人，合计115.00元" in page
    assert "已交" in page and "更正" in page


def test_a_bad_row_saves_nothing_and_keeps_what_was_typed(secretary, county):
    response = _post(secretary, county, LAST, [(county.east1, "15"), (county.east2, "-90")])
    text = response.content.decode()
    assert response.status_code == 200
    assert "金额不能为负数" in text and "尚未保存任何记录" in text
    assert 'value="-90"' in text
    assert not DuesPayment.objects.exists()


def test_a_double_payment_is_refused_in_chinese(secretary, county):
    _post(secretary, county, LAST, [(county.east1, "15")])
    response = _post(secretary, county, LAST, [(county.east1, "15"), (county.east2, "90")])
    assert "张东一" in response.content.decode() and "不能重复交纳" in response.content.decode()
    assert DuesPayment.objects.count() == 1


def test_a_tampered_post_for_another_branchs_member_saves_nothing(secretary, county):
    _standard(county.west1)
    response = _post(secretary, county, LAST, [(county.east1, "15"), (county.west1, "15")])
    text = response.content.decode()
    assert "不是本支部的在册党员，未保存任何记录" in text
    assert "李西一" not in text
    assert not DuesPayment.objects.exists()
    # and another branch's grid is not found at all
    assert secretary.get(reverse("members:dues_grid", args=[county.west.pk])).status_code == 404


def test_a_future_month_is_refused(secretary, county):
    future = dues.add_months(THIS, 1)
    response = _post(secretary, county, future, [(county.east1, "15")])
    assert "不能登记以后月份" in response.content.decode()
    assert not DuesPayment.objects.exists()
    assert "不能登记以后月份" in secretary.get(_grid_url(county, future), follow=True).content.decode()


def test_a_read_only_viewer_sees_the_grid_but_cannot_post(client, county):
    _standard(county.east1)
    client.force_login(county.cadre)
    text = client.get(_grid_url(county)).content.decode()
    assert "张东一" in text and "amount_" not in text
    assert _post(client, county, LAST, [(county.east1, "15")]).status_code == 403
    assert not DuesPayment.objects.exists()


def test_grid_page_queries_do_not_grow_with_the_branch(secretary, county, django_assert_max_num_queries):
    def count(n, start):
        for m in bulk_members(county.east, n, start=start):
            _standard(m)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        with CaptureQueriesContext(connection) as ctx:
            assert secretary.get(_grid_url(county)).status_code == 200
        return len(ctx.captured_queries)

    assert count(3, 0) == count(30, 100)


def test_the_standard_form_computes_by_the_rules(secretary, county):
    url = reverse("members:dues_standard", args=[county.east1.pk])
    assert "核定党费标准" in secretary.get(url).content.decode()
    response = secretary.post(url, {"valid_from": f"{THIS:%Y-%m}", "basis": "salary", "income": "３０００．０１"})
    assert response.status_code == 302
    assert DuesStandard.objects.get(member=county.east1, valid_from=THIS).amount == D("30.00")
    response = secretary.post(url, {"valid_from": f"{THIS:%Y-%m}", "basis": "salary", "income": "3000", "reduced": "on",
                                    "reduced_amount": "5"})
    text = response.content.decode()
    assert "请填写经济困难的情况" in text and "请填写批准的上一级党委" in text
    response = secretary.post(url, {"valid_from": f"{THIS:%Y-%m}", "basis": "farmer", "farmer_amount": "2"})
    assert "农民党员每月交纳0.2元至1元" in response.content.decode()
    assert DuesStandard.objects.get(member=county.east1, valid_from=THIS).amount == D("30.00")


def test_correcting_and_deleting_a_payment(secretary, county):
    _post(secretary, county, LAST, [(county.east1, "15")])
    url = f"{reverse('members:dues_correct', args=[county.east1.pk])}?month={LAST:%Y-%m}"
    response = secretary.post(url, {"amount": "20", "paid_on": datetime.date.today().isoformat(), "reason": ""})
    assert "请填写“更正原因”。" in response.content.decode()
    response = secretary.post(url, {"amount": "20", "paid_on": datetime.date.today().isoformat(), "reason": "录错"})
    assert response.status_code == 302
    assert DuesPayment.objects.get().amount == D("20.00")
    secretary.post(url, {"amount": "20", "delete": "on", "reason": "重复登记"})
    assert not DuesPayment.objects.exists()
    assert AuditEntry.objects.filter(action=dues.DELETE).count() == 1


def test_the_member_page_shows_the_dues_card(secretary, county):
    _post(secretary, county, dues.add_months(THIS, -3), [(county.east1, "15")])
    text = secretary.get(reverse("members:detail", args=[county.east1.pk])).content.decode()
    p = dues.add_months(THIS, -3)
    assert "党费标准" in text and "每月15.00元" in text
    assert f"{p.year}年{p.month}月" in text  # 党费交至
    assert "2个月，共30.00元" in text  # the two months since, up to last month


def test_the_dashboard_and_overview_count_arrears(secretary, county):
    _post(secretary, county, dues.add_months(THIS, -3), [(county.east1, "15"), (county.east2, "90")])
    _post(secretary, county, dues.add_months(THIS, -2), [(county.east2, "90")])
    _post(secretary, county, LAST, [(county.east2, "90")])
    text = secretary.get(reverse("dashboard")).content.decode()
    assert "<b>1</b>欠交党费</a>" in text  # 张东一 owes the last two months, 张东二 nothing
    assert "<b>0</b>连续6个月以上未交党费</a>" in text
    text = secretary.get(reverse("members:dues_index")).content.decode()
    assert "东街村党支部" in text and "西街村党支部" not in text


# -- the branch dues sheet ------------------------------------------------------------------------

def _pdf_text(content):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def _paid_sheet(secretary, county):
    first = dues.add_months(THIS, -3)
    _post(secretary, county, first, [(county.east1, "15"), (county.east2, "90")])
    _post(secretary, county, dues.add_months(THIS, -2), [(county.east2, "100")])
    return first


def test_the_sheet_in_excel_read_back(secretary, county):
    first = _paid_sheet(secretary, county)
    response = secretary.post(reverse("members:dues_sheet_xlsx", args=[county.east.pk]), {"year": first.year})
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == f"党费收缴登记表（{first.year}年度）"
    head = [c.value for c in ws[3]]
    assert head[:6] == ["序号", "姓名", "交纳依据", "交纳基数（元）", "比例", "月交纳额（元）"]
    assert head[6:18] == [f"{n}月" for n in range(1, 13)]
    assert head[18:] == ["本年合计（元）", "交至年月", "欠交月数", "备注"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, max_row=5, values_only=True)}
    e2 = rows["张东二"]  # 张东二 sorts first by pinyin
    assert e2[2:6] == ("在职", 6000, "1.5%", 90)
    assert e2[5 + first.month] == 90
    assert ws.cell(row=4, column=7 + first.month - 1).number_format == "0.00"
    e1 = rows["张东一"]
    second = dues.add_months(first, 1)
    if second.year == first.year:
        assert e1[5 + second.month] == "欠交"
    assert e1[19] == dues.month_label(first) and e1[20] == 2
    assert ws.cell(row=7, column=1).value.startswith("填表人：")
    assert AuditEntry.objects.filter(action="export", reason__contains="党费收缴登记表").exists()


def test_the_sheet_in_pdf_and_on_screen(secretary, county):
    first = _paid_sheet(secretary, county)
    response = secretary.post(reverse("members:dues_sheet_pdf", args=[county.east.pk]), {"year": first.year})
    text = _pdf_text(response.content)
    assert "党费收缴登记表" in text and "东街村党支部" in text
    assert "张东一" in text and "张东二" in text and "90.00" in text and "欠交" in text
    assert "党支部书记（签字）" in text
    page = secretary.get(f"{reverse('members:dues_branch', args=[county.east.pk])}?year={first.year}").content.decode()
    assert "张东一" in page and "90.00" in page and "李西一" not in page


def test_the_sheet_of_another_branch_is_not_found(secretary, county):
    assert secretary.post(reverse("members:dues_sheet_xlsx", args=[county.west.pk])).status_code == 404
    assert secretary.get(reverse("members:dues_sheet_pdf", args=[county.east.pk])).status_code == 405
