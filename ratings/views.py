"""Pages of the rating cycle for signed-in users: quarters, the entry grid, objections, confirmation.
The public board (no login) is in ratings/public_views.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from core import versions
from core.validators import check_date

from . import criteria, objections, services
from .choices import STAR_FIELDS, Audience, Star
from .forms import OpenQuarterForm
from .grades import Grade, publicity_days, thresholds
from .models import CriteriaSet, Objection, RatingQuarter, RatingSheet
from .notice import notice_pdf_response


def _messages_of(exc):
    if hasattr(exc, "message_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def _sheet(request, pk):
    qs = RatingSheet.objects.visible_to(request.user).select_related("quarter", "branch")
    return get_object_or_404(qs, pk=pk)


def index(request):
    """The quarters, and for the chosen one the sheets of the branches in the user's scope."""
    quarters = list(RatingQuarter.objects.all()[:12])
    chosen = None
    wanted = request.GET.get("q", "")
    if wanted.isdigit():
        chosen = next((q for q in quarters if q.pk == int(wanted)), None)
    chosen = chosen or (quarters[0] if quarters else None)
    sheets = []
    if chosen is not None:
        sheets = (RatingSheet.objects.visible_to(request.user).filter(quarter=chosen)
                  .select_related("branch").order_by("branch__path")[:500])
    form = OpenQuarterForm() if request.user.is_county_admin else None
    return render(request, "ratings/index.html", {
        "quarters": quarters, "chosen": chosen, "sheets": sheets, "form": form,
    })


@require_POST
def open_quarter(request):
    if not request.user.is_county_admin:
        raise PermissionDenied("只有组织部管理员可以开展季度评星。")
    form = OpenQuarterForm(request.POST)
    if form.is_valid():
        try:
            q = services.open_quarter(request.user, **form.cleaned_data)
        except ValidationError as exc:
            for m in _messages_of(exc):
                messages.error(request, m)
        else:
            messages.success(request, f"已开展{q}评星，各党支部的评定表已生成。")
            return redirect(f"{reverse('ratings:index')}?q={q.pk}")
    else:
        for errs in form.errors.values():
            for m in errs:
                messages.error(request, m)
    return redirect("ratings:index")


def criteria_page(request):
    """The criteria in force now and from the next quarter; the county edits them here."""
    year, quarter = criteria.next_quarter()
    upcoming = criteria.in_force(year, quarter)
    history = CriteriaSet.objects.prefetch_related("criteria").all()
    return render(request, "ratings/criteria.html", {
        "upcoming": [(a, upcoming.get(a)) for a in Audience], "history": history, "stars": list(Star),
        "next": (year, quarter), "can_edit": request.user.is_county_admin,
    })


def criteria_edit(request):
    if not request.user.is_county_admin:
        raise PermissionDenied("只有组织部管理员可以修改评星标准。")
    audience = request.GET.get("audience", "")
    if audience not in Audience.values:
        raise Http404("没有这类评星标准")
    year, quarter = criteria.next_quarter()
    current = criteria.in_force(year, quarter).get(audience)
    texts = current.texts() if current else {}
    errors = []
    if request.method == "POST":
        texts = {f: request.POST.get(f, "") for f in STAR_FIELDS}
        try:
            criteria.edit_criteria(request.user, audience, texts, request.POST.get("name") or None)
        except ValidationError as exc:
            errors = _messages_of(exc)
        else:
            messages.success(request, f"评星标准已修改，自{year}年第{quarter}季度起执行；此前的季度仍按原标准。")
            return redirect("ratings:criteria")
    return render(request, "ratings/criteria_edit.html", {
        "audience": Audience(audience), "rows": [(s, texts.get(s.value, "")) for s in Star], "errors": errors,
        "name": current.name if current else "", "next": (year, quarter),
    })


def _grid_context(request, sheet, entries, errors=(), reason=""):
    sets = list(criteria.in_force(sheet.quarter.year, sheet.quarter.quarter).values())
    used = {e.criteria_set_id: e.criteria_set for e in entries}
    for s in sets:
        used.setdefault(s.pk, s)
    shown_sets = sorted(used.values(), key=lambda s: (s.audience, s.pk))
    texts = {s.pk: s.texts() for s in CriteriaSet.objects.filter(pk__in=used).prefetch_related("criteria")}
    editable = services.can_rate(request.user, sheet)
    mode = ("draft" if sheet.is_draft else "revise" if sheet.in_publicity else "correct") if editable else "read"
    excellent, qualified = thresholds()
    return {
        "sheet": sheet, "entries": entries, "stars": list(Star), "sets": sets, "shown_sets": shown_sets,
        "criteria_texts": [(s, [(star.label, texts[s.pk].get(star.value, "")) for star in Star]) for s in shown_sets],
        "errors": errors, "mode": mode, "reason": reason,
        "behalf": editable and services.on_behalf(request.user, sheet),
        "objections": list(sheet.objections.select_related("entry__member")) if not sheet.is_draft else [],
        "versions": list(versions.history(sheet, services.RESULT_KIND)) if sheet.is_confirmed else [],
        "grade_rule": {"excellent": excellent, "qualified": qualified, "labels": {g.value: g.label for g in Grade}},
        "publicity_days": publicity_days(),
        "can_confirm": editable and sheet.in_publicity,
    }


