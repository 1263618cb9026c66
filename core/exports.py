"""Exports: small ones answer the request at once, large ones go to the background worker.

A domain app registers an exporter under a name:

    @exports.register("roster")
    def roster(user, params):            # params: the request's filters, as a plain dict
        return exports.Spec(doc=Register(...), rows=Member.objects.visible_to(user)..., stem="党员名册",
                            scope=org, description="党组织：…；在册状态：在册")

The exporter must scope its rows to `user`: a background job re-runs it as the user who asked,
so the file holds exactly what that user saw on screen. Every file made, at once or in the
background, is audited (who, which file, which filter, how many rows) against `scope`.

The worker never holds a read open while it writes: on SQLite in WAL mode a connection whose read
snapshot has gone stale (someone else committed since it began) cannot start a write, and fails at
once with "database is locked" whatever the busy timeout. So rows are read in short chunks
(`Spec.iter_rows`) and the worker's own writes are short transactions, retried while the database
is busy (`_write`). A job whose worker dies stops beating (`heartbeat_at`) and is marked failed by
`recover_stale`; the user may retry it.
"""

import io
import logging
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import OperationalError, transaction
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django_tasks import task

from . import audit, documents
from .models import ExportJob

log = logging.getLogger(__name__)

KEEP_JOBS_PER_USER = 20  # older files are deleted: exports hold full ID numbers
ROW_CHUNK = 1000  # rows read per query by the worker (each chunk is its own short read)
WRITE_PATIENCE = 60  # seconds the worker keeps retrying a write while the database is busy
PROGRESS_PATIENCE = 5  # a progress update is not worth waiting longer for
INTERRUPTED = "生成程序意外中断，请重试。"
FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", documents.render_xlsx),
    "pdf": ("application/pdf", documents.render_pdf),
}
FORMAT_NAMES = {"xlsx": "Excel", "pdf": "PDF"}
_exporters = {}


class ExportRefused(Exception):
    """The user may not start another export now; the message says why, in Chinese."""


class NothingToExport(ExportRefused):
    """The filters match no row: no file is made and no job queued."""


NOTHING = "没有符合当前筛选条件的记录，未生成文件。请调整筛选条件后再导出。"


@dataclass
class Spec:
    doc: documents.Register
    rows: object  # a queryset, already scoped and ordered
    stem: str  # file name without extension
    scope: object = None  # the record the audit entry hangs on (an organization); default the user
    description: str = ""  # the filter, in words a person reads (for the audit and 我的下载)
    row_word: str = "行"  # what a row is, in the file name: 党员名册_东街村党支部_10人_20261206.xlsx

    def count(self):
        return self.rows.count()

    def iter_rows(self, chunk=ROW_CHUNK):
        """The rows in order, read in short queries: first the ordered keys, then `chunk` rows at a
        time by key. No read stays open between chunks, so the caller may write in between."""
        keys = list(self.rows.values_list("pk", flat=True))
        for i in range(0, len(keys), chunk):
            part = keys[i:i + chunk]
            by_pk = {obj.pk: obj for obj in self.rows.filter(pk__in=part).order_by()}
            for pk in part:
                if pk in by_pk:  # a row that left the user's scope meanwhile is left out
                    yield by_pk[pk]


def register(name):
    def wrap(fn):
        _exporters[name] = fn
        return fn

    return wrap


def build(name, user, params):
    return _exporters[name](user, params)


# Characters a file name may not hold on Windows, and the runs of space a name should not hold.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+|\s+')
_LONG_DIGITS = re.compile(r"\d{9,}")
NAME_MAX = 120  # characters before the extension (ExportJob.filename holds 200)


def _part(text):
    """One part of a file name: no path or reserved characters."""
    return _UNSAFE.sub("-", str(text)).strip("-. ")


def _masked(text):
    """A searched ID or phone number kept masked (a file name travels further than the file)."""
    return _LONG_DIGITS.sub(lambda m: m.group()[:3] + "＊" * (len(m.group()) - 7) + m.group()[-4:], str(text))


def file_name(stem, fmt, *, unit="", filters=(), rows=None, row_word="行", day=None):
    """A name that says what the file holds, so two downloads can be told apart:
    {stem}_{unit}_{each chosen filter}_{rows}{row_word}_{date}.{fmt}, e.g.
    党员名册_东街村党支部_预备党员_3人_20261206.xlsx. The unit is left out when the stem names it."""
    parts = [stem]
    if unit and unit not in stem:
        parts.append(unit)
    parts.extend(_masked(f) for f in filters)
    if rows is not None:
        parts.append(f"{rows}{row_word}")
    parts.append(f"{day or timezone.localdate():%Y%m%d}")
    name = "_".join(p for p in map(_part, parts) if p)
    if len(name) > NAME_MAX:  # many filters: keep the head (what and whose) and the tail (rows, date)
        tail = "_".join(map(_part, parts[-2:] if rows is not None else parts[-1:]))
        name = name[:NAME_MAX - len(tail) - 2] + "…_" + tail
    return f"{name}.{fmt}"


