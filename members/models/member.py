import datetime
import functools
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from pypinyin import lazy_pinyin

from branches.choices import OrgKind
from core import concurrency
from core.scoping import ScopedQuerySet
from core.validators import NOTE_MAX, model_input_errors, normalize_phone

from .. import idcard
from ..choices import (
    Category,
    Degree,
    Education,
    Ethnicity,
    Gender,
    JobCategory,
    LostContactReason,
    MembershipStatus,
    RemovalKind,
    RollState,
)

PHONE = re.compile(r"1[0-9]{10}")  # ASCII digits only (isdigit() would take ١٣٨…)


def pinyin_key(name):
    """A sort key that orders Chinese names by pinyin on SQLite and PostgreSQL alike."""
    return " ".join(lazy_pinyin(name or ""))[:200]


NOT_LETTER = re.compile(r"[^a-z]")


@functools.lru_cache(maxsize=8192)  # the demo's 30,000 members share a few thousand names
def name_keys(name):
    """(name_pinyin, name_initials, name_spelled) of a name: the sort key "zhang hong mei", the
    initials "zhm" and the pinyin run together "zhanghongmei", the last two in a-z only (the
    roster's search matches a prefix of either, members/roster.py)."""
    key = pinyin_key(name)
    syllables = [NOT_LETTER.sub("", s.lower()) for s in key.split()]
    return key, "".join(s[0] for s in syllables if s)[:50], "".join(syllables)[:200]


NAME_KEYS = ("name_pinyin", "name_initials", "name_spelled")


def add_years(d, years):
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


# 临时党支部 (set up for a project, a training course, a mobile group) holds no member's formal
# relationship: its members are listed there while their relationship stays in their own branch.
TEMP_BRANCH_RULE = (
    "临时党支部不接转党员的正式组织关系：党员的组织关系应留在原党支部（或转入正式党支部），不能登记或转入临时党支部。"
)


class MemberQuerySet(ScopedQuerySet):
    scope_path_lookup = "organization__path"

    def on_roll(self):
        return self.filter(roll_state=RollState.ON_ROLL)

    def bulk_create(self, objs, *args, **kwargs):
        """The name's search keys are kept here for every bulk path (import, demo, bench county,
        tests), as save() keeps them for one member."""
        objs = list(objs)
        for obj in objs:
            obj.set_name_keys()
        return super().bulk_create(objs, *args, **kwargs)


