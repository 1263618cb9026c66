"""The relationship investigation's workflow (组织关系排查, plan 3; DOMAIN.md). For the next engineer:

    open_campaign(user, **dates)            county: the campaign, a BranchCheck per branch, a
                                            CommitteeOpinion per committee, and every branch's cases
                                            built from the data (build_cases), in bulk
    build_cases(check)                      the branch's scope: every member on its roll plus every
                                            member transferred out of it whose receipt never came
                                            back (members/transfers.py); key groups pre-flagged
    classify(user, case, data, seen)        the self-check of one member (失联 needs a search attempt)
    log_search(user, case, data)            one search attempt (append-only)
    submit(user, check)                     refused while any member is unclassified
    set_verdict(user, case, verdict, note)  the working group: agree, or send back with a comment
    set_committee_opinion(user, case, text) 附件2's 基层党委意见 on one member
    agree_rest(user, check)                 agree every case not yet verified (one query)
    finish_verification(user, check)        any case sent back → 退回补查 (only those reopen);
                                            all agreed → 已核查
    save_report(user, check, data, seen)    the working group's report on the branch
    save_opinion(user, opinion, data, seen) the committee's meeting and initial handling
    sign(user, opinion, signer, reason)     frozen snapshot (core/versions.py); a change after
                                            signing is marked, and signing again makes version N+1
    accept(user, opinion, data)             总结巩固: the committee accepts its branches' work, once
                                            every branch is signed (refusal_to_accept says why not)

Rectification (整改规范: dispositions, 停止党籍, removal) is investigation/rectify.py; the official forms
investigation/documents.py.
Each write is one transaction with its audit entry; a refusal raises ValidationError or
PermissionDenied in Chinese and changes nothing.
"""

import datetime
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import Role
from branches.choices import COMMITTEE_KINDS, OrgCategory, OrgKind
from branches.models import Organization
from core import audit, concurrency, versions
from core.scoping import covers
from core.validators import check_text
from members import transfers
from members.choices import Category, RollState
from members.models import Member, TransferLetter
from members.models.transfers import LetterStatus

from . import lost_time
from .choices import (
    BRANCH_EDITABLE,
    KEY_GROUP_FIELDS,
    STAGE_FIELDS,
    CheckState,
    Classification,
    DisposalProposal,
    LostContactReason,
    ScopeReason,
    SearchChannel,
    Verdict,
)
from .models import Acceptance, BranchCheck, Campaign, Case, CommitteeOpinion, SearchAttempt, VerificationReport

OPEN = audit.register_action("inv_open", "开展组织关系排查")
BUILD = audit.register_action("inv_build", "生成排查对象")
CLASSIFY = audit.register_action("inv_classify", "排查分类")
SEARCH = audit.register_action("inv_search", "登记查找记录")
SUBMIT = audit.register_action("inv_submit", "提交党支部自查")
VERDICT = audit.register_action("inv_verdict", "核查意见")
FINISH = audit.register_action("inv_finish", "完成核查")
REPORT = audit.register_action("inv_report", "核查情况报告")
OPINION = audit.register_action("inv_opinion", "党(工)委初步意见")
SIGN = audit.register_action("inv_sign", "签署排查登记表")
ACCEPT = audit.register_action("inv_accept", "党(工)委验收排查工作")

# The branch kinds that hold formal relationships (a 临时党支部 holds none: TEMP_BRANCH_RULE).
CHECK_KINDS = (OrgKind.BRANCH, OrgKind.JOINT_BRANCH)
APPROVER_ROLES = (Role.COUNTY_ADMIN, Role.COMMITTEE)
BATCH = 2000

LOST_NEEDS_SEARCH = "分类为“失联”前，请至少登记一次查找记录（原联系方式、询问亲友、公安/人社/民政部门查询、党员多途径联系等）。"
NOT_OPEN = "该党员的排查已提交，不能再修改；被工作组退回的党员才能补查。"


def today():
    return timezone.localdate()


def _name(user):
    if user is None or not user.pk:
        return "系统"
    return getattr(user, "display_name", "") or user.get_username()


# --- who ---------------------------------------------------------------------------------------

def can_open(user):
    return user.is_active and user.is_county_admin


def can_self_check(user, check):
    """The branch's secretary, or an editor grant above it (a committee or the county on its behalf)."""
    return user.is_active and covers(user.editor_paths, check.branch.path)


def can_verify(user, check):
    """The working group: a committee (or county) grant covering the branch."""
    return user.is_active and covers(user.paths_for(APPROVER_ROLES), check.branch.path)


