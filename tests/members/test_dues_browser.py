"""A secretary enters a month's dues for a branch of 32 in Chromium: on a phone (no sideways
scrolling, 全选未交, one save) and at a desk (arrow keys between the amounts, Enter saves).
Screenshots go to test-artifacts/."""

import datetime
from decimal import Decimal as D

import pytest

from conftest import bulk_members
from members import dues
from members.models import DuesPayment
from tests.members.test_browser import ARTIFACTS, _login, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LAST = dues.add_months(dues.current_month(), -1)


def _branch_of_32(county):
    members = [county.east1, county.east2, *bulk_members(county.east, 30)]
    for m in members:
        dues.save_standard(None, m, valid_from=dues.add_months(LAST, -2), basis="salary", income=D("4000"))
    return members


def test_a_month_for_the_whole_branch_on_a_phone(browser, live_server, county):  # noqa: F811
    _branch_of_32(county)
    page = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN").new_page()
    _login(page, live_server, "secretary")
    page.goto(f"{live_server.url}/members/dues/branch/{county.east.pk}/grid/?month={LAST:%Y-%m}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    page.screenshot(path=ARTIFACTS / "dues-grid-phone.png")
    page.get_by_role("button", name="全选未交").click()
    assert "已选 32 人，合计 1280.00 元" in page.locator("[data-grid-total]").inner_text()
    page.get_by_label("张东一的金额").fill("５０")  # full-width, as a phone keyboard may type it
    page.get_by_role("button", name=f"保存{LAST.month}月党费").click()
    page.locator(".msg-success").wait_for()
    assert "32人，合计1290.00元" in page.locator(".msg-success").inner_text()
    page.screenshot(path=ARTIFACTS / "dues-grid-phone-saved.png", full_page=False)
    assert DuesPayment.objects.filter(month=LAST).count() == 32
    assert DuesPayment.objects.get(member=county.east1).amount == D("50.00")


def test_keyboard_only_at_a_desk(browser, live_server, county):  # noqa: F811
    members = _branch_of_32(county)
    page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    _login(page, live_server, "secretary")
    page.goto(f"{live_server.url}/members/dues/branch/{county.east.pk}/grid/?month={LAST:%Y-%m}")
    first = page.locator("input[name^=amount_]").first
    first.focus()
    page.keyboard.press("ArrowDown")
    second_name = page.evaluate("document.activeElement.name")
    assert second_name == page.locator("input[name^=amount_]").nth(1).get_attribute("name")
    page.keyboard.type("60")  # typing an amount ticks the member
    page.keyboard.press("Enter")
    page.locator(".msg-success").wait_for()
    page.screenshot(path=ARTIFACTS / "dues-grid-desktop-saved.png")
    paid = DuesPayment.objects.get(month=LAST)
    assert paid.amount == D("60.00") and str(paid.member_id) == second_name.split("_")[1]
    assert paid.paid_on == datetime.date.today()
    assert len(members) == 32
