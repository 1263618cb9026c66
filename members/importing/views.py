"""The roster import pages: upload, preview (with progress while the worker checks a large file),
commit, the error workbook, the template; and the member information form (PDF)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts import permissions
from core.exports import attachment
from core.pagination import page_of

from ..models import ImportBatch, Member
from . import analysis, service, workbooks
from .forms import UploadForm
from .reading import FileRefused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
Status = ImportBatch.Status
ORDER = {analysis.ERROR: 0, analysis.UPDATED: 1, analysis.NEW: 2, analysis.UNCHANGED: 3}


def _require_editor(request):
    if not permissions.can_edit_members(request.user):
        raise PermissionDenied


def _batch(request, pk):
    """The user's own import: anyone else's answers 404."""
    batch = get_object_or_404(ImportBatch.objects.select_related("branch"), pk=pk, user=request.user)
    return service.recover_stale(batch)


def upload(request):
    _require_editor(request)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            batch = service.upload(request.user, form.cleaned_data["file"], form.cleaned_data["branch"])
        except FileRefused as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("members:import_detail", batch.pk)
    recent = ImportBatch.objects.filter(user=request.user).select_related("branch")[:10]
    return render(request, "members/import/upload.html", {"form": form, "recent": recent})


def template(request):
    _require_editor(request)
    return attachment(workbooks.template(), "党员信息导入模板.xlsx", XLSX)


def detail(request, pk):
    batch = _batch(request, pk)
    rows = batch.result.get("rows", [])
    shown = request.GET.get("show", "")
    if shown in analysis.STATUS_LABELS:
        rows = [r for r in rows if r["status"] == shown]
    elif batch.counts.get(analysis.ERROR) or batch.counts.get(analysis.UPDATED) or batch.counts.get(analysis.NEW):
        rows = [r for r in rows if r["status"] != analysis.UNCHANGED]  # what would change, first
    rows = sorted(rows, key=lambda r: ORDER[r["status"]])  # errors first, then what would change
    page = page_of(request, rows, PAGE_SIZE)
    return render(request, "members/import/detail.html", {
        "batch": batch, "page": page, "shown": shown,
        "shown_label": analysis.STATUS_LABELS.get(shown, "需要处理的行" if len(rows) < batch.total else "全部行"),
        "stats": [(k, label, batch.counts.get(k, 0)) for k, label in analysis.STATUS_LABELS.items()],
        "working": batch.status in (Status.QUEUED, Status.PREVIEWING, Status.COMMITTING),
        "percent": _percent(batch),
    })


def _percent(batch):
    if batch.status in (Status.PREVIEWED, Status.COMMITTED):
        return 100
    return min(99, int(100 * batch.done / batch.total)) if batch.total else 0


def status(request, pk):
    batch = _batch(request, pk)
    working = batch.status in (Status.QUEUED, Status.PREVIEWING, Status.COMMITTING)
    return JsonResponse({
        "status": "running" if working else "done", "status_display": batch.get_status_display(),
        "percent": _percent(batch), "done": batch.done, "total": batch.total,
    })


def commit(request, pk):
    batch = _batch(request, pk)  # someone else's: 404, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        batch = service.commit(request.user, batch, all_or_nothing=bool(request.POST.get("all_or_nothing")))
    except service.CommitRefused as exc:
        messages.error(request, str(exc))
        return redirect("members:import_detail", batch.pk)
    if batch.status == Status.COMMITTED:
        w = batch.written
        messages.success(request, f"导入完成：新增 {w.get('new', 0)} 名，更新 {w.get('updated', 0)} 名，"
                                  f"无变化 {w.get('unchanged', 0)} 名，未导入的错误行 {w.get('error', 0)} 行。")
    elif batch.status == Status.COMMITTING:
        messages.info(request, f"共 {batch.total} 行，已转入后台导入，可以离开本页，稍后回来查看结果。")
    elif batch.error:
        messages.error(request, batch.error)
    return redirect("members:import_detail", batch.pk)


def errors(request, pk):
    batch = _batch(request, pk)
    if not batch.counts.get(analysis.ERROR):
        messages.info(request, "这个文件没有错误行。")
        return redirect("members:import_detail", batch.pk)
    stem = batch.filename.rsplit(".", 1)[0]
    return attachment(workbooks.errors(batch.result), f"{stem}_错误清单.xlsx", XLSX)


def info_form(request, pk):
    """党员信息采集表 of one member, for the member to check and sign (PDF)."""
    from .infoform import render_forms

    member = get_object_or_404(Member.objects.visible_to(request.user).select_related("organization"), pk=pk)
    if not permissions.can_see_full_id(request.user, member):
        raise PermissionDenied
    return attachment(render_forms(request.user, [member]), f"{member.name}_党员信息采集表.pdf", "application/pdf")


def branch_info_forms(request, org_pk):
    """党员信息采集表 of every member on the roll of a branch, one page each (PDF)."""
    from branches.models import Organization

    from .infoform import MAX_MEMBERS, render_forms

    branch = get_object_or_404(Organization.objects.within(request.user.editor_paths).branches(), pk=org_pk)
    members = list(Member.objects.on_roll().filter(organization=branch)
                   .select_related("organization", "party_group").order_by("name_pinyin", "pk")[:MAX_MEMBERS + 1])
    if not members or len(members) > MAX_MEMBERS:
        messages.error(request, "该党支部没有在册党员。" if not members else
                       f"该党支部在册党员超过 {MAX_MEMBERS} 名，请在党员页面逐人打印采集表。")
        return redirect("branches:detail", branch.pk)
    return attachment(render_forms(request.user, members), f"{branch.name}_党员信息采集表_{len(members)}人.pdf",
                      "application/pdf")