def can_sign(user, opinion):
    """The committee itself, or the county: a committee or county grant covering the committee."""
    return user.is_active and covers(user.paths_for(APPROVER_ROLES), opinion.committee.path)


def _require(allowed, message):
    if not allowed:
        raise PermissionDenied(message)


# --- opening a campaign and building the scope -----------------------------------------------------

def check_dates(d):
    """{field: message} for a campaign's dates: each stage ends after it starts, the stages follow
    one another, the deadlines fall inside the campaign."""
    errors = {}
    previous_end = None
    for _stage, start, end in STAGE_FIELDS:
        s, e = d.get(start), d.get(end)
        if s is None or e is None:
            continue
        if e < s:
            errors[end] = "结束日期不能早于开始日期。"
        elif previous_end is not None and s < previous_end:
            errors[start] = "各阶段应依次进行：本阶段不能早于上一阶段结束。"
        previous_end = e
    first, last = d.get("mobilize_start"), d.get("conclude_end")
    for name in ("self_check_due", "forms_due", "report_due"):
        v = d.get(name)
        if v and first and v < first:
            errors[name] = "期限不能早于动员部署开始。"
    if d.get("self_check_due") and d.get("forms_due") and d["forms_due"] < d["self_check_due"]:
        errors.setdefault("forms_due", "登记表上报期限不能早于党支部自查提交期限。")
    if last and d.get("report_due") and d["report_due"] < d.get("conclude_start", last):
        errors.setdefault("report_due", "综合报告上报期限不能早于总结巩固开始。")
    return errors


def _committee_of(org, by_id):
    """The basic-level committee above `org` (members.transfers.basic_committee, without queries)."""
    ids = [int(s) for s in org.path.split(".") if s][:-1]
    for pk in reversed(ids):
        o = by_id.get(pk)
        if o is not None and o.kind in COMMITTEE_KINDS:
            return o
    return by_id.get(org.parent_id)


def open_campaign(user, **fields):
    """The county opens a campaign: every active branch gets its check and its cases, every
    committee above them its opinion. Constant queries in the number of members (bulk)."""
    _require(can_open(user), "只有组织部管理员可以开展组织关系排查。")
    fields["name"] = (fields.get("name") or "").strip()
    errors = check_dates(fields)
    if not fields["name"]:
        errors["name"] = "请填写排查工作名称。"
    if errors:
        raise ValidationError(errors)
    orgs = list(Organization.objects.active().only("pk", "kind", "path", "parent_id", "category", "name"))
    by_id = {o.pk: o for o in orgs}
    branches = [o for o in orgs if o.kind in CHECK_KINDS]
    with transaction.atomic():
        campaign = Campaign.objects.create(opened_by=user if user.pk else None, **fields)
        checks = BranchCheck.objects.bulk_create(
            [BranchCheck(campaign=campaign, branch=b, committee=_committee_of(b, by_id)) for b in branches],
            batch_size=BATCH,
        )
        committees = {c.committee_id for c in checks if c.committee_id}
        CommitteeOpinion.objects.bulk_create(
            [CommitteeOpinion(campaign=campaign, committee_id=pk) for pk in sorted(committees)], batch_size=BATCH)
        made = _build(campaign, checks, by_id)
        audit.record(user, campaign, OPEN, reason=f"{len(checks)}个党支部，排查对象{made}名")
    return campaign


def scope_rows(branch_ids):
    """[(member id, branch id, ScopeReason)] of these branches' scope: the members on their roll,
    and the members transferred out of them whose receipt never came back (members/transfers.py:
    investigation_scope, members_awaiting_receipt). Two queries."""
    branch_ids = list(branch_ids)
    rows = [(pk, b, ScopeReason.ON_ROLL) for pk, b in Member.objects.filter(
        organization_id__in=branch_ids, roll_state=RollState.ON_ROLL).values_list("pk", "organization_id")]
    awaiting = (TransferLetter.objects.filter(
        status=LetterStatus.ISSUED, from_org_id__in=branch_ids,
        member__in=transfers.members_awaiting_receipt(branch_ids)).values_list("member_id", "from_org_id"))
    rows += [(pk, b, ScopeReason.AWAITING_RECEIPT) for pk, b in awaiting]
    return rows


NON_PUBLIC = (OrgCategory.NON_PUBLIC_ENTERPRISE, OrgCategory.SOCIAL_ORGANIZATION)


