"""What importing a roster file would do, row by row: new / updated (which fields) / unchanged /
error (which cells, why). The same analysis is the preview, and, inside the commit's transaction,
the plan of what to write: re-importing a file that was committed finds every row unchanged.

Members are matched by citizen ID, one query per CHUNK rows (never one per row). A row's branch is
the one chosen on the upload form, or the file's 所在党支部 column read within the importer's scope."""

import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from core import audit
from core.scoping import covers

from .. import idcard
from ..forms import placeable_branches
from ..models import Member
from ..services import AUDIT_FIELDS, DECISION_FIELDS
from . import values as v
from .columns import BY_KEY, COLUMNS

CHUNK = 500
NEW, UPDATED, UNCHANGED, ERROR = "new", "updated", "unchanged", "error"
STATUS_LABELS = {NEW: "新增", UPDATED: "更新", UNCHANGED: "无变化", ERROR: "错误"}
NOT_FROM_FILE = {"name_pinyin", "organization", "party_group", "last_contact_on", "version", "roll_state",
                 "roll_state_on", "removal_kind", "membership_status", "membership_status_on",
                 "probation_extended_months"}
LABELS = {f.name: str(f.verbose_name) for f in Member._meta.concrete_fields}
LABELS["organization"] = "所在党支部"


class ScopeLost(Exception):
    """The chosen branch is no longer the importer's to fill; the message says so, in Chinese."""


@dataclass
class Row:
    n: int  # the row number in the sheet, as Excel shows it
    cells: list
    index: dict  # {field key: column index}
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # [(field key or "", message)]
    branch: object = None
    member: object = None  # the Member to save (new, or the existing one with the changes)
    status: str = ""
    changes: list = field(default_factory=list)  # [(field, before, after)]

    def error(self, key, message):
        self.errors.append((key, message))

    def as_dict(self):
        """What the preview page and the error workbook keep of the row (JSON): an error row's cells
        as text, for the error workbook (the file itself is deleted after the commit)."""
        out = {
            "n": self.n, "status": self.status, "name": self.values.get("name") or _raw(self, "name"),
            "id": self.values.get("id_number") or _raw(self, "id_number"),
            "branch": self.branch.name if self.branch is not None else "",
            "changes": [[LABELS.get(k, k), before, after] for k, before, after in self.changes],
            "errors": [[k, LABELS.get(k, k) if k else "", msg] for k, msg in self.errors],
        }
        if self.errors:
            out["cells"] = [_cell_text(c) for c in self.cells]
        return out


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _raw(row, key):
    i = row.index.get(key)
    return "" if i is None or i >= len(row.cells) or row.cells[i] is None else str(row.cells[i])[:40]


class Branches:
    """The branches the importer may place members in, found by name (or 上级/名称)."""

    def __init__(self, user):
        self.user = user
        self.all = list(placeable_branches(user).select_related("parent").only(
            "pk", "name", "path", "kind", "is_dissolved", "parent__name"))
        self.by_name = {}
        for org in self.all:
            self.by_name.setdefault(_org_key(org.name), []).append(org)

    def find(self, text):
        """(branch, None) or (None, a Chinese message)."""
        parts = [p for p in text.replace("／", "/").replace("\\", "/").split("/") if p.strip()]
        found = self.by_name.get(_org_key(parts[-1]), []) if parts else []
        if len(parts) > 1:
            found = [o for o in found if o.parent and _org_key(o.parent.name) == _org_key(parts[-2])]
        if len(found) == 1:
            return found[0], None
        if found:
            example = f"{found[0].parent.name}/{found[0].name}"
            return None, f"有{len(found)}个党支部名为“{text}”，请写成“上级党组织/党支部”，如“{example}”。"
        return None, f"“{text}”不是您可以导入党员的党支部（应为您管理范围内的党支部，不含临时党支部）。"


def _org_key(name):
    s = unicodedata.normalize("NFKC", name or "").replace(" ", "")
    return s[2:] if s.startswith("中共") else s


def analyze(sheet, user, branch=None, progress=None):
    """Yield the analysed Rows of `sheet`, reading CHUNK rows and one query of members at a time.
    `branch`: every row goes there (the upload form's choice); None: by the 所在党支部 column."""
    branches = Branches(user)
    if branch is not None and all(b.pk != branch.pk for b in branches.all):  # e.g. a grant revoked since
        raise ScopeLost(f"您现在不能向“{branch.name}”导入党员（不在您的管理范围内，或已撤销）。")
    index = {c.key: i for i, c in sheet.columns.items()}
    first_seen = {}  # id number -> row number
    done = 0
    chunk = []
    for item in sheet.rows():
        chunk.append(item)
        if len(chunk) >= CHUNK:
            yield from _analyze_chunk(chunk, index, user, branch, branches, first_seen)
            done += len(chunk)
            chunk = []
            if progress:
                progress(done)
    if chunk:
        yield from _analyze_chunk(chunk, index, user, branch, branches, first_seen)
        if progress:
            progress(done + len(chunk))


def _analyze_chunk(chunk, index, user, branch, branches, first_seen):
    rows = [_parse(n, cells, index) for n, cells in chunk]
    ids = {r.values["id_number"] for r in rows if "id_number" in r.values}
    existing = {}
    for m in Member.objects.filter(id_number__in=ids).select_related("organization", "party_group"):
        if m.id_number not in existing or m.on_roll:  # the member on the roll, else any record
            existing[m.id_number] = m
    for row in rows:
        _check(row, index, user, branch, branches, existing, first_seen)
        yield row


