"""Issue 9 in Chromium on a 375×812 phone and a 1366×768 desk: registering a member in at most 12
taps plus the typing of the facts, a quick phone edit, the state change's confirmation, and the
organization tree picker. Taps (clicks on elements) and keystrokes are counted; screenshots go
to test-artifacts/."""

import datetime

import pytest

from conftest import make_id, make_org
from members.models import Member
from tests.members.test_browser import ARTIFACTS, _login, browser  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 812}
DESK = {"width": 1366, "height": 768}


class Hands:
    """A user's taps and keystrokes on a page."""

    def __init__(self, page):
        self.page, self.taps, self.keys = page, 0, 0

    def tap(self, locator):
        locator.click()
        self.taps += 1

    def type_into(self, locator, text):
        self.tap(locator)  # tapping into the field
        self.page.keyboard.type(text)
        self.keys += len(text)

    def choose(self, locator, value):
        locator.select_option(value)  # opening the list, then the choice
        self.taps += 2


def _shown(items):
    return [t.strip() for t in items.evaluate_all(
        "els => els.filter(e => !e.closest('li').hidden).map(e => e.textContent)")]


def _no_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_register_a_member_on_a_phone_in_at_most_12_taps(browser, live_server, county):  # noqa: F811
    page = browser.new_page(viewport=PHONE, locale="zh-CN", has_touch=True)
    _login(page, live_server, "secretary")
    page.goto(f"{live_server.url}/members/")
    hands = Hands(page)
    hands.tap(page.get_by_role("link", name="登记党员").first)
    page.get_by_role("heading", name="登记党员").wait_for()
    number = make_id(datetime.date(1986, 4, 9), female=True)
    hands.type_into(page.get_by_label("姓名"), "刘春梅")
    hands.type_into(page.get_by_label("公民身份号码"), f"{number[:6]} {number[6:14]} {number[14:]}")
    assert page.get_by_text("出生日期 1986-04-09 · 性别 女（由公民身份号码得出）").is_visible()
    hands.tap(page.get_by_text("正式党员", exact=True))
    hands.type_into(page.get_by_label("入党日期"), "20100701")
    hands.type_into(page.get_by_label("转正日期（正式党员填写）"), "2011.7.1")
    hands.choose(page.get_by_label("工作岗位"), "farmer")
    hands.type_into(page.get_by_label("手机号码（选填）"), "139 1234 5678")
    assert page.get_by_label("所在党支部").inner_text() == "东街村党支部"  # the secretary's own branch, chosen
    _no_overflow(page)
    page.screenshot(path=ARTIFACTS / "register-phone-filled.png", full_page=True)
    hands.tap(page.get_by_role("button", name="保存"))
    page.get_by_text("已登记党员“刘春梅”").wait_for()
    page.screenshot(path=ARTIFACTS / "register-phone-done.png", full_page=True)
    m = Member.objects.get(name="刘春梅")
    assert (m.birth_date, m.gender, m.id_number, m.phone) == (datetime.date(1986, 4, 9), "女", number, "13912345678")
    assert (m.joined_on, m.full_member_on, m.organization_id) == (datetime.date(2010, 7, 1), datetime.date(2011, 7, 1),
                                                                  county.east.pk)
    print(f"registration: {hands.taps} taps, {hands.keys} keystrokes")
    assert hands.taps <= 12
    page.close()


def test_change_a_phone_number_from_the_member_page(browser, live_server, county):  # noqa: F811
    page = browser.new_page(viewport=PHONE, locale="zh-CN", has_touch=True)
    _login(page, live_server, "secretary")
    page.goto(f"{live_server.url}/members/{county.east1.pk}/")
    page.screenshot(path=ARTIFACTS / "member-page-phone.png", full_page=True)
    hands = Hands(page)
    hands.tap(page.get_by_role("link", name="手机号码", exact=True))  # the line of common changes at the top
    page.get_by_role("heading", name="修改手机号码：张东一").wait_for()
    assert page.get_by_label("新的手机号码").input_value() == ""  # typed whole, the old one shown above
    assert page.evaluate("document.activeElement.name") == "phone"  # focused: no tap to type
    page.keyboard.type("13912345678")
    hands.keys += 11
    page.screenshot(path=ARTIFACTS / "quick-phone.png", full_page=True)
    hands.tap(page.get_by_role("button", name="保存"))
    page.get_by_text("手机号码已保存").wait_for()
    latest = page.locator("#history-title").locator("..").locator("li").first
    assert latest.get_by_text("13800000000").is_visible() and latest.get_by_text("13912345678").is_visible()
    assert hands.taps <= 2
    page.close()


