"""Program pages: list, create and edit (phases, leading group), the overview with the setup
check, the pilot units' forms, roll-out, and the conclusion's side-by-side table."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core import exports
from core.views import notify_queued

from .exports import COLUMNS, visible_units
from .forms import ProgramForm, UnitForm
from .models import PilotUnit, Program, month_label, month_start
from .permissions import can_manage_program
from .services import programs
from .services.overview import unit_rows


def program_for(request, pk):
    """A program the user may open: county staff, or someone who sees one of its units (404 else)."""
    program = get_object_or_404(Program.objects.prefetch_related("phases"), pk=pk)
    if not can_manage_program(request.user) and not visible_units(request.user, program).exists():
        raise Http404("没有这项试点工作")
    return program


def _require_county(request):
    if not can_manage_program(request.user):
        raise PermissionDenied


def program_list(request):
    user = request.user
    qs = Program.objects.prefetch_related("phases")
    if not can_manage_program(user):
        qs = qs.filter(pk__in=PilotUnit.objects.visible_to(user).values("program_id"))
    today = timezone.localdate()
    return render(request, "pilots/program_list.html", {
        "programs": [(p, p.standing(today)[0]) for p in qs],
        "can_manage": can_manage_program(user),
    })


def program_form(request, pk=None):
    program = program_for(request, pk) if pk else Program()
    _require_county(request)
    form = ProgramForm(request.POST or None, instance=program)
    done, saved = form.perform(request, lambda cd: programs.save_program(request.user, form.instance,
                                                                         form.phase_dates()))
    if done:
        messages.success(request, f"已保存试点工作“{saved.name}”。")
        return redirect("pilots:program", saved.pk)
    return render(request, "pilots/program_form.html", {
        "form": form, "program": program if pk else None, "title": "编辑试点工作" if pk else "新建试点工作"})


def program_detail(request, pk):
    program = program_for(request, pk)
    today = timezone.localdate()
    month = month_start(today)
    units = visible_units(request.user, program)
    rows = unit_rows(units, month)
    standing, current = program.standing(today)
    return render(request, "pilots/program_detail.html", {
        "program": program, "standing": standing, "current": current, "rows": rows,
        "flagged": [r for r in rows if r.flagged], "missing": [r for r in rows if r.reported is None],
        "month_label": month_label(month), "can_manage": can_manage_program(request.user),
    })


def unit_create(request, pk):
    program = program_for(request, pk)
    _require_county(request)
    if program.rolled_out_on:
        messages.error(request, "该试点工作已经全面推开，不能再增加试点单位。")
        return redirect("pilots:program", program.pk)
    form = UnitForm(request.POST or None, instance=PilotUnit(program=program),
                    initial={"organization": request.GET.get("org", "")[:20]})
    done, unit = form.perform(request, lambda cd: programs.save_unit(request.user, form.instance))
    if done:
        messages.success(request, f"已将“{unit.organization.name}”确定为试点单位。")
        return redirect("pilots:unit", unit.pk)
    return render(request, "pilots/unit_form.html", {"form": form, "program": program, "title": "增加试点单位"})


def unit_edit(request, pk):
    unit = get_object_or_404(PilotUnit.objects.visible_to(request.user).select_related("program", "organization"),
                             pk=pk)
    _require_county(request)
    form = UnitForm(request.POST or None, instance=unit)
    done, _ = form.perform(request, lambda cd: programs.save_unit(request.user, form.instance))
    if done:
        messages.success(request, "已保存。")
        return redirect("pilots:unit", unit.pk)
    return render(request, "pilots/unit_form.html", {"form": form, "program": unit.program, "unit": unit,
                                                     "title": f"编辑试点单位：{unit.organization.name}"})


def program_rollout(request, pk):
    program = program_for(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _require_county(request)
    try:
        programs.roll_out(request.user, program)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已标记为全面推开：各试点单位的分类方案可作为全县各单位的模板。")
    return redirect("pilots:program", program.pk)


def summaries(request, pk):
    program = program_for(request, pk)
    rows = unit_rows(visible_units(request.user, program), month_start(timezone.localdate()))
    return render(request, "pilots/summaries.html", {"program": program, "rows": rows, "columns": COLUMNS})


def summaries_export(request, pk, fmt):
    program = program_for(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        response, job = exports.start(request.user, "pilot_summaries", fmt, {"program": [str(program.pk)]})
    except exports.ExportRefused as exc:
        return exports.refused(request, exc)
    if job is not None:
        notify_queued(request, job)
        return redirect("downloads")
    return response
