"""The member's Party decisions: the probationary clock, the status codes they store, facts versus
decisions, the 临时党支部 rule, and the pages (propose, approve, refuse, the overdue list)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import make_member, make_org
from core import decisions
from core.models import Decision
from members import decisions as member_decisions
from members import services
from members.choices import Category, MembershipStatus, RemovalKind, RollState
from members.models import Member

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def _probationer(county, joined):
    m = make_member(county.east, "周预备", joined=joined - 400 * DAY)  # registered as full, then made a probationer
    Member.objects.filter(pk=m.pk).update(joined_on=joined)
    Member.objects.filter(pk=m.pk).update(category=Category.PROBATIONARY, full_member_on=None)
    m.refresh_from_db()
    return m


def _decide(county, code, member, meeting_on=None, **kw):
    d = decisions.propose(county.secretary, code, member, meeting_on=meeting_on or TODAY, grounds="支部大会表决通过",
                          **kw)
    decisions.approve(county.committee, d, "同意")
    member.refresh_from_db()
    return d


def test_full_membership_on_the_anniversary_not_before(county):
    anniversary = TODAY - 2 * DAY
    m = _probationer(county, anniversary.replace(year=anniversary.year - 1))
    assert member_decisions.probation_ends_on(m) == anniversary
    with pytest.raises(ValidationError, match="转正日期不能早于预备期满之日"):
        decisions.propose(county.secretary, "full", m, meeting_on=TODAY, grounds="x", effective_on=anniversary - DAY)
    with pytest.raises(ValidationError, match="期满后方可由支部大会讨论转正"):
        decisions.propose(county.secretary, "full", m, meeting_on=anniversary - DAY, grounds="x",
                          effective_on=anniversary)
    assert not Decision.objects.exists()
    _decide(county, "full", m, effective_on=anniversary)
    assert (m.category, m.full_member_on) == (Category.FULL, anniversary)


def test_extension_then_full_membership_at_its_end(county):
    joined = TODAY.replace(year=TODAY.year - 2)
    m = _probationer(county, joined)
    for months in (5, 13, None):
        with pytest.raises(ValidationError, match="6至12个月"):
            decisions.propose(county.secretary, "extend", m, meeting_on=TODAY, grounds="x", params={"months": months})
    _decide(county, "extend", m, params={"months": 12})
    assert m.probation_extended_months == 12 and m.category == Category.PROBATIONARY
    with pytest.raises(ValidationError, match="只能延长一次"):
        decisions.propose(county.secretary, "extend", m, meeting_on=TODAY, grounds="x", params={"months": 6})
    end = member_decisions.probation_ends_on(m)
    assert end == joined.replace(year=joined.year + 2)
    with pytest.raises(ValidationError, match="不能早于预备期满之日"):
        decisions.propose(county.secretary, "full", m, meeting_on=TODAY, grounds="x",
                          effective_on=joined.replace(year=joined.year + 1))
    _decide(county, "full", m, effective_on=end)
    assert (m.category, m.full_member_on) == (Category.FULL, end)


def test_overdue_clock(county):
    on_time = _probationer(county, TODAY.replace(year=TODAY.year - 1))     # anniversary today: not late
    late = _probationer(county, TODAY.replace(year=TODAY.year - 1) - DAY)  # anniversary yesterday
    extended = _probationer(county, TODAY.replace(year=TODAY.year - 1) - 30 * DAY)
    Member.objects.filter(pk=extended.pk).update(probation_extended_months=6)
    overdue = [m.pk for m, _ in member_decisions.overdue_probationers(Member.objects.all())]
    assert overdue == [late.pk]
    assert on_time.pk not in overdue and extended.pk not in overdue
    # Six months and a year after joining, the extended one is late too.
    later = member_decisions.add_months(TODAY, 7)
    overdue = {m.pk for m, _ in member_decisions.overdue_probationers(Member.objects.all(), later)}
    assert overdue == {on_time.pk, late.pk, extended.pk}


@pytest.mark.parametrize("exact_day", range(0, 400, 13))
def test_overdue_filter_matches_the_rule_on_every_day(county, exact_day):
    today = datetime.date(2024, 1, 1) + exact_day * DAY
    for months in (0, 6, 11):
        cut = member_decisions._first_not_overdue(today, 12 + months)
        assert member_decisions.add_months(cut, 12 + months) >= today
        assert member_decisions.add_months(cut - DAY, 12 + months) < today


def test_dashboard_and_list_flag_overdue_for_branch_and_level_above(client, county):
    late = _probationer(county, TODAY.replace(year=TODAY.year - 2))
    for user in (county.secretary, county.committee):
        client.force_login(user)
        assert "预备期已满未作决定" in client.get(reverse("dashboard")).content.decode()
        text = client.get(reverse("members:probation")).content.decode()
        assert late.name in text and "提出转正" in text
    client.force_login(county.sibling_secretary)
    assert late.name not in client.get(reverse("members:probation")).content.decode()


def test_overdue_list_offers_a_proposal_only_where_an_editor_grant_covers(client, county):
    """A person who is a branch secretary here and a tracking cadre there may propose only here."""
    here = _probationer(county, TODAY.replace(year=TODAY.year - 2))
    there = _probationer(county, TODAY.replace(year=TODAY.year - 2))
    Member.objects.filter(pk=there.pk).update(organization=county.hill, party_group=None)
    client.force_login(county.two_grants)
    text = client.get(reverse("members:probation")).content.decode()
    assert here.name in text and there.name in text
    assert reverse("members:propose", args=[here.pk]) in text
    assert reverse("members:propose", args=[there.pk]) not in text


@pytest.mark.parametrize("code, kind", [("expel", RemovalKind.EXPELLED), ("strike_off", RemovalKind.STRUCK_OFF),
                                        ("quit", RemovalKind.QUIT), ("lapse", RemovalKind.LAPSED)])
def test_removal_kinds_are_stored(county, code, kind):
    _decide(county, code, county.east1)
    m = county.east1
    assert (m.roll_state, m.removal_kind, m.roll_state_on) == (RollState.REMOVED, kind, TODAY)


def test_status_codes_are_stored(county):
    p = _probationer(county, TODAY.replace(year=TODAY.year - 2))
    with pytest.raises(ValidationError, match="应取消预备党员资格"):
        decisions.propose(county.secretary, "suspend", p, meeting_on=TODAY, grounds="失联")
    _decide(county, "disqualify", p)
    assert (p.roll_state, p.removal_kind) == (RollState.REMOVED, RemovalKind.DISQUALIFIED)

    _decide(county, "retain", county.east2)
    assert (county.east2.membership_status, county.east2.membership_status_on) == (MembershipStatus.RETAINED, TODAY)
    assert county.east2.get_membership_status_display() == "出国（境）保留组织关系"
    _decide(county, "resume", county.east2)
    assert county.east2.membership_status == MembershipStatus.NORMAL

    d = _decide(county, "suspend", county.east1)
    assert county.east1.membership_status == MembershipStatus.SUSPENDED
    restore = _decide(county, "restore", county.east1)
    assert county.east1.membership_status == MembershipStatus.NORMAL and restore.corrects == d


def test_readmission_is_a_new_joining_date_on_the_same_person(county):
    _decide(county, "strike_off", county.east1)
    with pytest.raises(ValidationError, match="应晚于出党日期"):
        decisions.propose(county.secretary, "readmit", county.east1, meeting_on=TODAY - DAY, grounds="x")
    pk = county.east1.pk
    Member.objects.filter(pk=pk).update(roll_state_on=TODAY - 30 * DAY)
    d = _decide(county, "readmit", county.east1)
    m = Member.objects.get(pk=pk)
    assert (m.roll_state, m.category, m.joined_on, m.full_member_on, m.removal_kind) == (
        RollState.ON_ROLL, Category.PROBATIONARY, TODAY, None, "")
    assert d.corrects.kind == "strike_off"
    # Its placements: in the branch until struck off, then again from the re-admission.
    from members.models import Placement

    rows = list(Placement.objects.filter(member=m).order_by("started_on", "pk")
                .values_list("organization_id", "ended_on", "end_reason", "start_reason"))
    assert rows[-2][1:3] == (TODAY, "removed") and rows[-1] == (county.east.pk, None, "", "return")


def test_no_readmission_within_five_years_of_expulsion(county):
    _decide(county, "expel", county.east1, meeting_on=TODAY)
    Member.objects.filter(pk=county.east1.pk).update(roll_state_on=TODAY - 400 * DAY)
    with pytest.raises(ValidationError, match="五年内不得重新入党"):
        decisions.propose(county.secretary, "readmit", county.east1, meeting_on=TODAY, grounds="x")


def test_the_roll_state_form_is_for_facts_only(county):
    with pytest.raises(ValidationError, match="上级党组织批准"):
        services.change_roll_state(county.committee, county.east1, RollState.REMOVED, TODAY, "违纪")
    services.change_roll_state(county.secretary, county.east1, RollState.DECEASED, TODAY - DAY, "因病去世")
    county.east1.refresh_from_db()
    assert (county.east1.roll_state, county.east1.roll_state_on) == (RollState.DECEASED, TODAY - DAY)


def test_editing_cannot_change_decided_fields(client, county):
    m = Member.objects.get(pk=county.east1.pk)
    m.membership_status = MembershipStatus.SUSPENDED
    with pytest.raises(ValidationError, match="须由上级党组织批准"):
        services.update_member(county.secretary, m)
    m = Member.objects.get(pk=county.east1.pk)
    m.category = Category.PROBATIONARY
    m.full_member_on = None
    with pytest.raises(ValidationError, match="转正"):
        services.update_member(county.secretary, m)
    # The form shows them disabled: a tampered POST changes nothing.
    from members.forms import MemberForm

    form = MemberForm(instance=Member.objects.get(pk=county.east1.pk), user=county.secretary)
    assert form.fields["membership_status"].disabled and form.fields["category"].disabled
    county.east1.refresh_from_db()
    assert county.east1.membership_status == MembershipStatus.NORMAL


def test_temporary_branch_holds_no_formal_relationship(county):
    from members.models import TEMP_BRANCH_RULE

    temp = make_org("东街村项目临时党支部", "temp", county.town)
    with pytest.raises(ValidationError) as exc:
        make_member(temp, "赵临时")
    assert TEMP_BRANCH_RULE in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.move_member(county.committee, county.east1, temp, "参加项目")
    assert TEMP_BRANCH_RULE in str(exc.value)
    county.east1.refresh_from_db()
    assert county.east1.organization == county.east
    assert not Member.objects.filter(organization=temp).exists()


def test_pages_propose_approve_and_show_history(client, county):
    client.force_login(county.secretary)
    page = client.get(reverse("members:propose", args=[county.east1.pk])).content.decode()
    assert "停止党籍" in page and "开除党籍" in page and "重新入党" not in page
    r = client.post(reverse("members:propose", args=[county.east1.pk]),
                    {"kind": "suspend", "meeting_on": TODAY.isoformat(), "grounds": "失联一年"})
    assert r.status_code == 302
    d = Decision.objects.get()
    # The secretary cannot approve: the page says so and the POST is refused with a message.
    r = client.post(reverse("decision_detail", args=[d.pk]), {"action": "approve", "decided_on": TODAY.isoformat()})
    assert "不能审批自己提出的决定" in r.content.decode()
    county.east1.refresh_from_db()
    assert county.east1.membership_status == MembershipStatus.NORMAL

    client.force_login(county.committee)
    assert "张东一" in client.get(reverse("decisions")).content.decode()
    r = client.post(reverse("decision_detail", args=[d.pk]), {"action": "refuse", "decided_on": TODAY.isoformat()})
    assert "不予批准时请填写审批意见" in r.content.decode()
    r = client.post(reverse("decision_detail", args=[d.pk]),
                    {"action": "approve", "decided_on": TODAY.isoformat(), "opinion": "同意"})
    assert r.status_code == 302
    county.east1.refresh_from_db()
    assert county.east1.membership_status == MembershipStatus.SUSPENDED
    text = client.get(reverse("members:detail", args=[county.east1.pk])).content.decode()
    assert "党籍决定" in text and "已批准" in text and "提交审批" in text and "失联一年" in text


def test_bad_input_on_the_pages(client, county):
    client.force_login(county.secretary)
    url = reverse("members:propose", args=[county.east1.pk])
    r = client.post(url, {"kind": "extend", "meeting_on": TODAY.isoformat(), "grounds": "x", "months": "6"})
    assert "该党员当前的状态不能作所选决定" in r.content.decode()
    r = client.post(url, {"kind": "suspend", "meeting_on": "2026-13-45", "grounds": ""})
    assert "日期格式应为" in r.content.decode() and "请填写事实和依据" in r.content.decode()
    # A tampered POST naming another branch's member.
    assert client.post(reverse("members:propose", args=[county.west1.pk]),
                       {"kind": "suspend", "meeting_on": TODAY.isoformat(), "grounds": "x"}).status_code == 404
    assert not Decision.objects.exists()
    # Out of the approver's subtree: not even visible.
    d = decisions.propose(county.secretary, "suspend", county.east1, meeting_on=TODAY, grounds="x")
    client.force_login(county.other_committee)
    assert client.post(reverse("decision_detail", args=[d.pk]),
                       {"action": "approve", "decided_on": TODAY.isoformat()}).status_code == 404
    d.refresh_from_db()
    assert d.is_pending


def test_the_probationer_form_proposes_the_anniversary(client, county):
    m = _probationer(county, TODAY.replace(year=TODAY.year - 1) - 5 * DAY)
    client.force_login(county.secretary)
    page = client.get(reverse("members:propose", args=[m.pk]) + "?kind=full").content.decode()
    assert f'value="{member_decisions.probation_ends_on(m).isoformat()}"' in page
    assert "延长预备期" in page and "取消预备党员资格" in page and "停止党籍" not in page.split("各类决定")[0]
