"""总结巩固: the committee's acceptance (refused until every branch is signed, once only, audited,
scoped) and its summary generated from the data (counts, structure, distribution, reasons and
durations of the lost, 附件4), as a page and as PDF read back."""

import datetime
import pathlib
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEntry
from investigation import services, summary
from investigation.choices import Classification, LostContactReason
from investigation.models import Acceptance, CommitteeOpinion

from .helpers import case_of, open_campaign, search

ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"
TODAY = datetime.date.today()
LOST_SINCE = TODAY.replace(year=TODAY.year - 2)  # 1年至5年


@pytest.fixture
def campaign(county):
    return open_campaign(county)


def _self_check(county, campaign):
    """东街村: 张东一 失联 (①, two years), 张东二 流动; 西街村: 李西一 空挂."""
    east1 = case_of(campaign, county.east1)
    search(county.admin, east1)
    services.classify(county.admin, east1, {"classification": Classification.LOST, "lost_since": LOST_SINCE,
                                            "lost_reason": LostContactReason.MIGRANT_WORK})
    services.classify(county.admin, case_of(campaign, county.east2), {"classification": Classification.MOBILE})
    services.classify(county.admin, case_of(campaign, county.west1), {"classification": Classification.HANGING})


def _verify(county, campaign, branch):
    check = campaign.checks.get(branch=branch)
    services.submit(county.admin, check)
    services.agree_rest(county.committee, check)
    return services.finish_verification(county.committee, check)


def _signed(county, campaign):
    _self_check(county, campaign)
    for b in (county.east, county.west):
        _verify(county, campaign, b)
    opinion = CommitteeOpinion.objects.get(campaign=campaign, committee=county.town)
    services.save_opinion(county.committee, opinion, {"meeting_on": TODAY, "initial_handling": "继续查找失联党员"})
    services.sign(county.committee, opinion, "王书记")
    opinion.refresh_from_db()
    return opinion


ACCEPT = {"accepter_name": "王书记", "opinion": "逐一检查了所属党支部的排查工作，符合要求。"}


def test_acceptance_is_refused_until_every_branch_is_signed(county, campaign):
    _self_check(county, campaign)
    opinion = CommitteeOpinion.objects.get(campaign=campaign, committee=county.town)
    _verify(county, campaign, county.east)
    with pytest.raises(ValidationError) as exc:
        services.accept(county.committee, opinion, ACCEPT)
    assert exc.value.messages == ["还有2个党支部未经核查并签署（东街村党支部（已核查）、西街村党支部（自查中）），"
                                  "所属党支部全部签署后才能验收。"]
    assert not Acceptance.objects.exists()
    assert not AuditEntry.objects.filter(action=services.ACCEPT).exists()


def test_acceptance_once_audited_and_only_by_the_committee_or_county(county, campaign):
    opinion = _signed(county, campaign)
    assert services.refusal_to_accept(opinion) == ""
    with pytest.raises(PermissionDenied):
        services.accept(county.other_committee, opinion, ACCEPT)
    with pytest.raises(PermissionDenied):
        services.accept(county.secretary, opinion, ACCEPT)
    with pytest.raises(ValidationError) as exc:
        services.accept(county.committee, opinion, {"accepter_name": "", "opinion": ""})
    assert set(exc.value.message_dict) == {"accepter_name", "opinion"}
    done = services.accept(county.committee, opinion, ACCEPT)
    assert done.accepted_by == county.committee and done.accepter_name == "王书记"
    entry = AuditEntry.objects.get(action=services.ACCEPT)
    assert entry.actor == county.committee and entry.scope_path == county.town.path
    with pytest.raises(ValidationError) as exc:
        services.accept(county.admin, opinion, ACCEPT)
    assert "不能重复验收" in exc.value.messages[0]
    assert Acceptance.objects.count() == 1


def test_a_change_after_signing_must_be_signed_again_before_acceptance(county, campaign):
    opinion = _signed(county, campaign)
    services.save_opinion(county.committee, opinion, {"initial_handling": "改为：限期查找"})
    opinion.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.accept(county.committee, opinion, ACCEPT)
    assert "重新签署" in exc.value.messages[0]


