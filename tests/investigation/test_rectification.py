"""整改规范 (investigation/rectify.py): dispositions proposed from a case with their evidence; the
Party decisions among them proposed as the member decisions, pre-reviewed by the committee and
approved by the level above with four-eyes; each rule's refusal changing nothing; the member's
roll and status changing only on approval; 附件4 following the dispositions; scope and queries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import make_member
from core import decisions as core_decisions
from core.models import AuditEntry, Decision
from investigation import documents, rectify, services
from investigation.choices import Classification, DispositionKind, DispositionState, LostContactReason
from investigation.models import Disposition
from members.choices import Category, MembershipStatus, RemovalKind, RollState
from members.contacts import add_months
from members.models import Member

from .helpers import case_of, open_campaign, search, submitted

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
LOST_SINCE = add_months(TODAY, -8)


def lost(user, case, since=LOST_SINCE):
    search(user, case, day=TODAY - 20 * DAY)
    return services.classify(user, case, {"classification": Classification.LOST, "lost_since": since,
                                          "lost_reason": LostContactReason.MIGRANT_WORK})


def verified(county, campaign, branch):
    check = submitted(county, campaign, branch, county.secretary if branch == county.east else county.admin)
    services.agree_rest(county.committee, check)
    return services.finish_verification(county.committee, check)


@pytest.fixture
def rect(county):
    """东街村 verified: 张东一 失联 for eight months (one search); 张预备 a 预备党员 失联 too;
    张东二 found again after seven months (附件1). 西街村 (李西一) verified, all 正常."""
    county.probationer = make_member(county.east, "张预备")
    Member.objects.filter(pk=county.probationer.pk).update(category=Category.PROBATIONARY, full_member_on=None,
                                                           joined_on=TODAY - 300 * DAY)
    county.campaign = c = open_campaign(county)
    sec = county.secretary
    county.e1 = lost(sec, case_of(c, county.east1))
    county.p1 = lost(sec, case_of(c, county.probationer))
    e2 = case_of(c, county.east2)
    search(sec, e2, found=True, day=TODAY - 3 * DAY)
    county.e2 = services.classify(sec, e2, {
        "classification": Classification.MOBILE, "lost_reason": LostContactReason.JOB_CHANGED,
        "lost_since": add_months(TODAY, -7), "contact_found_on": TODAY - 3 * DAY, "whereabouts": "苏州市某电子厂"})
    county.check = verified(county, c, county.east)
    county.west_check = verified(county, c, county.west)
    return county


def suspend(user, case, meeting_on=TODAY, **more):
    return rectify.propose(user, case, {"kind": DispositionKind.SUSPEND, "meeting_on": meeting_on,
                                        "grounds": "经多方查找仍无法取得联系，支部大会讨论同意停止其党籍。", **more})


def fresh(disp):
    return Disposition.objects.select_related("decision", "case").get(pk=disp.pk)


def nothing_changed(county):
    assert not Disposition.objects.exists() and not Decision.objects.exists()
    assert not AuditEntry.objects.filter(action__in=[rectify.PROPOSE, "submit"]).exists()
    m = Member.objects.get(pk=county.east1.pk)
    assert m.membership_status == MembershipStatus.NORMAL and m.roll_state == RollState.ON_ROLL


# -- the approval chain ----------------------------------------------------------------------------

def test_suspend_from_the_case_prereviewed_and_approved(rect):
    disp = suspend(rect.secretary, rect.e1)
    d = disp.decision
    assert d.kind == "suspend" and d.is_pending and d.proposer == rect.secretary and d.meeting_on == TODAY
    assert d.unit_name == "东街村党支部" and d.subject_repr == "张东一"
    # the grounds carry the case's evidence; the evidence is stored on the disposition
    assert f"自{LOST_SINCE:%Y年%-m月%-d日}起与党组织失去联系" in d.grounds and "查找记录1次" in d.grounds
    assert disp.evidence_searches == 1 and disp.evidence_lost_since == LOST_SINCE
    assert disp.evidence_last_search_on == TODAY - 20 * DAY
    assert fresh(disp).state == DispositionState.PRE_REVIEW
    # the level above cannot approve before the committee's pre-review
    with pytest.raises(ValidationError, match="须先经党\\(工\\)委预审同意"):
        core_decisions.approve(rect.committee, d)
    # the branch cannot pre-review; the committee can
    with pytest.raises(PermissionDenied):
        rectify.prereview(rect.secretary, disp, True)
    rectify.prereview(rect.committee, disp, True, "程序规范，同意报批")
    disp = fresh(disp)
    assert disp.state == DispositionState.IN_APPROVAL and disp.prereview_by == rect.committee
    assert disp.prereview_at is not None and disp.prereview_opinion == "程序规范，同意报批"
    assert Member.objects.get(pk=rect.east1.pk).membership_status == MembershipStatus.NORMAL  # not yet
    core_decisions.approve(rect.committee, disp.decision, "同意")
    disp = fresh(disp)
    assert disp.state == DispositionState.DONE and disp.decision.decider == rect.committee
    m = Member.objects.get(pk=rect.east1.pk)
    assert m.membership_status == MembershipStatus.SUSPENDED and m.membership_status_on == TODAY
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {rectify.PROPOSE, rectify.PREREVIEW, "submit", "approve"} <= actions
    # the approved disposition answers a second one of the same kind
    with pytest.raises(ValidationError, match="已有一项“停止党籍”（已办结）"):
        suspend(rect.secretary, rect.e1)


def test_four_eyes(rect):
    """A committee user proposing on the branch's behalf can neither pre-review nor approve it."""
    disp = suspend(rect.committee, rect.e1)
    with pytest.raises(ValidationError, match="不能预审自己提出的处置"):
        rectify.prereview(rect.committee, disp, True)
    rectify.prereview(rect.admin, disp, True)
    with pytest.raises(ValidationError, match="不能审批自己提出的决定"):
        core_decisions.approve(rect.committee, fresh(disp).decision)
    assert Member.objects.get(pk=rect.east1.pk).membership_status == MembershipStatus.NORMAL
    core_decisions.approve(rect.admin, fresh(disp).decision)
    assert fresh(disp).state == DispositionState.DONE


