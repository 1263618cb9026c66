"""Scope: walk every URL as a user of a sibling branch, of another committee, and as a person with
two grants in different committees; nothing leaks.

Every named URL of the project must appear in URL_CASES, so a new page cannot be added without
being walked here."""

import datetime
import io
import subprocess

import openpyxl
import pytest
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import seen
from core import decisions
from core.models import ExportJob
from members import transfers
from members.models import ImportBatch
from ratings.models import Rectification
from tests.investigation.scope_cases import INVESTIGATION_POSTED, INVESTIGATION_URL_CASES, investigation_targets
from tests.pilots.scope_cases import PILOT_URL_CASES, pilot_targets

# name -> how to build it: "list" (no object), or the attribute of the county fixture naming the
# object whose pk goes in the URL.
URL_CASES = {
    "dashboard": None,
    "downloads": None,
    "audit_log": None,
    "download_file": "job",
    "job_status": "job",
    "retry_job": "job",
    "branches:tree": None,
    "branches:create": None,
    "branches:detail": "org",
    "branches:edit": "org",
    "branches:move": "org",
    "branches:dissolve": "org",
    "members:roster": None,
    "members:export_xlsx": None,
    "members:export_pdf": None,
    "members:create": None,
    "members:detail": "member",
    "members:edit": "member",
    "members:quick": "member",
    "members:move": "member",
    "members:state": "member",
    "members:move_all": "org",
    "members:dues_index": None,
    "members:dues_branch": "org",
    "members:dues_grid": "org",
    "members:dues_sheet_xlsx": "org",
    "members:dues_sheet_pdf": "org",
    "members:dues_member": "member",
    "members:dues_standard": "member",
    "members:dues_correct": "member",
    "members:propose": "member",
    "members:probation": None,
    "members:import": None,
    "members:import_template": None,
    "members:import_detail": "import_batch",
    "members:import_status": "import_batch",
    "members:import_commit": "import_batch",
    "members:import_errors": "import_batch",
    "members:info_form": "member",
    "members:info_forms": "org",
    "members:todo": None,
    "members:contact": "member",
    "members:meetings": None,
    "members:meeting_create": None,
    "members:meeting_detail": "meeting",
    "members:meeting_edit": "meeting",
    "members:meeting_delete": "meeting",
    "members:orglife_summary": None,
    "members:orglife_summary_xlsx": None,
    "members:orglife_summary_pdf": None,
    "members:letter_out": "member",
    "members:transfer_start": "member",
    "members:transfers": None,
    "members:transfer_in": None,
    "members:letter": "letter",
    "members:letter_pdf": "letter",
    "members:letter_receipt": "letter",
    "members:letter_confirm": "letter",
    "members:letter_cancel": "letter",
    "decisions": None,
    "decision_detail": "decision",
    "decision_withdraw": "decision",
    "accounts:list": None,
    "accounts:create": None,
    "accounts:detail": "account",
    "accounts:edit": "account",
    "accounts:reset_password": "account",
    "accounts:active": "account",
    "accounts:grant": "account",
    "accounts:revoke": "grant",
    "lockouts": None,  # the county's only: 403 for everyone else
    "members:mobile_ledger": None,
    "members:mobile_export_xlsx": None,
    "members:mobile_export_pdf": None,
    "members:mobile_in": None,
    "members:mobile_stats": None,
    "members:mobile_stats_xlsx": None,
    "members:mobile_stats_pdf": None,
    "members:mobile_out": "member",
    "members:mobile_detail": "mobile",
    "members:mobile_report": "mobile",
    "members:mobile_end": "mobile",
    "members:mobile_edit": "mobile",
    "ratings:overview": None,
    "ratings:shortlist": None,
    "ratings:rectifications": None,
    "ratings:rectification": "rectification",
    "ratings:rectification_note": "rectification",
    "ratings:annual": None,
    "ratings:annual_xlsx": None,
    "ratings:annual_pdf": None,
    "ratings:entry_print": "entry",
    "ratings:sheet_print": "sheet",
    **PILOT_URL_CASES,
    **INVESTIGATION_URL_CASES,
    # the investigation's forms (?campaign=&org=: the newest campaign and the user's organization by default)
    **{f"investigation:{name}": None for name in ("forms", "annex1_xlsx", "annex1_pdf", "annex2_xlsx", "annex2_pdf",
                                                  "annex3_xlsx", "annex3_pdf", "annex4_xlsx", "annex4_pdf",
                                                  "ledger_xlsx", "ledger_pdf")},
    "ratings:index": None,
    "ratings:open_quarter": None,  # the county's only: 403 for everyone else
    "ratings:criteria": None,
    "ratings:criteria_edit": None,  # the county's only
    "ratings:sheet": "rating_sheet",
    "ratings:autosave": "rating_sheet",
    "ratings:confirm": "rating_sheet",
    "ratings:notice_pdf": "rating_sheet",
    "ratings:objection_add": "rating_sheet",
    "ratings:objection_answer": "objection",
}
# Started by a POST of the roster's filters (a GET answers 405).
POSTED = {"members:export_xlsx", "members:export_pdf", "members:mobile_export_xlsx", "members:mobile_export_pdf",
          "ratings:open_quarter", *INVESTIGATION_POSTED}