def key_groups(member, branch):
    """The key groups the data shows (the rest the secretary flags): 人户分离 when the household
    registration and the residence differ, 异地居住 for a member with an open out-flow (流动),
    非公企业/社会组织 when the branch's 党组织类别 is ② or ⑧."""
    hukou, home = (member["household_registration"] or "").strip(), (member["residence"] or "").strip()
    return {
        "kg_separated": bool(hukou and home and hukou != home),
        "kg_elsewhere": bool(member["is_mobile"]),
        "kg_non_public": branch.category in NON_PUBLIC,
    }


def _build(campaign, checks, by_id=None):
    """Create the missing cases of `checks` (one campaign); returns how many were made."""
    if not checks:
        return 0
    check_by_branch = {c.branch_id: c for c in checks}
    if by_id is None:
        by_id = {o.pk: o for o in Organization.objects.filter(pk__in=check_by_branch)}
    rows = [r for r in scope_rows(check_by_branch) if r[1] in check_by_branch]
    have = set(Case.objects.filter(campaign=campaign).values_list("member_id", flat=True))
    wanted, seen_ids = [], set()
    for pk, b, reason in rows:  # a member on a roll and awaiting a receipt elsewhere: the roll wins
        if pk in have or pk in seen_ids:
            continue
        seen_ids.add(pk)
        wanted.append((pk, b, reason))
    members = {}
    ids = [pk for pk, _, _ in wanted]
    for i in range(0, len(ids), BATCH):
        for m in Member.objects.filter(pk__in=ids[i:i + BATCH]).values(
                "pk", "household_registration", "residence", "is_mobile", "last_contact_on"):
            members[m["pk"]] = m
    cases = []
    for pk, b, reason in wanted:
        m = members[pk]
        flags = key_groups(m, by_id[b])
        cases.append(Case(campaign=campaign, branch_check=check_by_branch[b], branch_id=b, member_id=pk,
                          scope_reason=reason, lost_since=m["last_contact_on"], is_key=any(flags.values()),
                          **flags))
    Case.objects.bulk_create(cases, batch_size=BATCH, ignore_conflicts=True)
    now = timezone.now()
    BranchCheck.objects.filter(pk__in=[c.pk for c in checks], cases_built_at=None).update(cases_built_at=now)
    return len(cases)


def build_cases(check):
    """The branch's cases, if not built yet (a branch founded after the opening). Returns how many
    were made."""
    if check.cases_built_at is not None:
        return 0
    with transaction.atomic():
        made = _build(check.campaign, [check])
        audit.record(None, check, BUILD, reason=f"排查对象{made}名")
    check.cases_built_at = timezone.now()
    return made


def check_for(campaign, branch):
    """The branch's check (a branch founded since the opening gets one now, with its cases)."""
    check, created = BranchCheck.objects.get_or_create(
        campaign=campaign, branch=branch, defaults={"committee": transfers.basic_committee(branch)})
    if created or check.cases_built_at is None:
        build_cases(check)
    return check


# --- reading -----------------------------------------------------------------------------------

def progress(checks):
    """{check id: {"total", "classified", "lost", "agreed", "returned"}} in one query."""
    rows = (Case.objects.filter(branch_check__in=checks).values("branch_check_id").order_by()
            .annotate(total=Count("pk"), classified=Count("pk", filter=~Q(classification="")),
                      lost=Count("pk", filter=Q(classification=Classification.LOST)),
                      agreed=Count("pk", filter=Q(verdict=Verdict.AGREE)),
                      returned=Count("pk", filter=Q(verdict=Verdict.RETURN))))
    return {r.pop("branch_check_id"): r for r in rows}


def case_list(check):
    """The branch's cases, key groups first, each with its member: one query."""
    return (Case.objects.filter(branch_check=check).select_related("member")
            .order_by("-is_key", "member__name_pinyin", "pk"))


# --- the branch self-check ------------------------------------------------------------------------

CLASSIFY_FIELDS = ("classification", "lost_reason", "lost_since", "contact_found_on", "whereabouts", "current_phone",
                   "disposal_proposal", "branch_opinion", "roll_confirmed", "roll_correction", "note",
                   *KEY_GROUP_FIELDS)


def _lock_case(case):
    return Case.objects.select_for_update().select_related("branch_check", "branch", "member").get(pk=case.pk)


