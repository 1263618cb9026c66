from django.contrib import messages
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from .models import ExportJob
from .panels import dashboard_panels


def dashboard(request):
    return render(request, "core/dashboard.html", {"panels": dashboard_panels(request)})


def downloads(request):
    jobs = ExportJob.objects.visible_to(request.user)[:50]
    return render(request, "core/downloads.html", {"jobs": jobs})


def download_file(request, pk):
    job = get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk, status=ExportJob.Status.DONE)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


def job_status(request, pk):
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
