"""A roster import from upload to commit.

    batch = upload(user, request.FILES["file"], branch, ...)   # FileRefused: nothing kept
    # the preview runs at once for a small file, else in the background worker (a task of the export
    # worker's queue), with progress on the batch
    commit(user, batch, all_or_nothing=False)                   # at once, or in the background

The uploaded file is private (0600 in a 0700 folder) and deleted after the commit, or a day after
the upload when never committed (`purge`). The commit re-runs the analysis inside its transaction (the
roster may have changed since the preview) and writes every valid row through the member services, as
the audit action 导入 with “导入：文件名 第N行”, one batch id for the whole file; with all-or-nothing,
one bad row writes nothing."""

import logging
import os
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core import audit
from core.exports import _write

from .. import services
from ..models import ImportBatch
from . import analysis
from .reading import FileRefused, check_upload, kind_of, open_sheet

log = logging.getLogger(__name__)

IMPORT = audit.register_action("import", "导入")
KEEP_HOURS = 24
SYNC_MAX_BYTES = 64 * 1024  # a smaller file (about 500 rows) is checked while the user waits
SYNC_MAX_ROWS = 500  # a preview with more rows is committed in the background
Status = ImportBatch.Status


def _root():
    root = settings.MEDIA_ROOT / "imports"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    root.chmod(0o700)
    return root


def upload(user, upload_file, branch, *, background=None):
    """Store the upload privately and start its preview. Raises FileRefused (nothing stored) when it
    is not a spreadsheet, too large, empty, or has no recognizable header."""
    purge()
    check_upload(upload_file)
    head = upload_file.read(8)
    upload_file.seek(0)
    path = _root() / f"{uuid.uuid4().hex}.{kind_of(head)}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        for chunk in upload_file.chunks():
            fh.write(chunk)
    try:
        open_sheet(path).close()  # refuse at once a file whose header cannot be found
        if branch is None and not _has_branch_column(path):
            raise FileRefused("文件中没有“所在党支部”列：请在上传时选择把党员导入到哪个党支部。")
    except FileRefused:
        path.unlink(missing_ok=True)
        raise
    name = os.path.basename(upload_file.name or "名册.xlsx")[:200]
    with transaction.atomic():
        batch = ImportBatch.objects.create(user=user, branch=branch, filename=name, path=str(path))
        if background if background is not None else upload_file.size > SYNC_MAX_BYTES:
            run_preview.enqueue(str(batch.pk))
            return batch
    preview(batch.pk)
    batch.refresh_from_db()
    return batch


def _has_branch_column(path):
    sheet = open_sheet(path)
    try:
        return any(c.key == "organization" for c in sheet.columns.values())
    finally:
        sheet.close()


def _user(batch):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=batch.user_id)


def _progress(batch_id, done):
    def write():
        ImportBatch.objects.filter(pk=batch_id).update(done=done, heartbeat_at=timezone.now())
    try:
        _write(write, 5)
    except Exception:  # progress is only a courtesy
        log.warning("import %s: progress not recorded", batch_id)


def preview(batch_id):
    """Analyse the file and keep the rows' outcome on the batch. Never raises: a failure is written
    on the batch for the user to see."""
    started = _write(lambda: ImportBatch.objects.filter(
        pk=batch_id, status__in=[Status.QUEUED, Status.PREVIEWED]).update(
        status=Status.PREVIEWING, done=0, heartbeat_at=timezone.now()))
    if not started:
        return
    batch = ImportBatch.objects.select_related("branch").get(pk=batch_id)
    try:
        sheet = open_sheet(batch.path)
        try:
            rows = [r.as_dict() for r in analysis.analyze(
                sheet, _user(batch), batch.branch, lambda n: _progress(batch_id, n))]
        finally:
            sheet.close()
        result = {"rows": rows, "unknown": sheet.unknown, "title": sheet.title, "header_row": sheet.header_row,
                  "header_cells": sheet.header_cells,
                  "columns": [[i, sheet.headers[i], c.key] for i, c in sorted(sheet.columns.items())]}
        if not rows:
            raise FileRefused("表头下面没有党员数据。")
        _write(lambda: ImportBatch.objects.filter(pk=batch_id).update(
            status=Status.PREVIEWED, result=result, counts=analysis.summary(rows), total=len(rows),
            done=len(rows), error=""))
    except (FileRefused, analysis.ScopeLost) as exc:
        _fail(batch_id, str(exc))
    except Exception as exc:  # the user sees it on the page; the log keeps the trace
        log.exception("import %s: preview failed", batch_id)
        _fail(batch_id, f"检查失败：{exc}")


@task()
def run_preview(batch_id):
    preview(batch_id)


def _fail(batch_id, message):
    _write(lambda: ImportBatch.objects.filter(pk=batch_id).update(
        status=Status.FAILED, error=message[:2000], heartbeat_at=timezone.now()))


class CommitRefused(Exception):
    """The commit cannot start; the message says why, in Chinese."""