def _clean_case(case, data, has_attempts):
    errors = {}
    c = data.get("classification") or ""
    if c not in Classification.values:
        errors["classification"] = "请选择排查结论（正常、流动、空挂、失联或其他）。"
    day = today()
    for name in ("lost_since", "contact_found_on"):
        v = data.get(name)
        if v and v > day:
            errors[name] = "日期不能晚于今天。"
    if c == Classification.LOST:
        if not data.get("lost_reason"):
            errors["lost_reason"] = "失联党员请选择失去联系情形。"
        elif data["lost_reason"] == LostContactReason.OTHER and not (data.get("note") or "").strip():
            errors["note"] = "失去联系情形为“其他”的，请在备注中写明原因。"
        if not data.get("lost_since"):
            errors["lost_since"] = "失联党员请填写失去联系起始日期（最后一次参加组织生活或交纳党费的日期）。"
        elif data["lost_since"] <= day and lost_time.bucket(data["lost_since"], day) == lost_time.UNDER:
            # 失联 is six months or more out of contact (DOMAIN.md; 附件3's columns start there)
            errors["lost_since"] = (f"自{data['lost_since']:%Y年%-m月%-d日}起与党组织失去联系不满六个月，不能分类为“失联”："
                                    "请继续查找，或按实际情况分类为正常、流动或其他。")
        if data.get("contact_found_on"):
            errors["contact_found_on"] = "已取得联系的党员不能分类为“失联”，请改选其他结论。"
        if not has_attempts:
            errors["classification"] = LOST_NEEDS_SEARCH
        if (data.get("disposal_proposal") == DisposalProposal.DISQUALIFY
                and case.member.category != Category.PROBATIONARY):
            errors["disposal_proposal"] = "只有预备党员才能提出取消预备党员资格。"
    else:
        if data.get("disposal_proposal"):
            errors["disposal_proposal"] = "只有仍无法取得联系的失联党员才提出处置意见。"
    found = data.get("contact_found_on")
    if found and data.get("lost_since") and found < data["lost_since"]:
        errors["contact_found_on"] = "取得联系日期不能早于失去联系起始日期。"
    if found and not (data.get("whereabouts") or "").strip():
        errors["whereabouts"] = "已取得联系的，请填写现工作单位或居住地。"
    if data.get("roll_correction") and data.get("roll_confirmed") is False:
        pass  # a correction note without the tick is allowed: the roll is being fixed
    return errors


def classify(user, case, data, seen=None):
    """The self-check's conclusion on one member. `data` holds CLASSIFY_FIELDS (missing ones keep
    their value); `seen` (core/concurrency.Seen) refuses a stale form."""
    with transaction.atomic():
        locked = _lock_case(case)
        check = locked.branch_check
        _require(can_self_check(user, check), "您不能填写该党支部的排查。")
        if not locked.open_to_branch(check):
            raise ValidationError(NOT_OPEN)
        concurrency.check(user, locked, seen)
        merged = {f: data.get(f, getattr(locked, f)) for f in CLASSIFY_FIELDS}
        for f in ("whereabouts", "current_phone", "branch_opinion", "roll_correction", "note"):
            merged[f] = (merged[f] or "").strip()
        if merged["classification"] != Classification.LOST and not merged["contact_found_on"]:
            merged["lost_reason"] = ""  # the code stays with the lost and the found (附件1)
        errors = _clean_case(locked, merged, locked.attempts.exists())
        for f in ("whereabouts", "branch_opinion", "roll_correction", "note"):
            problem = check_text(merged[f]) if merged[f] else None
            if problem:
                errors.setdefault(f, problem)
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(locked, CLASSIFY_FIELDS)
        for f, v in merged.items():
            setattr(locked, f, v)
        locked.is_key = any(getattr(locked, f) for f in KEY_GROUP_FIELDS)
        locked.classified_at, locked.classified_by = timezone.now(), (user if user.pk else None)
        locked.save()
        audit.record(user, locked, CLASSIFY, before=before, after=audit.snapshot(locked, CLASSIFY_FIELDS))
    return locked


