"""Quarterly five-star rating (plan 2 of the source; DOMAIN.md "Star ratings").

    CriteriaSet / Criterion   the written criteria of each star, one set per audience (在职党员;
                              离退休、农村及年老体弱党员), each version applying from a quarter on
    RatingQuarter             a quarter the county has opened (year, quarter, dates)
    RatingSheet               one branch's sheet for a quarter: 草稿 → 公示中 → 已确认
    RatingEntry               one member's row: a boolean per star, the stored star count and grade
    Objection                 异议 raised during publicity, and the branch's answer

A sheet is scoped through its branch (`RatingSheet.objects.visible_to(user)`).
"""

from django.conf import settings
from django.db import models

from core import concurrency
from core.scoping import ScopedQuerySet

from .choices import STAR_FIELDS, Audience, ObjectionSource, SheetState, Star
from .grades import Grade, grade

TEXT_MAX = 500


class CriteriaSet(models.Model):
    """The criteria of the five stars for one audience, applying from (from_year, from_quarter) until
    a newer set of the same audience takes over. A set an entry was rated under is never edited:
    the county's change makes a new set from the next quarter, so past quarters keep theirs."""

    audience = models.CharField("适用党员", max_length=20, choices=Audience.choices)
    name = models.CharField("名称", max_length=50)
    from_year = models.PositiveSmallIntegerField("起始年度")
    from_quarter = models.PositiveSmallIntegerField("起始季度")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = "评星标准"
        ordering = ["audience", "-from_year", "-from_quarter"]
        constraints = [
            models.UniqueConstraint(fields=["audience", "from_year", "from_quarter"], name="criteria_set_once"),
            models.CheckConstraint(condition=models.Q(from_quarter__gte=1, from_quarter__lte=4),
                                   name="criteria_set_quarter_1_4"),
        ]

    audit_scope_path = ""

    def __str__(self):
        return f"{self.name}（{self.from_year}年第{self.from_quarter}季度起）"

    @property
    def starts(self):
        return (self.from_year, self.from_quarter)

    def texts(self):
        """{star value: criteria text} (prefetch `criteria` to read it without a query)."""
        return {c.star: c.text for c in self.criteria.all()}


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    star = models.CharField("星", max_length=20, choices=Star.choices)
    text = models.TextField("评星标准", max_length=1000)

    class Meta:
        verbose_name = "评星标准条目"
        constraints = [models.UniqueConstraint(fields=["criteria_set", "star"], name="criterion_once_per_star")]

    def __str__(self):
        return f"{self.get_star_display()}：{self.text[:20]}"


class RatingQuarter(models.Model):
    """A quarter the county has opened for rating; each branch in scope then has a sheet."""

    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    opens_on = models.DateField("开始日期")
    due_on = models.DateField("完成期限")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评星季度"
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="rating_quarter_once"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="rating_quarter_1_4"),
        ]

    def __str__(self):
        return f"{self.year}年第{self.quarter}季度"

    audit_scope_path = ""

    @property
    def key(self):
        return (self.year, self.quarter)

    @property
    def span(self):
        """(first day, last day) of the quarter."""
        from members.placements import quarter

        return quarter(self.year, self.quarter)

    def previous_key(self):
        return (self.year - 1, 4) if self.quarter == 1 else (self.year, self.quarter - 1)


class RatingSheetQuerySet(ScopedQuerySet):
    scope_path_lookup = "branch__path"