def test_prereview_disagreeing_refuses_the_decision(rect):
    disp = suspend(rect.secretary, rect.e1)
    with pytest.raises(ValidationError) as exc:
        rectify.prereview(rect.committee, disp, False, "")
    assert "prereview_opinion" in exc.value.message_dict
    rectify.prereview(rect.committee, disp, False, "查找措施不充分，请继续查找")
    disp = fresh(disp)
    assert disp.state == DispositionState.REFUSED and disp.decision.state == Decision.State.REFUSED
    assert "查找措施不充分" in disp.decision.opinion
    assert Member.objects.get(pk=rect.east1.pk).membership_status == MembershipStatus.NORMAL
    # refused: a new proposal may follow, after more searching
    assert suspend(rect.secretary, rect.e1).decision.is_pending


def test_withdraw(rect):
    disp = suspend(rect.secretary, rect.e1)
    rectify.withdraw(rect.secretary, disp)
    assert fresh(disp).state == DispositionState.WITHDRAWN
    with pytest.raises(ValidationError):
        rectify.withdraw(rect.secretary, disp)


def test_found_after_proposing_stops_the_approval(rect):
    disp = suspend(rect.secretary, rect.e1)
    rectify.prereview(rect.committee, disp, True)
    search(rect.secretary, rect.e1, found=True)
    with pytest.raises(ValidationError, match="已取得联系"):
        core_decisions.approve(rect.admin, fresh(disp).decision)
    assert Member.objects.get(pk=rect.east1.pk).membership_status == MembershipStatus.NORMAL


