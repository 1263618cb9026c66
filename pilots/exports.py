"""The conclusion's side-by-side table (经验材料 with each unit's numbers), in Excel and PDF through
core/exports.py: the rows are the units the reader sees, never more."""

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from core import exports
from core.documents import Column, Register, signatory
from core.middleware import parse_id

from .models import PilotUnit, Program, month_start
from .services.overview import unit_rows

COLUMNS = [
    Column("seq", "序号", None, width=4, always=True, nowrap=True),
    Column("unit", "试点单位", lambda r: r.unit.organization.name, width=16),
    Column("sector", "领域", lambda r: r.unit.get_sector_display(), width=8),
    Column("cadre", "跟踪指导责任人", lambda r: str(r.unit.tracking_cadre or ""), width=8),
    Column("leader", "试点工作组组长", lambda r: r.unit.leader_name, width=8),
    Column("members", "党员数", lambda r: r.members, width=5, nowrap=True),
    Column("categories", "各类别党员数", lambda r: r.categories_text, width=16),
    Column("unassigned", "未分类", lambda r: r.unassigned, width=5, nowrap=True),
    Column("reports", "月调度汇报次数", lambda r: r.reports, width=6, nowrap=True),
    Column("found", "发现问题", lambda r: r.found, width=5, nowrap=True),
    Column("solved", "已解决", lambda r: r.solved, width=5, nowrap=True),
    Column("summary", "经验材料", lambda r: r.unit.summary or "（尚未提交）", width=40),
]


@dataclass
class RowsSpec(exports.Spec):
    """A spec whose rows are computed (UnitRow), not a queryset."""

    def count(self):
        return len(self.rows)

    def iter_rows(self, chunk=exports.ROW_CHUNK):
        return iter(self.rows)


def visible_units(user, program):
    return (PilotUnit.objects.visible_to(user).filter(program=program)
            .select_related("organization", "tracking_cadre"))


@exports.register("pilot_summaries")
def summaries(user, params):
    pk = parse_id(str((params.get("program") or [""])[0] if isinstance(params.get("program"), list)
                      else params.get("program", "")))
    program = Program.objects.filter(pk=pk).first() if pk else None
    units = visible_units(user, program) if program else PilotUnit.objects.none()
    if program is None or not units.exists():
        raise Http404("没有这项试点工作")
    rows = unit_rows(units, month_start(timezone.localdate()))
    doc = Register(title=f"{program.name}经验材料汇总", columns=COLUMNS, unit_name="",
                   signatory=signatory("county"))
    return RowsSpec(doc=doc, rows=rows, stem=f"{program.name}_经验材料汇总", scope=program,
                    description=f"试点单位 {len(rows)} 个", row_word="个单位")
