"""Who may do what, on top of scope (which decides what a user sees at all).

A person may hold several grants; what it may do on a record is decided by the grants that cover
that record's organization (a secretary of branch A who also follows unit B as a tracking cadre
edits A's members and only reads B's)."""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from branches.choices import OrgKind
from branches.models import Organization
from core.scoping import ALL, covers, paths_q

from .models import ACCOUNT_ROLES, TREE_ROLES, Grant, Role, User

# --- members -------------------------------------------------------------------------------


def can_edit_members(user):
    """Holds some grant that may register and change members (somewhere)."""
    return user.can_edit


def can_edit_member(user, member):
    """An editor grant covers the member's branch."""
    return covers(user.editor_paths, member.organization.path)


def can_see_full_id(user, member):
    """Whole citizen ID numbers where an editor grant covers the record; masked elsewhere."""
    return can_edit_member(user, member)


def full_id_paths(user):
    """The prefixes under which this user sees whole ID numbers (for files and lists)."""
    return user.editor_paths


def editable_orgs(user):
    """Organizations under one of this user's editor grants."""
    return Organization.objects.within(user.editor_paths)


# --- organizations -------------------------------------------------------------------------


def creatable_kinds(user, parent=None):
    """The organization kinds a user may create (under `parent`, or anywhere in its scope)."""
    roles = user.roles_on(parent.path) if parent is not None else user.roles | ({*Role} if user.is_superuser else set())
    if roles & set(TREE_ROLES):
        return [k for k in OrgKind if k != OrgKind.COUNTY]
    if Role.BRANCH_SECRETARY in roles:
        return [OrgKind.GROUP]
    return []


def creatable_parents(user):
    """The organizations a "create organization" form offers as parent: under editor grants."""
    return editable_orgs(user).active()


def check_create(user, parent, kind):
    """Refuse, in Chinese, a kind that the grants covering `parent` do not allow."""
    if kind not in creatable_kinds(user, parent):
        raise ValidationError({"kind": f"您在“{parent.name}”之下不能新建{OrgKind(kind).label}。"})


def can_edit_org(user, org):
    roles = user.roles_on(org.path)
    # A secretary edits its own branch (and its party groups): its grant covers nothing else.
    return bool(roles & {*TREE_ROLES, Role.BRANCH_SECRETARY})


def can_restructure_org(user, org):
    """Move or dissolve: never the root of a grant (it would leave the grant's subtree)."""
    if org.parent_id is None:
        return False
    if user.is_superuser:
        return True
    for g in user.grant_list:
        if not covers([g.scope_path], org.path):
            continue
        if g.role == Role.COUNTY_ADMIN:
            return True
        if g.role == Role.COMMITTEE and org.pk != g.organization_id:
            return True
        if g.role == Role.BRANCH_SECRETARY and org.kind == OrgKind.GROUP:
            return True
    return False


def restructure_parents(user):
    """Where an organization may be moved to: under this user's editor grants."""
    return editable_orgs(user).active()


# --- accounts ------------------------------------------------------------------------------


def manage_paths(user):
    return user.paths_for(ACCOUNT_ROLES)


def can_manage_accounts(user):
    return bool(manage_paths(user))


def grantable_roles(user):
    """A committee never grants county_admin."""
    if user.is_county_admin:
        return list(Role)
    if can_manage_accounts(user):
        return [r for r in Role if r != Role.COUNTY_ADMIN]
    return []


def grantable_orgs(user):
    return Organization.objects.active().within(manage_paths(user))


def manageable_users(user):
    """The accounts a user may manage: all, for a county administrator; for a committee, the
    accounts that hold grants and whose grants all lie in its subtree (never a superuser)."""
    paths = manage_paths(user)
    if not paths:
        return User.objects.none()
    if ALL in paths:
        return User.objects.all()
    q = paths_q("organization__path", paths)
    outside = Grant.objects.filter(user=OuterRef("pk")).exclude(q)
    inside = Grant.objects.filter(user=OuterRef("pk"))
    return User.objects.filter(Exists(inside), ~Exists(outside), is_superuser=False)


def check_grant(user, role, org):
    """Refuse, in Chinese, a grant beyond the granter's subtree or of a role it may not give."""
    if role not in grantable_roles(user):
        raise ValidationError({"role": f"您不能授予“{Role(role).label}”角色。"})
    if not covers(manage_paths(user), org.path):
        raise ValidationError({"organization": "所选党组织不存在或不在您的管理范围内。"})


# --- Party decisions (core/decisions.py) ---------------------------------------------------
# A unit proposes, the level above approves. Both take the path of the proposing branch.
APPROVER_ROLES = (Role.COUNTY_ADMIN, Role.COMMITTEE)


def can_propose_decision(user, branch_path):
    """The branch's secretary, or an editor grant above it."""
    return user.is_active and covers(user.editor_paths, branch_path)


def can_approve_decision(user, branch_path):
    """The level above: a committee or county administrator grant covering the branch's parent
    organization (a grant on the branch itself never approves the branch's own proposals)."""
    parent_path = branch_path[: branch_path.rstrip(".").rfind(".") + 1]
    return user.is_active and bool(parent_path) and covers(user.paths_for(APPROVER_ROLES), parent_path)