# The public board (党务公开栏): open to anyone, no login; it shows names, branches and stars only
# (tests/ratings/test_public.py checks what it shows).
PUBLIC = {"public:board", "public:notice", "public:objection"}
# Pages that are not scoped data: auth and the superuser-only admin (tested in accounts).
NOT_SCOPED = {"login", "logout", "password_change", "password_change_done",
              "lockout_lift"}  # POST only, the county's only (tests/accounts/test_lockouts.py)


def _named_urls(resolver=None, ns=""):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            if p.app_name == "admin":
                continue
            yield from _named_urls(p, f"{p.namespace}:" if p.namespace else ns)
        elif isinstance(p, URLPattern) and p.name:
            yield ns + p.name


def test_every_url_is_walked():
    assert set(_named_urls()) - NOT_SCOPED - PUBLIC == set(URL_CASES)


def test_anonymous_reaches_only_the_public_board(client, county):
    """Without login every walked URL sends to the login page; the public ones answer."""
    for name, kind in URL_CASES.items():
        arg = "00000000-0000-0000-0000-000000000001" if kind in ("job", "import_batch") else 1
        url = reverse(name) if kind is None else reverse(name, args=[arg])
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name
    assert client.get(reverse("public:board")).status_code == 200


# (viewer, the objects it must never see; accounts: those it may not manage)
ALL_ACCOUNTS = ["admin", "committee", "other_committee", "secretary", "sibling_secretary", "cadre", "two_grants"]
VIEWERS = {
    # A secretary may read its own parent committee's name (its branch page shows it), not a sibling's.
    "sibling_secretary": {"orgs": ["east", "east_group", "other_town", "hill"], "members": ["east1", "east2", "hill1"],
                          "accounts": ALL_ACCOUNTS},
    # A committee manages the accounts whose grants all lie in its subtree: not 城关镇's, not the county's,
    # not a person whose second grant lies in 青山乡.
    "other_committee": {"orgs": ["town", "east", "west", "east_group"], "members": ["east1", "east2", "west1"],
                        "accounts": ["admin", "committee", "secretary", "sibling_secretary", "cadre", "two_grants"]},
    # Secretary of 东街村 and tracking cadre of 山口村 (two committees): nothing of 西街村.
    "two_grants": {"orgs": ["west"], "members": ["west1"], "accounts": ALL_ACCOUNTS},
}


def _hidden_followups(members):
    """Ratings of the hidden members' branches: 2025 Q4 two stars (a rectification; the default year
    of 年终定星), 2026 Q1 five stars (the newest quarter: overview and commendation shortlist)."""
    from tests.ratings.helpers import sheet

    by_branch = {}
    for m in members:
        by_branch.setdefault(m.organization, []).append(m)
    sheets = []
    for branch, ms in by_branch.items():
        sheets.append(sheet(branch, 2025, 4, dict.fromkeys(ms, 2)))
        sheets.append(sheet(branch, 2026, 1, dict.fromkeys(ms, 5)))
    assert Rectification.objects.filter(member__in=members).count() == len(members)
    return sheets


def _pdf_text(content):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def _xlsx_text(content):
    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(str(v) for row in wb.active.iter_rows(values_only=True) for v in row if v is not None)


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _text(response):
    content = _body(response)
    ctype = response.get("Content-Type", "")
    if ctype.startswith("application/pdf"):
        return _pdf_text(content)
    if "spreadsheet" in ctype:
        return _xlsx_text(content)
    return content.decode()


def _hidden(county, viewer):
    spec = VIEWERS[viewer]
    return [getattr(county, n) for n in spec["orgs"]], [getattr(county, n) for n in spec["members"]]


