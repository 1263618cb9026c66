"""待办事项: the to-do page of each user, assembled from sections that capabilities register, so that
the contact clock, the transfers' receipts and whatever comes later each add their own list without
the page knowing them (the pattern of core/panels.py, with a key so that a section can be linked):

    from members import todo

    todo.register("receipts_overdue", "回执逾期", overdue_receipts, order=40,
                  row=lambda letter: todo.Row(letter.member.name, reverse(...), detail="…", badge="逾期"))

`fn(user)` returns the items in the user's scope: a queryset (counted with one COUNT, its first rows
read with one more query: keep it `select_related` so that `row` reads no more) or a list. `row(item)`
turns an item into a `Row` for the page (default: the item's text, no link). `collapsed`: the section
shows its count and opens on request (the members without any contact yet, who must not flood the page
on the day the system is installed). `level`: "red" (overdue), "amber" (warning) or "" for the badge
of the count.

`register_counter(keys, fn)` lets the dashboard count several sections with one query.

The page and the dashboard's 待办事项 panel cost at most two queries per section whatever the number of
members and branches (tests/members/test_todo.py asserts it).
"""

from dataclasses import dataclass, field
from typing import Any, Callable

from django.db.models import QuerySet


@dataclass(frozen=True)
class Row:
    label: str
    url: str = ""
    detail: str = ""  # a second line: the branch, the letter's destination …
    badge: str = ""  # "已6个月3天", "逾期12天"
    actions: tuple = ()  # ((label, url), …): links shown beside the row


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fn: Callable[[Any], Any]
    order: int
    row: Callable[[Any], Row] | None = None
    collapsed: bool = False
    level: str = ""
    note: str = ""

    def make_row(self, item):
        return self.row(item) if self.row is not None else Row(str(item))


@dataclass
class Filled:
    section: Section
    count: int
    rows: list = field(default_factory=list)

    @property
    def key(self):
        return self.section.key

    @property
    def title(self):
        return self.section.title

    @property
    def more(self):
        return self.count > len(self.rows)


_sections = {}
_counters = []  # [(keys, fn(user) -> {key: count})]: several sections counted by one query


def register(key, title, fn, order, *, row=None, collapsed=False, level="", note=""):
    """Add (or replace, by key) a section of the to-do page."""
    _sections[key] = Section(key, title, fn, order, row, collapsed, level, note)


def register_counter(keys, fn):
    """Count the sections `keys` together for the dashboard: `fn(user) -> {key: count}` (e.g. one
    aggregate over the members, instead of one COUNT per section)."""
    _counters.append((tuple(keys), fn))


def unregister(key):
    _sections.pop(key, None)


def sections():
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def section(key):
    return _sections.get(key)


def _count_and_rows(result, limit, offset=0):
    if isinstance(result, QuerySet):
        count = result.count()
        items = list(result[offset:offset + limit]) if count and limit else []
    else:
        items = list(result)
        count = len(items)
        items = items[offset:offset + limit] if limit else []
    return count, items


def fill(user, limit=10, keys=None):
    """[Filled] of the sections (or those of `keys`), each with its count and first `limit` rows."""
    out = []
    for s in sections():
        if keys is not None and s.key not in keys:
            continue
        count, items = _count_and_rows(s.fn(user), 0 if s.collapsed and keys is None else limit)
        out.append(Filled(s, count, [s.make_row(i) for i in items]))
    return out


def counts(user):
    """[(section, count)] for the dashboard: one COUNT per section, or one per registered counter."""
    known = {}
    for keys, fn in _counters:
        if any(k in _sections for k in keys):
            known.update(fn(user))
    return [(s, known[s.key] if s.key in known else _count_and_rows(s.fn(user), 0)[0]) for s in sections()]
