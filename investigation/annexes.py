"""The summary tables of the investigation as grids (core/documents), from counts:

    附件3 与党组织失去联系党员情况汇总表          annex3(values, as_of, ...)
    附件4 与党组织失去联系党员管理及处置情况汇总表  annex4(values, as_of, ...)

Both have the rows of FORMS.md's county edition: 总计 (行号 01), then the nine 党组织类别 (02–10).
The counts come from one GROUP BY each (investigation/documents.py); this module only lays them out
and declares the sums, so a table whose counts do not reconcile is refused (GridError, in Chinese)
before anything is rendered.

附件3's columns (VARIANT, 2017 edition, with the seven national 失去联系情形 codes):
    1 截止<date>未取得联系党员数量 | 2–5 失去联系时间 (lost_time.RANGES) | 6–12 失去联系情形 ①–⑦ |
    13 一年内已取得联系党员数量
    invariants: row 01 = the sum of the other rows; col 1 = cols 2–5; col 1 = cols 6–12.
附件4's columns: 规范管理情况 1–4 | 组织处置情况 5–7; invariant: row 01 = the sum of the other rows.

The total row is given by the caller, counted over every member (not added up here): a member whose
branch has no 党组织类别 among the nine then shows as a total that its rows do not reach.
"""

from branches.choices import OrgCategory
from core.documents import Grid, GridError, GridRow, SumOfColumns, SumOfRows, chinese_date, col, group
from members.choices import LostContactReason

from . import lost_time

TOTAL = "total"
ROW_GROUP = "党组织类别"
CATEGORY_ROWS = [GridRow(TOTAL, "总计", code="01")] + [
    GridRow(f"c{c.value}", c.label[1:], code=f"{i:02d}", group=ROW_GROUP)  # "①国有企业" → 国有企业, 行号 02
    for i, c in enumerate(OrgCategory, start=2)
]


def category_row(code):
    """The row key of a 党组织类别 code ("3" → "c3"); None for a code outside the nine."""
    return f"c{code}" if code in OrgCategory.values else None


# -- 附件3 ---------------------------------------------------------------------------------------

ANNEX3_TITLE = "与党组织失去联系党员情况汇总表"
LOST = "lost"
FOUND = "found"
RANGE_KEYS = [key for key, _, _ in lost_time.RANGES]
REASON_KEYS = [f"r{r.value}" for r in LostContactReason]


def annex3_columns(as_of):
    return [
        col(LOST, f"截止{chinese_date(as_of)}未取得联系党员数量"),
        group("失去联系时间", *[col(key, label) for key, label, _ in lost_time.RANGES]),
        group("失去联系情形", *[col(f"r{r.value}", r.label) for r in LostContactReason]),
        col(FOUND, "一年内已取得联系党员数量"),
    ]


def annex3_values(lost_rows, found_rows):
    """Grid values from the GROUP BY rows: `lost_rows` (category code, range key, reason code, n) of the
    members still unreachable, `found_rows` (category code, n) of those reached within the year.

    Returns (values, problems): `problems` lists, in Chinese, the members counted in column 1 whom no
    range or no 情形 column can take (under six months, no date, no code): the reason the table then
    does not reconcile."""
    values = {}
    under = unknown = no_reason = no_category = 0

    def add(row, key, n):
        values[(row, key)] = values.get((row, key), 0) + n

    for category, range_key, reason, n in lost_rows:
        rows = [TOTAL] + ([category_row(category)] if category_row(category) else [])
        for row in rows:
            add(row, LOST, n)
            if range_key in RANGE_KEYS:
                add(row, range_key, n)
            if reason in LostContactReason.values:
                add(row, f"r{reason}", n)
        under += n if range_key == lost_time.UNDER else 0
        unknown += n if range_key == lost_time.UNKNOWN else 0
        no_reason += 0 if reason in LostContactReason.values else n
        no_category += 0 if category_row(category) else n
    for category, n in found_rows:
        for row in [TOTAL] + ([category_row(category)] if category_row(category) else []):
            add(row, FOUND, n)
    problems = lost_time.problems(under, unknown, no_reason, "（不属于本表统计范围）")
    if no_category:
        problems.append(f"{no_category}名失联党员所在党组织未设党组织类别")
    return values, problems


def annex3(values, as_of, problems=(), **frame):
    """The 附件3 grid; `frame`: unit_name, signatory, filters (core.documents.Grid). Raises GridError
    with the reason when the counts do not reconcile."""
    invariants = [SumOfRows(TOTAL), SumOfColumns(LOST, tuple(RANGE_KEYS)), SumOfColumns(LOST, tuple(REASON_KEYS))]
    return _grid(ANNEX3_TITLE, annex3_columns(as_of), values, invariants, as_of, problems, frame)


# -- 附件4 ---------------------------------------------------------------------------------------

ANNEX4_TITLE = "与党组织失去联系党员管理及处置情况汇总表"
MANAGED = "managed"  # 纳入组织管理
DISQUALIFIED = "disqualified"  # 取消预备党员资格
RETAINED = "retained"  # 保留组织关系
SUSPENDED = "suspended"  # 停止党籍
CORRECT = "correct"  # 限期改正
QUIT = "quit"  # 退党除名
LAPSED = "lapsed"  # 自行脱党除名
ANNEX4_COLUMNS = [
    group("规范管理情况", col(MANAGED, "纳入组织管理"), col(DISQUALIFIED, "取消预备党员资格"),
          col(RETAINED, "保留组织关系"), col(SUSPENDED, "停止党籍")),
    group("组织处置情况", col(CORRECT, "限期改正"), col(QUIT, "退党除名"), col(LAPSED, "自行脱党除名")),
]
ANNEX4_KEYS = [leaf.key for head in ANNEX4_COLUMNS for leaf in head.leaves()]


def annex4_values(rows):
    """Grid values from the GROUP BY rows (category code, column key, n); a key outside the seven
    columns (a case with no disposition yet) counts nowhere."""
    values = {}
    for category, key, n in rows:
        if key not in ANNEX4_KEYS:
            continue
        for row in [TOTAL] + ([category_row(category)] if category_row(category) else []):
            values[(row, key)] = values.get((row, key), 0) + n
    return values


def annex4(values, as_of, **frame):
    return _grid(ANNEX4_TITLE, ANNEX4_COLUMNS, values, [SumOfRows(TOTAL)], as_of, (), frame)


def _grid(title, columns, values, invariants, as_of, problems, frame):
    try:
        return Grid(title=title, columns=columns, rows=CATEGORY_ROWS, values=values, invariants=invariants,
                    stub_header="项目", as_of=as_of, **frame)
    except GridError as exc:
        if problems:
            raise GridError(f"{exc} 原因：{'；'.join(problems)}。请先核对这些党员的排查记录。") from exc
        raise
