from django.contrib.auth.models import AbstractUser
from django.db import models

from branches.choices import BRANCH_KINDS, COMMITTEE_KINDS, OrgKind


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", "组织部管理员"
    COMMITTEE = "committee", "党(工)委"
    BRANCH_SECRETARY = "branch_secretary", "党支部书记"
    TRACKING_CADRE = "tracking_cadre", "跟踪指导责任人"


# On which kinds of organization a role may be held.
ROLE_ORG_KINDS = {
    Role.COUNTY_ADMIN: (OrgKind.COUNTY,),
    Role.COMMITTEE: (*COMMITTEE_KINDS, OrgKind.GENERAL_BRANCH),
    Role.BRANCH_SECRETARY: BRANCH_KINDS,
    Role.TRACKING_CADRE: tuple(OrgKind),
}

# Roles that may change records in their scope; a tracking cadre reads only.
EDITOR_ROLES = (Role.COUNTY_ADMIN, Role.COMMITTEE, Role.BRANCH_SECRETARY)
# Roles that may shape the tree (create, move, dissolve organizations) in their scope.
TREE_ROLES = (Role.COUNTY_ADMIN, Role.COMMITTEE)


class User(AbstractUser):
    """A person who logs in, holding one role on one organization."""

    display_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, blank=True)
    organization = models.ForeignKey(
        "branches.Organization", verbose_name="所在党组织", null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username

    @property
    def scope_path(self):
        """Path prefix of what this user may see ("" = whole county, None = nothing)."""
        if self.is_superuser:
            return ""
        if not self.role or self.organization_id is None:
            return None
        if self.organization.parent_id is None:
            return ""  # the county committee: the whole tree, with no path filter to pay for
        return self.organization.path

    @property
    def can_edit(self):
        return self.is_superuser or self.role in EDITOR_ROLES

    @property
    def can_see_full_ids(self):
        """Whole citizen ID numbers on the member page, in files and in histories; a read-only
        role sees them masked."""
        return self.can_edit

    @property
    def can_shape_tree(self):
        return self.is_superuser or self.role in TREE_ROLES
