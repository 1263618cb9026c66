from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property

from branches.choices import BRANCH_KINDS, COMMITTEE_KINDS, OrgKind
from core.prepared import Prepared
from core.scoping import ALL, collapse, covers


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
    Role.TRACKING_CADRE: tuple(k for k in OrgKind if k != OrgKind.GROUP),
}

# Roles that may change records in their scope; a tracking cadre reads only.
EDITOR_ROLES = (Role.COUNTY_ADMIN, Role.COMMITTEE, Role.BRANCH_SECRETARY)
# Roles that may shape the tree (create, move, dissolve organizations) in their scope.
TREE_ROLES = (Role.COUNTY_ADMIN, Role.COMMITTEE)
# Roles that may manage accounts (those whose grants all lie in their scope).
ACCOUNT_ROLES = (Role.COUNTY_ADMIN, Role.COMMITTEE)


def kinds_label(kinds):
    return "、".join(str(OrgKind(k).label) for k in kinds)


class User(AbstractUser):
    """A person who logs in. What it sees and may do comes from its grants (`Grant`): each a role
    on an organization. The grants are loaded once per request with the user (`grant_list`)."""

    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username

    @cached_property
    def grant_list(self):
        """This user's grants with their organizations, in one query, once per request."""
        if self.pk is None:
            return []
        return GRANTS(self.pk)

    def forget_grants(self):
        self.__dict__.pop("grant_list", None)

    def paths_for(self, roles=None):
        """The collapsed path prefixes covered by the grants of `roles` (all roles when None);
        [ALL] for the whole county."""
        if self.is_superuser:
            return [ALL]
        return collapse(g.scope_path for g in self.grant_list if roles is None or g.role in roles)

    @property
    def scope_paths(self):
        """What this user may see: the union of its granted subtrees ([] = nothing)."""
        return self.paths_for()

    @property
    def editor_paths(self):
        return self.paths_for(EDITOR_ROLES)

    def roles_on(self, path):
        """The roles of the grants covering an organization path."""
        if self.is_superuser:
            return set(Role)
        return {g.role for g in self.grant_list if covers([g.scope_path], path)}

    @property
    def roles(self):
        return {g.role for g in self.grant_list}

    @property
    def can_edit(self):
        """Holds at least one grant that may change records (somewhere)."""
        return self.is_superuser or bool(self.roles & set(EDITOR_ROLES))

    @property
    def can_see_full_ids(self):
        """Whole citizen ID numbers everywhere this user sees: every grant is an editor grant.
        A person who also reads somewhere (a tracking cadre grant) gets full numbers only where an
        editor grant covers the record (accounts.permissions.can_see_full_id)."""
        return self.is_superuser or (bool(self.grant_list) and self.roles <= set(EDITOR_ROLES))

    def sees_full_ids_at(self, path):
        """Whole ID numbers for a record under `path`: an editor grant covers it."""
        return covers(self.editor_paths, path)

    @property
    def can_shape_tree(self):
        return self.is_superuser or bool(self.roles & set(TREE_ROLES))

    @property
    def is_county_admin(self):
        return self.is_superuser or Role.COUNTY_ADMIN in self.roles

    @property
    def can_manage_accounts(self):
        return self.is_superuser or bool(self.roles & set(ACCOUNT_ROLES))

    @property
    def home_branch(self):
        """The branch of this user's only secretary grant (preselected when registering a member)."""
        branches = [g.organization for g in self.grant_list if g.role == Role.BRANCH_SECRETARY]
        return branches[0] if len(branches) == 1 else None

    @property
    def grants_label(self):
        return "；".join(g.label for g in self.grant_list)

    @property
    def audit_scope_path(self):
        """An account's changes are seen by whoever may manage it: the deepest organization whose
        subtree holds all its grants."""
        paths = [g.organization.path for g in self.grant_list]
        if not paths:
            return ALL
        common = paths[0]
        for p in paths[1:]:
            while not p.startswith(common):
                common = common[:common.rstrip(".").rfind(".") + 1]
        if any(g.organization.parent_id is None for g in self.grant_list):
            return ALL
        return common


class Grant(models.Model):
    """One role of a user on one organization (and its subtree)."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="grants")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        "branches.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="grants",
    )
    created_at = models.DateTimeField("授权时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "授权"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organization"], name="grant_unique",
                                    violation_error_message="该用户在这个党组织已有这个角色。"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return f"{self.organization.name}·{self.get_role_display()}" if self.organization_id else self.get_role_display()

    @property
    def scope_path(self):
        # The county committee: the whole tree, with no path filter to pay for.
        return ALL if self.organization.parent_id is None else self.organization.path

    def clean(self):
        super().clean()
        if not self.role or not self.organization_id:
            return
        allowed = ROLE_ORG_KINDS.get(self.role, ())
        if self.organization.kind not in allowed:
            raise ValidationError({"organization": (
                f"“{self.get_role_display()}”只能授予{kinds_label(allowed)}，"
                f"“{self.organization.name}”是{self.organization.get_kind_display()}。"
            )})
        if self.organization.is_dissolved:
            raise ValidationError({"organization": f"“{self.organization.name}”已撤销，不能授权。"})


# User.grant_list's query, compiled once per connection (core/prepared.py): it runs on every page.
GRANTS = Prepared(
    lambda user_id: Grant.objects.filter(user_id=user_id).select_related("organization").order_by(
        "organization__path", "role"),
    sentinel=-987_654_321,
)
