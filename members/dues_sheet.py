"""The branch dues sheet (党费收缴登记表), one year of one branch: one column list (core/documents)
renders the page, the Excel file and the PDF; the files go through core/exports (audited, in the
background when large), like the roster."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from branches.models import Organization
from core import exports
from core.documents import Column, Register, labels

from . import dues
from .models import DuesBasis, Member

SHORT_BASIS = {
    DuesBasis.SALARY: "在职", DuesBasis.RETIRED: "离退休", DuesBasis.FARMER: "农民",
    DuesBasis.STUDENT: "学生", DuesBasis.UNEMPLOYED: "下岗失业", DuesBasis.RELIEF: "困难救济",
}
OWED = "欠交"


@dataclass
class SheetRow:
    """One member's line of the sheet for `year`."""

    summary: dues.Summary
    year: int

    @property
    def member(self):
        return self.summary.member

    @property
    def as_of(self):
        """The month whose standard the sheet shows: December, or this month in the current year."""
        return min(datetime.date(self.year, 12, 1), dues.current_month(self.summary.today))

    @property
    def standard(self):
        return dues.standard_for(self.summary.standards, self.as_of)

    def month(self, n):
        """A month's cell: the amount paid, 欠交 when owed and unpaid, else blank."""
        m = datetime.date(self.year, n, 1)
        paid = self.summary.paid.get(m)
        if paid is not None:
            return paid.amount
        first, until = self.summary.first_month, self.summary.owed_until
        return OWED if first is not None and until is not None and first <= m <= until else ""

    @property
    def year_total(self):
        paid = [p.amount for m, p in self.summary.paid.items() if m.year == self.year]
        return sum(paid, Decimal("0.00")) if paid or self.summary.standards else ""

    @property
    def note(self):
        s = self.standard
        if s is None:
            return "未核定标准"
        if s.reduced:
            what = "免交" if s.amount == 0 else "少交"
            return f"经{s.reduction_approved_by}批准{what}（{s.reduction_reason}）"
        return ""


def _std(attr, fmt=None):
    def value(r):
        s = r.standard
        v = getattr(s, attr) if s is not None else None
        return fmt(v) if fmt and v is not None else v
    return value


def _month_column(n):
    return Column(f"m{n}", f"{n}月", lambda r: r.month(n), 5.5, nowrap=True)


COLUMNS = [
    Column("seq", "序号", None, 4, always=True, nowrap=True),
    Column("name", "姓名", lambda r: r.member.name, 7, nowrap=True),
    Column("basis", "交纳依据", _std("basis", lambda b: SHORT_BASIS.get(b, b)), 6),
    Column("income", "交纳基数（元）", _std("income"), 8, nowrap=True),
    Column("rate", "比例", _std("rate", dues.percent), 5, nowrap=True),
    Column("amount", "月交纳额（元）", _std("amount"), 7, nowrap=True),
    *[_month_column(n) for n in range(1, 13)],
    Column("total", "本年合计（元）", lambda r: r.year_total, 8, nowrap=True),
    Column("paid_up_to", "交至年月", lambda r: dues.month_label(r.summary.paid_up_to)
           if r.summary.paid_up_to else ("未交" if r.summary.standards else ""), 9, nowrap=True),
    Column("arrears", "欠交月数", lambda r: len(r.summary.arrears) if r.summary.standards else "", 5, nowrap=True),
    Column("note", "备注", lambda r: r.note, 14),
]

# Left out of a phone's card (the member's own dues page has them): the months, the basis figures.
DETAIL_KEYS = {"income", "rate", *(f"m{n}" for n in range(1, 13))}


def sheet_members(user, branch):
    """The branch's members on the roll, as `user` may see them (ordered by name)."""
    return list(Member.objects.visible_to(user).on_roll().filter(organization=branch)
                .select_related("organization").order_by("name_pinyin", "pk"))


def sheet_rows(user, branch, year, today=None):
    members = sheet_members(user, branch)
    by_id = dues.summaries(members, today)
    return [SheetRow(by_id[m.pk], year) for m in members]


def sheet_document(branch, year, today=None):
    today = today or datetime.date.today()
    as_of = today if year >= today.year else datetime.date(year, 12, 31)
    return Register(title=f"党费收缴登记表（{year}年度）", columns=COLUMNS, unit_name=branch.name, as_of=as_of,
                    signatory=labels.signatory(branch.kind))


def years(today=None):
    """The years a sheet may be asked for: 2000 up to this year."""
    return range((today or datetime.date.today()).year, 1999, -1)


def parse_year(text, today=None):
    """A year from a request ('2026'), or this year when missing or not one of `years`."""
    today = today or datetime.date.today()
    try:
        year = int(str(text or "").strip())
    except ValueError:
        return today.year
    return year if year in years(today) else today.year


@dataclass
class ListSpec(exports.Spec):
    """An export whose rows are computed in Python (a branch's sheet: at most a few hundred)."""

    def count(self):
        return len(self.rows)

    def iter_rows(self, chunk=None):
        return iter(self.rows)


def branch_for(user, pk):
    """A branch `user` may see, or Organization.DoesNotExist."""
    return Organization.objects.visible_to(user).branches().get(pk=pk)


@exports.register("dues_sheet")
def dues_sheet(user, params):
    def one(key):
        v = params.get(key)
        return v[0] if isinstance(v, list) and v else v

    branch = branch_for(user, int(one("org") or 0))
    year = parse_year(one("year"))
    rows = sheet_rows(user, branch, year)
    return ListSpec(doc=sheet_document(branch, year), rows=rows, stem=f"党费收缴登记表_{branch.name}_{year}",
                    scope=branch, description=f"党支部：{branch.name}；年度：{year}年", row_word="人")