def log_search(user, case, data):
    """One search attempt (date, channel, who, result, found). The log is append-only."""
    with transaction.atomic():
        locked = _lock_case(case)
        check = locked.branch_check
        _require(can_self_check(user, check) or can_verify(user, check), "您不能登记该党员的查找记录。")
        if check.state == CheckState.SIGNED:
            raise ValidationError("该党支部的排查已签署上报，查找记录请在整改规范阶段登记。")
        errors = {}
        day = data.get("searched_on")
        if not day:
            errors["searched_on"] = "请填写查找日期。"
        elif day > today():
            errors["searched_on"] = "查找日期不能晚于今天。"
        elif day < check.campaign.mobilize_start - datetime.timedelta(days=366):
            errors["searched_on"] = "查找日期早于本次排查一年以上，请核对。"
        if data.get("channel") not in SearchChannel.values:
            errors["channel"] = "请选择查找方式。"
        searcher = (data.get("searcher") or "").strip()
        result = (data.get("result") or "").strip()
        if not searcher:
            errors["searcher"] = "请填写查找人。"
        if not result:
            errors["result"] = "请填写查找结果。"
        for f, v in (("searcher", searcher), ("result", result)):
            problem = check_text(v) if v and f not in errors else None
            if problem:
                errors[f] = problem
        if errors:
            raise ValidationError(errors)
        attempt = SearchAttempt.objects.create(
            case=locked, searched_on=day, channel=data["channel"], searcher=searcher, result=result,
            found=bool(data.get("found")), recorded_by=user if user.pk else None)
        Case.objects.filter(pk=locked.pk).update(search_count=F("search_count") + 1)
        audit.record(user, locked, SEARCH, changes={"attempts": ["", f"{day:%Y-%m-%d} {attempt.get_channel_display()}："
                                                                  f"{result}{'（已取得联系）' if attempt.found else ''}"]})
    return attempt


def _lock_check(check):
    return BranchCheck.objects.select_for_update().select_related("branch", "campaign").get(pk=check.pk)


def _names(qs, n=5):
    names = list(qs.values_list("member__name", flat=True)[:n])
    return "、".join(names) + ("等" if len(names) == n else "")


def submit(user, check):
    """The branch submits its self-check: refused while a member is unclassified, or a 失联 member
    has no search attempt. A returned branch resubmits: the cases sent back go back to the group."""
    with transaction.atomic():
        locked = _lock_check(check)
        _require(can_self_check(user, locked), "您不能提交该党支部的排查。")
        if locked.state not in BRANCH_EDITABLE:
            raise ValidationError(f"该党支部的排查{locked.get_state_display()}，不能再次提交。")
        cases = Case.objects.filter(branch_check=locked)
        open_ = cases.filter(classification="")
        n = open_.count()
        if n:
            raise ValidationError(f"还有{n}名党员未分类（{_names(open_)}），全部分类后才能提交。")
        no_search = cases.filter(classification=Classification.LOST, search_count=0)
        n = no_search.count()
        if n:
            raise ValidationError(f"有{n}名失联党员没有查找记录（{_names(no_search)}），请先登记查找情况。")
        if not cases.exists():
            raise ValidationError("该党支部没有排查对象，无需提交。")
        if locked.state == CheckState.RETURNED:
            cases.filter(verdict=Verdict.RETURN).update(verdict="")
        old = locked.get_state_display()
        locked.state = CheckState.SUBMITTED
        locked.submitted_at, locked.submitted_by = timezone.now(), (user if user.pk else None)
        locked.submissions += 1
        locked.save()
        audit.record(user, locked, SUBMIT, changes={"state": [old, locked.get_state_display()]},
                     reason=f"第{locked.submissions}次提交")
    return locked


# --- the working group's verification ---------------------------------------------------------------

def set_verdict(user, case, verdict, comment=""):
    """Agree with the branch's conclusion on one member, or send it back with a comment."""
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = _lock_case(case)
        check = locked.branch_check
        _require(can_verify(user, check), "您不能核查该党支部的排查。")
        if check.state != CheckState.SUBMITTED:
            raise ValidationError(f"该党支部的排查{check.get_state_display()}，现在不能核查。")
        if verdict not in Verdict.values:
            raise ValidationError({"verdict": "请选择同意或退回。"})
        if verdict == Verdict.RETURN and not comment:
            raise ValidationError({"verdict_comment": "退回时请写明需要补查或更正的内容。"})
        problem = check_text(comment) if comment else None
        if problem:
            raise ValidationError({"verdict_comment": problem})
        before = audit.snapshot(locked, ["verdict", "verdict_comment"])
        locked.verdict, locked.verdict_comment = verdict, comment
        locked.verdict_at, locked.verdict_by = timezone.now(), (user if user.pk else None)
        locked.save()
        audit.record(user, locked, VERDICT, before=before, after=audit.snapshot(locked, ["verdict", "verdict_comment"]))
    return locked


