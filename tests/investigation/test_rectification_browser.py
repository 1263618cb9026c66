"""整改规范 in Chromium on a phone (375 wide): the secretary proposes 停止党籍 from the case, the
committee pre-reviews it from its to-do and approves it on the decision's page; the list at a desk.
Screenshots go to test-artifacts/ (investigation-rectify-*.png)."""

import datetime

import pytest

from investigation.models import Disposition
from members.choices import MembershipStatus
from members.models import Member
from tests.members.test_browser import ARTIFACTS, _login, browser  # noqa: F401  (the fixture)

from .test_rectification import rect  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP, PHONE = {"width": 1366, "height": 768}, {"width": 375, "height": 812}


def _shot(page, name):
    page.screenshot(path=ARTIFACTS / f"investigation-rectify-{name}.png", full_page=True)


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1  # no sideways scrolling


def test_suspend_proposed_prereviewed_and_approved_on_a_phone(browser, live_server, rect):  # noqa: F811
    phone = browser.new_page(viewport=PHONE, locale="zh-CN")
    _login(phone, live_server, "secretary")
    phone.goto(f"{live_server.url}/investigation/cases/{rect.e1.pk}/#rectify")
    phone.get_by_label("处置方式").select_option("suspend")
    phone.get_by_label("事实和依据").fill("经多方查找仍无法取得联系，支部大会讨论同意停止其党籍。")
    phone.get_by_role("button", name="提出", exact=True).click()
    phone.get_by_text("请填写讨论决定的支部大会日期").first.wait_for()
    _shot(phone, "refused-phone")
    phone.get_by_label("支部大会日期").fill(datetime.date.today().isoformat())
    phone.get_by_role("button", name="提出", exact=True).click()
    phone.get_by_text("待党(工)委预审后报上级党组织审批").wait_for()
    _shot(phone, "proposed-phone")
    _fits(phone)

    phone.context.clear_cookies()
    _login(phone, live_server, "committee")
    phone.goto(f"{live_server.url}/members/todo/")
    phone.get_by_role("link", name="张东一：停止党籍").click()
    phone.get_by_label("意见（不同意时必填）").fill("查找记录完整，同意报批")
    _shot(phone, "prereview-phone")
    _fits(phone)
    phone.get_by_role("button", name="记录预审意见").click()
    phone.get_by_text("预审意见已记录").wait_for()
    phone.get_by_role("link", name="去审批").click()
    _shot(phone, "decision-phone")
    assert Member.objects.get(pk=rect.east1.pk).membership_status == MembershipStatus.NORMAL
    phone.get_by_role("button", name="批准").first.click()
    phone.wait_for_load_state()
    assert Member.objects.get(pk=rect.east1.pk).membership_status == MembershipStatus.SUSPENDED
    disp = Disposition.objects.get()
    phone.goto(f"{live_server.url}/investigation/dispositions/{disp.pk}/")
    phone.get_by_text("已办结").first.wait_for()
    _shot(phone, "done-phone")
    _fits(phone)
    phone.goto(f"{live_server.url}/investigation/dispositions/")
    _shot(phone, "list-phone")
    _fits(phone)

    desk = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    _login(desk, live_server, "committee")
    desk.goto(f"{live_server.url}/investigation/dispositions/")
    desk.get_by_role("link", name="张东一").wait_for()
    _shot(desk, "list-desk")