def _hidden_meetings(county, hidden_orgs, hidden_members):
    from members import orglife
    from members.models import Meeting

    out = []
    for org in hidden_orgs:
        attendees = {m.pk: (True, "", "") for m in hidden_members if m.organization_id == org.pk}
        if attendees:
            out.append(orglife.save_meeting(county.admin, Meeting(
                organization=org, kind="theme_day", held_on=datetime.date.today(), topic="主题党日"), attendees))
    return out


@pytest.mark.parametrize("viewer", list(VIEWERS))
@pytest.mark.parametrize("name", list(URL_CASES))
def test_no_leak(client, county, viewer, name, django_user_model):
    user = getattr(county, viewer)
    hidden_orgs, hidden_members = _hidden(county, viewer)
    pilot = pilot_targets(county, hidden_orgs)  # pilot units on the hidden organizations
    investigation = investigation_targets(county, hidden_orgs, hidden_members)  # a campaign over the county
    # A finished export of someone else (the county admin), holding every member.
    owner_job = ExportJob.objects.create(user=county.admin, exporter="roster", fmt="xlsx", title="x.xlsx",
                                         status=ExportJob.Status.DONE)
    # A pending decision about every hidden member, proposed by the county (so lists have some).
    hidden_decisions = [
        decisions.propose(county.admin, "suspend", m, meeting_on=datetime.date.today(), grounds="失联")
        for m in hidden_members
    ]
    hidden_periods = _mobile_periods(county, hidden_members, hidden_orgs) if name.startswith("members:mobile") else []
    rating_sheets = _hidden_followups(hidden_members)
    # A meeting of every hidden branch, attended by its hidden members (组织生活's pages).
    hidden_meetings = (_hidden_meetings(county, hidden_orgs, hidden_members)
                       if name.startswith(("members:meeting", "members:orglife", "members:todo", "members:contact")) else [])
    # An introduction letter out of the county for every hidden member (lists and letter pages).
    hidden_letters = [
        transfers.issue_letter(county.admin, m, addressee="某县委组织部", destination="某县某村党支部")
        for m in hidden_members
    ] if URL_CASES[name] in (None, "letter") else []
    client.force_login(user)
    kind = URL_CASES[name]

    if kind is None:
        for params in ("", "?state=all", "?q=张", "?columns=name&columns=branch&columns=id_number", "?show=all"):
            if name in POSTED:
                response = client.post(reverse(name), dict(QueryDict(params.lstrip("?")).lists()))
            else:
                response = client.get(reverse(name) + params)
            if response.status_code == 302:  # a list that went to the background: follow to 我的下载
                response = client.get(response.url)
            assert response.status_code in (200, 403), (name, response.status_code)
            text = _text(response)
            for m in hidden_members:
                assert m.name not in text, f"{name}{params} shows {m.name} to {viewer}"
                assert m.id_number not in text
            for o in hidden_orgs:
                assert o.name not in text, f"{name}{params} shows {o.name} to {viewer}"
        return

    hidden_accounts = [getattr(county, n) for n in VIEWERS[viewer]["accounts"]]
    # Someone else's import (the county admin's) whose preview names every hidden member.
    owner_import = ImportBatch.objects.create(
        user=county.admin, filename="x.xlsx", path="/nonexistent", status=ImportBatch.Status.PREVIEWED,
        counts={"new": 0, "updated": 0, "unchanged": 0, "error": len(hidden_members)},
        result={"rows": [{"n": i, "status": "error", "name": m.name, "id": m.id_number, "branch": "",
                          "changes": [], "errors": [["", "", "x"]], "cells": [m.name]}
                         for i, m in enumerate(hidden_members)]})
    targets = {"job": [owner_job], "import_batch": [owner_import],
               "org": hidden_orgs, "member": hidden_members, "decision": hidden_decisions,
               "account": hidden_accounts, "grant": [g for a in hidden_accounts for g in a.grants.all()],
               "mobile": hidden_periods, "meeting": hidden_meetings, "letter": hidden_letters,
               "sheet": rating_sheets, "entry": [e for s in rating_sheets for e in s.entries.all()],
               "rectification": list(Rectification.objects.filter(member__in=hidden_members)),
               **pilot, **investigation}.get(kind)
    if kind in ("rating_sheet", "objection"):
        targets = _hidden_ratings(county, hidden_orgs)[kind]
    for obj in targets:
        url = reverse(name, args=[obj.pk])
        assert client.get(url).status_code == 404, f"GET {url} as {viewer}"
        assert client.post(url, {"reason": "x"}).status_code in (404, 405), f"POST {url} as {viewer}"