def set_committee_opinion(user, case, text, seen=None):
    """附件2's 基层党委意见 on one member (the committee, once the branch has submitted). After the
    committee has signed, the signed version stays as it was; the change is marked and signing again
    makes the next version (as save_opinion and save_report)."""
    text = (text or "").strip()
    with transaction.atomic():
        locked = _lock_case(case)
        check = locked.branch_check
        _require(can_verify(user, check), "您不能填写该党员的基层党委意见。")
        concurrency.check(user, locked, seen)
        if check.state == CheckState.SELF_CHECK:
            raise ValidationError("党支部尚未提交自查，还不能填写基层党委意见。")
        problem = check_text(text) if text else None
        if problem or len(text) > Case._meta.get_field("committee_opinion").max_length:
            raise ValidationError({"committee_opinion": problem or "基层党委意见最多200个字。"})
        before = audit.snapshot(locked, ["committee_opinion"])
        locked.committee_opinion = text
        locked.save()
        audit.record(user, locked, VERDICT, before=before, after=audit.snapshot(locked, ["committee_opinion"]))
        if check.committee_id:
            _mark_changed_after_signing({"campaign_id": check.campaign_id, "committee_id": check.committee_id})
    return locked


def agree_rest(user, check):
    """Agree with every case of the branch the group has not yet verified (one update, one audit
    entry per case)."""
    with transaction.atomic():
        locked = _lock_check(check)
        _require(can_verify(user, locked), "您不能核查该党支部的排查。")
        if locked.state != CheckState.SUBMITTED:
            raise ValidationError(f"该党支部的排查{locked.get_state_display()}，现在不能核查。")
        pending = list(Case.objects.filter(branch_check=locked, verdict="").select_related("member", "branch"))
        Case.objects.filter(pk__in=[c.pk for c in pending]).update(
            verdict=Verdict.AGREE, verdict_at=timezone.now(), verdict_by=user if user.pk else None,
            version=F("version") + 1)
        label = Verdict.AGREE.label
        audit.record_many(user, [(c, {"verdict": ["", label]}) for c in pending], VERDICT, batch=audit.new_batch())
    return len(pending)


def finish_verification(user, check):
    """The group has gone through every case: any sent back → the branch is 退回补查 (only those
    cases reopen); all agreed → 已核查."""
    with transaction.atomic():
        locked = _lock_check(check)
        _require(can_verify(user, locked), "您不能核查该党支部的排查。")
        if locked.state != CheckState.SUBMITTED:
            raise ValidationError(f"该党支部的排查{locked.get_state_display()}，现在不能完成核查。")
        cases = Case.objects.filter(branch_check=locked)
        pending = cases.filter(verdict="")
        n = pending.count()
        if n:
            raise ValidationError(f"还有{n}名党员未核查（{_names(pending)}），请逐一核查后再完成。")
        returned = cases.filter(verdict=Verdict.RETURN).count()
        old = locked.get_state_display()
        if returned:
            locked.state, locked.returned_at = CheckState.RETURNED, timezone.now()
            reason = f"退回{returned}名党员补查"
        else:
            locked.state = CheckState.VERIFIED
            locked.verified_at, locked.verified_by = timezone.now(), (user if user.pk else None)
            reason = "全部同意"
        locked.save()
        audit.record(user, locked, FINISH, changes={"state": [old, locked.get_state_display()]}, reason=reason)
    return locked


REPORT_FIELDS = ("summary", "mobile_measures", "hanging_fixes", "search_methods", "disposal_proposals")


def report_for(check):
    report, _ = VerificationReport.objects.get_or_create(branch_check=check)
    return report


def _mark_changed_after_signing(opinion_filter):
    CommitteeOpinion.objects.filter(signed_version__gt=0, **opinion_filter).update(changed_since_signing=True)


def save_report(user, report, data, seen=None):
    """The working group's report on a branch (submitted or later)."""
    with transaction.atomic():
        locked = VerificationReport.objects.select_for_update().select_related(
            "branch_check__branch", "branch_check__campaign").get(pk=report.pk)
        check = locked.branch_check
        _require(can_verify(user, check), "您不能撰写该党支部的核查情况报告。")
        if check.state == CheckState.SELF_CHECK:
            raise ValidationError("党支部尚未提交自查，还不能撰写核查情况报告。")
        concurrency.check(user, locked, seen)
        errors = {}
        values = {f: (data.get(f, getattr(locked, f)) or "").strip() for f in REPORT_FIELDS}
        for f, v in values.items():
            problem = check_text(v, multiline=True) if v else None
            if problem:
                errors[f] = problem
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(locked, REPORT_FIELDS)
        for f, v in values.items():
            setattr(locked, f, v)
        locked.written_by = user if user.pk else None
        locked.save()
        audit.record(user, locked, REPORT, before=before, after=audit.snapshot(locked, REPORT_FIELDS))
        if check.committee_id:
            _mark_changed_after_signing({"campaign_id": check.campaign_id, "committee_id": check.committee_id})
    return locked