def test_summary_counts_structure_distribution_reasons_from_the_data(county, campaign, django_assert_max_num_queries):
    _self_check(county, campaign)
    with django_assert_max_num_queries(3):
        s = summary.build(county.town, campaign)
    assert s.totals == {"total": 3, "normal": 0, "mobile": 1, "hanging": 1, "lost": 1, "other": 0,
                        "unclassified": 0, "found": 0}
    assert [(b["name"], b["total"], b["lost"], b["mobile"], b["hanging"]) for b in s.branches] == [
        ("东街村党支部", 2, 1, 1, 0), ("西街村党支部", 1, 0, 0, 1)]
    assert sum(c["total"] for _, c in s.categories) == 3
    assert dict(s.reasons)["①外出务工经商"] == 1 and sum(n for _, n in s.reasons) == 1
    assert dict(s.durations) == {"6个月以上不满1年": 0, "1年至5年": 1, "6年至10年": 0, "11年及以上": 0}
    assert s.problems == [] and s.annex4 is not None
    assert s.class_rows[2] == ("空挂", 1, "33.3%")
    # the county's summary holds 山口村 too (unclassified)
    whole = summary.build(county.root, campaign)
    assert whole.totals["total"] == 4 and whole.totals["unclassified"] == 1


def test_the_page_accepts_and_shows_the_summary_in_scope(client, county, campaign):
    opinion = _signed(county, campaign)
    url = reverse("investigation:conclusion", args=[opinion.pk])
    for user in (county.secretary, county.other_committee, county.cadre):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(reverse("investigation:accept", args=[opinion.pk]), ACCEPT).status_code == 404
        assert client.get(reverse("investigation:summary_pdf", args=[opinion.pk])).status_code == 404
    client.force_login(county.committee)
    text = client.get(url).content.decode()
    assert "未验收" in text and "东街村党支部" in text and "①外出务工经商" in text and "附件4" in text
    xlsx = f"{reverse('investigation:annex4_xlsx')}?campaign={campaign.pk}&amp;org={county.town.pk}"
    assert xlsx in text and client.get(xlsx.replace("&amp;", "&")).status_code == 200  # 附件4 in Excel too
    response = client.post(reverse("investigation:accept", args=[opinion.pk]), {**ACCEPT, "opinion": ""})
    assert "请填写“验收意见”" in response.content.decode() or "请填写验收意见" in response.content.decode()
    assert not Acceptance.objects.exists()
    response = client.post(reverse("investigation:accept", args=[opinion.pk]), ACCEPT, follow=True)
    text = response.content.decode()
    assert "已验收" in text and "符合要求" in text and Acceptance.objects.count() == 1


