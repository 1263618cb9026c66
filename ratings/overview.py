"""The overview of a quarter for committees and the county: where each branch in scope stands
(未开始 / 评定中 / 公示中 / 公示期满待确认 / 已确认), the star distribution per branch and per
党组织类别 (table and SVG chart), and the rectifications open and overdue.

A constant number of queries whatever the number of branches and members: the branches, the
sheets, the entries counted by branch × state × stars in the database, the rectifications counted.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from branches.choices import OrgCategory
from branches.models import Organization
from core.charts import Series, mini_bar, stacked_bars

from .choices import SheetState
from .models import RatingEntry, RatingSheet, Rectification, RectificationState

# The star distribution's buckets, worst last; "不评定" apart (a member not rated this quarter).
SERIES = [
    Series("五星", "#1b5e20"),
    Series("四星", "#8bc34a", ink="#1f1f1f"),
    Series("三星", "#1a56c4"),
    Series("两星及以下", "#b71c1c"),
    Series("不评定", "#9e9e9e", ink="#1f1f1f"),
]
NOT_RATED_BUCKET = 4


def bucket(star_count, not_rated):
    if not_rated:
        return NOT_RATED_BUCKET
    return {5: 0, 4: 1, 3: 2}.get(star_count, 3)


class Status:
    NOT_STARTED = ("not_started", "未开始", "badge-grey")
    DRAFTING = ("drafting", "评定中", "badge-amber")
    PUBLICITY = ("publicity", "公示中", "badge-amber")
    DUE = ("due", "公示期满待确认", "badge-red")
    CONFIRMED = ("confirmed", "已确认", "badge-green")
    ALL = (NOT_STARTED, DRAFTING, PUBLICITY, DUE, CONFIRMED)


@dataclass
class BranchRow:
    pk: int
    name: str
    category: str
    parent: str
    status: tuple = Status.NOT_STARTED
    sheet_id: int | None = None
    entered: int = 0  # rows rated so far in a draft
    counts: list = field(default_factory=lambda: [0] * len(SERIES))

    @property
    def total(self):
        return sum(self.counts)

    @property
    def bar(self):
        return mini_bar(self.counts, SERIES)

    @property
    def category_label(self):
        return OrgCategory(self.category).label if self.category in OrgCategory.values else self.category

    def html(self, print_url):
        """The row of the overview's branch table, written here rather than through the template
        engine (384 rows × 12 cells took most of the page's time). `print_url`: sheet id → URL."""
        key, label, css = self.status
        entered = f' <span class="muted">已录入{self.entered}人</span>' if key == "drafting" else ""
        counts = "".join(f'<td class="num" data-label="{s.label}">{n}</td>' for s, n in zip(SERIES, self.counts, strict=True))
        bar = self.bar if self.total else '<span class="muted">—</span>'
        link = (f'<a href="{print_url(self.sheet_id)}">评定表PDF</a>' if self.sheet_id and self.total
                else '<span class="muted">—</span>')
        return mark_safe(
            f'<tr><td class="c-name" data-label="党支部">{escape(self.name)}</td>'
            f'<td data-label="上级党组织">{escape(self.parent)}</td><td data-label="类别">{escape(self.category_label)}</td>'
            f'<td data-label="进度"><span class="badge {css}">{label}</span>{entered}</td>{counts}'
            f'<td data-label="分布">{bar}</td><td data-label="打印">{link}</td></tr>')


@dataclass
class Overview:
    quarter: object
    rows: list
    by_status: list  # [(status, count)]
    by_category: list  # [(label, counts)]
    totals: list
    open_rectifications: int
    overdue_rectifications: int

    # Each chart twice: a wide drawing for a computer, a narrow one (bigger text) for a phone; the
    # stylesheet shows one.
    def _charts(self, rows, title):
        wide = stacked_bars(rows, SERIES, title=title)
        narrow = stacked_bars(rows, SERIES, title=title, width=360, label_width=110, legend_columns=3)
        return mark_safe(f'<div class="chart-wide">{wide}</div><div class="chart-narrow">{narrow}</div>')

    @property
    def category_chart(self):
        return self._charts(self.by_category, f"{self.quarter}各类别党组织党员得星分布")

    @property
    def branch_chart(self):
        return self._charts([(r.name, r.counts) for r in self.rows], f"{self.quarter}各党支部党员得星分布")


def overview(user, quarter, today=None):
    today = today or timezone.localdate()
    visible = Organization.objects.visible_to(user).branches().active()
    rows = {
        o["pk"]: BranchRow(o["pk"], o["name"], o["category"], o["parent__name"] or "")
        for o in visible.order_by("path").values("pk", "name", "category", "parent__name")
    }
    branch_keys = visible.values("pk")
    sheets = {}  # sheet id → (row, state)
    for s in RatingSheet.objects.filter(quarter=quarter, branch_id__in=branch_keys).values(
            "pk", "branch_id", "state", "publicity_ends_on"):
        row = rows.get(s["branch_id"])
        if row is None:
            continue
        row.sheet_id = s["pk"]
        sheets[s["pk"]] = (row, s["state"])
        if s["state"] == SheetState.CONFIRMED:
            row.status = Status.CONFIRMED
        elif s["state"] == SheetState.PUBLICITY:
            ends = s["publicity_ends_on"]
            row.status = Status.DUE if ends is not None and ends < today else Status.PUBLICITY
    # By the sheets' keys (the entries' sheet index), not through a join on the quarter: the county's
    # 30,000 rows of one quarter are read, not every quarter's.
    counted = (RatingEntry.objects.filter(sheet_id__in=list(sheets))
               .values("sheet_id", "star_count", "not_rated", "rated").annotate(n=Count("pk")).order_by())
    for c in counted if sheets else ():
        row, state = sheets[c["sheet_id"]]
        if state == SheetState.DRAFT:
            if c["rated"] or c["not_rated"]:
                row.entered += c["n"]
        else:
            row.counts[bucket(c["star_count"], c["not_rated"])] += c["n"]
    for row in rows.values():
        if row.status == Status.NOT_STARTED and row.entered:
            row.status = Status.DRAFTING
    rows = list(rows.values())
    statuses = Counter(r.status for r in rows)
    by_category, totals = {}, [0] * len(SERIES)
    for r in rows:
        counts = by_category.setdefault(r.category, [0] * len(SERIES))
        for i, n in enumerate(r.counts):
            counts[i] += n
            totals[i] += n
    rect = Rectification.objects.filter(branch_id__in=branch_keys, state=RectificationState.OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)))
    return Overview(
        quarter=quarter, rows=rows,
        by_status=[(s, statuses.get(s, 0)) for s in Status.ALL],
        by_category=[(OrgCategory(k).label if k in OrgCategory.values else k, v)
                     for k, v in sorted(by_category.items())],
        totals=totals,
        open_rectifications=rect["open"], overdue_rectifications=rect["overdue"],
    )
