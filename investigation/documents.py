"""The investigation's official forms, generated from the cases of a campaign under one organization
(a branch, a committee or the county), each in Excel and PDF through core/documents:

    附件1 经查找取得联系党员登记表            register: the cases whose contact was found
    附件2 经查找仍然无法取得联系党员登记表    register: the cases classified 失联 (still unreachable)
    附件3 与党组织失去联系党员情况汇总表      grid (annexes.py): one GROUP BY of the lost, one of the found
    附件4 与党组织失去联系党员管理及处置情况汇总表  grid: one GROUP BY of the lost and found by disposition
    排查台账                                  register: every case in scope
(the 流动党员管理有关情况统计表 is members/mobile_stats.py: it reads only the members' records).

Which members each counts (the campaign's cases, `Case`):
    still unreachable  classification 失联 (a case whose contact was found is never 失联: services)
    found              contact_found_on set (the 失去联系情形 code stays on the case for 附件1)
    与党组织失去联系时间 from lost_since to the end of the search: the day contact was found, or the
                       day the form is made for the still unreachable (lost_time.py for the ranges)
    附件4's columns    from the member's record as the approved decisions left it: removed as
                       取消预备党员资格 / 退党除名 / 自行脱党除名, 党籍 停止 / 保留组织关系 (出国（境）),
                       限期改正 for a found member on the roll with a 限期改正 disposition (rectify.py,
                       not refused or withdrawn), else 纳入组织管理 for a found member on the roll.
                       One column per case, so the rows still add up.

The caller scopes: `org` is an organization the user may see (its whole subtree is then visible).
The registers hide whole ID numbers where the user holds no editor grant (as the roster does).
"""

from dataclasses import replace

from django.db.models import Case as CaseWhen
from django.db.models import CharField, Count, Exists, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone

from branches.choices import OrgCategory
from core.documents import Column, Register, chinese_date, signatory
from members import idcard
from members.choices import Category, LostContactReason, MembershipStatus, RemovalKind, RollState
from members.contacts import add_months

from . import annexes, lost_time
from .choices import (
    Classification,
    DisposalProposal,
    DispositionKind,
    DispositionState,
    KeyGroup,
    ScopeReason,
    SearchChannel,
    Verdict,
)
from .models import Case, Disposition, SearchAttempt

ANNEX1_TITLE = "经查找取得联系党员登记表"
ANNEX2_TITLE = "经查找仍然无法取得联系党员登记表"
LEDGER_TITLE = "党员组织关系排查台账"

_CATEGORY = dict(Category.choices)
_ORG_CATEGORY = dict(OrgCategory.choices)
_REASON = dict(LostContactReason.choices)
_CLASS = dict(Classification.choices)
_DISPOSAL = dict(DisposalProposal.choices)
_SCOPE = dict(ScopeReason.choices)
_VERDICT = dict(Verdict.choices)
_CHANNEL = dict(SearchChannel.choices)


def _today():
    return timezone.localdate()


def cases_under(org, campaign):
    """The campaign's cases of the branches under `org` (itself included)."""
    return Case.objects.filter(campaign=campaign, branch__path__startswith=org.path, branch__path__gte=org.path)


def lost_cases(org, campaign):
    return cases_under(org, campaign).filter(classification=Classification.LOST, contact_found_on__isnull=True)


def found_cases(org, campaign):
    return cases_under(org, campaign).filter(contact_found_on__isnull=False)


# -- 附件3, 附件4 (grids) --------------------------------------------------------------------------

def _frame(org):
    return {"unit_name": org.name}


def annex3(org, campaign, as_of=None):
    """附件3 for `org` (two queries). Raises GridError (why, in Chinese) when it does not reconcile."""
    as_of = as_of or _today()
    lost = (lost_cases(org, campaign).annotate(range=lost_time.bucket_expression("lost_since", as_of))
            .values_list("branch__category", "range", "lost_reason").annotate(n=Count("pk")).order_by())
    year_ago = add_months(as_of, -12)
    found = (found_cases(org, campaign).filter(contact_found_on__gt=year_ago, contact_found_on__lte=as_of)
             .values_list("branch__category").annotate(n=Count("pk")).order_by())
    values, problems = annexes.annex3_values(list(lost), list(found))
    return annexes.annex3(values, as_of, problems, **_frame(org))


