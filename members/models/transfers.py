"""Relationship transfers (组织关系转接): the introduction letters the county issues, its number
counter, and the members who arrived from outside the county with a letter of their own. The
workflow is members/transfers.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.scoping import ScopedQuerySet, paths_q, scope_paths
from core.validators import LINE_MAX, NAME_MAX, REASON_MAX

from ..choices import Category


class LetterKind(models.TextChoices):
    OUT = "out", "转出县外"
    INTERNAL = "internal", "县内转接"


class LetterStatus(models.TextChoices):
    PENDING = "pending", "待接收方确认"  # internal only: the member is still in the sending branch
    ISSUED = "issued", "待回执"  # out of the county: the member is 已转出, the receipt not yet back
    RECEIVED = "received", "已回执"
    CANCELLED = "cancelled", "已作废"


OPEN_STATUSES = (LetterStatus.PENDING, LetterStatus.ISSUED)


class LetterCounter(models.Model):
    """The county's letter numbers, one row per year: the last number given. Taken under a row
    lock in the transaction that writes the letter, so numbers have no gaps and no repeats."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    last = models.PositiveIntegerField("最后编号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "介绍信编号"

    def __str__(self):
        return f"{self.year}: {self.last}"


class LetterQuerySet(ScopedQuerySet):
    scope_path_lookup = "from_org__path"  # the sending side

    def visible_to(self, user):
        """Letters the sending side or the receiving side (internal transfers) may see."""
        paths = scope_paths(user)
        if not paths:
            return self.none()
        q_from, q_to = paths_q("from_org__path", paths), paths_q("to_org__path", paths)
        if q_from is None:
            return self
        return self.filter(q_from | q_to)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class TransferLetter(models.Model):
    """中国共产党党员组织关系介绍信: one letter, printed in three parts (存根, 介绍信, 回执联). Out of the
    county the member is 已转出 from the day it is issued and the sending side keeps responsibility
    until the receipt is registered; within the county the receiving side confirms and the receipt
    is registered with the move."""

    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("编号")
    kind = models.CharField("类型", max_length=10, choices=LetterKind.choices)
    status = models.CharField("状态", max_length=10, choices=LetterStatus.choices)
    member = models.ForeignKey("members.Member", verbose_name="党员", on_delete=models.CASCADE,
                               related_name="transfer_letters")  # (members are never deleted)
    category = models.CharField("人员类别", max_length=20, choices=Category.choices)  # when issued
    from_org = models.ForeignKey("branches.Organization", verbose_name="原党支部", on_delete=models.PROTECT,
                                 related_name="+")
    to_org = models.ForeignKey("branches.Organization", verbose_name="接收党支部", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    addressee = models.CharField("抬头（接收的基层党委）", max_length=LINE_MAX)
    destination = models.CharField("转往党组织", max_length=LINE_MAX)
    dues_paid_to = models.DateField("党费交至", null=True, blank=True)  # the first day of that month
    member_phone = models.CharField("党员联系电话", max_length=30, blank=True)
    sender_address = models.CharField("原基层党委通讯地址", max_length=LINE_MAX, blank=True)
    sender_phone = models.CharField("原基层党委联系电话", max_length=30, blank=True)
    issued_on = models.DateField("开具日期")
    valid_days = models.PositiveSmallIntegerField("有效期（天）")
    receipt_due_on = models.DateField("回执应退回日期")
    reason = models.CharField("转接原因", max_length=REASON_MAX, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="开具人", null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    receipt_on = models.DateField("回执日期", null=True, blank=True)
    receipt_unit = models.CharField("回执单位", max_length=LINE_MAX, blank=True)
    receipt_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回执登记人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    cancelled_on = models.DateField("作废日期", null=True, blank=True)
    cancel_reason = models.CharField("作废原因", max_length=REASON_MAX, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "组织关系介绍信"
        ordering = ["-year", "-serial"]
        constraints = [
            models.UniqueConstraint(fields=["year", "serial"], name="letter_number_unique"),
            models.UniqueConstraint(fields=["member"], condition=Q(status__in=["pending", "issued"]),
                                    name="one_open_letter_per_member",
                                    violation_error_message="该党员已有未办结的组织关系介绍信。"),
        ]
        indexes = [models.Index(fields=["status", "receipt_due_on"], name="letter_status_due")]

    def __str__(self):
        return f"介绍信第{self.number}号"

    @property
    def number(self):
        return f"{self.year}-{self.serial:04d}"

    @property
    def audit_scope_path(self):
        return self.from_org.path

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def is_overdue(self, today):
        return self.status == LetterStatus.ISSUED and self.receipt_due_on < today


class IncomingQuerySet(ScopedQuerySet):
    scope_path_lookup = "to_org__path"


class IncomingTransfer(models.Model):
    """A member who arrived from outside the county, registered with the details of the letter
    they brought (the letter itself is the other county's)."""

    member = models.OneToOneField("members.Member", verbose_name="党员", on_delete=models.CASCADE,
                                  related_name="incoming_transfer")
    to_org = models.ForeignKey("branches.Organization", verbose_name="接收党支部", on_delete=models.PROTECT,
                               related_name="+")
    letter_number = models.CharField("介绍信编号", max_length=NAME_MAX)
    from_org_name = models.CharField("原所在党组织", max_length=LINE_MAX)
    issued_on = models.DateField("介绍信开具日期")
    valid_until = models.DateField("介绍信有效期至", null=True, blank=True)
    received_on = models.DateField("报到日期")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                      on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = IncomingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "组织关系转入"
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return f"转入：{self.member}（{self.letter_number}）"

    @property
    def audit_scope_path(self):
        return self.to_org.path
