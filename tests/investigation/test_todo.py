"""Each stage's deadline on the to-do page of whoever owes something, overdue work shown to the
level above, and the dashboard's panel."""

import datetime

from django.urls import reverse

from investigation import services
from investigation import todo as inv_todo
from members import todo

from .helpers import dates, open_campaign, submitted

TODAY = datetime.date.today()


def _keys(user):
    return {f.key: f for f in todo.fill(user) if f.key.startswith("inv_") and f.count}


def test_the_secretary_owes_its_self_check(county):
    open_campaign(county)
    mine = _keys(county.secretary)
    assert set(mine) == {"inv_self_check"}
    row = mine["inv_self_check"].rows[0]
    assert row.label == "东街村党支部" and row.badge == "还剩10天"
    assert not _keys(county.sibling_secretary)["inv_self_check"].rows[0].label.startswith("东街")
    assert "inv_self_check" not in _keys(county.committee)  # the committee owes no self-check


def test_overdue_self_checks_are_seen_by_the_level_above(county):
    open_campaign(county, **{**dates(), "self_check_due": TODAY - datetime.timedelta(days=2)})
    assert _keys(county.secretary)["inv_self_check"].rows[0].badge == "逾期2天"
    assert {r.label for r in _keys(county.committee)["inv_overdue"].rows} == {"东街村党支部", "西街村党支部"}
    assert {r.label for r in _keys(county.admin)["inv_overdue"].rows} == {"东街村党支部", "西街村党支部", "山口村党支部"}
    assert "inv_overdue" not in _keys(county.secretary)


def test_verification_then_signing_owed_by_the_committee(county):
    campaign = open_campaign(county)
    east = submitted(county, campaign, county.east, county.secretary)
    assert [r.label for r in _keys(county.committee)["inv_verify"].rows] == ["东街村党支部"]
    assert "inv_verify" not in _keys(county.other_committee)
    for check in (east, submitted(county, campaign, county.west)):
        services.agree_rest(county.committee, check)
        services.finish_verification(county.committee, check)
    assert [r.label for r in _keys(county.committee)["inv_sign"].rows] == ["城关镇党委"]
    assert "inv_sign" not in _keys(county.other_committee)  # 山口村 not verified yet


def test_unsigned_forms_past_due_are_seen_by_the_county(county):
    open_campaign(county, **{**dates(), "self_check_due": TODAY - datetime.timedelta(days=5),
                             "forms_due": TODAY - datetime.timedelta(days=1)})
    assert {r.label for r in _keys(county.admin)["inv_forms_overdue"].rows} == {"城关镇党委", "青山乡党委"}
    assert "inv_forms_overdue" not in _keys(county.committee)


def test_counter_agrees_with_the_sections(county):
    campaign = open_campaign(county, **{**dates(), "self_check_due": TODAY - datetime.timedelta(days=1)})
    submitted(county, campaign, county.east, county.secretary)
    for user in (county.admin, county.committee, county.secretary, county.two_grants):
        counted = inv_todo.counts(user)
        for key in counted:
            assert counted[key] == todo.section(key).fn(user).count(), (user, key)


def test_dashboard_panel(client, county):
    open_campaign(county)
    client.force_login(county.secretary)
    text = client.get(reverse("dashboard")).content.decode()
    assert "2026年党员组织关系排查（集中排查）" in text and "0/2" in text
    client.force_login(county.cadre)  # a tracking cadre of 东街村 takes no part: no panel
    assert "组织关系排查（" not in client.get(reverse("dashboard")).content.decode()
