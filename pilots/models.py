"""Classified-management pilots (plan 1 of the source): a county program, its phases, its pilot
units with their classification scheme, the members' categories, the monthly dispatch reports and
the problems list. Everything below the program belongs to a unit's organization and is scoped by
its path (core.scoping): a tracking cadre sees the units its grants cover, nothing else."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from branches.choices import Sector
from core.scoping import ALL, ScopedQuerySet
from core.validators import LINE_MAX, NAME_MAX, NOTE_MAX

from .choices import ASPECTS, STAGE_OF_STEP, ProblemStage, Step, step_label

TEXT_MAX = 2000  # a report's or a measure's paragraph
SUMMARY_MAX = 2000  # 经验材料 (the forms bound free text at 2,000: tests/core/test_inputs.py)


def month_start(day):
    return day.replace(day=1)


def month_label(month):
    return f"{month.year}年{month.month}月"


class Program(models.Model):
    """试点工作: one county program with its phases and its leading group (五、组织领导)."""

    name = models.CharField("名称", max_length=LINE_MAX)
    group_leader = models.CharField("领导小组组长", max_length=LINE_MAX, blank=True)
    group_deputies = models.CharField("领导小组副组长", max_length=LINE_MAX, blank=True)
    group_members = models.TextField("领导小组成员", max_length=NOTE_MAX, blank=True)
    office = models.TextField("领导小组办公室", max_length=NOTE_MAX, blank=True,
                              help_text="办公室设在哪里、主任及联系人")
    rolled_out_on = models.DateField("全面推开日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "试点工作"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name

    audit_scope_path = ALL  # the county's program: seen in 操作记录 by county staff

    def phase_list(self):
        """The phases in the plan's order (uses a prefetch when there is one)."""
        order = list(Step)
        return sorted(self.phases.all(), key=lambda p: order.index(p.step))

    def standing(self, today=None):
        """Where the program stands today: (label, the current phase or None)."""
        today = today or timezone.localdate()
        phases = self.phase_list()
        if self.rolled_out_on:
            return f"已全面推开（{self.rolled_out_on:%Y-%m-%d}）", None
        if not phases:
            return "未设阶段", None
        if today < phases[0].starts_on:
            return f"尚未开始（{phases[0].starts_on:%Y-%m-%d} 开始）", None
        for p in phases:
            if p.starts_on <= today <= p.ends_on:
                return f"{p.label}（{p.starts_on:%m-%d} 至 {p.ends_on:%m-%d}）", p
        if today > phases[-1].ends_on:
            return "各阶段已结束", None
        return "阶段之间", None


class Phase(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="phases")
    step = models.CharField("阶段", max_length=20, choices=Step.choices)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")

    class Meta:
        verbose_name = verbose_name_plural = "试点阶段"
        constraints = [models.UniqueConstraint(fields=["program", "step"], name="pilot_phase_unique")]

    @property
    def label(self):
        return step_label(self.step)

    @property
    def stage(self):
        return STAGE_OF_STEP[Step(self.step)]


class UnitQuerySet(ScopedQuerySet):
    scope_path_lookup = "organization__path"


class PilotUnit(models.Model):
    """A pilot unit (试点单位): an organization of the tree in a program."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="units")
    # Organizations are dissolved, never deleted (a unit goes with one deleted in the admin).
    organization = models.ForeignKey("branches.Organization", verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="pilot_units")
    sector = models.CharField("领域", max_length=20, choices=Sector.choices)
    tracking_cadre = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="跟踪指导责任人", null=True,
                                       on_delete=models.SET_NULL, related_name="pilot_units")
    leader_name = models.CharField("试点工作组组长", max_length=NAME_MAX)
    group_members = models.CharField("试点工作组成员", max_length=LINE_MAX, blank=True)
    summary = models.TextField("经验材料", max_length=SUMMARY_MAX, blank=True)
    summary_at = models.DateTimeField("经验材料更新时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "试点单位"
        ordering = ["organization__path"]
        constraints = [models.UniqueConstraint(fields=["program", "organization"], name="pilot_unit_unique",
                                               violation_error_message="该党组织已是本试点工作的试点单位。")]

    def __str__(self):
        return self.organization.name

    @property
    def audit_scope_path(self):
        return self.organization.path


class CategoryQuerySet(ScopedQuerySet):
    scope_path_lookup = "unit__organization__path"


class Category(models.Model):
    """A member category of a unit's scheme (分类原则和标准), with its measures per aspect."""

    unit = models.ForeignKey(PilotUnit, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField("类别名称", max_length=NAME_MAX)
    rule = models.TextField("分类标准", max_length=NOTE_MAX, help_text="哪些党员属于这一类")
    measures = models.JSONField("管理措施", default=dict, blank=True)  # {aspect key: text}
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党员类别"
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="pilot_category_unique",
                                               violation_error_message="本单位已有同名的党员类别。")]

    def __str__(self):
        return self.name

    @property
    def audit_scope_path(self):
        return self.unit.organization.path

    def measure_rows(self):
        """[(aspect label, text)] in the plan's order, the empty ones left out."""
        return [(label, self.measures.get(key, "")) for key, label in ASPECTS if self.measures.get(key)]


