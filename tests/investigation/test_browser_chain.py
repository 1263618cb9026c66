"""The whole 双查 chain in Chromium, at a desk (1366) and on a phone (375): the secretary logs a
search, classifies and submits; the working group sends one member back; the secretary searches
again and resubmits; the group agrees, finishes and writes its report; the committee writes its
opinion on the lost member and signs; county staff open the forms page and download 附件3 in Excel
and PDF, read back (openpyxl, pdftotext) against the data. The printed 查找记录 and 核查情况报告 are
downloaded on the way. Screenshots: test-artifacts/investigation-chain-*.png."""

import datetime
import io
import subprocess

import openpyxl
import pytest

from investigation import services
from investigation.choices import CheckState
from investigation.models import CommitteeOpinion
from tests.members.test_browser import ARTIFACTS, _login, browser  # noqa: F401  (the fixture)

from .helpers import case_of, open_campaign, submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP, PHONE = {"width": 1366, "height": 768}, {"width": 375, "height": 812}
TODAY = datetime.date.today()


def _shot(page, name):
    page.screenshot(path=ARTIFACTS / f"investigation-chain-{name}.png", full_page=True)
    if page.viewport_size["width"] == 375:  # nothing wider than the phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1, name


def _download(page, click):
    with page.expect_download() as info:
        click()
    d = info.value
    return d.suggested_filename, open(d.path(), "rb").read()


