"""In Chromium, under the Content-Security-Policy: a locked login reads in Chinese, the county
administrator lifts the lock in 账号锁定, and no page breaks a CSP rule (the phone menu still opens).
Screenshots go to test-artifacts/."""

import pytest
from django.conf import settings

from conftest import PASSWORD
from tests.members.test_browser import ARTIFACTS, _login, browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _try(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport, tag", [({"width": 1366, "height": 768}, "desktop"),
                                           ({"width": 375, "height": 812}, "phone")])
def test_lock_and_lift_under_csp(browser, live_server, county, viewport, tag, monkeypatch):  # noqa: F811
    monkeypatch.setattr("accounts.lockouts.time.sleep", lambda s: None)
    violations = []
    # Two office PCs behind a proxy on this machine (127.0.0.1 is a trusted proxy by default).
    page = browser.new_page(viewport=viewport, locale="zh-CN", extra_http_headers={"X-Forwarded-For": "10.0.0.1"})
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(page, live_server, "secretary", "wrong")
    assert page.get_by_text("登录失败次数过多").is_visible()
    page.screenshot(path=ARTIFACTS / f"login-locked-{tag}.png", full_page=True)

    admin = browser.new_page(viewport=viewport, locale="zh-CN", extra_http_headers={"X-Forwarded-For": "10.0.0.2"})
    admin.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    _login(admin, live_server, "county")
    if tag == "phone":
        admin.get_by_role("button", name="菜单").click()  # app.js, loaded under the CSP
    admin.get_by_role("link", name="账号锁定").click()
    admin.get_by_text("已锁定").first.wait_for()
    admin.screenshot(path=ARTIFACTS / f"lockouts-{tag}.png", full_page=True)
    admin.locator("tr", has_text="secretary").get_by_role("button", name="解锁").click()
    admin.get_by_text("已解锁账号“secretary”").wait_for()
    admin.goto(f"{live_server.url}/members/")

    _try(page, live_server, "secretary", PASSWORD)
    assert page.url == f"{live_server.url}/"
    assert violations == []
