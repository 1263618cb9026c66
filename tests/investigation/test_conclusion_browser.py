"""总结巩固 and the county overview in Chromium: the committee accepts on a phone (375 wide) and
reads its summary; county staff read the overview with its charts on a phone and at a desk.
Screenshots go to test-artifacts/ (investigation-conclusion-*.png, investigation-overview-*.png)."""

import pytest

from investigation.models import Acceptance
from tests.members.test_browser import ARTIFACTS, _login, browser  # noqa: F401  (the fixture)

from .helpers import open_campaign
from .test_conclusion import _signed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP, PHONE = {"width": 1366, "height": 768}, {"width": 375, "height": 812}


def _shot(page, name):
    page.screenshot(path=ARTIFACTS / f"investigation-{name}.png", full_page=True)


def _no_sideways(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1


def test_committee_accepts_on_a_phone_and_the_county_reads_the_overview(browser, live_server, county):  # noqa: F811
    campaign = open_campaign(county)
    opinion = _signed(county, campaign)
    phone = browser.new_page(viewport=PHONE, locale="zh-CN")
    _login(phone, live_server, "committee")
    phone.goto(f"{live_server.url}/investigation/opinions/{opinion.pk}/")
    phone.get_by_role("link", name="验收与总结").click()
    phone.get_by_label("验收意见").fill("逐一检查了东街村、西街村党支部的排查工作，符合要求。")
    _shot(phone, "conclusion-form-phone")
    _no_sideways(phone)
    phone.get_by_role("button", name="验收").click()
    phone.get_by_text("的排查工作已验收").wait_for()
    _shot(phone, "conclusion-phone")
    _no_sideways(phone)
    assert Acceptance.objects.get().accepter_name == "王书记"

    for viewport, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = browser.new_page(viewport=viewport, locale="zh-CN")
        _login(page, live_server, "county")
        page.goto(f"{live_server.url}/investigation/")
        page.get_by_role("link", name="排查总览").click()
        page.get_by_text("各党(工)委进度").wait_for()
        assert page.locator("svg.chart").count() == 2
        _shot(page, f"overview-{name}")
        if viewport is PHONE:
            _no_sideways(page)
        page.get_by_role("link", name="城关镇党委").first.click()
        page.get_by_text("城关镇党委 · 各党支部进度").wait_for()
        _shot(page, f"overview-committee-{name}")
        if viewport is PHONE:
            _no_sideways(page)