# --- the committee's opinion and sign-off -------------------------------------------------------------

OPINION_FIELDS = ("meeting_on", "meeting_host", "initial_handling", "report")


def save_opinion(user, opinion, data, seen=None):
    """The committee's meeting and its initial handling. After signing, a change is marked: the
    signed version stays as it was, and signing again makes the next version."""
    with transaction.atomic():
        locked = CommitteeOpinion.objects.select_for_update().select_related("committee", "campaign").get(pk=opinion.pk)
        _require(can_sign(user, locked), "您不能填写该党(工)委的初步意见。")
        concurrency.check(user, locked, seen)
        values = {f: data.get(f, getattr(locked, f)) for f in OPINION_FIELDS}
        errors = {}
        for f in ("meeting_host", "initial_handling", "report"):
            values[f] = (values[f] or "").strip()
            problem = check_text(values[f], multiline=f != "meeting_host") if values[f] else None
            if problem:
                errors[f] = problem
        if values["meeting_on"] and values["meeting_on"] > today():
            errors["meeting_on"] = "会议日期不能晚于今天。"
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(locked, OPINION_FIELDS)
        for f, v in values.items():
            setattr(locked, f, v)
        if locked.is_signed and audit.diff(before, audit.snapshot(locked, OPINION_FIELDS)):
            locked.changed_since_signing = True
        locked.save()
        audit.record(user, locked, OPINION, before=before, after=audit.snapshot(locked, OPINION_FIELDS))
    return locked


def committee_checks(opinion):
    return BranchCheck.objects.filter(campaign_id=opinion.campaign_id, committee_id=opinion.committee_id)


def signed_data(opinion):
    """What a signature covers: the opinion, and per branch its state, report and every case
    (the facts 附件1–3 are generated from). Queries constant in the number of members."""
    checks = list(committee_checks(opinion).select_related("branch").order_by("branch__path"))
    reports = {r.branch_check_id: r for r in VerificationReport.objects.filter(branch_check__in=checks)}
    cases = {}
    for c in (Case.objects.filter(branch_check__in=checks).select_related("member")
              .order_by("branch_check_id", "member__name_pinyin", "pk")):
        cases.setdefault(c.branch_check_id, []).append({
            "member": c.member.name, "member_id": c.member_id, "scope": c.scope_reason,
            "classification": c.get_classification_display(), "lost_reason": c.lost_reason,
            "lost_since": c.lost_since, "contact_found_on": c.contact_found_on, "whereabouts": c.whereabouts,
            "disposal": c.get_disposal_proposal_display(), "searches": c.search_count,
            "key_groups": c.key_groups, "verdict": c.get_verdict_display(),
        })
    return {
        "campaign": opinion.campaign.name, "committee": opinion.committee.name,
        "meeting_on": opinion.meeting_on, "meeting_host": opinion.meeting_host,
        "initial_handling": opinion.initial_handling, "report": opinion.report,
        "branches": [{
            "branch": ch.branch.name, "state": ch.get_state_display(),
            "report": {f: getattr(reports[ch.pk], f) for f in REPORT_FIELDS} if ch.pk in reports else None,
            "cases": cases.get(ch.pk, []),
        } for ch in checks],
    }


# The signed file: invforms's forms (附件1–3 and the mobile table) register a builder here,
#   services.SIGNED_DOCUMENT = fn(opinion, data) -> (bytes, filename)
# until then the signature keeps the data itself as a JSON file.
SIGNED_DOCUMENT = None


def _signed_file(opinion, data):
    if SIGNED_DOCUMENT is not None:
        return SIGNED_DOCUMENT(opinion, data)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()
    return body, f"{opinion.committee.name}排查登记表签署件.json"


