"""Finding a member in Chromium (issue 9): on a 375×812 phone a branch secretary finds 张红梅 from
the home page by typing zhm — the taps and keystrokes are counted; on a desk the organization tree
beside the roster filters the list. Screenshots go to test-artifacts/."""

import datetime

import pytest

from conftest import bulk_members, make_member
from members.models import Member
from tests.members.test_browser import ARTIFACTS, _login, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESK = {"width": 1366, "height": 768}


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_secretary_finds_a_member_by_pinyin_initials_on_a_phone(browser, live_server, county):  # noqa: F811
    bulk_members(county.east, 40)
    hongmei = make_member(county.east, "张红梅", female=True, birth=datetime.date(1972, 4, 9))
    Member.objects.filter(pk=hongmei.pk).update(phone="13912345678")
    context = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True, is_mobile=True)
    page = context.new_page()
    _login(page, live_server, "secretary")  # lands on the home page
    taps, keys = 0, 0

    box = page.get_by_role("searchbox", name="查找党员")
    top = box.bounding_box()
    assert top["y"] + top["height"] <= PHONE["height"], "the search box is in the first screen"
    _no_sideways_scroll(page)
    page.screenshot(path=ARTIFACTS / "search-home-phone.png")

    box.tap()
    taps += 1
    for letter in "zhm":
        page.keyboard.press(letter)
        keys += 1
    page.keyboard.press("Enter")  # the keyboard's 搜索 key
    keys += 1
    page.wait_for_url("**/members/?q=zhm*")
    assert page.get_by_text("共 1 名党员").is_visible()
    row = page.locator(".roster-compact li", has_text="张红梅")
    assert row.is_visible() and not page.locator(".roster-main .table-wrap").is_visible()
    assert row.locator('a[href="tel:13912345678"]').is_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=ARTIFACTS / "search-result-phone.png", full_page=True)

    # the whole row opens the member: tap beside the name, on the category
    cat = row.locator(".rc-cat").bounding_box()
    page.touchscreen.tap(cat["x"] + cat["width"] / 2, cat["y"] + cat["height"] / 2)
    taps += 1
    page.get_by_role("heading", name="张红梅").wait_for()
    assert page.url.endswith(f"/members/{hongmei.pk}/")
    page.screenshot(path=ARTIFACTS / "search-member-phone.png")
    assert (taps, keys) == (2, 4), "two taps and the letters with the 搜索 key"

    # the roster: one line or two per member, the search box in view above the list
    page.goto(f"{live_server.url}/members/")
    assert page.get_by_label("搜索", exact=True).is_visible()
    heights = page.locator(".roster-compact li").evaluate_all("rows => rows.map(r => r.offsetHeight)")
    assert len(heights) == 43 and max(heights) <= 60, heights
    _no_sideways_scroll(page)
    page.screenshot(path=ARTIFACTS / "roster-compact-phone.png", full_page=True)
    context.close()


def test_the_desk_tree_filters_the_list(browser, live_server, county):  # noqa: F811
    bulk_members(county.west, 6)
    page = browser.new_page(viewport=DESK, locale="zh-CN")
    _login(page, live_server, "county")
    page.goto(f"{live_server.url}/members/")
    tree = page.locator(".roster-tree-box")
    assert tree.is_visible()
    assert page.get_by_text("共 10 名党员").is_visible()
    town = tree.locator("summary.tree-node", has_text="城关镇党委")
    west = tree.get_by_role("link", name="西街村党支部")
    assert town.is_visible() and not west.is_visible()  # 城关镇 is closed: its branches are not shown yet
    town.click(position={"x": 8, "y": 12})  # its ▸, not its name
    assert west.is_visible()
    assert town.locator(".tree-count").inner_text() == "9"
    page.screenshot(path=ARTIFACTS / "roster-tree-desk.png")

    west.click()
    page.wait_for_url(f"**/members/?org={county.west.pk}")
    assert page.get_by_text("共 7 名党员").is_visible()
    names = page.locator("table.list tbody td.c-name").all_inner_texts()
    assert "李西一" in names and "张东一" not in names and len(names) == 7
    current = page.locator('.roster-tree-box [aria-current="true"]')
    assert current.inner_text() == "西街村党支部" and current.is_visible()  # open on the way to it
    # the search keeps the branch chosen in the tree
    page.get_by_label("搜索", exact=True).fill("lxy")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/members/?q=lxy*")
    assert page.locator("table.list tbody td.c-name").all_inner_texts() == ["李西一"]
    assert f"org={county.west.pk}" in page.url
    page.screenshot(path=ARTIFACTS / "roster-tree-filtered-desk.png")

    # the tree folds away and the list takes the width
    list_width = page.locator(".roster-main").bounding_box()["width"]
    page.locator(".roster-tree-box > summary").click()
    assert page.locator(".roster-main").bounding_box()["width"] > list_width + 150
    page.screenshot(path=ARTIFACTS / "roster-tree-folded-desk.png")
    page.reload()  # and stays folded on the next page (static/js/roster.js)
    assert page.locator(".roster-tree-box").get_attribute("open") is None

    # on a phone the tree is not there: the 党组织 filter and the search do its work
    page.set_viewport_size(PHONE)
    page.reload()
    assert not page.locator(".roster-tree-box").is_visible()
    _no_sideways_scroll(page)
    page.close()
