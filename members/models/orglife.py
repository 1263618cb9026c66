"""Organizational life (组织生活): the branch's meetings (三会一课 and 主题党日) with each member's
attendance, and the contacts a branch records outside meetings (谈话, 电话, 走访). Both are sources of
the six-month contact clock (members/contacts.py); the rules and the writes are in members/orglife.py."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.scoping import scoped_manager
from core.validators import LINE_MAX, NOTE_MAX, REASON_MAX, model_input_errors


class MeetingKind(models.TextChoices):
    GENERAL = "general", "支部党员大会"
    COMMITTEE = "committee", "支部委员会"
    GROUP = "group", "党小组会"
    LECTURE = "lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"


class AbsenceReason(models.TextChoices):
    """Why a member missed a meeting (a reason is required: 党章第九条 counts absence without one)."""

    WORK = "work", "因公"
    ILLNESS = "illness", "因病"
    PERSONAL = "personal", "因事"
    AWAY = "away", "外出务工经商"
    FRAIL = "frail", "年老体弱行动不便"
    UNREACHABLE = "unreachable", "联系不上"
    OTHER = "other", "其他"


class ContactMethod(models.TextChoices):
    TALK = "talk", "谈话"
    PHONE = "phone", "电话"
    VISIT = "visit", "走访"
    OTHER = "other", "其他"


TOPIC_MAX = 100


class Meeting(models.Model):
    """One meeting of a branch (a 党小组会: of one of its party groups)."""

    organization = models.ForeignKey(
        "branches.Organization", verbose_name="党支部", on_delete=models.PROTECT, related_name="meetings",
    )
    party_group = models.ForeignKey(
        "branches.Organization", verbose_name="党小组", null=True, blank=True, on_delete=models.PROTECT,
        related_name="group_meetings",
    )
    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField("会议日期")
    topic = models.CharField("主题", max_length=TOPIC_MAX)
    place = models.CharField("地点", max_length=LINE_MAX, blank=True)
    host = models.CharField("主持人", max_length=50, blank=True)
    notes = models.TextField("主要内容", max_length=NOTE_MAX, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   editable=False, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = scoped_manager("organization__path")

    class Meta:
        verbose_name = verbose_name_plural = "组织生活会议"
        ordering = ["-held_on", "-pk"]
        indexes = [
            # the quarterly 三会一课 summary: every branch's meetings of a quarter, by kind
            models.Index(fields=["held_on", "organization", "kind"], name="meeting_quarter"),
            models.Index(fields=["organization", "-held_on"], name="meeting_branch_date"),
        ]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"

    @property
    def audit_scope_path(self):
        return self.organization.path

    def clean(self):
        errors = model_input_errors(self)  # clean script, the notes' length, dates in range
        if errors:
            raise ValidationError(errors)


class Attendance(models.Model):
    """A member at a meeting: present, or absent with a reason."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="attendances")
    present = models.BooleanField("出席", default=True)
    absence_reason = models.CharField("缺席原因", max_length=20, choices=AbsenceReason.choices, blank=True)
    absence_note = models.CharField("缺席说明", max_length=LINE_MAX, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "出席情况"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member"),
            models.CheckConstraint(condition=models.Q(present=True) | ~models.Q(absence_reason=""),
                                   name="absence_has_reason"),
        ]
        indexes = [
            # the clock's source: a member's latest meeting attended
            models.Index(fields=["member", "present"], name="attendance_member"),
        ]

    def __str__(self):
        return f"{self.member_id} @ {self.meeting_id}"

    @property
    def status_label(self):
        if self.present:
            return "出席"
        reason = self.get_absence_reason_display()
        return f"缺席（{reason}{'：' + self.absence_note if self.absence_note else ''}）"


class ContactRecord(models.Model):
    """A contact with a member outside meetings: a talk, a call, a visit. Counts for the clock."""

    member = models.ForeignKey("members.Member", verbose_name="党员", on_delete=models.PROTECT,
                               related_name="contact_records")
    contacted_on = models.DateField("联系日期")
    method = models.CharField("联系方式", max_length=10, choices=ContactMethod.choices)
    note = models.CharField("联系情况", max_length=REASON_MAX, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    editable=False, related_name="+")
    recorded_by_name = models.CharField("登记人", max_length=150, blank=True, editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = scoped_manager("member__organization__path")

    class Meta:
        verbose_name = verbose_name_plural = "联系记录"
        ordering = ["-contacted_on", "-pk"]
        indexes = [models.Index(fields=["member", "contacted_on"], name="contact_member_date")]

    def __str__(self):
        return f"{self.contacted_on:%Y-%m-%d} {self.get_method_display()}"

    @property
    def audit_scope_path(self):
        return self.member.organization.path

    def clean(self):
        errors = model_input_errors(self)
        if errors:
            raise ValidationError(errors)
