"""Two people edit the same member in Chromium: the second save is refused and says, legibly on a
phone, who changed what and when. Screenshots go to test-artifacts/."""

import pytest

from core import concurrency
from members.models import Member
from tests.members.test_browser import ARTIFACTS, _login, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport, tag", [({"width": 1366, "height": 768}, "desktop"),
                                           ({"width": 375, "height": 812}, "phone")])
def test_a_stale_edit_is_refused_with_what_changed(browser, live_server, county, viewport, tag):  # noqa: F811
    url = f"{live_server.url}/members/{county.east1.pk}/edit/"
    pages = {}
    for username in ("secretary", "committee"):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        pages[username] = context.new_page()
        _login(pages[username], live_server, username)
        pages[username].goto(url)

    first = pages["secretary"]
    first.get_by_label("手机号码").fill("13711112222")
    first.get_by_role("button", name="保存").click()
    first.wait_for_url(f"**/members/{county.east1.pk}/")

    second = pages["committee"]
    second.get_by_label("备注").fill("本人已调往县医院工作")
    second.get_by_role("button", name="保存").click()
    summary = second.locator(".error-summary")
    summary.wait_for()
    text = summary.inner_text()
    assert concurrency.STALE_HEAD in text and "手机号码改为“13711112222”" in text and "secretary于" in text
    box = summary.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]  # no sideways scrolling
    summary.screenshot(path=ARTIFACTS / f"member-stale-save-{tag}.png")
    second.screenshot(path=ARTIFACTS / f"member-stale-save-page-{tag}.png", full_page=False)
    m = Member.objects.get(pk=county.east1.pk)
    assert (m.phone, m.notes) == ("13711112222", "")
