import datetime

from django.core.exceptions import ValidationError
from django.db import models

from core import concurrency
from core.scoping import ScopedQuerySet, under
from core.validators import model_input_errors

from .choices import BRANCH_KINDS, OfficerPost, OrgCategory, OrgKind, Sector

PATH_SEGMENT = 6  # digits per level in the materialized path


class OrganizationQuerySet(ScopedQuerySet):
    scope_path_lookup = "path"

    def active(self):
        return self.filter(is_dissolved=False)

    def branches(self):
        return self.filter(kind__in=BRANCH_KINDS)

    def subtree(self, org):
        return self.filter(under("path", org.path))


class Organization(models.Model):
    """A node of the tree 县委 → 党委/党工委 → 党总支 → 党支部 → 党小组."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("组织类型", max_length=20, choices=OrgKind.choices)
    category = models.CharField("党组织类别", max_length=2, choices=OrgCategory.choices)
    sector = models.CharField("领域", max_length=20, choices=Sector.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级党组织", null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    established_on = models.DateField("成立日期", null=True, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    is_dissolved = models.BooleanField("已撤销", default=False)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField("版本", default=1, db_default=1, editable=False)  # core/concurrency.py

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党组织"
        ordering = ["path"]

    def __str__(self):
        return self.name

    @property
    def audit_scope_path(self):
        return self.path

    @property
    def is_branch(self):
        return self.kind in BRANCH_KINDS

    @property
    def is_group(self):
        return self.kind == OrgKind.GROUP

    def ancestors(self):
        """Ids on the path, root first, excluding self, in one query."""
        ids = [int(s) for s in self.path.split(".") if s][:-1]
        by_id = {o.pk: o for o in Organization.objects.filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]

    def save(self, *args, **kwargs):
        concurrency.bump_on_save(self, kwargs)
        super().save(*args, **kwargs)
        concurrency.after_save(self)

    def clean(self):
        """Clean text, bounded dates (core.validators); founded and dissolved not after today."""
        errors = model_input_errors(self)
        for name in ("established_on", "dissolved_on"):
            value = getattr(self, name)
            if name not in errors and value and value > datetime.date.today():
                errors[name] = "日期不能晚于今天。"
        if self.established_on and self.dissolved_on and self.dissolved_on < self.established_on:
            errors.setdefault("dissolved_on", "撤销日期不能早于成立日期。")
        if errors:
            raise ValidationError(errors)

    def is_within(self, other):
        return self.path.startswith(other.path)

    def secretary(self):
        for officer in self.officers.all():
            if officer.post == OfficerPost.SECRETARY:
                return officer
        return None


class Officer(models.Model):
    """A member of an organization's leading body (班子)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="officers")
    post = models.CharField("职务", max_length=20, choices=OfficerPost.choices)
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "班子成员"
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.get_post_display()} {self.name}"
