"""A branch secretary's journey in Chromium: log in, filter the roster, open a member, change the
phone number, see the change in the history. Screenshots go to test-artifacts/."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from conftest import PASSWORD, bulk_members
from members.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize("viewport, tag", [({"width": 1366, "height": 768}, "desktop"),
                                           ({"width": 375, "height": 812}, "phone")])
def test_secretary_changes_a_phone_number(browser, live_server, county, viewport, tag):
    bulk_members(county.east, 12)
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    _login(page, live_server, "secretary")
    page.screenshot(path=ARTIFACTS / f"dashboard-{tag}.png", full_page=True)

    page.goto(f"{live_server.url}/members/")
    if tag == "phone":
        page.get_by_role("button", name="筛选条件").click()
    page.get_by_label("搜索").fill("张东")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/members/?*")
    assert page.get_by_text("共 2 名党员").is_visible()
    page.screenshot(path=ARTIFACTS / f"roster-filtered-{tag}.png", full_page=True)

    page.get_by_role("link", name="张东一").click()
    page.get_by_role("heading", name="张东一").wait_for()
    page.get_by_role("link", name="编辑").click()
    page.get_by_label("手机号码").fill("1390000")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_text("手机号码应为以1开头的11位数字").first.is_visible()
    page.screenshot(path=ARTIFACTS / f"member-form-error-{tag}.png", full_page=True)

    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_label("修改说明（选填）").fill("本人更换手机")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("修改已保存").wait_for()
    latest = page.locator("#history-title").locator("..").locator("li").first  # newest first
    assert latest.get_by_text("修改", exact=True).is_visible()
    assert latest.get_by_text("13800000000").is_visible()
    assert latest.get_by_text("13912345678").is_visible()
    assert latest.get_by_text("本人更换手机").is_visible()
    page.screenshot(path=ARTIFACTS / f"member-history-{tag}.png", full_page=True)
    assert Member.objects.get(pk=county.east1.pk).phone == "13912345678"

    page.goto(f"{live_server.url}/orgs/")
    page.screenshot(path=ARTIFACTS / f"tree-{tag}.png", full_page=True)
    page.close()
