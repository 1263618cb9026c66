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

from branches.choices import OrgCategory
from branches.models import Organization
from core.charts import Series, mini_bar, stacked_bars

from .choices import SheetState
from .models import RatingEntry, RatingSheet, Rectification, RectificationState

# The star distribution's buckets, worst last; "不评定" apart (a member not rated this quarter).
SERIES = [
    Series("五星", "#1b5e20"),
    Series("四星", "#2e7d32"),
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


@dataclass
class Overview:
    quarter: object
    rows: list
    by_status: list  # [(status, count)]
    by_category: list  # [(label, counts)]
    totals: list
    open_rectifications: int
    overdue_rectifications: int

    @property
    def category_chart(self):
        return stacked_bars(self.by_category, SERIES, title=f"{self.quarter}各类别党组织党员得星分布")

    @property
    def branch_chart(self):
        return stacked_bars([(r.name, r.counts) for r in self.rows], SERIES,
                            title=f"{self.quarter}各党支部党员得星分布")


def overview(user, quarter, today=None):
    today = today or timezone.localdate()
    visible = Organization.objects.visible_to(user).branches().active()
    rows = {
        o["pk"]: BranchRow(o["pk"], o["name"], o["category"], o["parent__name"] or "")
        for o in visible.order_by("path").values("pk", "name", "category", "parent__name")
    }
    branch_keys = visible.values("pk")
    for s in RatingSheet.objects.filter(quarter=quarter, branch_id__in=branch_keys).values(
            "pk", "branch_id", "state", "publicity_ends_on"):
        row = rows.get(s["branch_id"])
        if row is None:
            continue
        row.sheet_id = s["pk"]
        if s["state"] == SheetState.CONFIRMED:
            row.status = Status.CONFIRMED
        elif s["state"] == SheetState.PUBLICITY:
            ends = s["publicity_ends_on"]
            row.status = Status.DUE if ends is not None and ends < today else Status.PUBLICITY
    counted = (RatingEntry.objects.filter(sheet__quarter=quarter, sheet__branch_id__in=branch_keys)
               .values("sheet__branch_id", "sheet__state", "star_count", "not_rated", "rated")
               .annotate(n=Count("pk")).order_by())
    for c in counted:
        row = rows.get(c["sheet__branch_id"])
        if row is None:
            continue
        if c["sheet__state"] == SheetState.DRAFT:
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
