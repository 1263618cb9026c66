"""流动党员管理有关情况统计表 (the investigation plan's 附件2; FORMS.md, PROPOSED county table): one row
per organization directly under the chosen one (for the county: each 党(工)委), and 合计.

Columns, in FORMS.md's order:
    党员总数 | 流出党员数: 合计, 跨省, 省内跨市（地）, 市内跨县, 县内, 未注明范围 | 已转移组织关系 |
    持《流动党员活动证》 | 与流入地党组织建立联系 | 失去联系 | 流入党员数 | 建立流动党员党组织数
FORMS.md names three ranges under 流出党员数; the out-flow record also knows 县内流动 and may leave the
range blank, so two more columns make 合计 = the sum of the ranges, an invariant the grid checks. The
proposed 备注 column is left out (a grid holds numbers only).

What each counts, at the day the table is made:
    党员总数               members on the roll
    流出党员数             open out-flow periods (members/models/mobile.py) of members on the roll or
                           transferred out (a transferred member's relationship has left: 已转移组织关系)
    持《流动党员活动证》   of those, with a card number
    与流入地党组织建立联系 of those, with the host organization (流入地党组织) filled in
    失去联系               of those, the member flagged 失联 (是否失联党员)
    流入党员数             open in-flow periods received by the organization's branches
    建立流动党员党组织数   active organizations whose name says 流动党员 (e.g. 流动党员党支部)

Each measure is one GROUP BY over the organizations' paths, cut at the row's level: five queries
whatever the number of members. The 合计 row is counted over the whole subtree, not added up, so a
member who belongs to no row (one attached to the chosen organization itself) shows as a difference
the grid refuses; such members get their own row 「本级直属」 instead.
"""

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from branches.choices import OrgKind
from branches.models import PATH_SEGMENT, Organization
from core.documents import Grid, GridRow, SumOfColumns, SumOfRows, col, group
from core.scoping import under

from .choices import RollState
from .models import Member, MobilePeriod
from .models.mobile import Direction, Reach

TITLE = "流动党员管理有关情况统计表"
TOTAL = "total"
DIRECT = "direct"
MOBILE_ORG_WORD = "流动党员"
REACHES = [(Reach.INTER_PROVINCE, "province", "跨省"), (Reach.INTER_CITY, "city", "省内跨市（地）"),
           (Reach.INTER_COUNTY, "county", "市内跨县"), (Reach.IN_COUNTY, "local", "县内")]
UNKNOWN_REACH = "no_reach"
OUT_PARTS = (*(key for _, key, _ in REACHES), UNKNOWN_REACH)
COLUMNS = [
    col("members", "党员总数"),
    group("流出党员数", col("out", "合计"), *[col(key, label) for _, key, label in REACHES],
          col(UNKNOWN_REACH, "未注明范围")),
    col("transferred", "已转移组织关系"),
    col("card", "持《流动党员活动证》"),
    col("linked", "与流入地党组织建立联系"),
    col("lost", "失去联系"),
    col("inflow", "流入党员数"),
    col("mobile_orgs", "建立流动党员党组织数"),
]
OUT_COUNTS = {
    "out": Count("pk"),
    **{key: Count("pk", filter=Q(reach=reach)) for reach, key, _ in REACHES},
    UNKNOWN_REACH: Count("pk", filter=~Q(reach__in=[r for r, _, _ in REACHES])),
    "transferred": Count("pk", filter=Q(member__roll_state=RollState.TRANSFERRED_OUT)),
    "card": Count("pk", filter=~Q(card_number="")),
    "linked": Count("pk", filter=~Q(host_org="")),
    "lost": Count("pk", filter=Q(member__is_lost_contact=True)),
}


def row_orgs(unit):
    """The organizations the rows stand for: the unit's children, party groups aside (none for a
    branch: its table is one row)."""
    return list(Organization.objects.filter(parent=unit).exclude(kind=OrgKind.GROUP).order_by("path"))


def _by_row(qs, path_field, unit, **aggregates):
    """{row path prefix: {name: n}}: `qs` grouped by its organization path cut at the unit's children."""
    cut = len(unit.path) + PATH_SEGMENT + 1
    rows = (qs.filter(under(path_field, unit.path)).order_by()
            .annotate(row_path=Substr(path_field, 1, cut)).values("row_path").annotate(**aggregates))
    return {r.pop("row_path"): r for r in rows}


def counts(unit):
    """{row path prefix: {column key: n}} for everything under `unit` (five queries)."""
    out = {}

    def merge(found):
        for path, numbers in found.items():
            out.setdefault(path, {}).update(numbers)

    merge(_by_row(Member.objects.on_roll(), "organization__path", unit, members=Count("pk")))
    merge(_by_row(MobilePeriod.objects.filter(
        direction=Direction.OUT, ended_on__isnull=True,
        member__roll_state__in=[RollState.ON_ROLL, RollState.TRANSFERRED_OUT]),
        "member__organization__path", unit, **OUT_COUNTS))
    merge(_by_row(MobilePeriod.objects.filter(direction=Direction.IN, ended_on__isnull=True),
                  "organization__path", unit, inflow=Count("pk")))
    merge(_by_row(Organization.objects.active().filter(name__contains=MOBILE_ORG_WORD), "path", unit,
                  mobile_orgs=Count("pk")))
    return out


def grid(unit, today=None, filters=()):
    """The table for `unit` (an Organization the user may see: its whole subtree is counted)."""
    found = counts(unit)
    children = row_orgs(unit)
    keys = [leaf.key for head in COLUMNS for leaf in head.leaves()]
    values, rows = {}, []
    if children:
        rows.append(GridRow(TOTAL, "合计"))
        for path, numbers in found.items():  # the total: every count under the unit
            for key, n in numbers.items():
                values[(TOTAL, key)] = values.get((TOTAL, key), 0) + n
        by_path = {c.path: c for c in children}
        if unit.path in found:  # counted on the unit itself, not under one of its children
            rows.append(GridRow(DIRECT, "本级直属"))
            values.update({(DIRECT, k): n for k, n in found[unit.path].items()})
        for child in children:
            numbers = found.get(child.path, {})
            if child.is_dissolved and not any(numbers.values()):
                continue
            rows.append(GridRow(f"o{child.pk}", child.name))
            values.update({(f"o{child.pk}", k): n for k, n in numbers.items()})
        unknown = set(found) - set(by_path) - {unit.path}
        for path in sorted(unknown):  # a child outside the list (a party group's members): its own row
            rows.append(GridRow(f"p{path}", "其他"))
            values.update({(f"p{path}", k): n for k, n in found[path].items()})
        invariants = [SumOfRows(TOTAL), SumOfColumns("out", OUT_PARTS)]
    else:
        rows.append(GridRow(TOTAL, unit.name))
        for numbers in found.values():
            for key, n in numbers.items():
                values[(TOTAL, key)] = values.get((TOTAL, key), 0) + n
        invariants = [SumOfColumns("out", OUT_PARTS)]
    values = {k: v for k, v in values.items() if k[1] in keys}
    return Grid(
        title=TITLE, columns=COLUMNS, rows=rows, values=values, invariants=invariants,
        stub_header="党组织", numbered=True, unit_name=unit.name, as_of=today or timezone.localdate(),
        filters=list(filters),  # no signatory: the statistical cover lines of FORMS.md
    )
