"""Exports: small ones answer the request at once, large ones go to the background worker.

A domain app registers an exporter under a name:

    @exports.register("roster")
    def roster(user, params):            # params: the request's filters, as a plain dict
        return exports.Spec(doc=Register(...), rows=Member.objects.visible_to(user)..., stem="党员名册")

The exporter must scope its rows to `user`: a background job re-runs it as the user who asked,
so the file holds exactly what that user saw on screen.
"""

import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.http import HttpResponse
from django.utils import timezone
from django_tasks import task

from . import documents
from .models import ExportJob

log = logging.getLogger(__name__)

KEEP_JOBS_PER_USER = 20  # older files are deleted: exports hold full ID numbers
FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", documents.render_xlsx),
    "pdf": ("application/pdf", documents.render_pdf),
}
_exporters = {}


@dataclass
class Spec:
    doc: documents.Register
    rows: object  # a queryset, already scoped
    stem: str  # file name without extension

    def count(self):
        return self.rows.count()

    def iter_rows(self):
        return self.rows.iterator(chunk_size=2000)


def register(name):
    def wrap(fn):
        _exporters[name] = fn
        return fn

    return wrap


def build(name, user, params):
    return _exporters[name](user, params)


def filename(spec, fmt):
    return f"{spec.stem}_{timezone.localdate():%Y%m%d}.{fmt}"


def attachment(content, name, content_type):
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def start(user, name, fmt, params):
    """Answer with the file now when it is small, else queue a job. Returns (response, job)."""
    content_type, render = FORMATS[fmt]
    spec = build(name, user, params)
    total = spec.count()
    if total <= settings.EXPORT_SYNC_MAX_ROWS[fmt]:
        buf = io.BytesIO()
        render(spec.doc, spec.iter_rows(), buf)
        return attachment(buf.getvalue(), filename(spec, fmt), content_type), None
    job = ExportJob.objects.create(
        user=user, exporter=name, fmt=fmt, params=params, total=total,
        title=filename(spec, fmt),
    )
    run_export.enqueue(str(job.pk))
    prune(user)
    return None, job


def prune(user):
    """Delete a user's finished jobs beyond the most recent KEEP_JOBS_PER_USER, files included."""
    old = ExportJob.objects.filter(user=user).order_by("-created_at")[KEEP_JOBS_PER_USER:]
    for job in ExportJob.objects.filter(pk__in=list(old.values_list("pk", flat=True)),
                                        status__in=[ExportJob.Status.DONE, ExportJob.Status.FAILED]):
        if job.file:
            job.file.delete(save=False)
        job.delete()


@task()
def run_export(job_id):
    """The background half of `start`: build the file as the user who asked for it."""
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    content_type, render = FORMATS[job.fmt]
    user = get_user_model().objects.get(pk=job.user_id)

    def progress(n):
        ExportJob.objects.filter(pk=job.pk).update(done=n)

    try:
        spec = build(job.exporter, user, job.params)
        name = filename(spec, job.fmt)
        tmp_dir = settings.MEDIA_ROOT / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp = tmp_dir / f"{job.pk}.{job.fmt}"
        with open(tmp, "wb") as fh:
            n = render(spec.doc, spec.iter_rows(), fh, progress)
        with open(tmp, "rb") as fh:
            job.file.save(name, File(fh), save=False)
        tmp.unlink(missing_ok=True)
        job.filename = name
        job.status = ExportJob.Status.DONE
        job.done = job.total = n
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "filename", "status", "done", "total", "finished_at"])
    except Exception as exc:  # the user sees the failure in 我的下载; the log keeps the trace
        log.exception("export %s failed", job_id)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=f"生成失败：{exc}", finished_at=timezone.now()
        )