def test_state_change_confirms_its_consequence(browser, live_server, county):  # noqa: F811
    page = browser.new_page(viewport=PHONE, locale="zh-CN", has_touch=True)
    _login(page, live_server, "secretary")
    page.goto(f"{live_server.url}/members/{county.east2.pk}/state/")
    assert not page.get_by_role("radio", name="去世").is_checked()
    page.get_by_text("去世", exact=True).click()
    page.get_by_label("变更日期").fill("2026年1月5日")
    page.get_by_label("变更理由").fill("病故，有死亡证明")
    page.screenshot(path=ARTIFACTS / "state-form-phone.png", full_page=True)
    page.get_by_role("button", name="下一步：确认变更").click()
    page.get_by_text("确认后将会").wait_for()
    _no_overflow(page)
    page.screenshot(path=ARTIFACTS / "state-confirm-phone.png", full_page=True)
    assert Member.objects.get(pk=county.east2.pk).roll_state == "on_roll"
    page.get_by_role("button", name="确认变更为“去世”").click()
    page.get_by_text("在册状态已变更").wait_for()
    assert Member.objects.get(pk=county.east2.pk).roll_state == "deceased"
    page.close()


@pytest.mark.parametrize("viewport, tag", [(PHONE, "phone"), (DESK, "desk")])
def test_the_organization_picker_filters_the_tree(browser, live_server, county, viewport, tag):  # noqa: F811
    for name in ("南街村党支部", "北街村党支部", "城东社区党支部"):
        make_org(name, "branch", county.town)
    make_org("山前村党支部", "branch", county.other_town)
    page = browser.new_page(viewport=viewport, locale="zh-CN", has_touch=tag == "phone")
    _login(page, live_server, "county")
    page.goto(f"{live_server.url}/members/{county.east1.pk}/move/")
    picker = page.get_by_label("转入党支部")
    assert picker.inner_text() == "请选择党支部"
    assert page.locator("select[name=branch]").is_hidden()  # enhanced: the tree picker instead
    picker.click()
    items = page.locator(".orgpicker-item")
    assert items.filter(has_text="山口村党支部").is_visible()
    page.screenshot(path=ARTIFACTS / f"orgpicker-open-{tag}.png", full_page=True)
    page.get_by_label("筛选党组织").fill("sk")  # pinyin initials: 山口村党支部 = skcdzb
    assert _shown(items) == ["山口村党支部"]
    page.get_by_label("筛选党组织").fill("街村")
    assert sorted(_shown(items)) == sorted(["西街村党支部", "南街村党支部", "北街村党支部"])
    _no_overflow(page)
    page.screenshot(path=ARTIFACTS / f"orgpicker-filtered-{tag}.png", full_page=True)
    items.filter(has_text="南街村党支部").click()
    assert picker.inner_text() == "南街村党支部"
    page.get_by_label("转移理由").fill("随工作调动")
    page.get_by_role("button", name="确认转移").click()
    page.get_by_text("已将“张东一”转入“南街村党支部”").wait_for()
    assert Member.objects.get(pk=county.east1.pk).organization.name == "南街村党支部"
    page.close()


@pytest.mark.parametrize("viewport, tag", [(PHONE, "phone"), (DESK, "desk")])
def test_registration_form_as_the_county(browser, live_server, county, viewport, tag):  # noqa: F811
    """The county's form: the picker over every branch, the folded part opened, the date calendar button."""
    page = browser.new_page(viewport=viewport, locale="zh-CN", has_touch=tag == "phone")
    _login(page, live_server, "county")
    page.goto(f"{live_server.url}/members/new/")
    page.get_by_text("更多信息（选填，或已有默认值）").click()
    assert page.get_by_label("现居住地（选填）").is_visible()
    assert page.get_by_role("button", name="日历").first.is_visible()
    page.get_by_label("所在党支部").click()
    page.get_by_label("筛选党组织").fill("djc")
    _no_overflow(page)
    page.screenshot(path=ARTIFACTS / f"register-county-{tag}.png", full_page=True)
    page.get_by_role("button", name="东街村党支部").click()
    assert page.locator("select[name=organization]").input_value() == str(county.east.pk)
    # the organization's groups are offered in the folded part (a plain select)
    assert page.get_by_label("所在党小组（选填）").is_visible()
    page.close()
