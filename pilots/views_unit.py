"""Unit pages: the unit with its scheme and coverage, the categories' forms, copying a template,
the members' categories (one at a time and in bulk), the experience summary."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core import audit
from core.pagination import page_of

from .forms import AssignForm, CategoryForm, CopyForm, SummaryForm
from .models import Assignment, Category, PilotUnit, Problem
from .permissions import can_edit_scheme, can_manage_program, can_report
from .services import schemes

MEMBERS_PAGE = 100


def unit_for(request, pk):
    """A unit the user sees (its grants cover the unit's organization), else 404."""
    return get_object_or_404(
        PilotUnit.objects.visible_to(request.user).select_related("organization", "program", "tracking_cadre"), pk=pk)


def _require(allowed):
    if not allowed:
        raise PermissionDenied


def unit_detail(request, pk):
    unit = unit_for(request, pk)
    total, counts, unassigned = schemes.coverage(unit)
    problems = list(Problem.objects.filter(unit=unit).order_by("-found_on", "-pk")[:200])
    return render(request, "pilots/unit_detail.html", {
        "unit": unit, "total": total, "counts": counts, "unassigned": unassigned,
        "reports": unit.reports.select_related("filed_by")[:60],
        "open_problems": [p for p in problems if not p.is_solved],
        "solved_problems": [p for p in problems if p.is_solved],
        "can_edit": can_edit_scheme(request.user, unit), "can_report": can_report(request.user, unit),
        "can_manage": can_manage_program(request.user),
        "history": audit.history(unit).exclude(action=schemes.ASSIGN)[:20],  # 党员分类: 操作记录
    })


def category_form(request, pk=None, unit_pk=None):
    if pk:
        category = get_object_or_404(Category.objects.visible_to(request.user).select_related("unit__organization"),
                                     pk=pk)
        unit = category.unit
    else:
        unit = unit_for(request, unit_pk)
        category = Category(unit=unit)
    _require(can_edit_scheme(request.user, unit))
    form = CategoryForm(request.POST or None, instance=category)

    def save(cd):
        form.instance.measures = form.measures()
        return schemes.save_category(request.user, form.instance)

    done, saved = form.perform(request, save)
    if done:
        messages.success(request, f"已保存党员类别“{saved.name}”。")
        return redirect("pilots:unit", unit.pk)
    return render(request, "pilots/category_form.html", {
        "form": form, "unit": unit, "category": category if pk else None,
        "title": f"编辑党员类别：{category.name}" if pk else "增加党员类别"})


def category_delete(request, pk):
    category = get_object_or_404(Category.objects.visible_to(request.user).select_related("unit__organization"),
                                 pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _require(can_edit_scheme(request.user, category.unit))
    try:
        schemes.delete_category(request.user, category)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已删除党员类别“{category.name}”。")
    return redirect("pilots:unit", category.unit_id)


def scheme_copy(request, pk):
    unit = unit_for(request, pk)
    _require(can_edit_scheme(request.user, unit))
    form = CopyForm(request.POST or None, templates=schemes.template_units(request.user, unit))
    done, n = form.perform(request, lambda cd: schemes.copy_scheme(request.user, cd["source"], unit))
    if done:
        messages.success(request, f"已套用模板，复制党员类别 {n} 个；之后的修改与模板互不影响。")
        return redirect("pilots:unit", unit.pk)
    return render(request, "pilots/scheme_copy.html", {"form": form, "unit": unit})


SHOW = {"": "全部党员", "unassigned": "未分类"}


def unit_members(request, pk):
    """The unit's members with their category; tick several and put them in a category."""
    unit = unit_for(request, pk)
    editor = can_edit_scheme(request.user, unit)
    form = AssignForm(request.POST or None, unit=unit)
    if request.method == "POST":
        _require(editor)
        done, n = form.perform(request, lambda cd: schemes.assign(request.user, unit, form.member_ids,
                                                                  cd["category"]))
        if done:
            messages.success(request, f"已将 {n} 名党员归入“{form.cleaned_data['category'].name}”。" if n
                             else "所选党员已在该类别中，未做调整。")
            return redirect(request.get_full_path())
    show = request.GET.get("show", "")
    categories = list(unit.categories.all())
    by_pk = {str(c.pk): c for c in categories}
    members = schemes.unit_members(unit).select_related("organization").order_by("organization__path", "name_pinyin")
    assigned = Assignment.objects.filter(unit=unit)
    if show == "unassigned":
        members = members.exclude(pk__in=assigned.values("member_id"))
    elif show in by_pk:
        members = members.filter(pk__in=assigned.filter(category_id=show).values("member_id"))
    else:
        show = ""
    page = page_of(request, members, MEMBERS_PAGE)
    of_page = dict(assigned.filter(member_id__in=[m.pk for m in page.object_list])
                   .values_list("member_id", "category__name"))
    total, counts, unassigned = schemes.coverage(unit)
    return render(request, "pilots/unit_members.html", {
        "unit": unit, "form": form, "page": page, "rows": [(m, of_page.get(m.pk, "")) for m in page.object_list],
        "show": show, "choices": [("", f"全部党员（{total}）"), ("unassigned", f"未分类（{unassigned}）"),
                                  *[(str(c.pk), f"{c.name}（{n}）") for c, n in counts]],
        "can_edit": editor and bool(categories),
    })


def summary_edit(request, pk):
    unit = unit_for(request, pk)
    _require(can_report(request.user, unit))
    form = SummaryForm(request.POST or None, instance=unit)

    def save(cd):
        from .services.programs import save_summary

        return save_summary(request.user, unit, cd["summary"])

    done, _ = form.perform(request, save)
    if done:
        messages.success(request, "经验材料已保存。")
        return redirect("pilots:unit", unit.pk)
    return render(request, "pilots/summary_form.html", {"form": form, "unit": unit, "today": timezone.localdate()})