def test_disqualify_a_probationer_and_lapse_after_two_years(rect):
    disp = rectify.propose(rect.secretary, rect.p1, {"kind": DispositionKind.DISQUALIFY, "meeting_on": TODAY,
                                                     "grounds": "预备党员失联"})
    rectify.prereview(rect.committee, disp, True)
    core_decisions.approve(rect.admin, fresh(disp).decision)
    m = Member.objects.get(pk=rect.probationer.pk)
    assert m.roll_state == RollState.REMOVED and m.removal_kind == RemovalKind.DISQUALIFIED
    # 自行脱党除名: 停止党籍 two whole years before the branch meeting
    Member.objects.filter(pk=rect.east1.pk).update(membership_status=MembershipStatus.SUSPENDED,
                                                   membership_status_on=add_months(TODAY, -24))
    disp = rectify.propose(rect.secretary, rect.e1, {"kind": DispositionKind.LAPSE, "meeting_on": TODAY,
                                                     "grounds": "停止党籍满两年仍无法取得联系"})
    rectify.prereview(rect.committee, disp, True)
    core_decisions.approve(rect.admin, fresh(disp).decision)
    m = Member.objects.get(pk=rect.east1.pk)
    assert m.roll_state == RollState.REMOVED and m.removal_kind == RemovalKind.LAPSED


# -- the refusals, each changing nothing -----------------------------------------------------------

def test_suspend_six_months_to_the_day(rect):
    with pytest.raises(ValidationError) as exc:
        suspend(rect.secretary, rect.e1, meeting_on=add_months(LOST_SINCE, 6) - DAY)
    assert "不满6个月，不能停止党籍" in exc.value.message_dict["meeting_on"][0]
    nothing_changed(rect)
    assert suspend(rect.secretary, rect.e1, meeting_on=add_months(LOST_SINCE, 6)).decision.is_pending


@pytest.mark.parametrize("case, data, field, message", [
    ("e2", {"kind": "suspend"}, "kind", "只有排查结论为“失联”、经多方查找仍无法取得联系的党员，才能停止党籍"),
    ("p1", {"kind": "suspend"}, "kind", "预备党员与党组织失去联系的，应取消预备党员资格"),
    ("e1", {"kind": "disqualify"}, "kind", "只有预备党员才能取消预备党员资格"),
    ("e1", {"kind": "lapse"}, "kind", "该党员未被停止党籍"),
    ("e1", {"kind": "suspend", "meeting_on": TODAY + DAY}, "meeting_on", "支部大会日期不能晚于今天"),
    ("e1", {"kind": "suspend", "meeting_on": None}, "meeting_on", "请填写讨论决定的支部大会日期"),
    ("e1", {"kind": "suspend", "grounds": ""}, "grounds", "请填写事实和依据"),
    ("e1", {"kind": "correct", "due_on": TODAY + DAY}, "kind", "限期改正适用于经排查取得联系"),
    ("e2", {"kind": "correct"}, "due_on", "请填写改正期限"),
    ("e1", {"kind": "complete_transfer"}, "kind", "补办转接手续适用于已转出未回执或“空挂”的党员"),
    ("e1", {"kind": "retain"}, "kind", "须本人提出申请"),
    ("e2", {"kind": "discipline"}, "detail", "请写明处分种类"),
    ("e1", {"kind": "bogus"}, "kind", "请选择处置方式"),
])
def test_rules_refuse_in_chinese(rect, case, data, field, message):
    data = {"meeting_on": TODAY, "grounds": "事实和依据", **data}
    with pytest.raises(ValidationError) as exc:
        rectify.propose(rect.secretary, getattr(rect, case), data)
    assert message in exc.value.message_dict[field][0]
    nothing_changed(rect)


def test_suspend_needs_a_search_attempt(rect):
    rect.e1.attempts.all().delete()
    with pytest.raises(ValidationError, match="停止党籍须有查找记录"):
        suspend(rect.secretary, rect.e1)
    nothing_changed(rect)


def test_lapse_only_two_years_after_suspension(rect):
    Member.objects.filter(pk=rect.east1.pk).update(membership_status=MembershipStatus.SUSPENDED,
                                                   membership_status_on=add_months(TODAY, -24) + DAY)
    with pytest.raises(ValidationError) as exc:
        rectify.propose(rect.secretary, rect.e1, {"kind": "lapse", "meeting_on": TODAY, "grounds": "依据"})
    assert "满两年后仍无法取得联系的，方可按自行脱党予以除名" in exc.value.message_dict["meeting_on"][0]
    assert not Disposition.objects.exists() and not Decision.objects.exists()


