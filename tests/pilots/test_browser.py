"""A month of dispatch in Chromium: a tracking cadre files last month's report with one problem;
county staff download that month's dispatch pack (PDF) and find it there; this month (the next) the
cadre takes the problem through 分析 and 整改 to 解决. Screenshots (1366 and 375 wide) and the PDF's
first page as an image go to test-artifacts/."""

import datetime
import subprocess

import pytest
from django.utils import timezone

from pilots.models import Problem, month_start
from tests.members.test_browser import ARTIFACTS, _login, browser  # noqa: F401  (the fixture)

from .helpers import make_program, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP, PHONE = {"width": 1366, "height": 768}, {"width": 375, "height": 812}


def _shot(page, name):
    page.screenshot(path=ARTIFACTS / f"pilots-{name}.png", full_page=True)


def test_cadre_reports_a_problem_county_prints_the_pack_and_it_is_solved_next_month(browser, live_server,  # noqa: F811
                                                                                    county):
    program = make_program(county.admin)
    unit = make_unit(county.admin, program, county.east, county.cadre, leader="张支书")
    make_unit(county.admin, program, county.hill, county.two_grants)
    last = month_start(month_start(timezone.localdate()) - datetime.timedelta(days=1))

    cadre = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    _login(cadre, live_server, "cadre")
    cadre.goto(f"{live_server.url}/pilots/units/{unit.pk}/")
    assert "山口村" not in cadre.content()
    cadre.get_by_role("link", name="月调度汇报").click()
    cadre.get_by_label("月份").fill(f"{last:%Y-%m}")
    cadre.get_by_label("工作进展").fill("完成党员摸底和分类，召开试点推进会。")
    cadre.get_by_label("党员意见建议").fill("外出党员希望线上参加学习。")
    cadre.get_by_label("发现的问题1").fill("流动党员联系方式变更，三名党员联系不上。")
    cadre.locator("#id_owner_1").fill("张支书")
    _shot(cadre, "report-form-desktop")
    phone = browser.new_page(viewport=PHONE, locale="zh-CN")
    _login(phone, live_server, "cadre")
    phone.goto(cadre.url)
    _shot(phone, "report-form-phone")
    cadre.get_by_role("button", name="提交汇报").click()
    cadre.get_by_text(f"已提交{last.year}年{last.month}月汇报").wait_for()
    _shot(cadre, "report-desktop")
    problem = Problem.objects.get()
    assert month_start(problem.found_on) == last

    county_page = browser.new_page(viewport=DESKTOP, locale="zh-CN", accept_downloads=True)
    _login(county_page, live_server, "county")
    county_page.goto(f"{live_server.url}/pilots/{program.pk}/dispatch/?month={last:%Y-%m}")
    assert county_page.get_by_text("尚未汇报（1 个）：山口村党支部").is_visible()
    _shot(county_page, "dispatch-desktop")
    with county_page.expect_download() as download:
        county_page.get_by_role("button", name="下载调度会商材料（PDF）").click()
    pdf = ARTIFACTS / "pilots-dispatch-pack.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    assert "流动党员联系方式变更" in text and "完成党员摸底和分类" in text and "未汇报" in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / "pilots-pack")],
                   check=True)

    # The next month (this one): the problem is carried over and taken to 解决.
    cadre.goto(f"{live_server.url}/pilots/problems/{problem.pk}/")
    for note in ("联系方式随务工地点变化。", "通过村委会和亲属重新取得联系方式。"):
        cadre.get_by_label("原因分析" if note.startswith("联系方式") else "整改措施").fill(note)
        cadre.get_by_role("button", name="推进到").click()
        cadre.get_by_text("问题已推进到").wait_for()
    cadre.get_by_role("button", name="销号（已解决）").click()
    assert cadre.get_by_text("请填写解决情况。没有解决情况说明的问题不能销号。").first.is_visible()
    cadre.get_by_label("解决情况").fill("三名党员均已取得联系，纳入流动党员微信群。")
    cadre.get_by_role("button", name="销号（已解决）").click()
    cadre.get_by_text("问题已推进到“解决”").wait_for()
    _shot(cadre, "problem-solved-desktop")
    phone.goto(cadre.url)
    _shot(phone, "problem-solved-phone")
    problem.refresh_from_db()
    assert problem.stage == "solved" and problem.solved_on == timezone.localdate()

    county_page.goto(f"{live_server.url}/pilots/{program.pk}/dispatch/")
    row = county_page.get_by_role("row", name="东街村党支部")
    assert row.get_by_role("cell").nth(3).inner_text() == "1"  # carried over into this month, solved in it
    _shot(county_page, "dispatch-this-month-desktop")
    phone.goto(f"{live_server.url}/pilots/{program.pk}/")
    _shot(phone, "program-phone")