class AssignmentQuerySet(ScopedQuerySet):
    scope_path_lookup = "unit__organization__path"


class Assignment(models.Model):
    """A member's category in a unit's scheme: one per member and unit."""

    unit = models.ForeignKey(PilotUnit, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="pilot_assignments")
    category = models.ForeignKey(Category, on_delete=models.RESTRICT, related_name="assignments")
    assigned_at = models.DateTimeField(auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党员分类"
        constraints = [models.UniqueConstraint(fields=["unit", "member"], name="pilot_assignment_unique")]


class ReportQuerySet(ScopedQuerySet):
    scope_path_lookup = "unit__organization__path"


class Report(models.Model):
    """月调度会商: a unit's monthly report, filed by its tracking cadre or its leader."""

    unit = models.ForeignKey(PilotUnit, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField("月份")  # the first day of the month
    progress = models.TextField("工作进展", max_length=TEXT_MAX)
    opinions = models.TextField("党员意见建议", max_length=TEXT_MAX, blank=True)
    next_steps = models.TextField("下一步打算", max_length=TEXT_MAX, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.SET_NULL,
                                 null=True, related_name="+")
    filed_at = models.DateTimeField("填报时间", auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "月调度汇报"
        ordering = ["-month", "unit__organization__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="pilot_report_unique",
                                               violation_error_message="本单位这个月已经汇报过了。")]

    def __str__(self):
        return f"{self.unit}·{month_label(self.month)}汇报"

    @property
    def audit_scope_path(self):
        return self.unit.organization.path

    @property
    def month_label(self):
        return month_label(self.month)


class ProblemQuerySet(ScopedQuerySet):
    scope_path_lookup = "unit__organization__path"

    def open_in(self, month):
        """Problems still open at the start of `month` or found during it (the month's list)."""
        end = _next_month(month)
        return self.filter(found_on__lt=end).exclude(solved_on__lt=month)


def _next_month(month):
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


next_month = _next_month


class Problem(models.Model):
    """An item of the problems list: 发现 → 分析 → 整改 → 解决, carried over until solved."""

    unit = models.ForeignKey(PilotUnit, on_delete=models.CASCADE, related_name="problems")
    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="problems")
    description = models.TextField("问题", max_length=NOTE_MAX)
    owner = models.CharField("责任人", max_length=NAME_MAX)
    stage = models.CharField("进度", max_length=20, choices=ProblemStage.choices, default=ProblemStage.FOUND)
    found_on = models.DateField("发现日期")
    due_on = models.DateField("整改时限", null=True, blank=True)
    analysis = models.TextField("原因分析", max_length=NOTE_MAX, blank=True)
    analyzed_on = models.DateField("分析日期", null=True, blank=True)
    rectification = models.TextField("整改措施", max_length=NOTE_MAX, blank=True)
    rectifying_on = models.DateField("整改日期", null=True, blank=True)
    resolution = models.TextField("解决情况", max_length=NOTE_MAX, blank=True)
    solved_on = models.DateField("解决日期", null=True, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "问题清单"
        ordering = ["found_on", "pk"]

    def __str__(self):
        return self.description[:40]

    @property
    def audit_scope_path(self):
        return self.unit.organization.path

    @property
    def is_solved(self):
        return self.stage == ProblemStage.SOLVED