class RatingSheet(models.Model):
    quarter = models.ForeignKey(RatingQuarter, on_delete=models.PROTECT, related_name="sheets")
    branch = models.ForeignKey("branches.Organization", on_delete=models.PROTECT, related_name="rating_sheets",
                               verbose_name="党支部")
    state = models.CharField("状态", max_length=20, choices=SheetState.choices, default=SheetState.DRAFT)
    evaluation_meeting_on = models.DateField("党员评议会日期", null=True, blank=True)
    publicity_starts_on = models.DateField("公示开始日期", null=True, blank=True)
    publicity_ends_on = models.DateField("公示结束日期", null=True, blank=True)
    revision = models.PositiveSmallIntegerField("修订次数", default=0)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    entered_on_behalf = models.BooleanField("由组织部代为录入", default=False)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RatingSheetQuerySet.as_manager()

    class Meta:
        verbose_name = "星级评定表"
        ordering = ["-quarter__year", "-quarter__quarter", "branch__path"]
        constraints = [models.UniqueConstraint(fields=["quarter", "branch"], name="rating_sheet_once")]
        indexes = [models.Index(fields=["state", "publicity_ends_on"], name="rating_sheet_state")]

    def __str__(self):
        return f"{self.branch.name} {self.quarter}"

    @property
    def audit_scope_path(self):
        return self.branch.path

    @property
    def is_draft(self):
        return self.state == SheetState.DRAFT

    @property
    def in_publicity(self):
        return self.state == SheetState.PUBLICITY

    @property
    def is_confirmed(self):
        return self.state == SheetState.CONFIRMED


class RatingEntryQuerySet(ScopedQuerySet):
    scope_path_lookup = "sheet__branch__path"


class RatingEntry(models.Model):
    """One member's row of a sheet. `star_count` and `grade` are stored (the overview and the year
    sum them without reading five columns) and kept in step by `refresh()`, which save() calls."""

    sheet = models.ForeignKey(RatingSheet, on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="rating_entries")
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="评星标准")
    rated = models.BooleanField("已评定", default=False)
    study = models.BooleanField(Star.STUDY.label, default=False)
    service = models.BooleanField(Star.SERVICE.label, default=False)
    dedication = models.BooleanField(Star.DEDICATION.label, default=False)
    innovation = models.BooleanField(Star.INNOVATION.label, default=False)
    integrity = models.BooleanField(Star.INTEGRITY.label, default=False)
    star_count = models.PositiveSmallIntegerField("得星数", default=0)
    grade = models.CharField("等次", max_length=20, choices=Grade.choices, blank=True)
    basis = models.TextField("未得星依据", blank=True, max_length=TEXT_MAX)
    not_rated = models.BooleanField("本季度不评定", default=False)
    not_rated_reason = models.CharField("不评定原因", max_length=200, blank=True)
    opinion_note = models.TextField("群众意见", blank=True, max_length=TEXT_MAX)
    opinions_heard = models.PositiveSmallIntegerField("征求意见人数", default=0)
    period_note = models.CharField("本季度组织关系变动", max_length=100, blank=True)
    position = models.PositiveIntegerField("序号", default=0)

    objects = RatingEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "党员评星"
        ordering = ["sheet", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "member"], name="rating_entry_once"),
            models.CheckConstraint(condition=models.Q(star_count__lte=5), name="rating_entry_star_count_0_5"),
        ]

    def __str__(self):
        return f"{self.member} {self.star_count}星"

    @property
    def audit_scope_path(self):
        return self.sheet.branch.path

    def stars(self):
        """[(Star, awarded?)] in the order of the sheet."""
        return [(s, getattr(self, s.value)) for s in Star]

    def withheld(self):
        return [s for s in Star if not getattr(self, s.value)]

    def refresh(self):
        """Put star_count and grade in step with the stars (not rated: no grade)."""
        self.star_count = sum(1 for f in STAR_FIELDS if getattr(self, f))
        self.grade = grade(self.star_count) if self.rated and not self.not_rated else ""

    def save(self, *args, **kwargs):
        self.refresh()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "star_count", "grade"}
        super().save(*args, **kwargs)


class ObjectionQuerySet(ScopedQuerySet):
    scope_path_lookup = "sheet__branch__path"


