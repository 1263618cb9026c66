"""The self-check in Chromium, on a phone (375 wide) and at a desk: the secretary logs a search and
classifies a member as 失联, classifies the other, submits; the working group sends one back.
Screenshots go to test-artifacts/ (investigation-*.png)."""

import pytest

from investigation.choices import CheckState
from investigation.models import Case
from tests.members.test_browser import ARTIFACTS, _login, browser  # noqa: F401  (the fixture)

from .helpers import case_of, open_campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP, PHONE = {"width": 1366, "height": 768}, {"width": 375, "height": 812}


def _shot(page, name):
    page.screenshot(path=ARTIFACTS / f"investigation-{name}.png", full_page=True)


def test_secretary_self_checks_on_a_phone_and_the_group_sends_one_back(browser, live_server, county):  # noqa: F811
    campaign = open_campaign(county)
    check = campaign.checks.get(branch=county.east)
    phone = browser.new_page(viewport=PHONE, locale="zh-CN")
    _login(phone, live_server, "secretary")
    phone.goto(f"{live_server.url}/investigation/")
    _shot(phone, "index-phone")
    phone.get_by_role("link", name="打开").click()
    phone.get_by_text("已分类 0/2").wait_for()
    _shot(phone, "check-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375 + 1  # no sideways scrolling

    phone.get_by_role("link", name="张东一").click()
    phone.get_by_label("失联").check()
    phone.get_by_label("失去联系情形").select_option("1")
    phone.get_by_label("失去联系起始日期").fill("2024-05-01")
    phone.get_by_role("button", name="保存，下一名").click()
    phone.get_by_text("分类为“失联”前，请至少登记一次查找记录").first.wait_for()
    _shot(phone, "case-refused-phone")
    phone.get_by_label("查找方式").select_option("relatives")
    phone.get_by_label("查找结果").fill("其父称去外地务工，无联系方式")
    phone.get_by_role("button", name="登记查找记录").click()
    phone.get_by_text("查找记录已登记").wait_for()
    phone.get_by_label("失联").check()
    phone.get_by_label("失去联系情形").select_option("1")
    phone.get_by_label("失去联系起始日期").fill("2024-05-01")
    _shot(phone, "case-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    phone.get_by_role("button", name="保存，下一名").click()
    phone.get_by_text("张东一：已保存排查结论").wait_for()
    assert "张东二" in phone.title()  # on to the next one
    phone.get_by_label("正常").check()
    phone.get_by_role("button", name="保存，下一名").click()
    phone.get_by_text("已分类 2/2").wait_for()
    phone.get_by_role("button", name="提交自查").click()
    phone.get_by_text("自查已提交").wait_for()
    _shot(phone, "submitted-phone")
    check.refresh_from_db()
    assert check.state == CheckState.SUBMITTED

    desk = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    _login(desk, live_server, "committee")
    desk.goto(f"{live_server.url}/investigation/cases/{case_of(campaign, county.east1).pk}/")
    desk.get_by_role("radio", name="退回").check()
    desk.get_by_label("核查说明（退回时必填）").fill("请再向村委会核实其务工地点")
    _shot(desk, "verdict-desktop")
    desk.get_by_role("button", name="保存核查意见，下一名").click()
    desk.get_by_text("核查意见已保存").wait_for()
    desk.goto(f"{live_server.url}/investigation/checks/{check.pk}/")
    desk.get_by_role("button", name="其余未核查的全部同意").click()
    desk.get_by_role("button", name="完成核查").click()
    desk.get_by_text("有党员被退回").wait_for()
    _shot(desk, "returned-desktop")
    assert Case.objects.get(pk=case_of(campaign, county.east1).pk).verdict == "return"
    phone.goto(f"{live_server.url}/investigation/checks/{check.pk}/")
    phone.get_by_text("工作组退回了1名党员").wait_for()
    _shot(phone, "returned-phone")
