"""Statistical grids (附件3, 附件4, the annual statistics): labelled rows and columns, merged
multi-level column headers, row header groups, totals and declared sum invariants.

    grid = Grid(
        title="与党组织失去联系党员管理及处置情况汇总表",
        columns=[group("规范管理情况", col("managed", "纳入组织管理"), col("stopped", "停止党籍")),
                 group("组织处置情况", col("removed", "除名"))],
        rows=[GridRow("total", "总计", code="01"), GridRow("rural", "农村", code="02", group="党组织类别"), ...],
        values={("rural", "managed"): 3, ...},
        invariants=[SumOfRows("total"), SumOfColumns("all", ["a", "b"])],
    )

A total cell left out of `values` is filled from its invariant; a total given is checked. A grid
whose sums do not reconcile cannot be built: `GridError` names the cell and the two numbers, in
Chinese, before anything is rendered. Every cell is a non-negative integer.
"""

import datetime
from dataclasses import dataclass, field

from .labels import Signatory
from .values import chinese_date

# FORMS.md (党内统计): above every statistical table, and below it.
GRID_UNIT_LABEL = "填报单位（盖章）："
GRID_FOOTER = "负责人（签名）：　　　　　　填表人（签名）：　　　　　　报出时间：　　年　　月　　日　　联系电话："


class GridError(ValueError):
    """A grid that cannot be printed: its message says why, in Chinese."""


@dataclass(frozen=True)
class Head:
    """A column header: a leaf (with a key) or a group of headers merged above them."""

    label: str
    children: tuple["Head", ...] = ()
    key: str | None = None

    def leaves(self):
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    def depth(self):
        return 1 + max((c.depth() for c in self.children), default=0)


def col(key, label):
    return Head(label, key=key)


def group(label, *children):
    return Head(label, tuple(children))


@dataclass(frozen=True)
class GridRow:
    key: str
    label: str
    code: str = ""  # 行号: "01"
    group: str = ""  # consecutive rows of one group share a merged row header (e.g. "党组织类别")


@dataclass(frozen=True)
class Cell:
    label: object
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class SumOfRows:
    """In every column, row `total` = the sum of rows `parts` (all the other rows when None)."""

    total: str
    parts: tuple[str, ...] | None = None

    def pairs(self, grid):
        parts = self.parts if self.parts is not None else [r.key for r in grid.rows if r.key != self.total]
        for leaf in grid.leaves:
            yield (self.total, leaf.key), [(p, leaf.key) for p in parts], "以下各行之和" if self.parts is None else \
                "、".join(f"「{grid.row(p).label}」" for p in parts) + "之和"


@dataclass(frozen=True)
class SumOfColumns:
    """In every row, column `total` = the sum of columns `parts`."""

    total: str
    parts: tuple[str, ...]

    def pairs(self, grid):
        nums = "、".join(str(grid.column_number(p)) for p in self.parts)
        for row in grid.rows:
            yield (row.key, self.total), [(row.key, p) for p in self.parts], f"第{nums}列之和"


