"""The 双查 flow in services: self-check refusals, the working group's send-back reopening only the
cases concerned, the committee's frozen sign-off."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import versions
from core.models import AuditEntry
from investigation import services
from investigation.choices import CheckState, Classification, LostContactReason, Verdict
from investigation.models import Case, CommitteeOpinion

from .helpers import case_of, open_campaign, search, submitted

LOST = {"classification": Classification.LOST, "lost_reason": LostContactReason.MIGRANT_WORK,
        "lost_since": datetime.date(2024, 1, 1)}


@pytest.fixture
def campaign(county):
    return open_campaign(county)


def test_lost_needs_a_search_attempt(county, campaign):
    case = case_of(campaign, county.east1)
    with pytest.raises(ValidationError) as exc:
        services.classify(county.secretary, case, LOST)
    assert services.LOST_NEEDS_SEARCH in exc.value.messages
    case.refresh_from_db()
    assert case.classification == "" and not AuditEntry.objects.filter(action=services.CLASSIFY).exists()
    search(county.secretary, case)
    services.classify(county.secretary, case, LOST)
    case.refresh_from_db()
    assert case.classification == Classification.LOST and case.search_count == 1
    assert case.classified_by == county.secretary


def test_lost_rules(county, campaign):
    case = case_of(campaign, county.east1)
    search(county.secretary, case)
    for data, field in [
        ({**LOST, "lost_reason": ""}, "lost_reason"),
        ({**LOST, "lost_reason": LostContactReason.OTHER}, "note"),  # ⑦其他: the reason in 备注
        ({**LOST, "lost_since": None}, "lost_since"),
        ({**LOST, "contact_found_on": datetime.date.today(), "whereabouts": "苏州"}, "contact_found_on"),
        ({**LOST, "disposal_proposal": "disqualify"}, "disposal_proposal"),  # a full member
        ({"classification": "normal", "contact_found_on": datetime.date.today()}, "whereabouts"),
        ({"classification": "bogus"}, "classification"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.classify(county.secretary, case, data)
        assert field in exc.value.message_dict, (data, exc.value.message_dict)
    # a normal classification drops a lost reason
    services.classify(county.secretary, case, {"classification": "mobile", "lost_reason": "1"})
    case.refresh_from_db()
    assert case.lost_reason == ""
    # found by the search: the code stays (附件1 shows it), with when and where
    services.classify(county.secretary, case, {"classification": "mobile", "lost_reason": "1",
                                               "contact_found_on": datetime.date.today(), "whereabouts": "苏州某厂"})
    case.refresh_from_db()
    assert case.lost_reason == "1" and case.whereabouts == "苏州某厂"


def test_submit_refused_while_unclassified(county, campaign):
    check = campaign.checks.get(branch=county.east)
    services.classify(county.secretary, case_of(campaign, county.east1), {"classification": "normal"})
    with pytest.raises(ValidationError) as exc:
        services.submit(county.secretary, check)
    assert "还有1名党员未分类（张东二）" in exc.value.messages[0]
    check.refresh_from_db()
    assert check.state == CheckState.SELF_CHECK and check.submissions == 0
    services.classify(county.secretary, case_of(campaign, county.east2), {"classification": "normal"})
    services.submit(county.secretary, check)
    check.refresh_from_db()
    assert check.state == CheckState.SUBMITTED and check.submitted_by == county.secretary
    with pytest.raises(ValidationError):
        services.classify(county.secretary, case_of(campaign, county.east1), {"classification": "mobile"})


def test_sibling_secretary_cannot_touch_another_branch(county, campaign):
    case = case_of(campaign, county.east1)
    with pytest.raises(PermissionDenied):
        services.classify(county.sibling_secretary, case, {"classification": "normal"})
    with pytest.raises(PermissionDenied):
        services.submit(county.sibling_secretary, case.branch_check)
    with pytest.raises(PermissionDenied):  # a secretary is not the working group
        services.set_verdict(county.secretary, case, Verdict.AGREE)


def test_send_back_reopens_only_the_cases_concerned(county, campaign):
    check = submitted(county, campaign, county.east, county.secretary)
    one, two = case_of(campaign, county.east1), case_of(campaign, county.east2)
    with pytest.raises(PermissionDenied):
        services.set_verdict(county.other_committee, one, Verdict.RETURN, "x")  # outside its subtree
    with pytest.raises(ValidationError) as exc:
        services.set_verdict(county.committee, one, Verdict.RETURN, "")
    assert "verdict_comment" in exc.value.message_dict
    services.set_verdict(county.committee, one, Verdict.RETURN, "长期未参加组织生活，请核实是否流动")
    with pytest.raises(ValidationError) as exc:
        services.finish_verification(county.committee, check)
    assert "还有1名党员未核查（张东二）" in exc.value.messages[0]
    assert services.agree_rest(county.committee, check) == 1
    services.finish_verification(county.committee, check)
    check.refresh_from_db()
    assert check.state == CheckState.RETURNED
    # only 张东一 reopens
    with pytest.raises(ValidationError) as exc:
        services.classify(county.secretary, two, {"classification": "mobile"})
    assert services.NOT_OPEN in exc.value.messages
    services.classify(county.secretary, one, {"classification": "mobile"})
    services.submit(county.secretary, check)
    check.refresh_from_db()
    one.refresh_from_db()
    two.refresh_from_db()
    assert check.state == CheckState.SUBMITTED and check.submissions == 2
    assert one.verdict == "" and one.verdict_comment  # back to the group, its comment kept
    assert two.verdict == Verdict.AGREE
    services.set_verdict(county.committee, one, Verdict.AGREE)
    services.finish_verification(county.committee, check)
    check.refresh_from_db()
    assert check.state == CheckState.VERIFIED


def _verified(county, campaign, branch):
    check = submitted(county, campaign, branch)
    services.agree_rest(county.committee, check)
    return services.finish_verification(county.committee, check)


def test_sign_off_is_frozen_and_a_change_makes_a_new_version(county, campaign):
    opinion = CommitteeOpinion.objects.get(campaign=campaign, committee=county.town)
    _verified(county, campaign, county.east)
    with pytest.raises(ValidationError) as exc:
        services.sign(county.committee, opinion, "王书记")
    assert "meeting_on" in exc.value.message_dict
    services.save_opinion(county.committee, opinion, {"meeting_on": datetime.date.today(),
                                                      "initial_handling": "对失联党员继续查找"})
    with pytest.raises(ValidationError) as exc:
        services.sign(county.committee, opinion, "王书记")
    assert "西街村党支部" in exc.value.messages[0]  # not yet verified
    _verified(county, campaign, county.west)
    with pytest.raises(PermissionDenied):
        services.sign(county.other_committee, opinion, "王书记")
    v1 = services.sign(county.committee, opinion, "王书记")
    opinion.refresh_from_db()
    assert v1.number == 1 and opinion.signed_version == 1 and not opinion.changed_since_signing
    assert set(campaign.checks.filter(committee=county.town).values_list("state", flat=True)) == {CheckState.SIGNED}
    assert [c["member"] for b in v1.data["branches"] for c in b["cases"]] == ["张东二", "张东一", "李西一"]
    with pytest.raises(ValidationError):
        services.sign(county.committee, opinion, "王书记")  # nothing changed
    services.save_opinion(county.committee, opinion, {"initial_handling": "改为：限期查找"})
    opinion.refresh_from_db()
    assert opinion.changed_since_signing
    with pytest.raises(ValidationError) as exc:
        services.sign(county.committee, opinion, "王书记")
    assert "理由" in exc.value.messages[0]
    v2 = services.sign(county.committee, opinion, "王书记", reason="初步处理意见修改")
    assert v2.number == 2
    v1 = versions.history(opinion, CommitteeOpinion.SIGNED_KIND).get(number=1)
    assert v1.data["initial_handling"] == "对失联党员继续查找" and not v1.is_current
    assert v2.data["initial_handling"] == "改为：限期查找"
    versions.read_file(v1)


def test_search_log_is_kept_in_order(county, campaign):
    case = case_of(campaign, county.east1)
    search(county.secretary, case, day=datetime.date.today() - datetime.timedelta(days=3))
    search(county.secretary, case, found=True)
    with pytest.raises(ValidationError) as exc:
        services.log_search(county.secretary, case, {"searched_on": datetime.date.today() + datetime.timedelta(1),
                                                     "channel": "x", "searcher": "", "result": ""})
    assert set(exc.value.message_dict) == {"searched_on", "channel", "searcher", "result"}
    assert [a.found for a in case.attempts.all()] == [False, True]
    assert Case.objects.get(pk=case.pk).search_count == 2


def test_committee_opinion_per_member(county, campaign):
    case = case_of(campaign, county.east1)
    with pytest.raises(ValidationError):
        services.set_committee_opinion(county.committee, case, "同意停止党籍")  # not yet submitted
    submitted(county, campaign, county.east, county.secretary)
    with pytest.raises(PermissionDenied):
        services.set_committee_opinion(county.secretary, case, "同意")
    services.set_committee_opinion(county.committee, case, "同意支部意见")
    case.refresh_from_db()
    assert case.committee_opinion == "同意支部意见"