def disposition_expression():
    """A CASE naming 附件4's column of a case from its member's record ("" when none applies)."""
    removed = {"member__roll_state": RollState.REMOVED}
    corrections = Disposition.objects.filter(case=OuterRef("pk"), kind=DispositionKind.CORRECT,
                                             record_state__in=[DispositionState.OPEN, DispositionState.DONE])
    return CaseWhen(
        When(Q(**removed, member__removal_kind=RemovalKind.DISQUALIFIED), then=Value(annexes.DISQUALIFIED)),
        When(Q(**removed, member__removal_kind=RemovalKind.QUIT), then=Value(annexes.QUIT)),
        When(Q(**removed, member__removal_kind=RemovalKind.LAPSED), then=Value(annexes.LAPSED)),
        When(Q(member__roll_state=RollState.ON_ROLL, member__membership_status=MembershipStatus.SUSPENDED),
             then=Value(annexes.SUSPENDED)),
        When(Q(member__roll_state=RollState.ON_ROLL, member__membership_status=MembershipStatus.RETAINED),
             then=Value(annexes.RETAINED)),
        When(Exists(corrections), member__roll_state=RollState.ON_ROLL, contact_found_on__isnull=False,
             then=Value(annexes.CORRECT)),
        When(Q(member__roll_state=RollState.ON_ROLL, contact_found_on__isnull=False), then=Value(annexes.MANAGED)),
        default=Value(""), output_field=CharField(),
    )


def annex4(org, campaign, as_of=None):
    """附件4 for `org` (one query): the campaign's lost and found members by what became of them."""
    as_of = as_of or _today()
    rows = (cases_under(org, campaign)
            .filter(Q(classification=Classification.LOST) | Q(contact_found_on__isnull=False))
            .annotate(column=disposition_expression())
            .values_list("branch__category", "column").annotate(n=Count("pk")).order_by())
    return annexes.annex4(annexes.annex4_values(list(rows)), as_of, **_frame(org))


# -- registers -------------------------------------------------------------------------------------

def _month(d):
    return f"{d.year}年{d.month}月" if d else ""


def _lost_time(case, today):
    """The duration (FORMS.md: from the last contact to the end of the search), e.g. 「1年1个月」."""
    return lost_time.describe(case.lost_since, case.contact_found_on or today)


def _code(label):
    """The circled code of a national code list's label: 「③农村」 → 「③」 (the forms ask for 代码)."""
    return label[:1]


def _phone(case):
    return case.current_phone or case.member.phone


def _place(case):
    m = case.member
    return case.whereabouts or "；".join(filter(None, [m.work_unit, m.residence]))


def _searches(case):
    """已采取的查找措施: each channel tried with its count, and the last attempt's date and result."""
    attempts = list(case.attempts.all())  # prefetched, in date order
    if not attempts:
        return "无查找记录"
    counts = {}
    for a in attempts:
        counts[a.channel] = counts.get(a.channel, 0) + 1
    channels = "、".join(f"{_CHANNEL.get(c, c)}{n}次" for c, n in counts.items())
    last = attempts[-1]
    return f"{channels}；最近一次{last.searched_on.year}年{last.searched_on.month}月{last.searched_on.day}日：{last.result}"


def _outcome(case):
    if case.contact_found_on:
        return f"已取得联系（{case.contact_found_on:%Y-%m-%d}）"
    if case.classification == Classification.LOST:
        return "仍无法取得联系"
    return "已分类" if case.classification else "未分类"


def _common_head():
    return [
        Column("seq", "序号", None, 4.5, always=True, nowrap=True),
        Column("name", "姓名", lambda c: c.member.name, 7, nowrap=True),
        Column("gender", "性别", lambda c: c.member.gender, 3.5, nowrap=True),
        Column("birth", "出生年月", lambda c: _month(c.member.birth_date), 8, nowrap=True),
        Column("id_number", "公民身份号码", lambda c: c.member.id_number, 17,
               screen=lambda c: idcard.mask(c.member.id_number), nowrap=True),
        Column("joined_on", "入党时间", lambda c: _month(c.member.joined_on), 8, nowrap=True),
        Column("category", "人员类别（正式/预备）", lambda c: _CATEGORY.get(c.member.category, "")[:2], 4, nowrap=True),
        Column("branch", "所在党支部", lambda c: c.branch.name, 12),
        Column("org_category", "党组织类别（代码）", lambda c: _code(_ORG_CATEGORY.get(c.branch.category, "")), 5,
               nowrap=True),
    ]


def annex1_columns(today=None):
    today = today or _today()
    return [
        *_common_head(),
        Column("lost_time", "与党组织失去联系时间", lambda c: _lost_time(c, today), 8, nowrap=True),
        Column("reason", "失去联系情形（代码）", lambda c: _code(_REASON.get(c.lost_reason, "")), 5, nowrap=True),
        Column("found_on", "取得联系时间", lambda c: c.contact_found_on, 11, nowrap=True),
        Column("place", "现工作单位或居住地", _place, 24),
        Column("phone", "联系电话", _phone, 11.5, nowrap=True),
        Column("note", "备注", lambda c: c.note, 5),
    ]


