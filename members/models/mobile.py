"""Mobile members (流动党员): periods of out-flow and in-flow, and the reports made meanwhile.

Out-flow (流出): a member on this county's roll works or lives elsewhere for a while; the period
belongs to the `member` and is seen where the member's branch is (it follows the member when the
member moves). A member may have several periods over the years, never two at once.

In-flow (流入): a member of another county's (or province's) organization who is active here; the
formal relationship stays there, so the person is *not* a Member of this system. The record holds
the person's own facts (name, gender, ID, joining date, category, phone) and the organization of
origin, and is attached to the local branch that takes them into its organizational life
(`organization`), which decides who sees it.

`Member.is_mobile` mirrors "has an open out-flow period"; members/mobile.py keeps it in step.
"""

import re

from django.db import models
from django.db.models import Q

from core.validators import LINE_MAX, NAME_MAX, NOTE_MAX, REASON_MAX

from ..choices import Category, Gender, JobCategory

# A mobile number (11 digits from 1) or a landline with its area code (0 + 2-3 digits + 7-8 digits),
# after core.validators.normalize_phone (which drops spaces, dashes and +86).
CONTACT_PHONE = re.compile(r"1[0-9]{10}|0[1-9][0-9]{1,2}[0-9]{7,8}")
CARD_NUMBER = re.compile(r"[0-9A-Z]{1,30}")


class Direction(models.TextChoices):
    OUT = "out", "流出"
    IN = "in", "流入"


class Reach(models.TextChoices):
    """流动范围, as the statistics count out-flowing members (FORMS.md 流动党员管理有关情况统计表)."""

    INTER_PROVINCE = "province", "跨省流动"
    INTER_CITY = "city", "省内跨市（地）流动"
    INTER_COUNTY = "county", "市内跨县流动"
    IN_COUNTY = "local", "县内流动"


class ReportChannel(models.TextChoices):
    PHONE = "phone", "电话"
    ONLINE = "online", "微信、短信等网络方式"
    LETTER = "letter", "书面汇报"
    IN_PERSON = "in_person", "当面汇报"
    HOST = "host", "流入地党组织反馈"


REASONS = ["外出务工经商", "外出就业", "外出就学", "随迁（随子女、家属居住）", "异地就医养老", "其他"]


class MobilePeriodQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Out-flow periods where their member's branch is in scope; in-flow ones where their
        local branch is. The organizations first (one indexed OR of path prefixes), then the rows
        by key (see core.scoping.ScopedQuerySet._within_related)."""
        from branches.models import Organization
        from core.scoping import ALL, collapse, paths_q, scope_paths

        paths = collapse(scope_paths(user))
        if not paths:
            return self.none()
        if ALL in paths:
            return self
        keys = Organization.objects.filter(paths_q("path", paths)).values("pk")
        return self.filter(Q(member__organization__in=keys) | Q(member__isnull=True, organization__in=keys))

    def out_flow(self):
        return self.filter(direction=Direction.OUT)

    def in_flow(self):
        return self.filter(direction=Direction.IN)

    def current(self):
        return self.filter(ended_on__isnull=True)


class MobilePeriod(models.Model):
    """One stretch of mobility: from `started_on` to `ended_on` (None: still away / still here)."""

    direction = models.CharField("流向", max_length=3, choices=Direction.choices)
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", null=True, blank=True, on_delete=models.PROTECT,
        related_name="mobile_periods",
    )
    # in-flow: the local branch that takes the person into its organizational life
    organization = models.ForeignKey(
        "branches.Organization", verbose_name="参加组织生活的党支部", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    # in-flow: the person's own facts (out-flow reads them from the member)
    name = models.CharField("姓名", max_length=NAME_MAX, blank=True)
    gender = models.CharField("性别", max_length=2, choices=Gender.choices, blank=True)
    id_number = models.CharField("公民身份号码", max_length=18, blank=True)
    joined_on = models.DateField("入党时间", null=True, blank=True)
    category = models.CharField("人员类别", max_length=20, choices=Category.choices, blank=True)
    phone = models.CharField("本人联系电话", max_length=20, blank=True)
    home_org = models.CharField("组织关系所在党组织", max_length=LINE_MAX, blank=True)
    # both directions
    original_job = models.CharField("原职业", max_length=20, choices=JobCategory.choices, blank=True)
    place = models.CharField("流入地（省/市/县）", max_length=LINE_MAX, blank=True,
                             help_text="流出：去往何地；流入：来自何地。")
    reach = models.CharField("流动范围", max_length=10, choices=Reach.choices, blank=True)
    employer = models.CharField("务工（就业）单位", max_length=LINE_MAX, blank=True)
    host_org = models.CharField("流入地党组织", max_length=LINE_MAX, blank=True)
    contact_person = models.CharField("单位或社区联系人", max_length=NAME_MAX, blank=True)
    contact_phone = models.CharField("联系人电话", max_length=20, blank=True)
    started_on = models.DateField("外出时间")
    reason = models.CharField("流动原因", max_length=REASON_MAX, blank=True)
    card_number = models.CharField("活动证号", max_length=30, blank=True,
                                   help_text="《中国共产党流动党员活动证》编号，未发证的不填。")
    last_report_on = models.DateField("最近一次汇报日期", null=True, blank=True, editable=False)
    ended_on = models.DateField("返回时间", null=True, blank=True, editable=False)
    notes = models.TextField("备注", blank=True, max_length=NOTE_MAX)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = MobilePeriodQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "流动党员记录"
        ordering = ["-started_on", "-pk"]
        constraints = [
            # never two open out-flow periods of one member (members/mobile.py refuses any overlap;
            # this catches two requests at once)
            models.UniqueConstraint(fields=["member"], condition=Q(direction="out", ended_on__isnull=True),
                                    name="one_open_outflow_per_member"),
            models.CheckConstraint(
                condition=(Q(direction="out", member__isnull=False)
                           | Q(direction="in", member__isnull=True, organization__isnull=False)),
                name="mobile_direction_owner",
            ),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                                   name="mobile_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["member", "started_on"], name="mobile_member_started"),
            models.Index(fields=["organization", "ended_on"], name="mobile_org_ended"),
            models.Index(fields=["id_number"], name="mobile_id_number"),
        ]

    def __str__(self):
        who = self.member.name if self.member_id else self.name
        return f"{who}（{self.get_direction_display()} {self.started_on:%Y-%m-%d}）"

    @property
    def is_out(self):
        return self.direction == Direction.OUT

    @property
    def is_open(self):
        return self.ended_on is None

    @property
    def branch(self):
        """The branch that keeps this record: the member's own, or the in-flow person's local one."""
        return self.member.organization if self.member_id else self.organization

    @property
    def audit_scope_path(self):
        return self.branch.path


class MobileReport(models.Model):
    """One report of a mobile member to the branch (思想、工作、学习情况): the 最近一次汇报 of the
    ledger is the latest of them, and for an out-flowing member each counts as a contact."""

    period = models.ForeignKey(MobilePeriod, on_delete=models.PROTECT, related_name="reports")
    reported_on = models.DateField("汇报日期")
    channel = models.CharField("汇报方式", max_length=10, choices=ReportChannel.choices)
    content = models.TextField("汇报内容", max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "流动党员汇报"
        ordering = ["-reported_on", "-pk"]
        indexes = [models.Index(fields=["period", "reported_on"], name="mobile_report_period_day")]

    def __str__(self):
        return f"{self.period}：{self.reported_on:%Y-%m-%d} {self.get_channel_display()}"