def sheet_detail(request, pk):
    """The entry grid: GET shows it, POST saves the draft (or submits, revises, corrects)."""
    sheet = _sheet(request, pk)
    if request.method == "GET":
        if sheet.is_draft and services.can_rate(request.user, sheet):
            services.prepare(sheet)
        return render(request, "ratings/sheet.html", _grid_context(request, sheet, services.grid_entries(sheet)))
    if not services.can_rate(request.user, sheet):
        raise PermissionDenied("您不能评定该党支部的党员。")
    entries = services.grid_entries(sheet)
    action = request.POST.get("action", "save")
    reason = request.POST.get("reason", "")
    try:
        changed = services.read_rows(request.POST, entries, services.sets_of(sheet, entries))
        if action == "all_stars":
            changed = list({e.pk: e for e in changed + services.all_stars(entries)}.values())
        meeting_on = _meeting(request, sheet)
        if sheet.is_draft:
            services.save(request.user, sheet, changed, meeting_on=meeting_on, submit=action == "submit",
                          entries=entries)
            done = (f"已提交公示，公示至{sheet.publicity_ends_on:%Y年%m月%d日}。" if action == "submit"
                    else "已全部评为五星，请点掉个别党员未得的星。" if action == "all_stars" else "草稿已保存。")
        elif sheet.in_publicity:
            services.revise(request.user, sheet, changed, reason, entries=entries)
            done = f"已修订，公示重新计算{publicity_days()}天。"
        else:
            services.correct(request.user, sheet, changed, reason, entries=entries)
            done = "已更正，并生成新的定稿版本。"
    except ValidationError as exc:
        context = _grid_context(request, sheet, entries, _messages_of(exc), reason)
        return render(request, "ratings/sheet.html", context, status=400)
    messages.success(request, done)
    return redirect("ratings:sheet", sheet.pk)


def _meeting(request, sheet):
    raw = request.POST.get("evaluation_meeting_on")
    if raw is None:
        return None
    raw = raw.strip()
    if not raw:
        return None
    try:
        day = parse_date(raw)
    except ValueError:
        day = None
    if day is None:
        raise ValidationError("党员评议会日期格式不正确，请按“2026-10-08”填写。")
    problem = check_date(day, not_after_today=True)
    if problem:
        raise ValidationError(f"党员评议会日期：{problem}")
    return day


def autosave(request, pk):
    """The grid's script saves the draft as the secretary goes (a reload loses nothing)."""
    sheet = _sheet(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not services.can_rate(request.user, sheet):
        return JsonResponse({"ok": False, "error": "您不能评定该党支部的党员。"}, status=403)
    if not sheet.is_draft:
        return JsonResponse({"ok": False, "error": f"评定表{sheet.get_state_display()}，草稿不再自动保存。"},
                            status=409)
    entries = services.grid_entries(sheet)
    try:
        changed = services.read_rows(request.POST, entries, services.sets_of(sheet, entries))
        services.save(request.user, sheet, changed, meeting_on=_meeting(request, sheet), entries=entries)
    except ValidationError as exc:
        return JsonResponse({"ok": False, "error": "；".join(_messages_of(exc))}, status=400)
    return JsonResponse({"ok": True, "saved": len(changed)})


def confirm(request, pk):
    sheet = _sheet(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.confirm(request.user, sheet)
    except ValidationError as exc:
        for m in _messages_of(exc):
            messages.error(request, m)
    else:
        messages.success(request, "评定结果已确认并定稿，五星党员已在公开栏公布。")
    return redirect("ratings:sheet", sheet.pk)


def objection_add(request, pk):
    sheet = _sheet(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        objections.record(request.user, sheet, text=request.POST.get("text"), entry_id=request.POST.get("entry"),
                          name=request.POST.get("objector_name", ""), contact=request.POST.get("objector_contact", ""))
    except ValidationError as exc:
        for m in _messages_of(exc):
            messages.error(request, m)
    else:
        messages.success(request, "异议已记录，请在公示结束前答复。")
    return redirect(reverse("ratings:sheet", args=[sheet.pk]) + "#objections")


def objection_answer(request, pk):
    obj = get_object_or_404(Objection.objects.visible_to(request.user).select_related("sheet__branch"), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        objections.answer(request.user, obj, request.POST.get("answer"))
    except ValidationError as exc:
        for m in _messages_of(exc):
            messages.error(request, m)
    else:
        messages.success(request, "答复已保存。")
    return redirect(reverse("ratings:sheet", args=[obj.sheet_id]) + "#objections")


def notice_pdf(request, pk):
    """The printable 公示表 (PDF) for the bulletin board."""
    sheet = _sheet(request, pk)
    if sheet.is_draft:
        messages.error(request, "评定表尚未提交公示，不能打印公示表。")
        return redirect("ratings:sheet", sheet.pk)
    return notice_pdf_response(request, sheet)
