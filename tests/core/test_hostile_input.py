"""No 500s from input: every GET parameter of every page, fed hostile values, as several roles,
answers a page (with a Chinese message where it matters) or a 4xx, never a 5xx.

The pages come from the URL resolver (tests/core/test_scope.py keeps the table of how to build
each one); the parameters come from the pages themselves: the fields of their GET forms and the
query keys of their links, so a filter added later is fed the same values without touching this."""

import datetime
import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from core import decisions
from core.models import ExportJob
from members import transfers
from members.models import ImportBatch
from tests.core.test_scope import URL_CASES
from tests.investigation.scope_cases import hostile_objects as investigation_objects
from tests.pilots.scope_cases import hostile_objects

HOSTILE = [
    "", "\x00", "a\x00b", "9" * 40, "-1", "0", "1e309", "0001-01-01", "9999-12-31", "10000-01-01",
    "2026-02-30", "１２３", "٣٤٥", "' OR '1'='1", "<script>alert(1)</script>", "%", "a" * 5000,
    "\ufffd", "\U0001f600", "../../etc/passwd", "-", "-name_pinyin",
]
# Raw query strings: bytes that are not UTF-8, broken percent escapes, repeated keys.
RAW = ["{k}=%FF%FE%FD", "{k}=%C3%28", "{k}=%zz", "{k}=1&{k}=2&{k}=%00", "{k}"]
# Files are slow to build: these get each hostile value in all their parameters at once.
HEAVY = {"members:export_xlsx", "members:export_pdf", "download_file", "ratings:annual_pdf", "ratings:entry_print",
         "ratings:sheet_print", "members:info_form", "members:info_forms", "members:import_errors",
         "members:import_template", "members:orglife_summary_xlsx",
         "members:orglife_summary_pdf", "members:mobile_stats_xlsx", "members:mobile_stats_pdf",
         *(f"investigation:{name}_{fmt}" for name in ("annex1", "annex2", "annex3", "annex4", "ledger")
           for fmt in ("xlsx", "pdf"))}
ROLES = ["admin", "secretary", "cadre"]


class _Params(HTMLParser):
    """{path: {parameter names}} from GET forms' fields and links' query strings."""

    def __init__(self, path):
        super().__init__()
        self.path, self.found, self.form = path, defaultdict(set), None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            get = (a.get("method") or "get").lower() == "get"
            self.form = (urlsplit(a.get("action") or "").path or self.path) if get else None
        elif tag in ("input", "select", "textarea") and self.form and a.get("name"):
            if a.get("type") not in ("submit", "button"):
                self.found[self.form].add(a["name"])
        elif tag == "a" and a.get("href"):
            url = urlsplit(a["href"])
            for key, _ in parse_qsl(url.query, keep_blank_values=True):
                self.found[url.path or self.path].add(key)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None


def _pages(county, user):
    """(url name, path) of every page, built with an object the user may see."""
    job = ExportJob.objects.create(user=user, exporter="roster", fmt="xlsx", title="名册.xlsx",
                                   filename="名册.xlsx", status=ExportJob.Status.DONE)
    job.file.save("x.xlsx", ContentFile(b"x"))
    rating_sheet, objection = _rating_sheet(county)
    from tests.ratings.helpers import sheet

    rated = sheet(county.east, 2026, 2, {county.east1: 2, county.east2: 5})  # 张东一: a rectification
    batch = ImportBatch.objects.create(
        user=user, branch=county.east, filename="名册.xlsx", path="/nonexistent", status=ImportBatch.Status.PREVIEWED,
        total=2, counts={"new": 1, "updated": 0, "unchanged": 0, "error": 1},
        result={"rows": [{"n": 2, "status": "new", "name": "甲", "id": "", "branch": "", "changes": [], "errors": []},
                         {"n": 3, "status": "error", "name": "乙", "id": "1", "branch": "", "changes": [],
                          "errors": [["id_number", "公民身份号码", "应为18位"]], "cells": ["乙", "1"]}],
                "columns": [[0, "姓名", "name"], [1, "身份证号", "id_number"]], "header_cells": ["姓名", "身份证号"]})
    objects = {"import_batch": batch, "org": county.east, "member": county.east1, "job": job, "decision": _decision(county),
               "account": county.sibling_secretary, "grant": county.sibling_secretary.grants.first(),
               "mobile": _mobile(county),
               "sheet": rated, "entry": rated.entries.first(), "rectification": county.east1.rectifications.get(),
               "meeting": _meeting(county),
               **hostile_objects(county), **investigation_objects(county),
               "rating_sheet": rating_sheet, "objection": objection, "letter": _letter(county)}
    for name, kind in URL_CASES.items():
        assert kind is None or kind in objects, f"tell test_hostile_input how to build a {kind} for {name}"
        yield name, reverse(name, args=[objects[kind].pk] if kind else [])
    yield "login", reverse("login")
    yield "password_change", reverse("password_change")


