"""Every page, as each role, on a 375-px phone: nothing wider than the screen, every tap target at
least 44 px high (issue 9, item 6). The crawl follows the app's own links breadth-first from the home
page, as a user would, so a new page is walked as soon as something links to it.

Run this before landing a page:  pytest -q tests/core/test_phone_crawl.py
Screenshots of every page walked go to test-artifacts/crawl/<role>-<width>/ (look at them), with
problems.txt and dead-ends.txt (links that answered 403/404)."""

import datetime
import os
import re
import shutil
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from conftest import PASSWORD, bulk_members

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "crawl"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 375, "height": 812}
DESK = {"width": 1366, "height": 768}
MIN_TAP = 44
# Screenshots of the first screen of every page; CRAWL_FULL_PAGE=1 takes whole pages (slower).
FULL_PAGE_SHOTS = os.environ.get("CRAWL_FULL_PAGE") == "1"

# The roles a county has (conftest's county fixture): organization department, a town committee, a
# village branch secretary, a tracking cadre (reads only).
# Pages walked per role (breadth-first: the lists and their first pages come first). The county's
# clerk reaches every page there is (about 80 with full_county); the others see the same templates
# with their own buttons, so fewer of theirs keep the walk near a minute on a busy machine.
ROLES = {"county": 90, "committee": 35, "secretary": 45, "cadre": 25}
DESK_PAGES = 15
# Instances of one URL name (one member page tells as much as thirty).
PER_NAME = 1
# …except where one name covers pages of different shapes (a committee's page lists branches, a
# branch's page lists members and groups).
PER_NAME_MORE = {"branches:detail": 3, "members:detail": 2}
# Not pages: files, JSON, POST-only actions, leaving the app.
SKIP_NAMES = {"logout", "download_file", "job_status", "retry_job", "import_status", "ratings:autosave",
              "accounts:revoke", "lockout_lift"}
FILE_SUFFIXES = (".xlsx", ".xls", ".pdf", ".csv", ".zip", ".docx")

# What a finger taps: links, buttons, summaries (a <details> toggle) and form controls. A checkbox or
# radio counts by its label (the label is what one taps). Skipped: what a user cannot see (no box,
# visibility hidden, a screen-reader-only 1-px box, the skip link parked off screen).
MEASURE_JS = r"""
(minTap) => {
  const out = {scrollWidth: document.documentElement.scrollWidth, small: []};
  const sel = 'a[href], button, summary, select, textarea, input:not([type=hidden])';
  const seen = new Set();
  for (const el of document.querySelectorAll(sel)) {
    let target = el;
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (el.tagName === 'INPUT' && (type === 'checkbox' || type === 'radio')) {
      const lab = el.closest('label') || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`));
      if (lab) target = lab;
    }
    if (seen.has(target)) continue;
    seen.add(target);
    const r = target.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;
    if (r.right <= 0 || r.bottom + window.scrollY <= 0) continue;
    const cs = getComputedStyle(target);
    if (cs.visibility === 'hidden' || cs.display === 'none' || Number(cs.opacity) === 0) continue;
    if (r.height < minTap) {
      const text = (target.innerText || target.value || target.getAttribute('aria-label') || target.name || '').trim();
      out.small.push({tag: target.tagName.toLowerCase(), text: text.slice(0, 40).replace(/\s+/g, ' '),
                      height: Math.round(r.height * 10) / 10, cls: target.className || ''});
    }
  }
  // The widest element, to say what overflows.
  if (out.scrollWidth > window.innerWidth) {
    let worst = null;
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 1 && (!worst || r.right > worst.right)) {
        let inScroller = false;
        for (let p = el.parentElement; p; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o === 'auto' || o === 'scroll' || o === 'hidden') { inScroller = true; break; }
        }
        if (!inScroller) worst = {right: Math.round(r.right), tag: el.tagName.toLowerCase(), cls: String(el.className),
                                  text: (el.innerText || '').trim().slice(0, 40).replace(/\s+/g, ' ')};
      }
    }
    out.widest = worst;
  }
  out.links = Array.from(document.querySelectorAll('a[href]'), a => a.href);
  return out;
}
"""


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def full_county(county):
    """The conftest county with something on every page: more members, a pending decision, a letter,
    a member working away, a meeting, an open rating quarter and a confirmed one with a
    rectification, a pilot program, and a finished export for every user."""
    from core import decisions
    from core.models import ExportJob
    from members import mobile, orglife, transfers
    from members.models import Meeting
    from ratings import services as ratings
    from ratings.criteria import ensure_defaults
    from tests.pilots.helpers import pilot_objects
    from tests.ratings.helpers import sheet

    ensure_defaults()  # a database flushed by an earlier transactional test lost migration 0002's sets
    today = datetime.date.today()
    bulk_members(county.east, 8)
    decisions.propose(county.admin, "suspend", county.east2, meeting_on=today, grounds="失联")
    transfers.issue_letter(county.admin, county.west1, addressee="某县委组织部", destination="某县某村党支部")
    mobile.start_outflow(county.admin, county.east1, {
        "started_on": datetime.date(2025, 3, 1), "place": "江苏省苏州市", "reason": "外出务工经商",
        "employer": "苏州某电子厂", "contact_person": "王经理", "contact_phone": "13700001111"})
    orglife.save_meeting(county.admin, Meeting(organization=county.east, kind="theme_day", held_on=today,
                                               topic="主题党日"), {county.east2.pk: (True, "", "")})
    sheet(county.east, 2025, 4, {county.east2: 2})  # a rectification
    q = ratings.open_quarter(county.admin, today.year, (today.month - 1) // 3 + 1, today,
                             today + datetime.timedelta(days=20))
    ratings.prepare(q.sheets.get(branch=county.east))
    pilot_objects(county)
    from core.exports import file_name

    title = file_name("党员名册", "xlsx", unit="东街村第一党小组", filters=["预备党员", "搜索-13912345678"], rows=3,
                      row_word="人")
    for user in (county.admin, county.committee, county.secretary, county.cadre):
        ExportJob.objects.create(user=user, exporter="roster", fmt="xlsx", title=title, total=3,
                                 description="人员类别：预备党员；在册状态：在册；列：序号、姓名、性别、出生日期、公民身份号码",
                                 status=ExportJob.Status.DONE)
    return county