def commit(user, batch, *, all_or_nothing=False, background=None):
    """Write the valid rows (all or nothing when asked). At once for a small file, else queued."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk, user=user)
        if locked.status != Status.PREVIEWED:
            raise CommitRefused(f"这个导入现在是“{locked.get_status_display()}”，不能再导入。")
        if all_or_nothing and locked.counts.get(analysis.ERROR):
            raise CommitRefused(f"有 {locked.counts[analysis.ERROR]} 行错误：按“全部正确才导入”，没有写入任何数据。"
                                "请下载错误清单改正后重新上传。")
        locked.status = Status.COMMITTING
        locked.all_or_nothing = all_or_nothing
        locked.done = 0
        locked.heartbeat_at = timezone.now()
        locked.save(update_fields=["status", "all_or_nothing", "done", "heartbeat_at"])
        if background if background is not None else locked.total > SYNC_MAX_ROWS:
            run_commit.enqueue(str(locked.pk))
            return locked
    write(locked.pk)
    locked.refresh_from_db()
    return locked


class _AllOrNothing(Exception):
    pass


def write(batch_id):
    """The commit's work, in one transaction: new members registered CHUNK at a time
    (services.create_members), changed ones one by one (services.update_member). A row the services
    refuse is an error of that row (or, all or nothing, the end of the whole commit). Never raises:
    the outcome is written on the batch."""
    batch = ImportBatch.objects.select_related("branch").get(pk=batch_id)
    user = _user(batch)
    tag = audit.new_batch()
    written = {analysis.NEW: 0, analysis.UPDATED: 0, analysis.UNCHANGED: 0, analysis.ERROR: 0}
    errors = []
    new_rows = []

    def flush():
        services.create_members(user, [r.member for r in new_rows],
                                [f"导入：{batch.filename} 第{r.n}行" for r in new_rows], action=IMPORT, batch=tag)
        new_rows.clear()

    try:
        sheet = open_sheet(batch.path)
        try:
            with transaction.atomic():
                for row in analysis.analyze(sheet, user, batch.branch):
                    if row.status == analysis.NEW:
                        new_rows.append(row)
                        if len(new_rows) >= analysis.CHUNK:
                            flush()
                    elif row.status == analysis.UPDATED:
                        _update_row(user, batch, row, tag)
                    if row.status == analysis.ERROR:
                        errors.append(row.as_dict())
                        if batch.all_or_nothing:
                            raise _AllOrNothing
                    written[row.status] += 1
                if new_rows:
                    flush()
        finally:
            sheet.close()
    except _AllOrNothing:
        message = f"第{errors[0]['n']}行出错：{errors[0]['errors'][0][2]}。按“全部正确才导入”，没有写入任何数据。"
        _write(lambda: ImportBatch.objects.filter(pk=batch_id).update(status=Status.PREVIEWED, error=message))
        return
    except Exception as exc:  # e.g. someone registered one of the IDs meanwhile: nothing is written
        log.exception("import %s: commit failed", batch_id)
        message = f"导入失败，没有写入任何数据：{_message(exc)}请重新上传文件再预览。"
        _write(lambda: ImportBatch.objects.filter(pk=batch_id).update(status=Status.PREVIEWED, error=message))
        return
    _write(lambda: ImportBatch.objects.filter(pk=batch_id).update(
        status=Status.COMMITTED, written=written, committed_at=timezone.now(), done=batch.total, error=""))
    _delete_file(batch)


def _message(exc):
    if isinstance(exc, analysis.ScopeLost):
        return f"{exc}"
    if isinstance(exc, ValidationError):
        return "".join(exc.messages)
    return f"{exc}。"


def _update_row(user, batch, row, tag):
    try:
        with transaction.atomic():
            services.update_member(user, row.member, f"导入：{batch.filename} 第{row.n}行", action=IMPORT,
                                   batch=tag)
    except ValidationError as exc:  # changed since the analysis
        for key, messages in getattr(exc, "message_dict", {"": exc.messages}).items():
            row.error(key if key in analysis.LABELS else "", " ".join(messages))
        row.status = analysis.ERROR


@task()
def run_commit(batch_id):
    write(batch_id)


def _delete_file(batch):
    try:
        os.unlink(batch.path)
    except FileNotFoundError:
        pass


def recover_stale(batch):
    """A preview or commit whose worker has been silent too long (it died) is marked failed, for the
    user to upload again. (A commit is one transaction and writes its outcome at the end: it is given
    three times as long.)"""
    limit = timedelta(seconds=settings.EXPORT_HEARTBEAT_STALE_SECONDS)
    if batch.status == Status.COMMITTING:
        limit *= 3
    elif batch.status not in (Status.QUEUED, Status.PREVIEWING):
        return batch
    if (batch.heartbeat_at or batch.created_at) < timezone.now() - limit:
        ImportBatch.objects.filter(pk=batch.pk, status=batch.status).update(
            status=Status.FAILED, error="处理程序意外中断，没有写入任何数据，请重新上传文件。")
        batch.refresh_from_db()
    return batch


def purge():
    """Delete the files of imports older than a day (and forget their rows: they hold ID numbers)."""
    cutoff = timezone.now() - timedelta(hours=KEEP_HOURS)
    old = ImportBatch.objects.filter(created_at__lt=cutoff).exclude(status=Status.EXPIRED)
    for batch in old.exclude(status=Status.COMMITTED).only("pk", "path"):
        _delete_file(batch)
    old.filter(status=Status.COMMITTED).update(result={})
    old.exclude(status=Status.COMMITTED).update(status=Status.EXPIRED, result={})