def test_not_before_the_working_group_has_verified(county):
    c = open_campaign(county)
    case = lost(county.secretary, case_of(c, county.east1))
    with pytest.raises(ValidationError, match="工作组核查完毕"):
        suspend(county.secretary, case)
    nothing_changed(county)


def test_out_of_scope_users_cannot_propose(rect):
    for user in (rect.sibling_secretary, rect.other_committee, rect.cadre):
        with pytest.raises(PermissionDenied):
            suspend(user, rect.e1)
    nothing_changed(rect)


# -- the record kinds and 附件4 ----------------------------------------------------------------------

ANNEX4_KEYS = ("managed", "disqualified", "retained", "suspended", "correct", "quit", "lapsed")


def annex4(county):
    grid = documents.annex4(county.root, county.campaign)
    return [grid.value("total", k) for k in ANNEX4_KEYS], grid


def test_annex4_follows_the_dispositions(rect):
    """The rows still add up (the grid refuses otherwise) while the numbers move with the data."""
    assert annex4(rect)[0] == [1, 0, 0, 0, 0, 0, 0]  # 张东二 found: 纳入组织管理
    corr = rectify.propose(rect.secretary, rect.e2, {"kind": "correct", "due_on": TODAY + 30 * DAY,
                                                     "grounds": "长期不参加组织生活，限期三十日内改正"})
    assert fresh(corr).state == DispositionState.OPEN
    counts, grid = annex4(rect)
    assert counts == [0, 0, 0, 0, 1, 0, 0] and grid.value("c3", "correct") == 1  # 东街村: ③农村
    rectify.record_done(rect.secretary, corr, "已按期改正，恢复正常组织生活")
    assert fresh(corr).state == DispositionState.DONE and annex4(rect)[0][4] == 1
    # 停止党籍 counts only once approved, and 取消预备党员资格 likewise
    disp = suspend(rect.secretary, rect.e1)
    rectify.prereview(rect.committee, disp, True)
    assert annex4(rect)[0] == [0, 0, 0, 0, 1, 0, 0]
    core_decisions.approve(rect.admin, fresh(disp).decision)
    dq = rectify.propose(rect.secretary, rect.p1, {"kind": "disqualify", "meeting_on": TODAY, "grounds": "失联"})
    rectify.prereview(rect.committee, dq, True)
    core_decisions.approve(rect.admin, fresh(dq).decision)
    counts, grid = annex4(rect)
    assert counts == [0, 1, 0, 1, 1, 0, 0]
    assert sum(grid.value("c3", k) for k in ANNEX4_KEYS) == 3


def test_withdrawn_correction_leaves_annex4(rect):
    corr = rectify.propose(rect.secretary, rect.e2, {"kind": "correct", "due_on": TODAY, "grounds": "限期改正"})
    rectify.withdraw(rect.secretary, corr)
    assert annex4(rect)[0] == [1, 0, 0, 0, 0, 0, 0]
    with pytest.raises(ValidationError, match="不能再登记办结"):
        rectify.record_done(rect.secretary, corr, "办结")


def test_record_kinds_need_no_prereview(rect):
    disp = rectify.propose(rect.secretary, rect.e2, {"kind": "transfer_out", "detail": "江苏省苏州市某电子厂党支部",
                                                     "grounds": "已在苏州稳定就业，本人申请转出"})
    assert disp.decision is None and disp.state == DispositionState.OPEN
    with pytest.raises(ValidationError, match="不需要预审"):
        rectify.prereview(rect.committee, disp, True)
    with pytest.raises(PermissionDenied):
        rectify.record_done(rect.sibling_secretary, disp, "已转出")
    rectify.record_done(rect.secretary, disp, "已开具介绍信", TODAY)
    assert fresh(disp).done_by == rect.secretary


# -- pages ---------------------------------------------------------------------------------------

