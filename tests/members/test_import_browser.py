"""A branch secretary imports a roster file in Chromium: the preview shows one error row, the commit
writes the others, and the new members are on the roster. Screenshots go to test-artifacts/."""

import datetime

import pytest

from members.models import Member

from .import_files import national_row, workbook
from .test_browser import ARTIFACTS, _login, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport, tag", [({"width": 1366, "height": 768}, "desktop"),
                                           ({"width": 375, "height": 812}, "phone")])
def test_secretary_imports_a_roster(browser, live_server, county, viewport, tag, tmp_path):  # noqa: F811
    rows = [national_row(1, "导入甲", "东街村党支部"),
            national_row(2, "导入乙", "东街村党支部", female=True, birth=datetime.date(1992, 6, 1)),
            national_row(3, "导入丙", "东街村党支部", id_number="1.23457E+17")]
    path = tmp_path / "东街村党员名册.xlsx"
    path.write_bytes(workbook(rows))

    page = browser.new_page(viewport=viewport, locale="zh-CN")
    _login(page, live_server, "secretary")
    page.goto(f"{live_server.url}/members/")
    page.get_by_role("link", name="导入名册").click()
    page.get_by_role("heading", name="导入党员名册").wait_for()
    page.get_by_label("党员名册文件（.xlsx 或 .xls）").set_input_files(str(path))
    page.screenshot(path=ARTIFACTS / f"import-upload-{tag}.png", full_page=True)
    page.get_by_role("button", name="上传并预览").click()

    page.get_by_role("heading", name="导入预览：东街村党员名册.xlsx").wait_for()
    stats = page.get_by_label("预览统计")
    assert stats.get_by_role("link", name="2 新增").is_visible()
    assert stats.get_by_role("link", name="1 错误").is_visible()
    assert page.get_by_text("后几位已丢失").is_visible()
    page.screenshot(path=ARTIFACTS / f"import-preview-{tag}.png", full_page=True)
    assert not Member.objects.filter(name__startswith="导入").exists()

    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("导入完成：新增 2 名").wait_for()
    page.screenshot(path=ARTIFACTS / f"import-done-{tag}.png", full_page=True)
    page.get_by_role("link", name="查看党员名册").click()
    page.wait_for_url("**/members/**")
    assert page.get_by_role("link", name="导入甲").is_visible()
    assert page.get_by_role("link", name="导入乙").is_visible()
    page.screenshot(path=ARTIFACTS / f"import-roster-{tag}.png", full_page=True)
    assert Member.objects.filter(name__startswith="导入", organization=county.east).count() == 2
    page.close()