def _mobile_periods(county, members, orgs):
    """An out-flow of every hidden member and an in-flow into every hidden branch (members/mobile.py)."""
    from conftest import make_id
    from members import mobile

    common = {"started_on": datetime.date(2025, 3, 1), "place": "江苏省苏州市", "reason": "外出务工经商",
              "employer": "苏州某电子厂", "contact_person": "王经理", "contact_phone": "13700001111"}
    periods = [mobile.start_outflow(county.admin, m, common) for m in members]
    for org in orgs:
        if org.kind == "branch":
            periods.append(mobile.register_inflow(county.admin, {
                **common, "organization": org, "name": f"流入{org.name[:2]}", "gender": "男",
                "id_number": make_id(datetime.date(1985, 1, 2)), "joined_on": datetime.date(2010, 7, 1),
                "category": "full", "home_org": "湖北省某村党支部"}))
    return periods
def _hidden_ratings(county, hidden_orgs):
    """The rating sheets of the hidden branches, submitted to publicity, each with an objection."""
    from ratings import objections, services
    from ratings.models import RatingEntry

    today = datetime.date.today()
    q = services.open_quarter(county.admin, today.year, (today.month - 1) // 3 + 1, today, today)
    sheets = list(q.sheets.filter(branch__in=hidden_orgs))
    for sheet in sheets:
        services.prepare(sheet)
        entries = services.grid_entries(sheet)
        for e in entries:
            e.rated = e.study = True
            e.basis = "x"
        RatingEntry.objects.bulk_update(entries, ["rated", "study", "basis"])
        services.save(county.admin, sheet, [], meeting_on=today, submit=True)
    objs = [objections.record(county.admin, s, text="异议") for s in sheets]
    return {"rating_sheet": sheets, "objection": objs}


def test_filter_naming_out_of_scope_org_returns_nothing(client, county):
    client.force_login(county.sibling_secretary)
    response = client.get(reverse("members:roster"), {"org": county.east.pk})
    assert response.status_code == 200
    assert "所选党组织不存在或不在您的管理范围内" in response.content.decode()
    assert "张东一" not in response.content.decode()
    export = client.post(reverse("members:export_xlsx"), {"org": county.east.pk})
    # nothing in scope: no file at all (an export of 0 rows is not made), and no name anywhere
    assert not export.has_header("Content-Disposition") and "张东一" not in export.content.decode()


def test_tampered_post_naming_out_of_scope_branch_is_refused(client, county):
    from members.models import Member

    client.force_login(county.sibling_secretary)
    before = Member.objects.count()
    response = client.post(reverse("members:create"), {"name": "赵伪造", "organization": county.east.pk})
    assert response.status_code == 200
    assert "所选党支部不存在或不在您的管理范围内" in response.content.decode()
    assert Member.objects.count() == before

    response = client.post(reverse("members:move", args=[county.west1.pk]),
                           {"branch": county.hill.pk, "reason": "调动", **seen(county.west1)})
    assert "所选党支部不存在或不在您的管理范围内" in response.content.decode()
    county.west1.refresh_from_db()
    assert county.west1.organization == county.west

    client.force_login(county.other_committee)
    response = client.post(reverse("branches:move", args=[county.hill.pk]),
                           {"parent": county.town.pk, "reason": "调整", **seen(county.hill)})
    assert "所选党组织不存在或不在您的管理范围内" in response.content.decode()
    county.hill.refresh_from_db()
    assert county.hill.parent == county.other_town


def test_committee_sees_its_whole_subtree_but_no_other(client, county):
    client.force_login(county.committee)
    text = client.get(reverse("members:roster")).content.decode()
    assert "张东一" in text and "李西一" in text
    assert "王山一" not in text


def test_secretary_sees_own_branch_only(client, county):
    client.force_login(county.secretary)
    text = client.get(reverse("members:roster")).content.decode()
    assert "张东一" in text and "张东二" in text
    assert "李西一" not in text and "王山一" not in text
    assert client.get(reverse("members:detail", args=[county.east1.pk])).status_code == 200


def test_two_grants_see_both_subtrees_and_nothing_of_a_third(client, county):
    client.force_login(county.two_grants)
    text = client.get(reverse("members:roster")).content.decode()
    assert "张东一" in text and "张东二" in text and "王山一" in text
    assert "李西一" not in text
    tree = client.get(reverse("branches:tree")).content.decode()
    assert "东街村党支部" in tree and "山口村党支部" in tree and "西街村党支部" not in tree
    for m in (county.east1, county.hill1):
        assert client.get(reverse("members:detail", args=[m.pk])).status_code == 200
