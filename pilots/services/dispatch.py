"""月调度会商: the monthly reports and the problems list (发现 → 分析 → 整改 → 解决), and the month's
dispatch pack for the meeting. Each change in one transaction, audited inside it."""

import datetime
import io

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core import audit
from core.documents import CJK_FONTS

from ..choices import NEXT_STAGE, ProblemStage
from ..models import PilotUnit, Problem, Report, month_label, month_start, next_month

FILE = audit.register_action("pilot_report", "月调度汇报")
ADVANCE = audit.register_action("pilot_problem", "问题推进")
REPORT_FIELDS = ["progress", "opinions", "next_steps"]
PROBLEM_FIELDS = ["stage", "description", "owner", "due_on", "analysis", "analyzed_on", "rectification",
                  "rectifying_on", "resolution", "solved_on"]
# What each step of the list writes: (the note's field, its date's field, the note's label).
STEP_FIELDS = {
    ProblemStage.ANALYZED: ("analysis", "analyzed_on", "原因分析"),
    ProblemStage.RECTIFYING: ("rectification", "rectifying_on", "整改措施"),
    ProblemStage.SOLVED: ("resolution", "solved_on", "解决情况"),
}


def parse_month(text, default=None):
    """"2026-11" -> date(2026, 11, 1); anything else -> default."""
    try:
        year, month = (int(x) for x in (text or "").split("-"))
        return datetime.date(year, month, 1) if 2000 <= year <= 2099 else default
    except (TypeError, ValueError):
        return default


def check_month(month, today=None):
    today = today or timezone.localdate()
    if month > month_start(today):
        raise ValidationError({"month": f"{month_label(month)}尚未开始，不能提前汇报。"})


@transaction.atomic
def file_report(actor, report, problems=()):
    """File a unit's report for a month, with the problems it found (each: description, owner,
    due_on). One report per unit and month."""
    report.month = month_start(report.month)
    check_month(report.month)
    PilotUnit.objects.select_for_update().filter(pk=report.unit_id).first()  # one filing at a time
    if Report.objects.filter(unit_id=report.unit_id, month=report.month).exists():
        raise ValidationError({"month": f"本单位{month_label(report.month)}已经汇报过了，不能重复汇报。"})
    report.filed_by = actor
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError({"month": f"本单位{month_label(report.month)}已经汇报过了，不能重复汇报。"}) from None
    found_on = min(timezone.localdate(), next_month(report.month) - datetime.timedelta(days=1))
    made = [Problem.objects.create(unit_id=report.unit_id, report=report, found_on=found_on, **p) for p in problems]
    audit.record(actor, report, FILE, after=audit.snapshot(report, REPORT_FIELDS),
                 reason=f"{report.month_label}汇报" + (f"，发现问题 {len(made)} 个" if made else ""))
    for p in made:
        audit.record(actor, p, audit.Action.CREATE, after=audit.snapshot(p, ["description", "owner", "due_on"]),
                     reason=f"{report.month_label}汇报发现")
    return report


@transaction.atomic
def advance_problem(actor, problem, note, on=None):
    """Move a problem to its next step, with the step's note and date. Solving needs a resolution note."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    nxt = NEXT_STAGE.get(problem.stage)
    if nxt is None:
        raise ValidationError("该问题已经解决。")
    field, date_field, label = STEP_FIELDS[nxt]
    note = (note or "").strip()
    if not note:
        extra = "没有解决情况说明的问题不能销号。" if nxt == ProblemStage.SOLVED else ""
        raise ValidationError({"note": f"请填写{label}。{extra}"})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": "日期不能晚于今天。"})
    if on < problem.found_on:
        raise ValidationError({"on": f"日期不能早于发现日期 {problem.found_on:%Y-%m-%d}。"})
    before = audit.snapshot(problem, PROBLEM_FIELDS)
    problem.stage = nxt
    setattr(problem, field, note)
    setattr(problem, date_field, on)
    problem.save()
    audit.record(actor, problem, ADVANCE, before=before, after=audit.snapshot(problem, PROBLEM_FIELDS))
    return problem


def month_status(units, month):
    """{unit id: report or None} for `units` in `month` (one query)."""
    reports = {r.unit_id: r for r in Report.objects.filter(unit__in=units, month=month).select_related("filed_by")}
    return {u.pk: reports.get(u.pk) for u in units}


def pack(units, month):
    """The month's dispatch pack: per unit (visible to the reader), its report and the problems on
    its list that month (carried over, found, solved). Three queries."""
    units = list(units)
    reports = month_status(units, month)
    problems = {}
    for p in Problem.objects.filter(unit__in=units).open_in(month).order_by("found_on", "pk"):
        problems.setdefault(p.unit_id, []).append(p)
    return [{
        "unit": u, "report": reports[u.pk],
        "carried": [p for p in problems.get(u.pk, []) if p.found_on < month],
        "new": [p for p in problems.get(u.pk, []) if p.found_on >= month],
    } for u in units]


def pack_pdf(program, month, entries):
    """The dispatch pack as one PDF (A4 portrait): a cover list of who reported, then each unit."""
    from weasyprint import HTML

    html = render_to_string("pilots/pack_pdf.html", {
        "program": program, "month": month, "month_label": month_label(month), "entries": entries,
        "fonts": CJK_FONTS, "missing": [e["unit"] for e in entries if e["report"] is None],
        "made_on": timezone.localdate(),
    })
    buf = io.BytesIO()
    HTML(string=html).write_pdf(buf)
    return buf.getvalue()


@transaction.atomic
def record_pack(actor, program, month, name, units):
    audit.record(actor, program, audit.Action.EXPORT,
                 reason=f"导出PDF《{name}》：{month_label(month)}月调度会商材料，试点单位 {units} 个")