def _parse(n, cells, index):
    row = Row(n, cells, index)
    for key, i in index.items():
        raw = cells[i] if i < len(cells) else None
        if v.is_blank(raw):
            continue
        try:
            row.values[key] = BY_KEY[key].parse(raw)
        except v.CellError as exc:
            row.error(key, str(exc))
    return row


def _check(row, index, user, branch, branches, existing, first_seen):
    id_number = row.values.get("id_number")
    if id_number:
        if id_number in first_seen:
            row.error("id_number", f"与第{first_seen[id_number]}行的公民身份号码重复。")
        else:
            first_seen[id_number] = row.n
    elif not any(k == "id_number" for k, _ in row.errors):
        row.error("id_number", "请填写公民身份号码（按此号码识别党员）。")

    row.branch = _branch_of(row, index, branch, branches)
    old = existing.get(id_number) if id_number else None
    if old is not None and not old.on_roll:
        row.error("id_number", _not_on_roll(user, old))
        old = None
    if old is not None:
        _check_update(row, old, user)
    else:
        _check_new(row)
    row.status = ERROR if row.errors else row.status


def _branch_of(row, index, branch, branches):
    text = row.values.pop("organization", None)
    if branch is not None:
        if text and _org_key(text.split("/")[-1]) != _org_key(branch.name):
            row.error("organization", f"本行的所在党支部是“{text}”，不是本次导入的“{branch.name}”；"
                                      "请删除这一行，或在上传时选择按文件中的党支部导入。")
        return branch
    if not text:
        return None  # an existing member stays where it is; a new one needs a branch (_check_new)
    found, problem = branches.find(text)
    if problem:
        row.error("organization", problem)
    return found


def _not_on_roll(user, old):
    if covers(user.editor_paths, old.organization.path):
        return (f"该公民身份号码的党员“{old.name}”已{old.get_roll_state_display()}，不能通过导入重新登记；"
                "恢复在册或重新入党请在党员页面办理。")
    return "该公民身份号码已有不在册的党员记录，不能通过导入登记，请与上级党组织核实。"


def _apply(member, values):
    """Set the file's values on `member`. A date written without its day (2001.07) keeps the day the
    record holds when the month agrees (the ID's birth date, the stored date), so that neither a
    month-only 出生年月 is an error nor a re-import of such a file an update."""
    id_number = values.get("id_number") or member.id_number
    for key, value in values.items():
        if isinstance(value, v.MonthOnly):
            known = getattr(member, key, None)
            if key == "birth_date" and id_number and not idcard.validate(id_number):
                known = idcard.birth_date(id_number)
            if v.same_month(known, value):
                value = known
        setattr(member, key, value)


def _validate(row, member):
    try:
        member.clean_fields(exclude=NOT_FROM_FILE)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            row.error(key, " ".join(messages))
    try:
        member.clean()
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            if not any(k == key for k, _ in row.errors):
                row.error(key if key in LABELS else "", " ".join(messages))


def _check_new(row):
    values = dict(row.values)
    id_number = values.get("id_number")
    if id_number:  # gender and birth date are in the number: an empty cell takes them from it
        values.setdefault("gender", idcard.gender(id_number))
        values.setdefault("birth_date", idcard.birth_date(id_number))
    for column in COLUMNS:
        if column.required and column.key not in values and not any(k == column.key for k, _ in row.errors):
            row.error(column.key, f"请填写{column.header}。")
    if row.branch is None and not any(k == "organization" for k, _ in row.errors):
        row.error("organization", "请填写所在党支部（或在上传时选择导入到哪个党支部）。")
    if row.errors:
        return
    member = Member(organization=row.branch, id_number=id_number)
    _apply(member, values)
    _validate(row, member)
    row.member = member
    row.status = NEW
    row.changes = []


def _check_update(row, old, user):
    if not covers(user.editor_paths, old.organization.path):
        row.error("id_number", "该公民身份号码已登记为在册党员（不在您的管理范围内），请核对；"
                               "如是组织关系转入，请先由原党支部办理转出。")
        return
    if row.branch is not None and row.branch.pk != old.organization_id:
        row.error("organization", f"该党员现在“{old.organization.name}”；导入不调整所在党支部，"
                                  "如需调整请在党员页面使用“转移”。")
        return
    row.branch = old.organization
    before = audit.snapshot(old, AUDIT_FIELDS)
    member = Member(**{f.attname: getattr(old, f.attname) for f in Member._meta.concrete_fields})
    member._state.adding = False
    member.organization, member.party_group = old.organization, old.party_group
    _apply(member, row.values)
    for key, message in DECISION_FIELDS.items():
        if key in row.values and getattr(old, key) != getattr(member, key):
            row.error(key, message)
    if row.errors:
        return
    _validate(row, member)
    if row.errors:
        return
    after = audit.snapshot(member, AUDIT_FIELDS)
    row.changes = [(k, before[k], after[k]) for k in AUDIT_FIELDS if before[k] != after[k]]
    row.member = member
    row.status = UPDATED if row.changes else UNCHANGED


def summary(rows):
    counts = {NEW: 0, UPDATED: 0, UNCHANGED: 0, ERROR: 0}
    for r in rows:
        counts[r["status"] if isinstance(r, dict) else r.status] += 1
    return counts

