"""Dues (党费): each member's monthly standard with its basis, the payments by month, and the
per-member account that keeps the paid-up-to month for cheap county-wide reads.

Months are stored as the first day of the month (2026-11-01 is 2026年11月). Money is Decimal,
two places (元, 分); never float. Written only by members/dues.py, each change audited."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.scoping import ScopedQuerySet

MONEY = {"max_digits": 10, "decimal_places": 2}


class DuesBasis(models.TextChoices):
    """What a member's dues are computed from (中组部《关于中国共产党党费收缴、使用和管理的规定》)."""

    SALARY = "salary", "在职（按月工资收入）"
    RETIRED = "retired", "离退休（按月离退休费）"
    FARMER = "farmer", "农民党员"
    STUDENT = "student", "学生党员"
    UNEMPLOYED = "unemployed", "下岗失业党员"
    RELIEF = "relief", "依靠抚恤、救济或领取低保的党员"


class DuesQuerySet(ScopedQuerySet):
    scope_path_lookup = "member__organization__path"


class DuesStandard(models.Model):
    """A member's monthly dues from `valid_from` on (until the next standard's month)."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="dues_standards",
                               verbose_name="党员")
    valid_from = models.DateField("起始月份")
    basis = models.CharField("交纳依据", max_length=20, choices=DuesBasis.choices)
    income = models.DecimalField("交纳基数（元）", null=True, blank=True, **MONEY)
    rate = models.DecimalField("交纳比例", max_digits=6, decimal_places=4, null=True, blank=True)
    computed_amount = models.DecimalField("按规定应交（元）", **MONEY)
    amount = models.DecimalField("月交纳额（元）", **MONEY)
    reduced = models.BooleanField("经批准少交或免交", default=False)
    reduction_reason = models.CharField("少交（免交）原因", max_length=200, blank=True)
    reduction_approved_by = models.CharField("批准单位", max_length=100, blank=True)
    reduction_approved_on = models.DateField("批准日期", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = DuesQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党费标准"
        ordering = ["member", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["member", "valid_from"], name="one_dues_standard_per_month"),
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(computed_amount__gte=0),
                                   name="dues_standard_not_negative"),
        ]

    def __str__(self):
        return f"{self.member}：{self.valid_from:%Y年%m月}起每月{self.amount}元"

    @property
    def rate_label(self):
        """0.0150 → '1.5%' (empty for a fixed amount)."""
        return f"{(self.rate * 100).normalize():f}%" if self.rate is not None else ""

    @property
    def audit_scope_path(self):
        return self.member.organization.path


class DuesPayment(models.Model):
    """One month's dues of one member: at most one per member and month (a correction changes it)."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="dues_payments",
                               verbose_name="党员")
    month = models.DateField("所属月份")
    amount = models.DecimalField("金额（元）", **MONEY)
    paid_on = models.DateField("交纳日期")
    organization = models.ForeignKey("branches.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name="收缴党支部")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = DuesQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党费交纳记录"
        ordering = ["member", "month"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="one_dues_payment_per_month",
                                    violation_error_message="该党员该月党费已登记，不能重复交纳。"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="dues_payment_not_negative"),
        ]

    def __str__(self):
        return f"{self.member} {self.month:%Y年%m月}党费 {self.amount}元"

    @property
    def audit_scope_path(self):
        return self.member.organization.path


class DuesAccount(models.Model):
    """Per member, kept by members/dues.py in the transaction of every change: the first month
    dues are owed (the first standard's month) and the last month of the unbroken run of paid
    months from there (党费交至年月; None: the first month is unpaid). A member is in arrears
    when `paid_up_to` is before last month: one indexed query for the whole county."""

    member = models.OneToOneField("members.Member", on_delete=models.CASCADE, primary_key=True,
                                  related_name="dues_account")
    first_month = models.DateField("起交月份")
    paid_up_to = models.DateField("党费交至年月", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "党费账户"
        indexes = [models.Index(fields=["paid_up_to", "first_month"], name="dues_account_paid")]

    def __str__(self):
        return f"{self.member_id} 交至 {self.paid_up_to}"
