"""Pages of what follows a quarter: the overview, the commendation shortlist, rectifications, the
annual assessment and the member's printed form. Views read the request, call one function of
followup.py / overview.py / annual.py / documents.py, render."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from branches.models import Organization
from core import audit, documents, exports
from core.pagination import page_of

from . import annual, followup
from . import documents as docs
from .followup_forms import NoteForm, RectificationForm, StatusFilter, YearForm
from .models import RatingEntry, RatingQuarter, RatingSheet
from .overview import SERIES, Status, overview

PAGE_SIZE = 50


def _quarter(request):
    """The quarter chosen with ?quarter=<pk>, else the newest opened; None when none is."""
    quarters = list(RatingQuarter.objects.all()[:40])
    chosen = request.GET.get("quarter", "")
    found = next((q for q in quarters if str(q.pk) == chosen), None) if chosen else None
    return found or (quarters[0] if quarters else None), quarters


def overview_page(request):
    quarter, quarters = _quarter(request)
    data = overview(request.user, quarter) if quarter else None
    status = request.GET.get("status", "")
    rows = data.rows if data else []
    if status:
        rows = [r for r in rows if r.status[0] == status]
    base = reverse("ratings:sheet_print", args=[0])[: -len("0/print.pdf")]
    row_html = [r.html(lambda pk: f"{base}{pk}/print.pdf") for r in rows]
    return render(request, "ratings/followup/overview.html", {
        "quarter": quarter, "quarters": quarters, "data": data, "rows": row_html, "status": status,
        "series": SERIES, "statuses": Status.ALL, "show_branch_chart": data is not None and 0 < len(data.rows) <= 30,
    })


def shortlist_page(request):
    quarter, quarters = _quarter(request)
    entries = followup.shortlist(request.user, quarter) if quarter else RatingEntry.objects.none()
    page = page_of(request, entries, PAGE_SIZE)
    return render(request, "ratings/followup/shortlist.html", {
        "quarter": quarter, "quarters": quarters, "page": page, "entries": page.object_list,
    })


def rectification_list(request):
    form = StatusFilter(request.GET or None)
    status, q = "", ""
    if form.is_bound and form.is_valid():
        status, q = form.cleaned_data["status"], form.cleaned_data["q"].strip()
    qs = followup.rectifications(request.user, status)
    if q:
        qs = qs.filter(member__name__contains=q)
    page = page_of(request, qs, PAGE_SIZE)
    return render(request, "ratings/followup/rectification_list.html", {
        "form": form, "page": page, "rows": page.object_list, "today": timezone.localdate(),
        "filtered": bool(status or q),
    })


def _rectification(request, pk):
    return get_object_or_404(followup.rectifications(request.user).select_related("entry__sheet__quarter"), pk=pk)


def rectification_detail(request, pk):
    rect = _rectification(request, pk)
    editable = followup.can_edit(request.user, rect) and rect.state == "open"
    form = RectificationForm(request.POST or None, instance=rect) if editable else None
    note_form = NoteForm(initial={"noted_on": timezone.localdate()}, prefix="note") if editable else None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        ok, _ = form.perform(request, lambda cd: followup.update(
            request.user, rect, {k: cd.get(k) for k in followup.EDIT_FIELDS}, seen=form.seen()))
        if ok:
            messages.success(request, "整改情况已保存。")
            return redirect("ratings:rectification", pk=rect.pk)
    return _detail(request, rect, form, note_form, editable)


def _detail(request, rect, form, note_form, editable):
    return render(request, "ratings/followup/rectification_detail.html", {
        "rect": rect, "form": form, "note_form": note_form, "editable": editable,
        "today": timezone.localdate(), "notes": rect.notes.all(), "history": audit.history(rect)[:100],
        "mentor_count": form.fields["mentor"].queryset.count() if form else 0,
    }, status=400 if any(f is not None and f.errors for f in (form, note_form)) else 200)


def rectification_note(request, pk):
    rect = _rectification(request, pk)  # out of scope: 404 before anything else
    if request.method != "POST":
        return redirect("ratings:rectification", pk=rect.pk)
    editable = followup.can_edit(request.user, rect) and rect.state == "open"
    if not editable:
        raise PermissionDenied
    note_form = NoteForm(request.POST, prefix="note")
    ok, _ = note_form.perform(request, lambda cd: followup.add_note(request.user, rect, cd["noted_on"], cd["text"]))
    if ok:
        messages.success(request, "整改进展已记录。")
        return redirect("ratings:rectification", pk=rect.pk)
    return _detail(request, rect, RectificationForm(instance=rect), note_form, editable)


# -- annual assessment -------------------------------------------------------------------------

def _year(request):
    form = YearForm(request.GET if "year" in request.GET else None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["year"], form
    default = timezone.localdate().year - 1  # 年终定星 follows the fourth quarter: last year
    return default, form


def _branch(request):
    """The branch chosen with ?branch=<pk> (in scope), else the user's own when it holds one."""
    visible = Organization.objects.visible_to(request.user).branches()
    pk = request.GET.get("branch", "")
    if pk:
        if not pk.isdigit():
            raise Http404
        return get_object_or_404(visible, pk=pk)
    home = [g.organization for g in request.user.grant_list if g.organization.is_branch]
    return home[0] if len(home) == 1 and len(request.user.grant_list) == 1 else None