def sign(user, opinion, signer_name, reason=""):
    """The committee's secretary signs its forms: every branch verified, the meeting recorded.
    The signed data and file are frozen (core/versions.py); signing again after a change needs a
    reason and makes the next version."""
    signer_name = (signer_name or "").strip()
    with transaction.atomic():
        locked = CommitteeOpinion.objects.select_for_update().select_related("committee", "campaign").get(pk=opinion.pk)
        _require(can_sign(user, locked), "您不能签署该党(工)委的排查登记表。")
        errors = {}
        if not signer_name:
            errors["signer_name"] = "请填写签字的党(工)委书记姓名。"
        elif check_text(signer_name):
            errors["signer_name"] = check_text(signer_name)
        if not locked.meeting_on:
            errors["meeting_on"] = "请先记录党(工)委专题会议的日期。"
        if not locked.initial_handling:
            errors["initial_handling"] = "请先填写初步处理意见。"
        if errors:
            raise ValidationError(errors)
        checks = committee_checks(locked)
        open_ = checks.exclude(state__in=(CheckState.VERIFIED, CheckState.SIGNED))
        n = open_.count()
        if n:
            names = "、".join(open_.values_list("branch__name", flat=True)[:5])
            raise ValidationError(f"还有{n}个党支部未核查完毕（{names}{'等' if n > 5 else ''}），不能签署。")
        if locked.is_signed and not locked.changed_since_signing:
            raise ValidationError(f"第{locked.signed_version}版已签署，此后没有改动，无需重新签署。")
        data = {**signed_data(locked), "signer": signer_name}
        body, filename = _signed_file(locked, data)
        version = versions.freeze(user, locked, CommitteeOpinion.SIGNED_KIND, data, body, filename, reason=reason)
        old = locked.signed_version
        locked.signer_name = signer_name
        locked.signed_at, locked.signed_by = timezone.now(), (user if user.pk else None)
        locked.signed_version, locked.changed_since_signing = version.number, False
        locked.save()
        checks.filter(state=CheckState.VERIFIED).update(state=CheckState.SIGNED, signed_at=locked.signed_at)
        audit.record(user, locked, SIGN, changes={"signed_version": [str(old or ""), str(version.number)]},
                     reason=reason)
    return version


def signed_versions(opinion):
    return versions.history(opinion, CommitteeOpinion.SIGNED_KIND)


# --- the conclusion (总结巩固): the committee's acceptance ------------------------------------------

def acceptance_of(opinion):
    return Acceptance.objects.filter(campaign_id=opinion.campaign_id, committee_id=opinion.committee_id).first()


def refusal_to_accept(opinion):
    """Why the committee cannot accept yet ("" when it can): every branch's check must be 已签署 (the
    working group verified it and the committee signed its forms), and nothing changed since."""
    checks = committee_checks(opinion)
    if not checks.exists():
        return "该党(工)委没有参加排查的党支部，无需验收。"
    open_ = checks.exclude(state=CheckState.SIGNED)
    rows = list(open_.values_list("branch__name", "state").order_by("branch__path")[:6])
    if rows:
        n = open_.count()
        labels = dict(CheckState.choices)
        names = "、".join(f"{name}（{labels[state]}）" for name, state in rows[:5])
        return (f"还有{n}个党支部未经核查并签署（{names}{'等' if n > 5 else ''}），"
                "所属党支部全部签署后才能验收。")
    if opinion.changed_since_signing:
        return "签署后初步意见或核查情况有改动，请重新签署后再验收。"
    return ""


def accept(user, opinion, data):
    """The committee checks and accepts its branches' work (总结巩固 1, 自查验收): who, when, its
    opinion. Refused while a branch is not signed, or when already accepted."""
    name = (data.get("accepter_name") or "").strip()
    text = (data.get("opinion") or "").strip()
    with transaction.atomic():
        locked = CommitteeOpinion.objects.select_for_update().select_related("committee", "campaign").get(pk=opinion.pk)
        _require(can_sign(user, locked), "您不能验收该党(工)委的排查工作。")
        done = acceptance_of(locked)
        if done is not None:
            raise ValidationError(f"{done.accepter_name}已于{timezone.localtime(done.accepted_at):%Y年%-m月%-d日}验收，"
                                  "不能重复验收。")
        refusal = refusal_to_accept(locked)
        if refusal:
            raise ValidationError(refusal)
        errors = {}
        if not name:
            errors["accepter_name"] = "请填写验收人姓名。"
        elif check_text(name):
            errors["accepter_name"] = check_text(name)
        if not text:
            errors["opinion"] = "请填写验收意见（逐一检查所属党支部排查工作的情况和结论）。"
        elif check_text(text, multiline=True):
            errors["opinion"] = check_text(text, multiline=True)
        if errors:
            raise ValidationError(errors)
        acceptance = Acceptance.objects.create(
            campaign=locked.campaign, committee=locked.committee, accepter_name=name, opinion=text,
            accepted_at=timezone.now(), accepted_by=user if user.pk else None)
        audit.record(user, acceptance, ACCEPT, changes={"accepter_name": ["", name], "opinion": ["", text]})
    return acceptance


# --- deadlines (to-do) -------------------------------------------------------------------------------

def days_left(due, day=None):
    return (due - (day or today())).days


def _active(qs, field="campaign__"):
    """Checks of campaigns not yet concluded."""
    return qs.filter(**{f"{field}conclude_end__gte": today()})