class Member(models.Model):
    """One party member's record. Never deleted: leaving the roll is a change of roll state."""

    name = models.CharField("姓名", max_length=50)
    name_pinyin = models.CharField(max_length=200, editable=False, db_index=True)
    # The roster's search by pinyin: 张红梅 is found by "zhm" and by "zhanghongmei" (name_keys).
    name_initials = models.CharField(max_length=50, editable=False, default="")
    name_spelled = models.CharField(max_length=200, editable=False, default="")
    gender = models.CharField("性别", max_length=2, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=10, choices=Ethnicity.choices, default="汉族")
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("公民身份号码", max_length=18)
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    degree = models.CharField("学位", max_length=20, choices=Degree.choices, blank=True)
    category = models.CharField("人员类别", max_length=20, choices=Category.choices)
    joined_on = models.DateField("入党日期")
    full_member_on = models.DateField("转正日期", null=True, blank=True)
    job_category = models.CharField("工作岗位", max_length=20, choices=JobCategory.choices)
    work_unit = models.CharField("工作单位", max_length=100, blank=True)
    post = models.CharField("职务", max_length=50, blank=True)
    tech_title = models.CharField("从事专业技术职务", max_length=50, blank=True)
    new_social_stratum = models.CharField("新社会阶层类型", max_length=50, blank=True)
    is_migrant_worker = models.BooleanField("是否农民工", default=False)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    organization = models.ForeignKey(
        "branches.Organization", verbose_name="所在党支部", on_delete=models.PROTECT,
        related_name="members",
    )
    party_group = models.ForeignKey(
        "branches.Organization", verbose_name="所在党小组", null=True, blank=True,
        on_delete=models.PROTECT, related_name="group_members",
    )
    household_registration = models.CharField("户籍所在地", max_length=100, blank=True)
    residence = models.CharField("现居住地", max_length=100, blank=True)
    membership_status = models.CharField(
        "党籍状态", max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.NORMAL
    )
    membership_status_on = models.DateField("党籍状态日期", null=True, blank=True)
    probation_extended_months = models.PositiveSmallIntegerField("延长预备期（月）", default=0)
    is_lost_contact = models.BooleanField("是否失联党员", default=False)
    lost_contact_reason = models.CharField(
        "失去联系情形", max_length=2, choices=LostContactReason.choices, blank=True
    )
    lost_contact_since = models.DateField("失去联系日期", null=True, blank=True)
    is_mobile = models.BooleanField("是否流动党员", default=False)
    # The six-month contact clock (members/contacts.py): the latest of attendance, dues payment or a
    # recorded contact. Kept by contacts.touch/refresh only, never by a form.
    last_contact_on = models.DateField("最近联系日期", null=True, blank=True, editable=False, db_index=True)
    notes = models.TextField("备注", blank=True, max_length=NOTE_MAX)
    roll_state = models.CharField(
        "在册状态", max_length=20, choices=RollState.choices, default=RollState.ON_ROLL
    )
    roll_state_on = models.DateField("状态变更日期", null=True, blank=True)
    removal_kind = models.CharField("出党方式", max_length=20, choices=RemovalKind.choices, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1, db_default=1, editable=False)  # core/concurrency.py

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党员"
        ordering = ["name_pinyin", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=Q(roll_state="on_roll"),
                name="unique_id_number_on_roll",
                violation_error_message="该公民身份号码已登记为在册党员。",
            ),
        ]
        indexes = [
            models.Index(fields=["roll_state", "name_pinyin", "id"], name="member_roll_name"),
            # The roster's count by 人员类别 reads this index alone (3 ms on 30,000, not 70 ms).
            models.Index(fields=["roll_state", "category"], name="member_roll_category"),
            # The roster's tree counts the members on the roll by branch from this index alone.
            models.Index(fields=["roll_state", "organization"], name="member_roll_org"),
            models.Index(fields=["id_number"], name="member_id_number"),
            # Searched by prefix as a range (>= "zhm" and < "zhn"), which both databases walk on a
            # plain index (SQLite's LIKE is case-insensitive and cannot; members/roster.py).
            models.Index(fields=["name_initials"], name="member_initials"),
            models.Index(fields=["name_spelled"], name="member_spelled"),
            models.Index(fields=["phone"], name="member_phone"),
            # the few flagged as mobile (the ledger's "flagged without an out-flow record" count)
            models.Index(fields=["is_mobile", "roll_state"], name="member_mobile"),
        ]

    def __str__(self):
        return self.name

    @property
    def audit_scope_path(self):
        return self.organization.path

    @property
    def masked_id(self):
        return idcard.mask(self.id_number)

    @property
    def on_roll(self):
        return self.roll_state == RollState.ON_ROLL

    def normalize(self):
        """Numbers in their one stored form, so that a full-width copy is the same number."""
        self.id_number = idcard.normalize(self.id_number)
        self.phone = normalize_phone(self.phone)

    def set_name_keys(self):
        self.name = (self.name or "").strip()
        self.name_pinyin, self.name_initials, self.name_spelled = name_keys(self.name)

    def save(self, *args, **kwargs):
        self.normalize()
        self.set_name_keys()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *NAME_KEYS, "updated_at"}
        concurrency.bump_on_save(self, kwargs)
        super().save(*args, **kwargs)
        concurrency.after_save(self)

    def _enters(self, org):
        """Is this member being registered in, or moved to, `org` (rather than already there)?"""
        return self.pk is None or not Member.objects.filter(pk=self.pk, organization_id=org.pk).exists()

    def placement_errors(self):
        """{field: message} when the member's branch or party group cannot take it: not a branch,
        dissolved, or a group of another branch. (Checked on every save through clean, and when a
        member comes back onto the roll.)"""
        errors = {}
        org = self.organization if self.organization_id else None
        if org is not None:
            if org.kind not in (OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.TEMP_BRANCH):
                errors["organization"] = "党员只能编入党支部（含联合党支部）。"
            elif org.kind == OrgKind.TEMP_BRANCH and self._enters(org):
                errors["organization"] = TEMP_BRANCH_RULE
            elif org.is_dissolved:
                errors["organization"] = f"“{org.name}”已撤销，不能编入党员。"
        group = self.party_group if self.party_group_id else None
        if group is not None:
            if group.kind != OrgKind.GROUP:
                errors["party_group"] = "所选组织不是党小组。"
            elif org is not None and group.parent_id != org.pk:
                errors["party_group"] = f"“{group.name}”不属于{org.name}，党员只能编入本支部的党小组。"
            elif group.is_dissolved:
                errors["party_group"] = f"“{group.name}”已撤销，不能编入党员。"
        return errors

    def clean(self):
        """The rules of a member record. Errors are keyed by field, in Chinese."""
        self.normalize()
        errors = model_input_errors(self)  # clean script, bounded text, dates from 1900 on
        today = datetime.date.today()

        problem = idcard.validate(self.id_number) if self.id_number else None
        if problem:
            errors["id_number"] = problem
        elif self.id_number:
            if self.birth_date and idcard.birth_date(self.id_number) != self.birth_date:
                errors["birth_date"] = "出生日期与公民身份号码中的出生日期不一致。"
            if self.gender and idcard.gender(self.id_number) != self.gender:
                errors["gender"] = "性别与公民身份号码不一致（第17位奇数为男、偶数为女）。"

        if self.birth_date and self.birth_date > today:
            errors["birth_date"] = "出生日期不能晚于今天。"
        if self.joined_on:
            if self.joined_on > today:
                errors["joined_on"] = "入党日期不能晚于今天。"
            elif self.birth_date and self.joined_on <= self.birth_date:
                errors["joined_on"] = "入党日期应晚于出生日期。"
            elif self.birth_date and self.joined_on < add_years(self.birth_date, 18):
                errors["joined_on"] = "入党时应年满十八周岁，请核对入党日期和出生日期。"

        if self.category == Category.PROBATIONARY and self.full_member_on:
            errors["full_member_on"] = "预备党员没有转正日期，请清空或把人员类别改为正式党员。"
        if self.category == Category.FULL:
            if not self.full_member_on:
                errors["full_member_on"] = "正式党员请填写转正日期。"
            elif self.full_member_on > today:
                errors["full_member_on"] = "转正日期不能晚于今天。"
            elif self.joined_on and self.full_member_on < add_years(self.joined_on, 1):
                errors["full_member_on"] = "转正日期应不早于入党日期满一年（预备期为一年）。"

        if self.is_lost_contact:
            if not self.lost_contact_reason:
                errors["lost_contact_reason"] = "失联党员请选择失去联系情形。"
            if not self.lost_contact_since:
                errors["lost_contact_since"] = "失联党员请填写失去联系日期。"
            elif self.lost_contact_since > today:
                errors["lost_contact_since"] = "失去联系日期不能晚于今天。"

        errors.update(self.placement_errors())
        if self.phone and not PHONE.fullmatch(self.phone):
            errors["phone"] = "手机号码应为以1开头的11位数字。"
        if errors:
            raise ValidationError(errors)