# A filter whose value alone would not say what it is (a searched name, 全部, 是) keeps its label.
_LABELLED = {"搜索", "姓名", "关键词"}
_BARE = {"全部", "是", "否", "有", "无"}


def filter_parts(filters):
    """The chosen filters [(label, value)] as parts of a file name: 预备党员, 搜索-张, 在册状态-全部."""
    return [f"{label}-{value}" if label in _LABELLED or value in _BARE else value for label, value in filters]


def filename(spec, fmt, rows=None):
    doc = spec.doc
    filters = filter_parts(getattr(doc, "filters", None) or ())
    return file_name(spec.stem, fmt, unit=getattr(doc, "unit_name", ""), filters=filters, rows=rows,
                     row_word=spec.row_word)


def content_disposition(name, inline=False):
    """attachment (or inline); filename="<ASCII>"; filename*=UTF-8''<the Chinese name> (RFC 6266 and
    5987): every browser of the last decade takes filename*; the ASCII one is for anything older."""
    from urllib.parse import quote

    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ascii_stem = re.sub(r"[^A-Za-z0-9.-]+", "_", stem).strip("_.")
    if not re.search(r"[A-Za-z]", ascii_stem):
        ascii_stem = f"download_{ascii_stem}".rstrip("_")
    fallback = f"{ascii_stem}.{ext}" if ext else ascii_stem
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def attachment(content, name, content_type, inline=False):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name, inline)
    return response


def record(user, spec, fmt, name, rows):
    """Audit one file made: who, which file, which filter, how many rows. Inside a transaction."""
    scope = spec.scope or user  # the user: seen by whoever manages the account
    text = f"导出{FORMAT_NAMES[fmt]}《{name}》，共 {rows} 行"
    if spec.description:
        text += f"；筛选条件：{spec.description}"
    audit.record(user, scope, audit.Action.EXPORT, reason=text)


def start(user, name, fmt, params):
    """Answer with the file now when it is small, else queue a job. Returns (response, job).

    Raises ExportRefused when the user already has EXPORT_MAX_PENDING_PER_USER jobs waiting."""
    content_type, render = FORMATS[fmt]
    spec = build(name, user, params)
    total = spec.count()
    if total == 0:
        raise NothingToExport(NOTHING)
    if total <= settings.EXPORT_SYNC_MAX_ROWS[fmt]:
        buf = io.BytesIO()
        n = render(spec.doc, spec.iter_rows(), buf)
        file = filename(spec, fmt, n)
        with transaction.atomic():
            record(user, spec, fmt, file, n)
        return attachment(buf.getvalue(), file, content_type), None
    recover_stale(user)
    with transaction.atomic():
        _check_pending(user)
        job = ExportJob.objects.create(
            user=user, exporter=name, fmt=fmt, params=params, total=total, title=filename(spec, fmt, total),
            description=spec.description[:1000],
        )
        run_export.enqueue(str(job.pk))  # the task row commits with the job, or neither does
    prune(user)
    return None, job


def refused(request, exc):
    """The answer to an export refused (ExportRefused): its message, and back to the page the user
    exported from (the filters still chosen), else 我的下载."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.http import url_has_allowed_host_and_scheme

    messages.error(request, str(exc))
    back = request.META.get("HTTP_REFERER", "")
    if isinstance(exc, NothingToExport) and url_has_allowed_host_and_scheme(back, {request.get_host()},
                                                                           request.is_secure()):
        return redirect(back)
    return redirect("downloads")


def _check_pending(user):
    """Refuse a new job beyond the per-user limit. Call inside the transaction that queues it."""
    # Lock the user's row so two requests at once cannot both pass the check (PostgreSQL; SQLite's
    # IMMEDIATE transactions already run one at a time).
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    limit = settings.EXPORT_MAX_PENDING_PER_USER
    pending = ExportJob.objects.filter(
        user=user, status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]
    ).count()
    if pending >= limit:
        raise ExportRefused(f"您已有 {pending} 个文件正在排队或生成（每人最多 {limit} 个），请等它们完成后再导出。")


def retry(user, job_id):
    """Queue a failed job of `user` again. Raises ExportJob.DoesNotExist / ExportRefused."""
    recover_stale(user)
    with transaction.atomic():
        _check_pending(user)
        job = ExportJob.objects.select_for_update().get(
            pk=job_id, user=user, status=ExportJob.Status.FAILED
        )
        job.status = ExportJob.Status.QUEUED
        job.error = ""
        job.done = 0
        job.heartbeat_at = job.finished_at = None
        job.save(update_fields=["status", "error", "done", "heartbeat_at", "finished_at"])
        run_export.enqueue(str(job.pk))
    return job


def prune(user):
    """Delete a user's finished jobs beyond the most recent KEEP_JOBS_PER_USER, files included."""
    old = ExportJob.objects.filter(user=user).order_by("-created_at")[KEEP_JOBS_PER_USER:]
    for job in ExportJob.objects.filter(pk__in=list(old.values_list("pk", flat=True)),
                                        status__in=[ExportJob.Status.DONE, ExportJob.Status.FAILED]):
        if job.file:
            job.file.delete(save=False)
        job.delete()


