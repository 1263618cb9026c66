"""An internal transfer in Chromium: the secretary of 东街村 starts it from the member page, the
secretary of 西街村 confirms it from the dashboard, and the member's page shows it in 西街村 with the
transfer in its history. Screenshots (1366 and 375 px wide) go to test-artifacts/."""

import pytest

from members.models import LetterStatus, Member, TransferLetter
from tests.members.test_browser import ARTIFACTS, _login, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport, tag", [({"width": 1366, "height": 768}, "desktop"),
                                           ({"width": 375, "height": 812}, "phone")])
def test_secretary_starts_receiving_secretary_confirms(browser, live_server, county, viewport, tag):  # noqa: F811
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    _login(page, live_server, "secretary")
    page.goto(f"{live_server.url}/members/{county.east2.pk}/")
    assert page.get_by_role("link", name="转移党支部").count() == 0  # a secretary has nowhere to move to
    page.screenshot(path=ARTIFACTS / f"transfer-member-{tag}.png", full_page=True)
    page.get_by_role("link", name="县内转接").click()
    page.get_by_role("button", name="发起转接").click()
    assert page.get_by_text("请选择接收党支部。").first.is_visible()  # refused, nothing saved
    assert not TransferLetter.objects.exists()
    page.get_by_label("接收党支部").select_option(label="城关镇党委 › 西街村党支部")
    page.get_by_label("转接原因").fill("随配偶迁居西街村")
    page.screenshot(path=ARTIFACTS / f"transfer-start-{tag}.png", full_page=True)
    page.get_by_role("button", name="发起转接").click()
    page.get_by_text("等待“西街村党支部”确认接收").first.wait_for()
    page.screenshot(path=ARTIFACTS / f"transfer-pending-{tag}.png", full_page=True)
    assert Member.objects.get(pk=county.east2.pk).organization == county.east
    context.close()

    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    _login(page, live_server, "secretary2")
    page.locator(".stat", has_text="待确认接收").click()
    page.screenshot(path=ARTIFACTS / f"transfer-list-{tag}.png", full_page=True)
    page.get_by_role("link", name="查看").first.click()
    page.get_by_role("link", name="确认接收").click()
    page.get_by_role("button", name="确认接收").click()
    page.get_by_text("回执已自动登记").wait_for()
    assert page.locator(".title-row").get_by_text("已回执").is_visible()
    page.screenshot(path=ARTIFACTS / f"transfer-confirmed-{tag}.png", full_page=True)
    page.get_by_role("link", name="张东二").first.click()
    page.get_by_role("heading", name="张东二").wait_for()
    latest = page.locator("#history-title").locator("..").locator("li").first
    # waits: the heading can be drawn before the rest of a long page has been read (a busy machine)
    latest.get_by_text("确认接收", exact=True).wait_for(state="visible", timeout=10_000)
    page.locator("#placements-title").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / f"transfer-member-moved-{tag}.png", full_page=True)
    context.close()
    m = Member.objects.get(pk=county.east2.pk)
    assert m.organization == county.west
    assert TransferLetter.objects.get().status == LetterStatus.RECEIVED