def _meeting(county):
    from members import orglife
    from members.models import Meeting

    return orglife.save_meeting(county.admin, Meeting(organization=county.east, kind="lecture",
                                                      held_on=datetime.date.today(), topic="党课"),
                                {county.east1.pk: (True, "", ""), county.east2.pk: (False, "illness", "")})


def _mobile(county):
    from members import mobile

    return mobile.start_outflow(county.admin, county.east2, {
        "started_on": datetime.date(2025, 3, 1), "place": "江苏省苏州市", "reason": "外出务工经商"})


def _rating_sheet(county):
    """东街村's sheet of a quarter, in publicity, with an objection."""
    from ratings import objections, services
    from ratings.models import RatingEntry

    today = datetime.date.today()
    q = services.open_quarter(county.admin, today.year, (today.month - 1) // 3 + 1, today, today)
    sheet = q.sheets.get(branch=county.east)
    services.prepare(sheet)
    RatingEntry.objects.filter(sheet=sheet).update(rated=True, study=True, basis="x")
    services.save(county.admin, sheet, [], meeting_on=today, submit=True)
    return sheet, objections.record(county.admin, sheet, text="异议")


def _letter(county):
    """A transfer waiting for the receiving side: every step of its pages is still open."""
    return transfers.start_internal(county.admin, county.west1, county.hill, reason="工作调动")


def _decision(county):
    return decisions.propose(county.admin, "suspend", county.east2, meeting_on=datetime.date.today(), grounds="失联")


def _get(client, path, query, failures):
    response = client.get(f"{path}?{query}")
    if response.status_code >= 500:
        failures.add(f"{response.status_code} for GET {path}?{query[:80]}")
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        return response.content.decode()
    return ""


def _q(key, value):
    return f"{quote(key)}={quote(value)}"


@pytest.mark.parametrize("role", ROLES)
def test_every_get_parameter_of_every_page(client, county, role):
    user = getattr(county, role)
    client.force_login(user)
    client.raise_request_exception = False  # count every 500, not only the first
    failures = set()
    pages = list(_pages(county, user))
    params = defaultdict(set)
    for name, path in pages:
        parser = _Params(path)
        parser.feed(_get(client, path, "", failures))
        for p, keys in parser.found.items():
            params[p] |= keys
    assert {"q", "org", "state", "sort", "columns"} <= params[reverse("members:roster")]
    assert {"since", "until", "kind", "action"} <= params[reverse("audit_log")]

    for name, path in pages:
        keys = sorted(params[path] | {"page"})
        # A page that reads no parameter (or builds a file) gets a few values, for the pager.
        full = bool(params[path]) and name not in HEAVY
        values, raws = (HOSTILE, RAW) if full else (HOSTILE[:6], RAW[:2])
        # One parameter at a time where the page reads any (a wrong value in one must not hide
        # another's crash); all at once for the other roles (their scope, not the parsing, differs).
        one_by_one = full and role == "admin"
        for group in ([[k] for k in keys] if one_by_one else [keys]):
            for value in values:
                _get(client, path, "&".join(_q(k, value) for k in group), failures)
            for raw in raws:
                _get(client, path, "&".join(raw.format(k=quote(k)) for k in group), failures)
    assert not failures, "\n".join(sorted(failures))


def test_out_of_range_dates_answer_in_chinese(client, county):
    client.force_login(county.admin)
    for since, until in (("0001-01-01", "9999-12-31"), ("9999-12-31", ""), ("", "0001-01-01")):
        response = client.get(reverse("audit_log"), {"since": since, "until": until})
        assert response.status_code == 200
        page = response.content.decode()
        assert "日期" in page and re.search("不能早于|不能晚于|超出", page), (since, until)
        assert not response.context["rows"]


@pytest.mark.parametrize("pk", [10**30, 2**63, -(2**63) - 1])
def test_huge_ids_in_the_address_are_not_found(client, county, pk):
    client.force_login(county.admin)
    for name, kind in URL_CASES.items():
        if kind in ("org", "member"):
            assert client.get(f"{reverse(name, args=[1]).replace('/1/', f'/{pk}/')}").status_code == 404


def test_non_utf8_and_nul_bodies(client, county):
    """A form posted with bytes that are not UTF-8, or with NUL characters, is refused with a
    message (or the page again), never a 500; nothing is saved."""
    client.force_login(county.admin)
    before = county.east1.name
    objects = {"org": county.east, "member": county.east1, "decision": _decision(county), "mobile": _mobile(county),
               "letter": _letter(county),
               None: None}
    for name, kind in URL_CASES.items():
        if kind not in objects:
            continue
        obj = objects[kind]
        path = reverse(name, args=[obj.pk] if obj else [])
        for body in (b"name=%FF%FE&reason=%C3%28&parent=%FF", b"name=\xff\xfe\x00&reason=\x00",
                     b"name=a%00b&reason=a%00b&organization=1%00"):
            response = client.post(path, body, content_type="application/x-www-form-urlencoded")
            assert response.status_code < 500, f"{response.status_code} for POST {path} {body!r}"
    county.east1.refresh_from_db()
    assert county.east1.name == before