def annex2_columns(today=None):
    today = today or _today()
    return [
        *_common_head(),
        Column("lost_time", "与党组织失去联系时间", lambda c: _lost_time(c, today), 8, nowrap=True),
        Column("reason", "失去联系情形（代码）", lambda c: _code(_REASON.get(c.lost_reason, "")), 5, nowrap=True),
        Column("place", "现工作单位或居住地", _place, 12),
        Column("phone", "联系电话", _phone, 11.5, nowrap=True),
        Column("searches", "已采取的查找措施", _searches, 30),
        Column("disposal", "处置意见（停止党籍／取消预备党员资格）", lambda c: _DISPOSAL.get(c.disposal_proposal, ""), 8),
        Column("branch_opinion", "党支部意见", lambda c: c.branch_opinion, 10),
        Column("committee_opinion", "基层党委意见", lambda c: c.committee_opinion, 10),
        Column("note", "备注", lambda c: c.note, 5),
    ]


def ledger_columns():
    return [
        Column("seq", "序号", None, 4.5, always=True, nowrap=True),
        Column("name", "姓名", lambda c: c.member.name, 7, nowrap=True),
        Column("gender", "性别", lambda c: c.member.gender, 3.5),
        Column("id_number", "公民身份号码", lambda c: c.member.id_number, 17,
               screen=lambda c: idcard.mask(c.member.id_number), nowrap=True),
        Column("category", "人员类别", lambda c: _CATEGORY.get(c.member.category, ""), 6),
        Column("branch", "所在党支部", lambda c: c.branch.name, 12),
        Column("scope", "列入原因", lambda c: _SCOPE.get(c.scope_reason, ""), 6),
        Column("key_groups", "重点人群", lambda c: "、".join(k.label for k in KeyGroup if getattr(c, k.value)), 10),
        Column("classification", "排查结论", lambda c: _CLASS.get(c.classification, "未分类"), 5),
        Column("reason", "失去联系情形", lambda c: _REASON.get(c.lost_reason, ""), 8),
        Column("last_contact", "最近联系日期", lambda c: c.member.last_contact_on, 11, nowrap=True),
        Column("searches", "查找次数", lambda c: c.search_count, 4.5, nowrap=True),
        Column("outcome", "排查结果", _outcome, 10),
        Column("verdict", "核查意见", lambda c: _VERDICT.get(c.verdict, "未核查"), 5),
        Column("note", "备注", lambda c: c.note, 10),
    ]


def masked_for(user, columns):
    """The ID number whole only where an editor grant covers the case's branch (else masked)."""
    if user.can_see_full_ids:
        return columns
    paths = user.editor_paths

    def value(c):
        return lambda case: c.value(case) if any(case.branch.path.startswith(p) for p in paths) else c.screen(case)

    return [replace(c, value=value(c)) if c.key == "id_number" else c for c in columns]


ORDER = ("branch__path", "-is_key", "member__name_pinyin", "pk")


def _rows(qs, attempts=False):
    qs = qs.select_related("member", "branch").order_by(*ORDER)
    if attempts:
        qs = qs.prefetch_related(Prefetch("attempts", queryset=SearchAttempt.objects.order_by("searched_on", "pk")))
    return qs


# name -> (title, rows(org, campaign), columns(today), with search attempts, narrowest text column in
# characters: many text columns ask for more than two, and get a smaller font or A3 instead; fit.py)
REGISTERS = {
    "annex1": (ANNEX1_TITLE, found_cases, annex1_columns, False, 5),
    "annex2": (ANNEX2_TITLE, lost_cases, annex2_columns, True, 6),
    "ledger": (LEDGER_TITLE, cases_under, lambda today: ledger_columns(), False, 4),
}


def register(name, user, org, campaign, today=None):
    """(Register, rows queryset) of register `name` for `org`; `user` None: whole ID numbers (the
    signed forms a committee reports upward)."""
    title, rows, columns, attempts, min_wrap = REGISTERS[name]
    today = today or _today()
    columns = columns(today) if user is None else masked_for(user, columns(today))
    doc = Register(title=title, columns=columns, unit_name=org.name, as_of=today,
                   signatory=signatory(org.kind), filters=[("排查工作", campaign.name)], min_wrap_em=min_wrap)
    return doc, _rows(rows(org, campaign), attempts)


# -- what a committee signs ------------------------------------------------------------------------

