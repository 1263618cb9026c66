"""The county overview (排查总览): county staff see every committee, a committee its own subtree,
a secretary and a tracking cadre nothing; progress through the stages, overdue work against the
campaign's deadlines, the mobile/hanging/lost counts and the SVG charts of the lost; the number
of queries the same on a small and a larger county."""

import datetime

import pytest
from django.urls import reverse

from branches.choices import OrgKind
from conftest import bulk_members, make_org
from investigation import overview, services
from investigation.choices import CheckState, Classification, LostContactReason
from investigation.models import Case, CommitteeOpinion

from .helpers import case_of, dates, open_campaign, search

TODAY = datetime.date.today()
URL = reverse("investigation:overview")


def _classify(county, campaign):
    east1 = case_of(campaign, county.east1)
    search(county.admin, east1)
    services.classify(county.admin, east1, {"classification": Classification.LOST,
                                            "lost_since": TODAY.replace(year=TODAY.year - 7),
                                            "lost_reason": LostContactReason.ABROAD})
    services.classify(county.admin, case_of(campaign, county.east2), {"classification": Classification.MOBILE})
    services.classify(county.admin, case_of(campaign, county.hill1), {"classification": Classification.HANGING})


def test_scope_county_committee_secretary_cadre(client, county):
    campaign = open_campaign(county)
    _classify(county, campaign)
    client.force_login(county.admin)
    text = client.get(URL).content.decode()
    assert "城关镇党委" in text and "青山乡党委" in text
    assert "流动党员1名，“空挂”党员1名，失联党员1名" in text
    client.force_login(county.committee)
    text = client.get(URL).content.decode()
    assert "城关镇党委" in text and "青山乡党委" not in text and "山口村党支部" not in text
    assert "东街村党支部" in text and "西街村党支部" in text  # its only committee: its branches listed
    assert "流动党员1名，“空挂”党员0名，失联党员1名" in text
    hill = CommitteeOpinion.objects.get(campaign=campaign, committee=county.other_town)
    assert client.get(URL, {"committee": county.other_town.pk}).status_code == 404
    assert client.get(reverse("investigation:conclusion", args=[hill.pk])).status_code == 404
    for user in (county.secretary, county.cadre, county.two_grants):
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 403 and "各党(工)委进度" not in response.content.decode()


def test_progress_through_the_stages_and_the_branches_of_a_chosen_committee(county):
    campaign = open_campaign(county)
    _classify(county, campaign)
    services.classify(county.admin, case_of(campaign, county.west1), {"classification": Classification.NORMAL})
    services.submit(county.admin, campaign.checks.get(branch=county.west))
    ov = overview.build(county.admin, campaign, county.town.pk)
    town = next(c for c in ov.committees if c.pk == county.town.pk)
    assert town.states == {"self_check": 1, "submitted": 1, "returned": 0, "verified": 0, "signed": 0}
    assert town.counts == {"total": 3, "classified": 3, "mobile": 1, "hanging": 0, "lost": 1, "found": 0}
    assert town.ranges == {"m6": 0, "y1_5": 0, "y6_10": 1, "y11": 0} and town.reasons["5"] == 1
    assert [(b.name, b.state) for b in ov.branches] == [("东街村党支部", CheckState.SELF_CHECK),
                                                       ("西街村党支部", CheckState.SUBMITTED)]
    assert ov.total.counts["total"] == 4 and ov.total.branches == 3
    assert not ov.late and not ov.late_committees


def test_overdue_against_the_deadlines(county):
    campaign = open_campaign(county, **{**dates(), "self_check_due": TODAY - datetime.timedelta(days=3)})
    ov = overview.build(county.admin, campaign)
    assert {b.name: b.late for b in ov.late} == {n: ["自查逾期3天"] for n in ("东街村党支部", "西街村党支部", "山口村党支部")}
    assert all(c.late_branches for c in ov.committees) and not ov.late_committees
    after = campaign.report_due + datetime.timedelta(days=2)  # every deadline past, nothing signed or accepted
    ov = overview.build(county.admin, campaign, day=after)
    town = next(c for c in ov.committees if c.pk == county.town.pk)
    assert town.late == [f"登记表逾期{(after - campaign.forms_due).days}天未签署", "综合报告逾期2天未验收"]


def test_the_page_has_charts_without_inline_style_or_script(client, county):
    campaign = open_campaign(county)
    _classify(county, campaign)
    client.force_login(county.admin)
    text = client.get(URL, {"c": campaign.pk}).content.decode()
    assert text.count("<svg") == 2 and "失去联系时间" in text and "⑤出国（境）" in text
    assert "style=" not in text and "<script>" not in text


def _larger(county, committees=3, branches=6, members=8):
    """More committees, branches and members, some lost and mobile."""
    for i in range(committees):
        town = make_org(f"第{i}镇党委", OrgKind.COMMITTEE, county.root)
        for j in range(branches):
            bulk_members(make_org(f"第{i}镇第{j}村党支部", OrgKind.BRANCH, town), members, start=100 * (i * 10 + j))


@pytest.mark.parametrize("larger", [False, True])
def test_queries_constant_in_committees_branches_and_members(client, county, larger, django_assert_max_num_queries):
    if larger:
        _larger(county)
    campaign = open_campaign(county)
    Case.objects.filter(campaign=campaign, pk__in=Case.objects.filter(campaign=campaign).values("pk")[:20]).update(
        classification=Classification.LOST, lost_reason="1", lost_since=TODAY.replace(year=TODAY.year - 2))
    assert campaign.checks.count() == (3 + 18 if larger else 3)
    for user in (county.admin, county.committee):
        client.force_login(user)
        client.get(URL)  # the session and grants read once
        with django_assert_max_num_queries(11):
            response = client.get(URL, {"c": campaign.pk})
        assert response.status_code == 200
        with django_assert_max_num_queries(11):
            assert client.get(URL, {"c": campaign.pk, "committee": county.town.pk}).status_code == 200
