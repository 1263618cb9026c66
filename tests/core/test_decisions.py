"""The decision chain (core/decisions.py with the member kinds): a branch proposes, the level above
approves or refuses, the approver is never the proposer, only approval changes the record."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from conftest import make_user
from core import decisions
from core.models import AuditEntry, Decision
from members.choices import MembershipStatus, RollState

TODAY = datetime.date.today()
MEETING = TODAY - datetime.timedelta(days=3)


def _suspend(user, member, **kw):
    return decisions.propose(user, "suspend", member, meeting_on=MEETING, grounds="失联一年，多方查找未果", **kw)


def _status(member):
    member.refresh_from_db()
    return member.membership_status, member.membership_status_on


def test_propose_then_level_above_approves(county):
    d = _suspend(county.secretary, county.east1)
    assert d.state == Decision.State.PENDING and d.unit_name == "东街村党支部"
    assert _status(county.east1) == (MembershipStatus.NORMAL, None)  # nothing changes on proposal

    decisions.approve(county.committee, d, "同意", TODAY - datetime.timedelta(days=1))
    d.refresh_from_db()
    assert d.state == Decision.State.APPROVED and d.decider == county.committee
    assert _status(county.east1) == (MembershipStatus.SUSPENDED, TODAY - datetime.timedelta(days=1))
    actions = list(AuditEntry.objects.for_object(d).order_by("at", "pk").values_list("action", flat=True))
    assert actions == ["submit", "approve"]
    entry = AuditEntry.objects.for_object(county.east1).first()
    assert entry.action == "approve" and entry.changes["membership_status"] == ["正常", "停止党籍"]
    assert "停止党籍" in entry.reason and "失联一年" in entry.reason


def test_approver_is_never_the_proposer(county):
    d = _suspend(county.committee, county.east1)  # a committee may propose for its branch
    with pytest.raises(ValidationError, match="不能审批自己提出的决定"):
        decisions.approve(county.committee, d, "同意")
    with pytest.raises(ValidationError, match="不能审批自己提出的决定"):
        decisions.refuse(county.committee, d, "不同意")
    assert _status(county.east1)[0] == MembershipStatus.NORMAL
    second = make_user("committee_b", Role.COMMITTEE, county.town)  # another person of the same committee
    decisions.approve(second, d, "同意")
    assert _status(county.east1)[0] == MembershipStatus.SUSPENDED


@pytest.mark.parametrize("approver", ["secretary", "sibling_secretary", "other_committee", "cadre"])
def test_only_the_level_above_approves(county, approver):
    d = _suspend(county.secretary, county.east1)
    # The proposing secretary is told it cannot approve its own proposal; the others, that they lack the right.
    with pytest.raises(ValidationError, match="不能审批自己" if approver == "secretary" else "无权审批"):
        decisions.approve(getattr(county, approver), d, "同意")
    d.refresh_from_db()
    assert d.state == Decision.State.PENDING
    assert _status(county.east1)[0] == MembershipStatus.NORMAL
    assert not decisions.may_decide(getattr(county, approver), d)
    assert decisions.may_decide(county.committee, d) and decisions.may_decide(county.admin, d)


def test_secretary_of_the_branch_cannot_approve_even_with_another_account(county):
    d = _suspend(county.committee, county.east1)
    other_secretary = make_user("secretary_b", Role.BRANCH_SECRETARY, county.east)
    with pytest.raises(ValidationError, match="无权审批"):
        decisions.approve(other_secretary, d, "同意")


def test_refusal_leaves_the_record_unchanged(county):
    d = _suspend(county.secretary, county.east1)
    with pytest.raises(ValidationError, match="请填写审批意见"):
        decisions.refuse(county.committee, d, "  ")
    decisions.refuse(county.committee, d, "查找措施不足，继续查找")
    d.refresh_from_db()
    assert d.state == Decision.State.REFUSED and d.opinion == "查找措施不足，继续查找"
    assert _status(county.east1) == (MembershipStatus.NORMAL, None)
    assert not AuditEntry.objects.for_object(county.east1).filter(action="approve").exists()
    with pytest.raises(ValidationError, match="不予批准，不能再批准"):
        decisions.approve(county.admin, d, "同意")
    assert _status(county.east1)[0] == MembershipStatus.NORMAL


def test_state_table(county):
    d = _suspend(county.secretary, county.east1)
    decisions.approve(county.committee, d)
    for act in (lambda: decisions.approve(county.admin, d), lambda: decisions.withdraw(county.secretary, d),
                lambda: decisions.refuse(county.admin, d, "x")):
        with pytest.raises(ValidationError, match="已批准，不能再"):
            act()
    assert decisions.TRANSITIONS[(Decision.State.PENDING, "approve")] == Decision.State.APPROVED
    assert not [k for k in decisions.TRANSITIONS if k[0] != Decision.State.PENDING]


def test_withdraw_by_the_proposing_unit_only(county):
    d = _suspend(county.secretary, county.east1)
    for other in (county.sibling_secretary, county.committee):  # the committee refuses instead
        with pytest.raises(ValidationError, match="只有提出单位"):
            decisions.withdraw(other, d)
    assert not decisions.may_withdraw(county.committee, d) and decisions.may_withdraw(county.secretary, d)
    decisions.withdraw(county.secretary, d)
    d.refresh_from_db()
    assert d.state == Decision.State.WITHDRAWN
    assert _status(county.east1)[0] == MembershipStatus.NORMAL
    assert AuditEntry.objects.for_object(d).filter(action="withdraw").exists()


def test_one_pending_decision_at_a_time(county):
    _suspend(county.secretary, county.east1)
    with pytest.raises(ValidationError, match="已有一项待审批的决定"):
        decisions.propose(county.secretary, "expel", county.east1, meeting_on=MEETING, grounds="违纪")
    assert Decision.objects.count() == 1


def test_proposing_needs_an_editor_covering_the_branch(county):
    for user in (county.sibling_secretary, county.other_committee, county.cadre):
        with pytest.raises(PermissionDenied):
            _suspend(user, county.east1)
    assert not Decision.objects.exists()


def test_proposal_needs_grounds_and_a_past_meeting(county):
    with pytest.raises(ValidationError, match="请填写事实和依据"):
        decisions.propose(county.secretary, "suspend", county.east1, meeting_on=MEETING, grounds=" ")
    with pytest.raises(ValidationError, match="支部大会日期不能晚于今天"):
        decisions.propose(county.secretary, "suspend", county.east1, meeting_on=TODAY + datetime.timedelta(days=1),
                          grounds="x")
    d = _suspend(county.secretary, county.east1)
    with pytest.raises(ValidationError, match="审批日期不能早于支部大会日期"):
        decisions.approve(county.committee, d, "同意", MEETING - datetime.timedelta(days=1))
    assert not Decision.objects.exclude(state=Decision.State.PENDING).exists()


def test_member_moved_after_the_proposal_cannot_be_decided_by_it(county):
    from members import services

    d = _suspend(county.secretary, county.east1)
    services.move_member(county.committee, county.east1, county.west, "工作调动")
    with pytest.raises(ValidationError, match="已不在提出决定的党支部"):
        decisions.approve(county.committee, d, "同意")
    assert _status(county.east1)[0] == MembershipStatus.NORMAL


def test_removal_cannot_be_undone_by_the_roll_state_form(county):
    from members import services

    d = decisions.propose(county.secretary, "lapse", county.east2, meeting_on=MEETING, grounds="失联逾两年")
    decisions.approve(county.committee, d, "同意")
    county.east2.refresh_from_db()
    assert county.east2.roll_state == RollState.REMOVED
    with pytest.raises(ValidationError, match="重新入党"):
        services.change_roll_state(county.committee, county.east2, RollState.ON_ROLL, TODAY, "恢复")
    county.east2.refresh_from_db()
    assert county.east2.roll_state == RollState.REMOVED


def test_each_record_is_decided_by_the_grants_covering_it(county):
    """A secretary of 山口村 who is also on 城关镇党委: approves 东街村's proposals (its committee grant
    covers 东街村's parent), never 山口村's (there it is the branch itself)."""
    dual = make_user("dual", Role.BRANCH_SECRETARY, county.hill, (Role.COMMITTEE, county.town))
    east = _suspend(county.secretary, county.east1)
    hill = _suspend(dual, county.hill1)
    assert decisions.may_decide(dual, east) and not decisions.may_decide(dual, hill)
    assert [d.pk for d in decisions.awaiting(dual)] == [east.pk]
    with pytest.raises(ValidationError, match="不能审批自己提出的决定"):
        decisions.approve(dual, hill, "同意")
    decisions.approve(dual, east, "同意")
    decisions.approve(county.other_committee, hill, "同意")
    assert _status(county.east1)[0] == _status(county.hill1)[0] == MembershipStatus.SUSPENDED