def annual_page(request):
    year, form = _year(request)
    branch = _branch(request)
    ctx = {"year": year, "form": form, "branch": branch, "rule": annual.rule_label(),
           "quarter_labels": annual.QUARTER_LABELS}
    if branch is not None:
        ctx["years"] = annual.branch_year(branch, year)
        ctx["confirmed"] = annual.confirmed_quarters(year, branch)
    else:
        ctx["summaries"], ctx["total"] = annual.county_summary(request.user, year)
        ctx["confirmed"] = annual.confirmed_quarters(year)
    ctx["complete"] = 4 in ctx["confirmed"]
    ctx["confirmed_labels"] = [annual.QUARTER_LABELS[q] for q in ctx["confirmed"]]
    return render(request, "ratings/followup/annual.html", ctx)


def _send(request, doc, rows, fmt, stem, scope, description):
    content_type, render_doc = exports.FORMATS[fmt]
    buf = io.BytesIO()
    n = render_doc(doc, rows, buf)
    name = exports.file_name(stem, fmt, rows=n)
    with transaction.atomic():
        audit.record(request.user, scope or request.user, audit.Action.EXPORT,
                     reason=f"导出{exports.FORMAT_NAMES[fmt]}《{name}》，共 {n} 行；{description}")
    return exports.attachment(buf.getvalue(), name, content_type)


def annual_export(request, fmt):
    year, _ = _year(request)
    branch = _branch(request)
    if branch is not None:
        doc = docs.branch_register(branch, year)
        return _send(request, doc, annual.branch_year(branch, year), fmt, f"{year}年度年终定星_{branch.name}", branch,
                     f"年度：{year}；党支部：{branch.name}")
    summaries, total = annual.county_summary(request.user, year)
    grants = request.user.grant_list
    unit = grants[0].organization if len(grants) == 1 else None
    doc = docs.summary_register(unit, year)
    return _send(request, doc, [*summaries, total], fmt, f"{year}年度年终定星汇总", unit, f"年度：{year}；汇总")


# -- the member's printed form ---------------------------------------------------------------

def _print(request, entries, stem, scope):
    buf = io.BytesIO()
    documents.render_form_pdf("ratings/followup/printout_pdf.html", {"forms": [docs.printout(e) for e in entries]}, buf)
    name = exports.file_name(stem, "pdf", rows=len(entries), row_word="份")
    with transaction.atomic():
        audit.record(request.user, scope, audit.Action.EXPORT,
                     reason=f"打印《党员季度星级评定表》{len(entries)}份（{name}）")
    return exports.attachment(buf.getvalue(), name, "application/pdf")


def _entries():
    return (RatingEntry.objects.select_related("sheet__quarter", "sheet__branch", "member__party_group", "criteria_set")
            .prefetch_related("criteria_set__criteria"))


def entry_print(request, pk):
    entry = get_object_or_404(_entries().visible_to(request.user), pk=pk)
    return _print(request, [entry], f"党员季度星级评定表_{entry.member.name}_{entry.sheet.quarter}", entry.sheet)


def sheet_print(request, pk):
    sheet = get_object_or_404(RatingSheet.objects.visible_to(request.user).select_related("branch", "quarter"), pk=pk)
    entries = list(_entries().filter(sheet=sheet).order_by("position", "pk"))
    if not entries:
        messages.error(request, "这张评定表还没有党员，无可打印。")
        return redirect("ratings:overview")
    return _print(request, entries, f"党员季度星级评定表_{sheet.branch.name}_{sheet.quarter}", sheet)

