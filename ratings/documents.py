"""The documents of what follows a quarter: the annual sheets (年终定星, a branch's and the county's
summary, as registers: Excel and PDF through core/documents) and the member's quarterly rating
form (党员季度星级评定表, FORMS.md, a form PDF)."""

import datetime

from django.utils import timezone

from core.documents import Column, Register, chinese_date, signatory

from . import annual
from .choices import Star

NOT_RATED = "未评定"


def _stars(n):
    return NOT_RATED if n is None else n


def _missing(year):
    missing = [annual.QUARTER_LABELS[q] for q, n in year.quarters.items() if n is None]
    return "、".join(missing) + NOT_RATED if missing else ""


BRANCH_COLUMNS = [
    Column("seq", "序号", None, width=5, nowrap=True),
    Column("name", "姓名", lambda y: y.member.name, width=10),
    *[Column(f"q{q}", f"{label}得星", lambda y, q=q: _stars(y.quarters[q]), width=8, nowrap=True)
      for q, label in annual.QUARTER_LABELS.items()],
    Column("average", "平均得星", lambda y: "" if y.average is None else f"{y.average:g}", width=8, nowrap=True),
    Column("stars", "年度得星", lambda y: _stars(y.stars), width=8, nowrap=True),
    Column("grade", "年度等次", lambda y: y.grade.label if y.grade else NOT_RATED, width=10),
    Column("note", "备注", _missing, width=20),
]


def branch_register(branch, year, rule=None, today=None):
    return Register(
        title=f"{year}年度党员星级评定汇总表（年终定星）",
        columns=BRANCH_COLUMNS,
        unit_name=branch.name,
        as_of=today or timezone.localdate(),
        signatory=signatory(branch.kind),
        filters=[("定星规则", annual.rule_label(rule))],
    )


SUMMARY_COLUMNS = [
    Column("seq", "序号", None, width=5, nowrap=True),
    Column("branch", "党支部", lambda s: s.branch.name if s.branch else "合计", width=24),
    Column("parent", "上级党组织", lambda s: s.branch.parent.name if s.branch and s.branch.parent else "", width=16),
    Column("category", "党组织类别", lambda s: s.branch.get_category_display() if s.branch else "", width=10),
    Column("rated", "参评党员", lambda s: s.rated, width=7, nowrap=True),
    Column("excellent", "优秀党员", lambda s: s.excellent, width=7, nowrap=True),
    Column("qualified", "合格党员", lambda s: s.qualified, width=7, nowrap=True),
    Column("unqualified", "不合格党员", lambda s: s.unqualified, width=8, nowrap=True),
    Column("none", "全年未评定", lambda s: s.none, width=8, nowrap=True),
    Column("rate", "优秀率", lambda s: s.excellent_rate, width=7, nowrap=True),
]


def summary_register(unit, year, rule=None, today=None):
    """`unit`: the organization the summary speaks for (the user's one grant), or None."""
    return Register(
        title=f"{year}年度党员星级评定（年终定星）汇总表",
        columns=SUMMARY_COLUMNS,
        unit_name=unit.name if unit else "",
        as_of=today or timezone.localdate(),
        signatory=signatory(unit.kind if unit else "county"),
        filters=[("定星规则", annual.rule_label(rule))],
    )


# -- the member's quarterly form ------------------------------------------------------------------

def _month(d):
    return f"{d.year}年{d.month}月" if isinstance(d, datetime.date) else ""


def printout(entry):
    """The context of one 党员季度星级评定表 (templates/ratings/followup/printout_pdf.html) for a
    RatingEntry (select_related sheet__quarter, sheet__branch, member__party_group; prefetch
    criteria_set__criteria)."""
    m, sheet = entry.member, entry.sheet
    texts = entry.criteria_set.texts()
    q = sheet.quarter
    opinion = ""
    if not entry.not_rated:
        opinion = (f"经支部委员会研究，{m.name}同志{q}得{entry.star_count}颗星，评定为{entry.get_grade_display()}。"
                   if entry.grade else "")
        if sheet.publicity_starts_on and sheet.publicity_ends_on:
            opinion += (f"评定结果于{chinese_date(sheet.publicity_starts_on)}至{chinese_date(sheet.publicity_ends_on)}"
                        "公示。")
    state = "" if sheet.is_confirmed else f"（本表评定结果尚未确认：{sheet.get_state_display()}）"
    return {
        "period": f"{q.year}年第{q.quarter}季度",
        "name": m.name, "gender": m.gender, "birth": _month(m.birth_date), "joined": _month(m.joined_on),
        "category": m.get_category_display(), "criteria_set": entry.criteria_set.name,
        "branch": sheet.branch.name, "group": m.party_group.name if m.party_group_id else "",
        "stars": [{"label": s.label, "criteria": texts.get(s.value, ""), "awarded": getattr(entry, s.value)}
                  for s in Star],
        "basis": "" if entry.not_rated or entry.star_count == 5 else entry.basis,
        "star_count": entry.star_count, "grade": entry.get_grade_display(),
        "not_rated": entry.not_rated, "not_rated_reason": entry.not_rated_reason,
        "opinion": opinion, "note": state,
    }