def signed_forms(opinion, data=None):
    """The file a committee's signature freezes (investigation/services.py SIGNED_DOCUMENT): 附件1,
    附件2, 附件3 and the 流动党员管理有关情况统计表 of its subtree, one PDF. A 附件3 that does not
    reconcile refuses the signature with its reason. Returns (bytes, filename)."""
    import io

    from django.core.exceptions import ValidationError
    from pypdf import PdfWriter

    from core.documents import GridError, render_pdf
    from members import mobile_stats

    org, campaign = opinion.committee, opinion.campaign
    try:
        grids = [(annex3(org, campaign), None), (mobile_stats.grid(org), None)]
    except GridError as exc:
        raise ValidationError(f"表格数字不能相互印证，不能签署：{exc}") from exc
    parts = [register("annex1", None, org, campaign), register("annex2", None, org, campaign), *grids]
    writer = PdfWriter()
    for doc, rows in parts:
        buf = io.BytesIO()
        render_pdf(doc, rows, buf)
        buf.seek(0)
        writer.append(buf)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), f"{org.name}排查登记表签署件.pdf"


# -- printed records of one case and one branch (core/documents/form.py) ---------------------------
# PROPOSED layouts (FORMS.md has none): the 查找记录 of one member, kept on file as the evidence of a
# 停止党籍 or a removal, and the working group's 核查情况报告 on one branch; each ready to sign.

SEARCH_RECORD_TITLE = "党员查找记录"
REPORT_TITLE = "党(工)委工作组核查情况报告"


def search_record(user, case, today=None):
    """The context of templates/investigation/search_record_pdf.html for `case` (read through the
    user's scope): the member, the branch, the classification, the lost time and every attempt. The ID
    number whole only where an editor grant covers the branch (as the registers)."""
    today = today or _today()
    m = case.member
    attempts = list(case.attempts.order_by("searched_on", "pk"))
    id_number = m.id_number if user.sees_full_ids_at(case.branch.path) else idcard.mask(m.id_number)
    return {
        "title": SEARCH_RECORD_TITLE, "campaign": case.branch_check.campaign.name,
        "branch": case.branch.name, "org_category": _ORG_CATEGORY.get(case.branch.category, ""),
        "name": m.name, "gender": m.gender, "birth": _month(m.birth_date), "id_number": id_number,
        "category": _CATEGORY.get(m.category, ""), "joined": _month(m.joined_on), "phone": m.phone,
        "work_unit": m.work_unit, "residence": m.residence, "household": m.household_registration,
        "last_contact": chinese_date_or(m.last_contact_on),
        "classification": _CLASS.get(case.classification, "未分类"), "lost_reason": _REASON.get(case.lost_reason, ""),
        "lost_since": chinese_date_or(case.lost_since), "lost_time": _lost_time(case, today),
        "found_on": chinese_date_or(case.contact_found_on), "whereabouts": case.whereabouts,
        "current_phone": case.current_phone, "disposal": _DISPOSAL.get(case.disposal_proposal, ""),
        "branch_opinion": case.branch_opinion, "committee_opinion": case.committee_opinion, "note": case.note,
        "verdict": _VERDICT.get(case.verdict, ""), "verdict_comment": case.verdict_comment,
        "attempts": [{"seq": i, "day": chinese_date_or(a.searched_on), "channel": _CHANNEL.get(a.channel, a.channel),
                      "searcher": a.searcher, "result": a.result, "found": "是" if a.found else "否"}
                     for i, a in enumerate(attempts, start=1)],
        "as_of": chinese_date_or(today),
    }


def verification_report(check, report, today=None):
    """The context of templates/investigation/report_pdf.html: the working group's report on one
    branch, with the branch's counts by classification (from the cases, one query)."""
    today = today or _today()
    counts = dict(Case.objects.filter(branch_check=check).values_list("classification")
                  .annotate(n=Count("pk")).order_by())
    by_class = [(label, counts.get(value, 0)) for value, label in Classification.choices]
    sections = [(report._meta.get_field(f).verbose_name, _paragraphs(getattr(report, f))) for f in (
        "summary", "mobile_measures", "hanging_fixes", "search_methods", "disposal_proposals")]
    return {
        "title": REPORT_TITLE, "campaign": check.campaign.name, "branch": check.branch.name,
        "committee": check.committee.name if check.committee_id else "", "state": check.get_state_display(),
        "total": sum(counts.values()), "unclassified": counts.get("", 0), "by_class": by_class,
        "sections": sections, "written_by": str(report.written_by) if report.written_by_id else "",
        "updated": chinese_date_or(timezone.localtime(report.updated_at).date()) if report.updated_at else "",
        "as_of": chinese_date_or(today),
    }


def _paragraphs(text):
    return [p.strip() for p in (text or "").splitlines() if p.strip()]


def chinese_date_or(d, empty=""):
    return chinese_date(d) if d else empty