@dataclass
class Grid:
    title: str
    columns: list[Head]
    rows: list[GridRow]
    values: dict[tuple[str, str], int]
    invariants: list = field(default_factory=list)
    stub_header: str = "项目"
    numbered: bool = True  # the 甲/乙 and 1…n row under the headers
    unit_name: str = ""
    as_of: datetime.date = field(default_factory=datetime.date.today)
    signatory: Signatory | None = None  # None: the statistical cover lines of FORMS.md
    filters: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self):
        self.leaves = [leaf for head in self.columns for leaf in head.leaves()]
        self._rows = {r.key: r for r in self.rows}
        self._cols = {leaf.key: i for i, leaf in enumerate(self.leaves, start=1)}
        if len(self._rows) != len(self.rows) or len(self._cols) != len(self.leaves) or None in self._cols:
            raise GridError(f"{self.title}：行或列的代码重复或缺失。")
        self.values = dict(self.values)
        self._filled = set()
        self._check_keys()
        self._check_cells()
        self._fill_totals()
        self.check()

    # -- lookups -----------------------------------------------------------------------------------
    def row(self, key):
        return self._rows[key]

    def column_number(self, key):
        return self._cols[key]

    def cell_name(self, row_key, col_key):
        row = self._rows[row_key]
        code = f"第{row.code}行" if row.code else ""
        leaf = self.leaves[self._cols[col_key] - 1]
        return f"{code}「{row.label}」、第{self._cols[col_key]}列「{leaf.label}」"

    def value(self, row_key, col_key):
        return self.values[(row_key, col_key)]

    # -- checks ------------------------------------------------------------------------------------
    def _check_keys(self):
        for r, c in self.values:
            if r not in self._rows or c not in self._cols:
                raise GridError(f"{self.title}：没有“{r}”行“{c}”列这一格。")
        for inv in self.invariants:
            keys = [inv.total, *(inv.parts or ())]
            known = self._rows if isinstance(inv, SumOfRows) else self._cols
            for k in keys:
                if k not in known:
                    raise GridError(f"{self.title}：校验关系引用了不存在的行或列“{k}”。")

    def _fill_totals(self):
        filled = True
        while filled:  # a total may be a part of another total: fill until nothing more can be
            filled = False
            for inv in self.invariants:
                for total, parts, _ in inv.pairs(self):
                    if total not in self.values and all(p in self.values for p in parts):
                        self.values[total] = sum(self.values[p] for p in parts)
                        self._filled.add(total)
                        filled = True
        for r in self.rows:
            for leaf in self.leaves:
                self.values.setdefault((r.key, leaf.key), 0)

    def _check_cells(self):
        for (r, c), v in self.values.items():
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise GridError(f"{self.title}：{self.cell_name(r, c)}应为非负整数，现为“{v}”。")

    def check(self):
        """Raise GridError at the first total that differs from the sum of its parts (a total given
        by the caller is named before one the grid filled in, which only carries the difference)."""
        checks = [pair for inv in self.invariants for pair in inv.pairs(self)]
        checks.sort(key=lambda pair: pair[0] in self._filled)
        for total, parts, what in checks:
            expected = sum(self.values[p] for p in parts)
            if self.values[total] != expected:
                raise GridError(
                    f"{self.title}：{self.cell_name(*total)}为 {self.values[total]}，"
                    f"而{what}为 {expected}，两数不符，表格不予生成。"
                )

    # -- layout ------------------------------------------------------------------------------------
    @property
    def has_groups(self):
        return any(r.group for r in self.rows)

    @property
    def has_codes(self):
        return any(r.code for r in self.rows)

    @property
    def stub_width(self):
        return (2 if self.has_groups else 1) + (1 if self.has_codes else 0)

    @property
    def header_depth(self):
        return max(h.depth() for h in self.columns)

    def header_rows(self):
        """Rows of `Cell`s for <thead>, spans included, the stub headers first."""
        depth = self.header_depth
        rows = [[] for _ in range(depth)]
        rows[0].append(Cell(self.stub_header, colspan=2 if self.has_groups else 1, rowspan=depth))
        if self.has_codes:
            rows[0].append(Cell("行号", rowspan=depth))

        def walk(head, level):
            if head.children:
                rows[level].append(Cell(head.label, colspan=len(head.leaves())))
                for child in head.children:
                    walk(child, level + 1)
            else:
                rows[level].append(Cell(head.label, rowspan=depth - level))

        for head in self.columns:
            walk(head, 0)
        if self.numbered:
            numbers = [Cell("甲", colspan=2 if self.has_groups else 1)]
            if self.has_codes:
                numbers.append(Cell("乙"))
            rows.append(numbers + [Cell(str(i)) for i in range(1, len(self.leaves) + 1)])
        return rows

    def pdf_widths(self):
        """(stub widths, number column width) in % of the printed table (A4 landscape, 277 mm): the
        row labels as wide as the longest needs (within 10–28 %), a group's label narrow, 行号
        narrow, and the number columns sharing the rest equally (an automatic layout squeezes the
        columns whose headers are short: 合计, 跨省)."""
        from .values import text_width_em

        em_pct = 3.4 / 277 * 100  # one character at 9.5 pt
        longest = max((text_width_em(str(r.label)) for r in self.rows), default=4)
        stub = [min(28.0, max(10.0, (longest + 1.2) * em_pct))]
        if self.has_groups:
            longest_group = max(text_width_em(r.group) for r in self.rows if r.group)
            stub.insert(0, min(10.0, max(4.5, (min(longest_group, 5) / 2.5 + 1) * em_pct)))
        if self.has_codes:
            stub.append(4.0)
        return [round(w, 2) for w in stub], round((100 - sum(stub)) / len(self.leaves), 3)

    def body_rows(self):
        """[(stub cells, [values])] for <tbody>: a group's header spans its consecutive rows."""
        out = []
        for i, row in enumerate(self.rows):
            stub = []
            if row.group:
                if i == 0 or self.rows[i - 1].group != row.group:
                    run = 1
                    while i + run < len(self.rows) and self.rows[i + run].group == row.group:
                        run += 1
                    stub.append(Cell(row.group, rowspan=run))
                stub.append(Cell(row.label))
            else:
                stub.append(Cell(row.label, colspan=2 if self.has_groups else 1))
            if self.has_codes:
                stub.append(Cell(row.code))
            out.append((stub, [self.values[(row.key, leaf.key)] for leaf in self.leaves]))
        return out

    # -- frame -------------------------------------------------------------------------------------
    @property
    def header_line(self):
        label = self.signatory.unit if self.signatory else GRID_UNIT_LABEL
        return f"{label}{self.unit_name}　　截至　{chinese_date(self.as_of)}"

    @property
    def footer(self):
        if self.signatory is None:
            return GRID_FOOTER
        return f"填表人（签名）：　　　　　　{self.signatory.signer}　　　　　　日期：　　年　　月　　日"

    @property
    def filter_line(self):
        from .labels import filter_line

        return filter_line(self.filters)


def place(rows):
    """[(row, col, rowspan, colspan, label)]: where each cell of `rows` (spans included) lands on a
    sheet, skipping the places taken by cells spanning down from the rows above."""
    taken = set()
    out = []
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell.rowspan, cell.colspan, cell.label))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return out
