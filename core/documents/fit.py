"""Fitting a register's columns on the page so that numbers and dates never break inside a cell.

The order of remedies (issue 5): shrink the font down to a floor, then widen the page to A3
landscape, then leave out columns from the right with a note 「另有N列未打印：…」.

A column marked `nowrap` gets the width of its longest value (measured on the whole document
before anything is laid out); the other columns share the rest in proportion to their `width`,
never narrower than two characters."""

from dataclasses import dataclass

PT_MM = 25.4 / 72
PAGES = [("A4 landscape", 297 - 20), ("A3 landscape", 420 - 20)]  # usable width in mm (10 mm margins)
SIZES = [9.5, 9, 8.5, 8, 7.5]  # pt; the last is the floor (the smallest print the roster ever used)
CELL_PAD_MM = 1.6 + 0.3  # the cell's padding and border
SAFETY = 1.06  # the measure of text_width_em is an estimate
MIN_WRAP_EM = 2.2  # a wrapping column is never narrower than two characters


@dataclass
class Fit:
    page: str  # CSS page size
    font_pt: float
    columns: list  # the columns printed
    widths: list[float]  # their widths in % of the table
    dropped: list  # the columns left out

    @property
    def note(self):
        if not self.dropped:
            return ""
        return f"另有{len(self.dropped)}列未打印：" + "、".join(c.header for c in self.dropped)


def _minimum_mm(col, em_width, size, min_wrap=MIN_WRAP_EM):
    em = size * PT_MM
    if col.nowrap:
        return max(em_width * SAFETY, MIN_WRAP_EM) * em + CELL_PAD_MM
    return min_wrap * em + CELL_PAD_MM


def _widths(columns, ems, size, usable, min_wrap=MIN_WRAP_EM):
    """Widths in % of the table: each column its minimum, the slack shared by the wrapping ones."""
    mins = [_minimum_mm(c, ems.get(c.key, 0), size, min_wrap) for c in columns]
    slack = usable - sum(mins)
    share = [c.width if not c.nowrap else 0 for c in columns]
    if not any(share):
        share = [c.width for c in columns]
    total = sum(share) or 1
    mm = [m + slack * s / total for m, s in zip(mins, share, strict=True)]
    return [round(w * 100 / usable, 3) for w in mm]


def fit_columns(columns, ems, min_wrap=MIN_WRAP_EM):
    """The page, font size and column widths for `columns`, whose nowrap values measure `ems`
    (key → widest value in em). `min_wrap`: the narrowest a wrapping column may be, in characters
    (a register of many text columns asks for more than two, and gets a smaller font or A3)."""
    cols = list(columns)
    dropped = []
    while True:
        for page, usable in PAGES:
            for size in SIZES:
                if sum(_minimum_mm(c, ems.get(c.key, 0), size, min_wrap) for c in cols) <= usable:
                    return Fit(page, size, cols, _widths(cols, ems, size, usable, min_wrap), dropped[::-1])
        droppable = [i for i, c in enumerate(cols) if not c.always]
        if len(droppable) <= 1:  # never drop the last column: print what there is, on A3 at the floor
            page, usable = PAGES[-1]
            return Fit(page, SIZES[-1], cols, _widths(cols, ems, SIZES[-1], usable, min_wrap), dropped[::-1])
        dropped.append(cols.pop(droppable[-1]))
