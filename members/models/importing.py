"""A roster import (members/importing): the uploaded file, its preview, its commit."""

import uuid

from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    """One uploaded roster file, from upload to commit. The file is private (0600) and deleted after
    the commit, or a day after the upload when never committed (members.importing.service.purge)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        PREVIEWING = "previewing", "正在检查"
        PREVIEWED = "previewed", "待确认"
        COMMITTING = "committing", "正在导入"
        COMMITTED = "committed", "已导入"
        FAILED = "failed", "失败"
        EXPIRED = "expired", "已过期"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The branch chosen on the upload form (every row goes there), or None: by the file's 所在党支部 column.
    branch = models.ForeignKey("branches.Organization", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    filename = models.CharField("文件名", max_length=200)
    path = models.CharField(max_length=300)  # under MEDIA_ROOT/imports, mode 0600
    all_or_nothing = models.BooleanField("全部正确才导入", default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # {"new": n, "updated": n, "unchanged": n, "error": n}, and the rows (members.importing.analysis).
    counts = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    written = models.JSONField(default=dict)  # after the commit: what was written
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "党员导入"
        ordering = ["-created_at"]

    def __str__(self):
        return f"导入《{self.filename}》"