def recover_stale(user=None, *, all_running=False):
    """Mark failed the running jobs whose worker has stopped beating; remove their temporary files.

    `all_running`: the caller is the only worker and is starting up, so every running job is an
    orphan whatever its heartbeat. Returns the number of jobs marked failed."""
    jobs = ExportJob.objects.filter(status=ExportJob.Status.RUNNING)
    if user is not None:
        jobs = jobs.filter(user=user)
    if not all_running:
        cutoff = timezone.now() - timedelta(seconds=settings.EXPORT_HEARTBEAT_STALE_SECONDS)
        jobs = jobs.filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
    ids = list(jobs.values_list("pk", flat=True))
    if not ids:
        return 0
    n = ExportJob.objects.filter(pk__in=ids, status=ExportJob.Status.RUNNING).update(
        status=ExportJob.Status.FAILED, error=INTERRUPTED, finished_at=timezone.now()
    )
    for pk in ids:
        shutil.rmtree(_work_root() / str(pk), ignore_errors=True)
    return n


def clean_orphan_files():
    """Remove temporary folders left by jobs that are no longer running (a killed worker's)."""
    root = _work_root()
    if not root.exists():
        return
    running = {str(pk) for pk in ExportJob.objects.filter(status=ExportJob.Status.RUNNING)
               .values_list("pk", flat=True)}
    for entry in root.iterdir():
        if entry.name not in running:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _work_root():
    return settings.MEDIA_ROOT / "tmp"


@contextmanager
def _work_dir(job_id):
    """A folder only the service account can read, for this job's temporary files (the PDF's
    chunks included), removed whatever happens."""
    root = _work_root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    root.chmod(0o700)
    path = root / str(job_id)
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(mode=0o700)
    saved = tempfile.tempdir
    tempfile.tempdir = str(path)  # the PDF renderer's chunk files go here too
    try:
        yield path
    finally:
        tempfile.tempdir = saved
        shutil.rmtree(path, ignore_errors=True)


def _write(fn, patience=WRITE_PATIENCE):
    """Run `fn` in its own short transaction, again and again while the database is busy."""
    deadline = time.monotonic() + patience
    delay = 0.05
    while True:
        try:
            with transaction.atomic():
                return fn()
        except OperationalError:
            if time.monotonic() >= deadline:
                raise
            log.warning("export: database busy, retrying a write", exc_info=True)
            time.sleep(delay)
            delay = min(delay * 2, 2)


def _fail(job_id, reason):
    """The failure handler: mark the job failed; if even that cannot be written, the heartbeat check
    will (the job stops beating)."""
    try:
        _write(lambda: ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).update(
            status=ExportJob.Status.FAILED, error=reason[:2000], finished_at=timezone.now()))
    except Exception:
        log.exception("export %s: could not record the failure", job_id)


@task()
def run_export(job_id):
    """The background half of `start`: build the file as the user who asked for it. Never raises:
    a failure is written on the job, for the user to see in 我的下载."""
    try:
        started = _write(lambda: ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.RUNNING, done=0, heartbeat_at=timezone.now()))
        if not started:  # deleted, or already taken
            return
        _build_file(job_id)
    except Exception as exc:  # the user sees the failure in 我的下载; the log keeps the trace
        log.exception("export %s failed", job_id)
        _fail(job_id, f"生成失败：{exc}")
    except BaseException:  # the worker is being stopped (a second Ctrl-C / SIGTERM)
        _fail(job_id, INTERRUPTED)
        raise


def _build_file(job_id):
    job = ExportJob.objects.get(pk=job_id)
    content_type, render = FORMATS[job.fmt]
    user = get_user_model().objects.get(pk=job.user_id)

    def progress(n):
        try:
            _write(lambda: ExportJob.objects.filter(pk=job_id).update(done=n, heartbeat_at=timezone.now()),
                   PROGRESS_PATIENCE)
        except OperationalError:  # progress is only a courtesy: never fail the job for it
            log.warning("export %s: progress not recorded", job_id)

    spec = build(job.exporter, user, job.params)
    with _work_dir(job_id) as work:
        tmp = work / f"out.{job.fmt}"
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
            n = render(spec.doc, spec.iter_rows(), fh, progress)
        name = filename(spec, job.fmt, n)  # the rows written (a member may have left meanwhile)
        with open(tmp, "rb") as fh:
            job.file.save(name, File(fh), save=False)

    def finish():
        updated = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).update(
            file=job.file.name, filename=name, title=name, status=ExportJob.Status.DONE, done=n, total=n,
            finished_at=timezone.now(), heartbeat_at=timezone.now())
        if updated:
            record(user, spec, job.fmt, name, n)
        return updated

    try:
        finished = _write(finish)
    except Exception:
        job.file.delete(save=False)
        raise
    if not finished:  # marked failed meanwhile (taken for dead): the file is not wanted
        job.file.delete(save=False)
