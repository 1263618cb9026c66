import datetime

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from . import audit, exports
from .forms import AuditFilterForm
from .models import AuditEntry, ExportJob
from .pagination import page_of
from .panels import dashboard_panels

AUDIT_PAGE_SIZE = 50


def dashboard(request):
    return render(request, "core/dashboard.html", {"panels": dashboard_panels(request)})


def downloads(request):
    exports.recover_stale(request.user)  # a job whose worker died shows as failed, to retry
    jobs = ExportJob.objects.visible_to(request.user)[:50]
    return render(request, "core/downloads.html", {"jobs": jobs})


def retry_job(request, pk):
    """重新生成: queue a failed export of this user again (a POST; another user's job is 404)."""
    get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        job = exports.retry(request.user, pk)
    except ExportJob.DoesNotExist:  # not failed (any more)
        messages.error(request, "该文件不是失败状态，无需重新生成。")
        return redirect("downloads")
    except exports.ExportRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, f"已重新提交“{job.title}”，完成后可在本页下载。")
    return redirect("downloads")


def download_file(request, pk):
    job = get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk, status=ExportJob.Status.DONE)
    response = FileResponse(job.file.open("rb"), as_attachment=True)
    response["Content-Disposition"] = exports.content_disposition(job.filename)
    return response


def job_status(request, pk):
    exports.recover_stale(request.user)
    job = get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk)
    return JsonResponse({
        "status": job.status, "status_display": job.get_status_display(), "percent": job.percent,
        "done": job.done, "total": job.total, "error": job.error,
    })


def notify_queued(request, job):
    messages.info(
        request,
        f"共 {job.total} 行，文件较大，已转入后台生成。可以离开本页，完成后在“我的下载”中下载。",
    )


def _day_start(d):
    return timezone.make_aware(datetime.datetime.combine(d, datetime.time.min))


def audit_log(request):
    """操作记录: every change within the user's scope, newest first."""
    form = AuditFilterForm(request.GET or None, kinds=audit.page_kinds(), actions=audit.action_choices())
    entries = AuditEntry.objects.visible_to(request.user).select_related("content_type")
    if form.is_bound and form.is_valid():
        cd = form.cleaned_data
        if cd["q"]:
            entries = entries.filter(Q(object_repr__contains=cd["q"]) | Q(actor_name__contains=cd["q"]))
        if cd["kind"]:
            app_label, model = cd["kind"].split(".")
            entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
        if cd["action"]:
            entries = entries.filter(action=cd["action"])
        if cd["since"]:
            entries = entries.filter(at__gte=_day_start(cd["since"]))
        if cd["until"]:
            entries = entries.filter(at__lt=_day_start(cd["until"] + datetime.timedelta(days=1)))
    elif form.is_bound:
        entries = entries.none()
    page = page_of(request, entries, AUDIT_PAGE_SIZE)
    # Whole ID numbers only in entries whose record an editor grant covers (user.sees_full_ids_at).
    full_at = getattr(request.user, "sees_full_ids_at", lambda path: False)
    for e in page.object_list:
        e.full_ids = full_at(e.scope_path)
    rows = [(e, audit.object_url(e)) for e in page.object_list]
    return render(request, "core/audit_log.html", {"form": form, "page": page, "rows": rows})
