"""A decision in Chromium: the branch secretary proposes 停止党籍 for a member, the committee user
approves it, and the member's page shows the decision and its history. Screenshots (1366 and 375
px wide) go to test-artifacts/."""

import datetime

import pytest

from core.models import Decision
from members.choices import MembershipStatus
from members.models import Member
from tests.members.test_browser import ARTIFACTS, _login, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport, tag", [({"width": 1366, "height": 768}, "desktop"),
                                           ({"width": 375, "height": 812}, "phone")])
def test_secretary_proposes_committee_approves(browser, live_server, county, viewport, tag):  # noqa: F811
    meeting = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    _login(page, live_server, "secretary")
    page.goto(f"{live_server.url}/members/{county.east1.pk}/")
    page.get_by_role("link", name="提出决定").click()
    page.get_by_label("决定类别").select_option(label="停止党籍")
    page.get_by_label("支部大会日期").fill(meeting)
    page.get_by_role("button", name="提交上级审批").click()
    assert page.get_by_text("请填写事实和依据").first.is_visible()  # refused, nothing saved
    assert not Decision.objects.exists()
    page.screenshot(path=ARTIFACTS / f"decision-propose-error-{tag}.png", full_page=True)
    page.get_by_label("事实和依据").fill("自2025年3月起失去联系，经多方查找仍无法取得联系，支部大会表决通过。")
    page.get_by_role("button", name="提交上级审批").click()
    page.get_by_text("待上级党组织审批").first.wait_for()
    assert page.locator(".decision").get_by_text("待审批").is_visible()
    assert Member.objects.get(pk=county.east1.pk).membership_status == MembershipStatus.NORMAL
    page.screenshot(path=ARTIFACTS / f"decision-proposed-{tag}.png", full_page=True)
    context.close()

    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    _login(page, live_server, "committee")
    assert page.locator(".stat", has_text="待我审批").get_by_text("1", exact=True).is_visible()
    page.screenshot(path=ARTIFACTS / f"decision-dashboard-{tag}.png", full_page=True)
    page.locator(".stat", has_text="待我审批").click()
    page.get_by_role("link", name="审批", exact=True).click()
    page.get_by_label("审批意见（不予批准时必填）").fill("同意停止其党籍。")
    page.screenshot(path=ARTIFACTS / f"decision-approve-{tag}.png", full_page=True)
    page.get_by_role("button", name="批准", exact=True).click()
    page.get_by_text("“停止党籍”已批准（张东一）").wait_for()
    page.get_by_role("link", name="张东一").first.click()
    page.get_by_role("heading", name="张东一").wait_for()
    section = page.locator(".decision").first
    assert section.get_by_text("已批准").is_visible()
    assert section.get_by_text("提交审批").is_visible() and section.get_by_text("同意停止其党籍。").is_visible()
    assert page.locator(".title-row").get_by_text("停止党籍").is_visible()
    latest = page.locator("#history-title").locator("..").locator("li").first
    assert latest.get_by_text("批准", exact=True).is_visible()
    page.locator("#decisions-title").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / f"decision-member-{tag}.png", full_page=True)
    context.close()
    m = Member.objects.get(pk=county.east1.pk)
    assert m.membership_status == MembershipStatus.SUSPENDED and m.membership_status_on == datetime.date.today()
