"""月调度会商 pages: a unit's monthly report, a problem and its steps, the month's status of the
program's units and the dispatch pack (PDF)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core import audit, exports

from .choices import NEXT_STAGE
from .exports import visible_units
from .forms import AdvanceForm, ReportForm
from .models import Problem, Report, month_label, month_start
from .permissions import can_report
from .services import dispatch
from .views_program import program_for
from .views_unit import unit_for


def report_create(request, pk):
    unit = unit_for(request, pk)
    if not can_report(request.user, unit):
        raise PermissionDenied
    month = month_start(timezone.localdate())
    form = ReportForm(request.POST or None, initial={"month": f"{month:%Y-%m}"})
    done, report = form.perform(request, lambda cd: dispatch.file_report(
        request.user, Report(unit=unit, month=cd["month"], progress=cd["progress"], opinions=cd["opinions"],
                             next_steps=cd["next_steps"]), form.problems()))
    if done:
        messages.success(request, f"已提交{report.month_label}汇报。")
        return redirect("pilots:report", report.pk)
    carried = Problem.objects.filter(unit=unit).exclude(stage="solved").order_by("found_on", "pk")
    return render(request, "pilots/report_form.html", {"form": form, "unit": unit, "carried": carried})


def report_detail(request, pk):
    report = get_object_or_404(
        Report.objects.visible_to(request.user).select_related("unit__organization", "unit__program", "filed_by"),
        pk=pk)
    return render(request, "pilots/report_detail.html", {
        "report": report, "unit": report.unit, "problems": report.problems.all(),
        "carried": Problem.objects.filter(unit=report.unit, found_on__lt=report.month).open_in(report.month),
    })


def problem_detail(request, pk):
    problem = get_object_or_404(
        Problem.objects.visible_to(request.user).select_related("unit__organization", "unit__program", "report"),
        pk=pk)
    nxt = NEXT_STAGE.get(problem.stage)
    allowed = can_report(request.user, problem.unit) and nxt is not None
    label = dispatch.STEP_FIELDS[nxt][2] if nxt else ""
    form = AdvanceForm(request.POST or None, note_label=label, initial={"on": timezone.localdate()})
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        done, _ = form.perform(request, lambda cd: dispatch.advance_problem(request.user, problem, cd["note"],
                                                                            cd["on"]))
        if done:
            messages.success(request, f"问题已推进到“{nxt.label}”。")
            return redirect("pilots:problem", problem.pk)
    return render(request, "pilots/problem_detail.html", {
        "problem": problem, "unit": problem.unit, "form": form if allowed else None, "next": nxt,
        "history": audit.history(problem)[:50],
    })


def _month(request):
    today = month_start(timezone.localdate())
    month = dispatch.parse_month(request.GET.get("month") or request.POST.get("month"), today)
    if month > today:
        messages.warning(request, f"{month_label(month)}尚未开始，已显示本月。")
        month = today
    return month


def dispatch_month(request, pk):
    program = program_for(request, pk)
    month = _month(request)
    entries = dispatch.pack(visible_units(request.user, program), month)
    return render(request, "pilots/dispatch.html", {
        "program": program, "month": month, "month_label": month_label(month), "entries": entries,
        "missing": [e["unit"] for e in entries if e["report"] is None],
    })


def dispatch_pdf(request, pk):
    program = program_for(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    month = _month(request)
    entries = dispatch.pack(visible_units(request.user, program), month)
    content = dispatch.pack_pdf(program, month, entries)
    name = exports.file_name(f"{program.name}_{month:%Y年%m月}调度会商材料", "pdf", rows=len(entries),
                             row_word="个单位")
    dispatch.record_pack(request.user, program, month, name, len(entries))
    return exports.attachment(content, name, "application/pdf")