def _pdf_text(content, mode="-layout"):
    return subprocess.run(["pdftotext", mode, "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def test_the_whole_chain_to_the_countys_annex3(browser, live_server, county):  # noqa: F811
    campaign = open_campaign(county)
    east = campaign.checks.get(branch=county.east)
    e1 = case_of(campaign, county.east1)
    base = live_server.url

    # -- the secretary, at a desk: a search, 失联, the other member 正常, submit -------------------
    sec = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    _login(sec, live_server, "secretary")
    sec.goto(f"{base}/investigation/cases/{e1.pk}/")
    sec.get_by_label("查找日期").fill((TODAY - datetime.timedelta(days=3)).isoformat())
    sec.get_by_label("查找方式").select_option("relatives")
    sec.get_by_label("查找结果").fill("其父称去外地务工，无联系方式")
    sec.get_by_role("button", name="登记查找记录").click()
    sec.get_by_text("查找记录已登记").wait_for()
    sec.get_by_label("失联").check()
    sec.get_by_label("失去联系情形").select_option("1")
    sec.get_by_label("失去联系起始日期").fill("2024-05-01")
    sec.get_by_label("处置意见").select_option("suspend")
    sec.get_by_label("党支部意见").fill("建议停止党籍")
    _shot(sec, "classify-desktop")
    sec.get_by_role("button", name="保存，下一名").click()
    sec.get_by_text("张东一：已保存排查结论").wait_for()
    sec.get_by_label("正常").check()
    sec.get_by_role("button", name="保存，下一名").click()
    sec.get_by_role("button", name="提交自查").click()
    sec.get_by_text("自查已提交").wait_for()
    _shot(sec, "submitted-desktop")

    # -- the working group sends 张东一 back ----------------------------------------------------------
    grp = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    _login(grp, live_server, "committee")
    grp.goto(f"{base}/investigation/cases/{e1.pk}/")
    grp.get_by_role("radio", name="退回").check()
    grp.get_by_label("核查说明（退回时必填）").fill("请再向村委会核实其务工地点")
    grp.get_by_role("button", name="保存核查意见，下一名").click()
    grp.get_by_text("核查意见已保存").wait_for()
    grp.goto(f"{base}/investigation/checks/{east.pk}/")
    grp.get_by_role("button", name="其余未核查的全部同意").click()
    grp.get_by_role("button", name="完成核查").click()
    grp.get_by_text("有党员被退回").wait_for()
    east.refresh_from_db()
    assert east.state == CheckState.RETURNED

    # -- the secretary, on a phone, searches again and resubmits -----------------------------------
    phone = browser.new_page(viewport=PHONE, locale="zh-CN")
    _login(phone, live_server, "secretary")
    phone.goto(f"{base}/investigation/checks/{east.pk}/")
    phone.get_by_text("工作组退回了1名党员").wait_for()
    _shot(phone, "returned-phone")
    phone.get_by_role("link", name="张东一").click()
    phone.get_by_text("工作组退回：请再向村委会核实其务工地点").wait_for()
    phone.get_by_label("查找方式").select_option("civil")
    phone.get_by_label("查找结果").fill("村委会称其2024年外出后未再回村")
    phone.get_by_role("button", name="登记查找记录").click()
    phone.get_by_text("查找记录已登记").wait_for()
    _shot(phone, "case-returned-phone")
    phone.get_by_role("button", name="保存，下一名").click()
    phone.get_by_text("张东一：已保存排查结论").wait_for()
    phone.goto(f"{base}/investigation/checks/{east.pk}/")
    phone.get_by_role("button", name="重新提交").click()
    phone.get_by_text("自查已提交").wait_for()
    _shot(phone, "resubmitted-phone")
    # the member's search record, printed from the case page
    phone.goto(f"{base}/investigation/cases/{e1.pk}/")
    name, content = _download(phone, lambda: phone.get_by_role("link", name="打印查找记录").click())
    assert name == f"查找记录_张东一_东街村党支部_2次_{TODAY:%Y%m%d}.pdf"
    text = "".join(_pdf_text(content, "-raw").split())
    assert "其父称去外地务工，无联系方式" in text and "村委会称其2024年外出后未再回村" in text

    # -- the group agrees, finishes and writes its report ------------------------------------------
    grp.goto(f"{base}/investigation/checks/{east.pk}/")
    grp.get_by_role("button", name="其余未核查的全部同意").click()
    grp.get_by_role("button", name="完成核查").click()
    grp.get_by_text("核查完成：全部同意").wait_for()
    grp.get_by_role("link", name="核查情况报告").click()
    grp.get_by_label("核查情况").fill("逐一核查了2名党员，失联1名。")
    grp.get_by_label("处理“失联”党员的初步建议").fill("张东一拟停止党籍。")
    grp.get_by_role("button", name="保存报告").click()
    grp.get_by_text("核查情况报告已保存").wait_for()
    name, content = _download(grp, lambda: grp.get_by_role("link", name="打印报告").click())
    assert name == f"核查情况报告_东街村党支部_{TODAY:%Y%m%d}.pdf"
    assert "张东一拟停止党籍。" in _pdf_text(content, "-raw")
    # 西街村, the committee's other branch, done through the services
    west = submitted(county, campaign, county.west)
    services.agree_rest(county.committee, west)
    services.finish_verification(county.committee, west)

    # -- the committee: its opinion on the lost member, its meeting, the signature -------------------
    grp.goto(f"{base}/investigation/cases/{e1.pk}/")
    grp.get_by_label("基层党委意见").fill("同意党支部意见，停止党籍")
    _shot(grp, "committee-opinion-desktop")
    grp.get_by_role("button", name="保存基层党委意见").click()
    grp.get_by_text("张东一：基层党委意见已保存").wait_for()
    opinion = CommitteeOpinion.objects.get(campaign=campaign, committee=county.town)
    grp.goto(f"{base}/investigation/opinions/{opinion.pk}/")
    grp.get_by_label("专题会议日期").fill(TODAY.isoformat())
    grp.get_by_label("会议主持人").fill("王书记")
    grp.get_by_label("初步处理意见").fill("对失联党员张东一按程序停止党籍。")
    grp.get_by_role("button", name="保存", exact=True).click()
    grp.get_by_text("初步意见已保存").wait_for()
    grp.get_by_label("签字的党(工)委书记").fill("王书记")
    grp.get_by_role("button", name="签署", exact=True).click()
    grp.get_by_text("已签署第1版").first.wait_for()
    _shot(grp, "signed-desktop")
    opinion.refresh_from_db()
    assert opinion.signed_version == 1

    # -- county staff: the forms page, 附件3 in Excel and PDF -----------------------------------------
    for viewport, tag in ((DESKTOP, "desktop"), (PHONE, "phone")):
        staff = browser.new_page(viewport=viewport, locale="zh-CN")
        _login(staff, live_server, "county")
        staff.goto(f"{base}/investigation/")
        staff.get_by_role("link", name="表格（附件1–4、台账）").click()
        staff.get_by_role("heading", name="排查表格").wait_for()
        _shot(staff, f"forms-{tag}")
    row = staff.get_by_role("row").filter(has_text="附件3")
    name, content = _download(staff, lambda: row.get_by_role("link", name="Excel").click())
    assert name == f"附件3与党组织失去联系党员情况汇总表_X县委_{TODAY:%Y%m%d}.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    total = [c.value for c in ws[6]]
    # 总计 01: 1 lost (2024-05-01: 1年至5年; ①外出务工经商), none found
    assert total == ["总计", None, "01", 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    rural = next([c.value for c in r] for r in ws.iter_rows(min_row=7) if r[1].value == "农村")
    assert rural[2:] == ["04", 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    name, content = _download(staff, lambda: row.get_by_role("link", name="PDF").click())
    assert name == f"附件3与党组织失去联系党员情况汇总表_X县委_{TODAY:%Y%m%d}.pdf"
    line = next(x for x in _pdf_text(content).splitlines() if "总计" in x)
    assert line.split()[1:] == ["01", "1", "0", "1", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0"]