def test_a_refused_acceptance_says_why_on_the_page(client, county, campaign):
    opinion = CommitteeOpinion.objects.get(campaign=campaign, committee=county.town)
    client.force_login(county.committee)
    text = client.get(reverse("investigation:conclusion", args=[opinion.pk])).content.decode()
    assert "所属党支部全部签署后才能验收" in text and 'action="/investigation' not in text.split("自查验收")[1][:400]
    response = client.post(reverse("investigation:accept", args=[opinion.pk]), ACCEPT)
    assert "所属党支部全部签署后才能验收" in response.content.decode() and not Acceptance.objects.exists()


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_the_summary_pdf_reads_back_and_is_audited(client, county, campaign):
    opinion = _signed(county, campaign)
    services.accept(county.committee, opinion, ACCEPT)
    client.force_login(county.committee)
    response = client.get(reverse("investigation:summary_pdf", args=[opinion.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "%E6%8E%92%E6%9F%A5%E5%B7%A5%E4%BD%9C%E6%80%BB%E7%BB%93" in response["Content-Disposition"]  # 排查工作总结
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "investigation-summary.pdf"  # looked at with pdftoppm
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for words in ("党员组织关系排查工作总结（数据部分）", "城关镇党委", "验收人：王书记", "排查对象3名", "失联1名",
                  "东街村党支部", "西街村党支部", "①外出务工经商", "1年至5年",
                  "与党组织失去联系党员管理及处置情况汇总表", "纳入组织管理", "党委书记（签字）"):
        assert words in flat, words
    entry = AuditEntry.objects.filter(action="export").latest("pk")
    assert "打印《党员组织关系排查工作总结（数据部分）》" in entry.reason and entry.actor == county.committee


def _todo(user):
    from members import todo

    return {f.key: f for f in todo.fill(user) if f.key in ("inv_accept", "inv_report_overdue") and f.count}


def test_the_acceptance_is_on_the_committees_to_do_and_late_for_the_county(county, campaign, monkeypatch):
    _self_check(county, campaign)
    assert not _todo(county.committee)  # branches not yet signed: nothing to accept
    opinion = _signed(county, campaign)
    mine = _todo(county.committee)
    assert list(mine) == ["inv_accept"]
    row = mine["inv_accept"].rows[0]
    assert row.label == "城关镇党委" and row.url == reverse("investigation:conclusion", args=[opinion.pk])
    assert not _todo(county.other_committee) and not _todo(county.secretary)
    assert not _todo(county.admin)  # not late yet
    late = campaign.report_due + datetime.timedelta(days=3)
    monkeypatch.setattr("investigation.todo.today", lambda: late)
    county_rows = _todo(county.admin)["inv_report_overdue"].rows
    assert {r.label for r in county_rows} == {"城关镇党委", "青山乡党委"} and county_rows[0].badge == "逾期3天"
    services.accept(county.committee, opinion, ACCEPT)
    assert not _todo(county.committee)
    assert {r.label for r in _todo(county.admin)["inv_report_overdue"].rows} == {"青山乡党委"}


def test_the_dashboard_counts_the_four_committee_sections_in_one_query(county, campaign, monkeypatch,
                                                                      django_assert_num_queries):
    """inv_sign, inv_forms_overdue, inv_accept and inv_report_overdue: one aggregate, the same numbers
    as the to-do page's lists, before and after the signature, at the report's deadline."""
    from investigation import todo as inv_todo

    sections = {"inv_sign": inv_todo.to_sign, "inv_forms_overdue": inv_todo.forms_overdue,
                "inv_accept": inv_todo.to_accept, "inv_report_overdue": inv_todo.report_overdue}

    def check(expected):
        for user in (county.committee, county.other_committee, county.admin, county.secretary, county.cadre):
            user.grant_list  # noqa: B018  (the grants read once, as on a page)
            with django_assert_num_queries(1 if user in (county.committee, county.other_committee, county.admin) else 0):
                got = inv_todo.opinion_counts(user)
            assert got == {k: fn(user).count() for k, fn in sections.items()}, user
            if user.username in expected:
                assert {k: n for k, n in got.items() if n} == expected[user.username], user

    check({"committee": {}, "county": {}})
    _self_check(county, campaign)
    for b in (county.east, county.west):
        _verify(county, campaign, b)
    check({"committee": {"inv_sign": 1}, "county": {}})
    opinion = CommitteeOpinion.objects.get(campaign=campaign, committee=county.town)
    services.save_opinion(county.committee, opinion, {"meeting_on": TODAY, "initial_handling": "继续查找"})
    services.sign(county.committee, opinion, "王书记")
    check({"committee": {"inv_accept": 1}, "county": {}})
    monkeypatch.setattr("investigation.todo.today", lambda: campaign.forms_due + datetime.timedelta(days=1))
    check({"committee": {"inv_accept": 1}, "county": {"inv_forms_overdue": 1}})  # 青山乡: unsigned
    monkeypatch.setattr("investigation.todo.today", lambda: campaign.report_due + datetime.timedelta(days=1))
    check({"committee": {"inv_accept": 1}, "county": {"inv_report_overdue": 2}})
