import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .scoping import ScopedQuerySet


class AuditQuerySet(ScopedQuerySet):
    scope_path_lookup = "scope_path"

    def for_object(self, obj):
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(content_type=ct, object_id=str(obj.pk))


class AuditEntry(models.Model):
    """Who did what to which record, when, with the values before and after.

    `action` is one of the kinds registered with core.audit.register_action (open to the apps);
    `changes` is {field name: [before, after]}, labelled only when shown (core.audit.shown_changes)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField("操作人", max_length=100)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField("对象", max_length=200)
    action = models.CharField("操作", max_length=20)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    reason = models.TextField("理由", blank=True)
    batch = models.UUIDField(null=True, blank=True, db_index=True)
    scope_path = models.CharField(max_length=255, blank=True, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "操作记录"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self):
        return f"{self.actor_name} {self.get_action_display()} {self.object_repr}"

    def get_action_display(self):
        from .audit import action_label

        return action_label(self.action)


class ImmutableVersionError(Exception):
    """A frozen document version was about to be changed or deleted."""

    def __init__(self, message="已定稿的文书版本不能修改或删除；如需更正，请生成新版本并说明理由。"):
        super().__init__(message)


class DocumentVersionQuerySet(ScopedQuerySet):
    scope_path_lookup = "scope_path"

    def for_object(self, obj, kind):
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(content_type=ct, object_id=str(obj.pk), kind=kind)

    def update(self, **kwargs):
        if set(kwargs) - {"is_current"}:  # only the pointer to the current version ever moves
            raise ImmutableVersionError()
        return super().update(**kwargs)

    def delete(self):
        raise ImmutableVersionError()


class DocumentVersion(models.Model):
    """A signed or confirmed document (a rating result, a signed form) kept as it was: its data and
    its file, never changed; a later change is a new version with a reason (core/versions.py)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField("对象", max_length=200)
    kind = models.CharField("文书类别", max_length=40)
    number = models.PositiveIntegerField("版本")
    data = models.JSONField("数据", encoder=DjangoJSONEncoder)
    file = models.FileField("文件", upload_to="versions/%Y/%m/")
    filename = models.CharField("文件名", max_length=200)
    sha256 = models.CharField(max_length=64)
    reason = models.TextField("理由", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_by_name = models.CharField("定稿人", max_length=100)
    created_at = models.DateTimeField("定稿时间", auto_now_add=True)
    is_current = models.BooleanField("现行版本", default=True)
    scope_path = models.CharField(max_length=255, blank=True, db_index=True)

    objects = DocumentVersionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "文书版本"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "kind", "number"],
                                    name="document_version_number"),
            models.UniqueConstraint(fields=["content_type", "object_id", "kind"], condition=models.Q(is_current=True),
                                    name="document_version_one_current"),
        ]

    def __str__(self):
        return f"{self.object_repr} 第{self.number}版"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableVersionError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableVersionError()


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class ExportJob(models.Model):
    """A document built in the background; the user downloads it from 我的下载."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    exporter = models.CharField(max_length=50)
    fmt = models.CharField(max_length=10)
    params = models.JSONField(default=dict)
    title = models.CharField("文件", max_length=200)
    # What the file holds, in words (the filters chosen, the columns): shown in 我的下载.
    description = models.TextField("内容", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # Written by the worker while it builds the file; a running job whose heartbeat stops is marked failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "导出任务"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def pending(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(self.done * 100 / self.total))


class DecisionQuerySet(ScopedQuerySet):
    scope_path_lookup = "scope_path"

    def for_subject(self, obj):
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(content_type=ct, object_id=str(obj.pk))

    def pending(self):
        return self.filter(state=Decision.State.PENDING)


class Decision(models.Model):
    """A proposal that becomes a decision only when the level above approves it (core/decisions.py).

    The subject is any record (a member, later an investigation's case); what a kind does to its
    subject when approved is registered by the app that owns the subject."""

    class State(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "不予批准"
        WITHDRAWN = "withdrawn", "已撤回"

    kind = models.CharField("决定类别", max_length=30)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=40)
    subject_repr = models.CharField("对象", max_length=200)
    scope_path = models.CharField(max_length=255, db_index=True)
    unit_name = models.CharField("提出单位", max_length=100)
    meeting_on = models.DateField("支部大会日期")
    effective_on = models.DateField("生效日期", null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    grounds = models.TextField("事实和依据")
    corrects = models.ForeignKey("self", verbose_name="更正的决定", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="corrections")
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    proposer_name = models.CharField("提出人", max_length=100)
    proposed_at = models.DateTimeField("提出时间", auto_now_add=True)
    decider = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    decider_name = models.CharField("审批人", max_length=100, blank=True)
    decided_on = models.DateField("审批日期", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    opinion = models.TextField("审批意见", blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "决定"
        ordering = ["-proposed_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="decision_subject"),
            models.Index(fields=["state", "scope_path"], name="decision_state_scope"),
        ]

    def __str__(self):
        return f"{self.subject_repr}：{self.kind_label}"

    @property
    def audit_scope_path(self):
        return self.scope_path

    @property
    def kind_label(self):
        from . import decisions

        return decisions.kind_label(self.kind)

    @property
    def is_pending(self):
        return self.state == self.State.PENDING