def test_the_pages_and_their_scope(client, rect):
    disp = suspend(rect.secretary, rect.e1)
    client.force_login(rect.secretary)
    page = client.get(reverse("investigation:case", args=[rect.e1.pk])).content.decode()
    assert "整改规范" in page and "待党(工)委预审" in page
    assert reverse("decision_detail", args=[disp.decision_id]) in page
    assert client.get(reverse("investigation:disposition", args=[disp.pk])).status_code == 200
    client.force_login(rect.sibling_secretary)
    assert client.get(reverse("investigation:disposition", args=[disp.pk])).status_code == 404
    assert "张东一" not in client.get(reverse("investigation:dispositions")).content.decode()
    assert client.post(reverse("investigation:disposition_prereview", args=[disp.pk]),
                       {"prereview": "agree"}).status_code == 404
    client.force_login(rect.committee)
    listing = client.get(reverse("investigation:dispositions")).content.decode()
    assert "张东一" in listing and "待党(工)委预审" in listing
    todo = client.get(reverse("members:todo")).content.decode()
    assert "整改处置待预审" in todo and reverse("investigation:disposition", args=[disp.pk]) in todo
    r = client.post(reverse("investigation:disposition_prereview", args=[disp.pk]),
                    {"prereview": "agree", "prereview_opinion": "同意"})
    assert r.status_code == 302 and fresh(disp).state == DispositionState.IN_APPROVAL


def test_propose_on_the_case_page(client, rect):
    client.force_login(rect.secretary)
    url = reverse("investigation:case_dispose", args=[rect.e1.pk])
    r = client.post(url, {"kind": "suspend", "meeting_on": "", "grounds": "失联"})
    assert r.status_code == 200 and "请填写讨论决定的支部大会日期" in r.content.decode()
    assert not Disposition.objects.exists()
    r = client.post(url, {"kind": "suspend", "meeting_on": TODAY.isoformat(), "grounds": "失联"})
    assert r.status_code == 302
    disp = Disposition.objects.get()
    assert disp.kind == "suspend" and disp.decision.is_pending


def test_list_queries_constant_in_the_number_of_cases(client, rect, django_assert_max_num_queries):
    client.force_login(rect.committee)
    url = reverse("investigation:dispositions")
    suspend(rect.secretary, rect.e1)
    with django_assert_max_num_queries(40) as first:
        client.get(url)
    n = len(first.captured_queries)
    rectify.propose(rect.secretary, rect.e2, {"kind": "correct", "due_on": TODAY, "grounds": "限期改正"})
    rectify.propose(rect.secretary, rect.p1, {"kind": "disqualify", "meeting_on": TODAY, "grounds": "失联"})
    with django_assert_max_num_queries(n):
        assert client.get(url).content.decode().count("data-disposition") == 3


@pytest.mark.django_db
def test_demo_has_dispositions():
    """The demo's 整改规范 step: a 停止党籍 waiting for the committee's pre-review (and, where the demo
    county has a second member long out of contact, one approved: `make run`'s 5,000 members)."""
    import io

    from django.core.management import call_command

    call_command("seed_demo", members=300, stdout=io.StringIO())
    suspensions = list(rectify.dispositions().filter(kind=DispositionKind.SUSPEND))
    assert suspensions[-1].state == DispositionState.PRE_REVIEW and suspensions[-1].proposed_by.username == "clerk"
    for d in suspensions:
        suspended = d.case.member.membership_status == MembershipStatus.SUSPENDED
        assert suspended == (d.state == DispositionState.DONE)
    documents.annex4(d.case.branch.parent.parent or d.case.branch, d.case.campaign)  # reconciles


def test_decision_page_says_why_it_cannot_be_approved_yet(rect, client):
    """Before the committee's pre-review the decision page gives the guard's reason instead of 批准
    (不予批准 stays); after it, 批准 is offered."""
    disp = suspend(rect.secretary, rect.e1)
    client.force_login(rect.committee)
    url = reverse("decision_detail", args=[disp.decision.pk])
    html = client.get(url).content.decode()
    assert "须先经党(工)委预审同意" in html
    assert 'value="approve"' not in html and 'value="refuse"' in html
    rectify.prereview(rect.admin, disp, True)
    html = client.get(url).content.decode()
    assert "须先经党(工)委预审同意" not in html and 'value="approve"' in html