def _page_name(path):
    """The URL's name (namespace:name), or None when it is not one of the app's pages to walk."""
    if path.endswith(FILE_SUFFIXES) or path.startswith(("/django-admin/", "/static/", "/media/")):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name
    return None if name in SKIP_NAMES else name


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def crawl(browser, base, username, viewport, max_pages):
    """Walk the app as `username`: [(url, problem)], and the number of pages walked. Links that
    answer 403 or 404 (a button the user cannot use: issue 9, item 4) go to dead-ends.txt."""
    folder = ARTIFACTS / f"{username}-{viewport['width']}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    _login(page, base, username)
    origin = urlsplit(base).netloc
    queue, queued, per_name = deque([f"{base}/"]), {"/"}, {}
    problems, dead_ends, walked = [], [], 0
    while queue and walked < max_pages:
        url = queue.popleft()
        response = page.goto(url)
        walked += 1
        path = urlsplit(url).path
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            if response is not None and response.status >= 500:
                problems.append((url, f"answered {response.status}"))
            elif response is not None and response.status in (403, 404):
                dead_ends.append((url, f"answered {response.status}"))
            continue
        found = page.evaluate(MEASURE_JS, MIN_TAP)
        slug = re.sub(r"[^a-z0-9]+", "-", (_page_name(path) or "page").lower()).strip("-")
        page.screenshot(path=folder / f"{walked:02d}-{slug}.png", full_page=FULL_PAGE_SHOTS)
        if found["scrollWidth"] > viewport["width"]:
            problems.append((url, f"page is {found['scrollWidth']} px wide; widest: {found.get('widest')}"))
        if viewport["width"] <= PHONE["width"]:
            for el in found["small"]:
                problems.append((url, f"{el['tag']} “{el['text']}” is {el['height']} px high ({el['cls']})"))
        for href in found["links"]:
            parts = urlsplit(href)
            if parts.netloc != origin:
                continue
            name = _page_name(parts.path)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if name is None or target in queued or per_name.get(name, 0) >= PER_NAME_MORE.get(name, PER_NAME):
                continue
            per_name[name] = per_name.get(name, 0) + 1
            queued.add(target)
            queue.append(f"{base}{target}")
    context.close()
    (folder / "problems.txt").write_text(_report(problems) + "\n", encoding="utf-8")
    (folder / "dead-ends.txt").write_text(_report(dead_ends) + "\n", encoding="utf-8")
    return problems, walked


def _report(problems):
    return "\n".join(f"{url}: {what}" for url, what in problems)


@pytest.mark.parametrize("role", list(ROLES))
def test_phone_pages_fit_and_tap(browser, live_server, full_county, role):
    problems, walked = crawl(browser, live_server.url, role, PHONE, ROLES[role])
    assert walked >= 10, f"only {walked} pages reachable as {role}"
    assert not problems, f"{len(problems)} problems as {role} at 375 px:\n{_report(problems)}"


def test_desk_pages_fit(browser, live_server, full_county):
    """The same walk at 1366 px, as the county's clerk: screenshots to look at; no page wider than
    the screen."""
    problems, walked = crawl(browser, live_server.url, "county", DESK, DESK_PAGES)
    assert walked >= 10
    assert not problems, _report(problems)
