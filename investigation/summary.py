"""The data part of a committee's summary report (总结巩固 2, 检查总结: "重点就“失联”党员的数量、结构、
分布，“失联”原因等作出分析"), generated from the campaign's cases under one organization:

    counts        in scope, by classification (正常/流动/空挂/失联/其他/未分类), contact found
    structure     the same by 党组织类别 (the branch's category) and by key group (重点人群)
    distribution  per branch
    reasons       the still-unreachable by 失去联系情形 ①–⑦
    durations     the still-unreachable by 失去联系时间 (lost_time.RANGES, as 附件3 counts them)
    annex4        附件4 (documents.annex4), or the reason it does not reconcile

Three queries whatever the number of branches and members (one GROUP BY per branch with every
count, one over the lost by range and reason, 附件4's own), so the page, the PDF and the county
overview read the same numbers.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from branches.choices import OrgCategory
from core.charts import Series, stacked_bars
from core.documents import GridError
from members.choices import LostContactReason

from . import documents, lost_time
from .choices import Classification, KeyGroup

UNCLASSIFIED = "unclassified"
FOUND = "found"
# (key, label) of the counted columns, in the order of the tables
CLASS_COLUMNS = [(c.value, c.label) for c in Classification] + [(UNCLASSIFIED, "未分类")]
COUNT_KEYS = ["total", *[k for k, _ in CLASS_COLUMNS], FOUND]

# the charts' colours: durations from light to dark, reasons distinct (each segment also carries its count)
DURATION_SERIES = [Series("6个月以上不满1年", "#f4b183", ink="#1f1f1f"), Series("1年至5年", "#e06c3c"),
                   Series("6年至10年", "#b71c1c"), Series("11年及以上", "#5d0f0f")]
REASON_FILLS = ["#1a56c4", "#2e7d32", "#8e24aa", "#ef6c00", "#00838f", "#6d4c41", "#757575"]
REASON_SERIES = [Series(r.label, fill) for r, fill in zip(LostContactReason, REASON_FILLS, strict=True)]


def count_annotations():
    """COUNT(…) FILTER per column: the total, each classification, unclassified, contact found, and per
    key group its members and its lost."""
    ann = {"total": Count("pk"), FOUND: Count("pk", filter=Q(contact_found_on__isnull=False)),
           UNCLASSIFIED: Count("pk", filter=Q(classification=""))}
    for c in Classification:
        q = Q(classification=c.value)
        if c == Classification.LOST:
            q &= Q(contact_found_on__isnull=True)
        ann[c.value] = Count("pk", filter=q)
    for k in KeyGroup:
        ann[f"n_{k.value}"] = Count("pk", filter=Q(**{k.value: True}))  # not the field's own name
        ann[f"n_{k.value}_lost"] = Count("pk", filter=Q(**{k.value: True}, classification=Classification.LOST,
                                                       contact_found_on__isnull=True))
    return ann


def _zero():
    return dict.fromkeys(COUNT_KEYS, 0)


def _add(into, row, keys):
    for k in keys:
        into[k] = into.get(k, 0) + (row.get(k) or 0)


@dataclass
class Summary:
    org: object
    campaign: object
    as_of: object
    totals: dict = field(default_factory=_zero)
    branches: list = field(default_factory=list)  # [{"name", "category", counts…}] in tree order
    categories: list = field(default_factory=list)  # [(label, counts)] of the categories with members
    key_groups: list = field(default_factory=list)  # [(label, members, lost)]
    reasons: list = field(default_factory=list)  # [(label, n)] of the seven codes
    durations: list = field(default_factory=list)  # [(label, n)] of the four ranges
    problems: list = field(default_factory=list)  # the still-unreachable no range or code takes
    annex4: object = None
    annex4_problem: str = ""

    @property
    def lost(self):
        return self.totals[Classification.LOST]

    def share(self, n):
        """n as a percentage of the members in scope, one decimal ("—" with nobody in scope)."""
        total = self.totals["total"]
        return f"{100 * n / total:.1f}%" if total else "—"

    @property
    def class_rows(self):
        """[(label, n, share)] of each classification, unclassified (when any) and contact found."""
        rows = [(label, self.totals[key], self.share(self.totals[key])) for key, label in CLASS_COLUMNS
                if key != UNCLASSIFIED or self.totals[key]]
        return [*rows, ("经查找取得联系", self.totals[FOUND], self.share(self.totals[FOUND]))]

    def duration_chart(self, width=420):
        return stacked_bars([("失联党员", [n for _, n in self.durations])], DURATION_SERIES,
                            title="失联党员失去联系时间分布", width=width, legend_columns=2)

    def reason_chart(self, width=420):
        return stacked_bars([("失联党员", [n for _, n in self.reasons])], REASON_SERIES,
                            title="失联党员失去联系情形分布", width=width, legend_columns=2)


def lost_breakdown(cases, as_of):
    """[(range key, reason code, n)] of the still-unreachable among `cases`: one GROUP BY."""
    rows = (cases.filter(classification=Classification.LOST, contact_found_on__isnull=True)
            .annotate(range=lost_time.bucket_expression("lost_since", as_of))
            .values_list("range", "lost_reason").annotate(n=Count("pk")).order_by())
    return list(rows)


def durations_and_reasons(rows):
    """([(range label, n)], [(reason label, n)], problems) from lost_breakdown's rows."""
    by_range, by_reason = {}, {}
    under = unknown = no_reason = 0
    for range_key, reason, n in rows:
        by_range[range_key] = by_range.get(range_key, 0) + n
        by_reason[reason] = by_reason.get(reason, 0) + n
        under += n if range_key == lost_time.UNDER else 0
        unknown += n if range_key == lost_time.UNKNOWN else 0
        no_reason += 0 if reason in LostContactReason.values else n
    problems = lost_time.problems(under, unknown, no_reason)
    return ([(label, by_range.get(key, 0)) for key, label, _ in lost_time.RANGES],
            [(r.label, by_reason.get(r.value, 0)) for r in LostContactReason], problems)


def build(org, campaign, as_of=None):
    """The Summary of `campaign` under `org` (a committee, or any organization the caller may see)."""
    as_of = as_of or documents._today()
    s = Summary(org=org, campaign=campaign, as_of=as_of)
    cases = documents.cases_under(org, campaign)
    ann = count_annotations()
    rows = list(cases.values("branch_id", "branch__name", "branch__path", "branch__category")
                .annotate(**ann).order_by("branch__path"))
    by_category = {}
    kg_keys = [k for k in ann if k.startswith("n_kg_")]
    kg = dict.fromkeys(kg_keys, 0)
    category_labels = dict(OrgCategory.choices)
    for r in rows:
        s.branches.append({"name": r["branch__name"], "category": category_labels.get(r["branch__category"], ""),
                           **{k: r[k] for k in COUNT_KEYS}})
        _add(s.totals, r, COUNT_KEYS)
        _add(by_category.setdefault(r["branch__category"] or "", _zero()), r, COUNT_KEYS)
        _add(kg, r, kg_keys)
    s.categories = [(label, by_category[code]) for code, label in OrgCategory.choices if code in by_category]
    if "" in by_category:
        s.categories.append(("未设党组织类别", by_category[""]))
    s.key_groups = [(k.label, kg[f"n_{k.value}"], kg[f"n_{k.value}_lost"]) for k in KeyGroup]
    s.durations, s.reasons, s.problems = durations_and_reasons(lost_breakdown(cases, as_of))
    try:
        s.annex4 = documents.annex4(org, campaign, as_of)
    except GridError as exc:
        s.annex4_problem = str(exc)
    return s