class Objection(models.Model):
    """异议 during publicity: recorded by the branch from what the masses said, or submitted on the
    public board. The objector's name and contact are seen by the branch and the county only."""

    sheet = models.ForeignKey(RatingSheet, on_delete=models.CASCADE, related_name="objections")
    entry = models.ForeignKey(RatingEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="objections",
                              verbose_name="涉及党员")
    source = models.CharField("来源", max_length=20, choices=ObjectionSource.choices)
    text = models.TextField("异议内容", max_length=TEXT_MAX)
    objector_name = models.CharField("反映人", max_length=50, blank=True)
    objector_contact = models.CharField("联系方式", max_length=50, blank=True)
    client_address = models.CharField(max_length=64, blank=True, editable=False)  # for the rate limit only
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField("提出时间", auto_now_add=True, db_index=True)
    answer = models.TextField("支部答复", blank=True, max_length=TEXT_MAX)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = "异议"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["client_address", "created_at"], name="objection_address")]

    def __str__(self):
        return f"异议：{self.text[:20]}"

    @property
    def audit_scope_path(self):
        return self.sheet.branch.path


# -- What follows a confirmed result (ratings/followup.py) -----------------------------------------

class RectificationState(models.TextChoices):
    OPEN = "open", "整改中"
    CLOSED = "closed", "已整改合格"


class RectificationQuerySet(ScopedQuerySet):
    scope_path_lookup = "branch__path"

    def open(self):
        return self.filter(state=RectificationState.OPEN)

    def overdue(self, today):
        """Open past the deadline: 逾期未整改, shown to the committee and the county."""
        return self.filter(state=RectificationState.OPEN, deadline__lt=today)


class Rectification(models.Model):
    """限期整改 of a member rated 不合格党员 in a confirmed sheet (the plan: "由所在党小组进行批评教育、
    限期整改，安排优秀党员进行帮带"). Opened by the confirmation; the branch records the criticism and
    education by the member's party group, the measures, the deadline and the mentor (帮带党员), and
    progress notes. Closed by a later quarter's confirmed 合格 or 优秀 result; open past the deadline
    it is 逾期未整改, shown to the committee and the county."""

    entry = models.OneToOneField(RatingEntry, on_delete=models.PROTECT, related_name="rectification",
                                 verbose_name="评定结果")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="rectifications",
                               verbose_name="党员")
    branch = models.ForeignKey("branches.Organization", on_delete=models.PROTECT, related_name="rectifications",
                               verbose_name="党支部")
    party_group = models.ForeignKey("branches.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="党小组")
    year = models.PositiveSmallIntegerField("年度")  # of the quarter that opened it (entry.sheet.quarter)
    quarter = models.PositiveSmallIntegerField("季度")
    state = models.CharField("状态", max_length=20, choices=RectificationState.choices,
                             default=RectificationState.OPEN)
    education_on = models.DateField("批评教育日期", null=True, blank=True)
    education = models.TextField("党小组批评教育情况", blank=True, max_length=TEXT_MAX)
    measures = models.TextField("整改措施", blank=True, max_length=TEXT_MAX)
    deadline = models.DateField("整改期限")
    mentor = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="mentored_rectifications", verbose_name="帮带党员")
    closed_on = models.DateField("结束日期", null=True, blank=True)
    closed_by_entry = models.ForeignKey(RatingEntry, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name="整改后评定结果")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = "限期整改"
        ordering = ["-year", "-quarter", "branch__path", "pk"]
        indexes = [models.Index(fields=["state", "deadline"], name="rectification_state")]

    def __str__(self):
        return f"{self.member.name}（{self.year}年第{self.quarter}季度不合格）限期整改"

    @property
    def audit_scope_path(self):
        return self.branch.path

    def save(self, *args, **kwargs):
        concurrency.bump_on_save(self, kwargs)
        super().save(*args, **kwargs)
        concurrency.after_save(self)

    def is_overdue(self, today):
        return self.state == RectificationState.OPEN and self.deadline < today

    def status_label(self, today):
        return "逾期未整改" if self.is_overdue(today) else self.get_state_display()


class RectificationNote(models.Model):
    """A progress note of a rectification (整改进展)."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="notes")
    noted_on = models.DateField("日期")
    text = models.TextField("整改进展", max_length=TEXT_MAX)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    author_name = models.CharField("记录人", max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "整改进展"
        ordering = ["noted_on", "pk"]

    def __str__(self):
        return f"{self.noted_on} {self.text[:20]}"
