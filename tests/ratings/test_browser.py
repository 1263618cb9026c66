"""A secretary rates a 30-member branch on a 375-pixel phone (taps counted), submits it to publicity;
an anonymous visitor sees the notice on /public/; after the publicity (the clock moved forward) the
branch confirms and the five-star members appear on the public board. Screenshots in test-artifacts/."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from conftest import PASSWORD
from ratings import services
from ratings.choices import SheetState
from ratings.models import RatingEntry, RatingSheet

from .conftest import placed_members

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MAX_TAPS = 15


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def test_secretary_rates_thirty_members_on_a_phone(browser, live_server, county, monkeypatch):
    placed_members(county.east, 28)
    today = timezone.localdate()
    quarter = services.open_quarter(county.admin, today.year, (today.month - 1) // 3 + 1, today,
                                    today + datetime.timedelta(days=20))
    sheet = RatingSheet.objects.get(quarter=quarter, branch=county.east)

    page = browser.new_page(viewport={"width": 375, "height": 812}, locale="zh-CN", has_touch=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("secretary")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/ratings/")

    taps = 0

    def tap(locator):
        nonlocal taps
        taps += 1
        locator.click()

    # Opening the sheet, then the common case: everyone all five stars, then the two exceptions.
    tap(page.get_by_role("link", name="评定", exact=True))
    page.get_by_text("共 30 名").wait_for()
    order = [e.member.name for e in services.grid_entries(sheet)]
    assert len(order) == 30
    tap(page.get_by_role("button", name="全部得星"))
    first, second = order[2], order[6]
    tap(page.get_by_label(f"{first} 理论学习星"))
    tap(page.get_by_label(f"{first} 未得星依据"))
    page.keyboard.type("本季度两次未参加集中学习")
    tap(page.get_by_label(f"{second} 清正廉洁星"))
    tap(page.get_by_label(f"{second} 未得星依据"))
    page.keyboard.type("有公车私用苗头，已批评提醒")
    tap(page.get_by_label("党员评议会日期"))
    page.get_by_label("党员评议会日期").fill(f"{today - datetime.timedelta(days=2):%Y-%m-%d}")
    row = page.locator("[data-row]").nth(2)
    assert row.locator("[data-count]").inner_text() == "4星 · 合格党员"  # live, before anything is saved
    page.screenshot(path=ARTIFACTS / "ratings-grid-phone.png", full_page=False)
    tap(page.get_by_role("button", name="提交公示"))
    page.get_by_text("已提交公示").wait_for()
    assert taps <= MAX_TAPS, f"{taps} taps"
    page.screenshot(path=ARTIFACTS / "ratings-submitted-phone.png", full_page=False)

    sheet.refresh_from_db()
    assert sheet.state == SheetState.PUBLICITY
    counts = dict(RatingEntry.objects.filter(sheet=sheet).values_list("member__name", "star_count"))
    assert counts[first] == counts[second] == 4
    assert sorted(counts.values()) == [4, 4] + [5] * 28

    # An anonymous visitor on the public board sees the notice: names and stars.
    visitor = browser.new_page(viewport={"width": 375, "height": 812}, locale="zh-CN")
    visitor.goto(f"{live_server.url}/public/")
    visitor.get_by_role("link", name="东街村党支部").click()
    visitor.get_by_role("cell", name=first, exact=True).wait_for()
    body = visitor.content()
    assert county.east1.id_number not in body and "13800000000" not in body
    visitor.screenshot(path=ARTIFACTS / "ratings-public-notice-phone.png", full_page=False)

    # Before the publicity ends the branch cannot confirm.
    page.goto(f"{live_server.url}/ratings/sheets/{sheet.pk}/")
    tap_confirm = page.get_by_role("button", name="确认评定结果")
    tap_confirm.click()
    page.get_by_text("公示结束后才能确认").wait_for()

    # The clock moves past the end of the publicity: the branch confirms.
    later = sheet.publicity_ends_on + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    page.get_by_role("button", name="确认评定结果").click()
    page.get_by_text("评定结果已确认").wait_for()
    page.screenshot(path=ARTIFACTS / "ratings-confirmed-phone.png", full_page=False)
    assert RatingSheet.objects.get(pk=sheet.pk).state == SheetState.CONFIRMED

    visitor.goto(f"{live_server.url}/public/")
    visitor.get_by_text("五星党员公布").wait_for()
    names = visitor.locator(".pub-names span").all_inner_texts()
    assert sorted(names) == sorted(n for n in order if n not in (first, second))
    visitor.screenshot(path=ARTIFACTS / "ratings-public-five-star-phone.png", full_page=True)