class PlacementReason(models.TextChoices):
    """Why a placement began or ended."""

    RECORDS = "records", "据原有记录"
    REGISTRATION = "registration", "登记"
    MOVE = "move", "转移"
    MERGE = "merge", "整体转移"
    GROUP = "group", "调整党小组"
    TRANSFER_OUT = "transfer_out", "转出"
    RETURN = "return", "恢复在册"
    REMOVED = "removed", "出党"
    DECEASED = "deceased", "去世"
    LEFT = "left", "离开在册"
    TRANSFER = "transfer", "组织关系转接"  # within the county, confirmed by the receiving side
    TRANSFER_IN = "transfer_in", "从县外转入"
    LETTER_CANCELLED = "letter_cancelled", "介绍信作废，恢复在册"


class PlacementQuerySet(models.QuerySet):
    def during(self, start, end):
        """Placements that cover at least one day of [start, end] (both inclusive)."""
        return self.filter(started_on__lte=end).filter(
            Q(ended_on__isnull=True) | (Q(ended_on__gt=start) & Q(ended_on__gt=models.F("started_on")))
        )

    def on(self, day):
        return self.during(day, day)


class Placement(models.Model):
    """One stretch of a member in a branch (and party group): from `started_on` up to the day
    before `ended_on` (None: still there). Written by members.services with the audit of the
    change; read through members.placements."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="placements")
    organization = models.ForeignKey(
        "branches.Organization", verbose_name="党支部", on_delete=models.PROTECT, related_name="+",
    )
    party_group = models.ForeignKey(
        "branches.Organization", verbose_name="党小组", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    started_on = models.DateField("起始日期")
    ended_on = models.DateField("截止日期", null=True, blank=True)
    start_reason = models.CharField("起因", max_length=20, choices=PlacementReason.choices)
    end_reason = models.CharField("止因", max_length=20, choices=PlacementReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "组织关系记录"
        ordering = ["member", "started_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(ended_on__isnull=True),
                                    name="one_open_placement_per_member"),
        ]
        indexes = [
            # "who belonged to these branches during [start, end]": covers the whole query
            models.Index(fields=["organization", "started_on", "ended_on", "member"], name="placement_during"),
            # "who left these branches during [start, end]"
            models.Index(fields=["organization", "ended_on"], name="placement_left"),
        ]

    def __str__(self):
        return f"{self.member_id} @ {self.organization_id} {self.started_on}–{self.ended_on or ''}"
