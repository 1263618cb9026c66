"""Registers: one row per person (a roster, a ledger), defined once as a list of `Column`s."""

import datetime
from dataclasses import dataclass, field
from typing import Any, Callable

from django.db.models.query import ValuesIterable

from .labels import BRANCH, Signatory, filter_line
from .values import chinese_date, format_value

# FORMS.md: every register ends with this sign-off line; the signer depends on the level.
FOOTER = "填表人：　　　　　　联系电话：　　　　　　{signer}　　　　　　日期：　　年　　月　　日"
REGISTER_FOOTER = FOOTER.format(signer=BRANCH.signer)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    value: Callable[[Any], Any] | None = None  # None: the row's sequence number (序号)
    width: float = 10  # in characters; the PDF uses the proportions
    sort: str | None = None  # ORM ordering for this column, None if not sortable
    screen: Callable[[Any], Any] | None = None  # on-screen value when it differs (masked ID)
    default: bool = True  # ticked when the user has not chosen
    always: bool = False  # shown whatever the user ticks (序号)
    nowrap: bool = False  # numbers, dates, ID numbers: never broken inside a PDF cell
    fields: tuple[str, ...] | None = None  # what `value`/`screen` read, for load_rows (None: unknown)

    def export_value(self, obj, seq):
        if self.value is None:
            return seq
        v = self.value(obj)
        return "" if v is None else v

    def screen_cell(self):
        """(obj, seq) → the cell's text on screen: `screen` if set (a masked ID), else the value as
        format_value shows it. Worked out once per column, not per cell (a page is 500 cells)."""
        if self.screen is not None:
            screen = self.screen
            return lambda obj, seq: screen(obj)
        if self.value is None:
            return lambda obj, seq: str(seq)
        value = self.value
        return lambda obj, seq: format_value(value(obj))


@dataclass
class Register:
    """The frame of a register: title, the filters and the unit line above the table, the sign-off below."""

    title: str
    columns: list[Column]
    unit_name: str = ""
    as_of: datetime.date = field(default_factory=datetime.date.today)
    signatory: Signatory = BRANCH
    filters: list[tuple[str, str]] = field(default_factory=list)  # [(label, chosen value)]
    footer_text: str | None = None  # None: the sign-off line of FORMS.md with the level's signer
    min_wrap_em: float = 2.2  # PDF: the narrowest a wrapping column may be, in characters (fit.py)

    @property
    def unit_label(self):
        return self.signatory.unit

    @property
    def header_line(self):
        return f"{self.unit_label}{self.unit_name}　　截至　{chinese_date(self.as_of)}"

    @property
    def filter_line(self):
        return filter_line(self.filters)

    @property
    def footer(self):
        return self.footer_text if self.footer_text is not None else FOOTER.format(signer=self.signatory.signer)


def pick_columns(all_columns, keys):
    """The columns the user ticked, in the register's own order; the default set if none valid."""
    wanted = set(keys or ())
    if not any(c.key in wanted and not c.always for c in all_columns):
        wanted = {c.key for c in all_columns if c.default}
    return [c for c in all_columns if c.always or c.key in wanted]


class Row:
    """One register line read with values(): the attributes its columns read, `a__b` as `row.a.b`
    (built by RowIterable). A page of 50 members reads in about 1 ms this way, against 4 ms for 50
    Members with their two Organizations (the model's __init__ and converters run per field)."""

    __slots__ = ("__dict__",)


def _plan(named):
    """How a values() row of [(name, index)] becomes a Row: ([(attribute, index)], [(relation, plan)])."""
    flat, nested = [], {}
    for name, i in named:
        head, sep, rest = name.partition("__")
        if sep:
            nested.setdefault(head, []).append((rest, i))
        else:
            flat.append((name, i))
    return flat, [(head, _plan(inner)) for head, inner in nested.items()]


def _build(plan, values):
    row = Row()
    flat, nested = plan
    attributes = row.__dict__
    for name, i in flat:
        attributes[name] = values[i]
    for head, inner in nested:
        attributes[head] = _build(inner, values)
    return row


class RowIterable(ValuesIterable):
    """values() read as Rows straight from the database's tuples, the names split once per query
    (not a dict per row, then split per row: 0.4 ms a page)."""

    def __iter__(self):
        queryset = self.queryset
        query = queryset.query
        compiler = query.get_compiler(queryset.db)
        # the columns' order, as ValuesIterable reads it
        names = list(query.selected) if query.selected else [
            *query.extra_select, *query.values_select, *query.annotation_select]
        plan = _plan(list(zip(names, range(len(names)))))
        for values in compiler.results_iter(chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size):
            yield _build(plan, values)


def row_fields(columns, *always):
    """The fields the columns read (`Column.fields`) and `always`, in order, once each; None when
    some column does not say which."""
    if any(c.value is not None and c.fields is None for c in columns):
        return None
    return tuple(dict.fromkeys(["pk", *(f for c in columns for f in c.fields or ()), *always]))


def rows_of(qs, fields):
    """`qs` yielding `Row`s of only `fields` (row_fields); None: `qs` unchanged (model objects)."""
    if fields is None:
        return qs
    rows = qs.values(*fields)
    rows._iterable_class = RowIterable
    return rows


def load_rows(qs, columns, *always):
    """`qs` yielding `Row`s of only the fields the columns read (`Column.fields`) and `always`, when
    every column says which; filter, order_by, count and values_list still work on it. Some column
    without `fields`: `qs` unchanged (model objects)."""
    return rows_of(qs, row_fields(columns, *always))


def screen_rows(columns, objects, start=1):
    """[(obj, [(column, cell), ...])] for the HTML table."""
    cells = [(c, c.screen_cell()) for c in columns]
    return [(obj, [(c, cell(obj, seq)) for c, cell in cells]) for seq, obj in enumerate(objects, start)]
