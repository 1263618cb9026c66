"""Who may do what, on top of scope (which decides what a user sees at all)."""

from branches.choices import OrgKind

from .models import Role


def can_edit_members(user):
    return user.can_edit


def creatable_kinds(user):
    """The organization kinds a user may create (within its scope)."""
    if user.is_superuser or user.role in (Role.COUNTY_ADMIN, Role.COMMITTEE):
        return [k for k in OrgKind if k != OrgKind.COUNTY]
    if user.role == Role.BRANCH_SECRETARY:
        return [OrgKind.GROUP]
    return []


def can_edit_org(user, org):
    if user.is_superuser or user.role in (Role.COUNTY_ADMIN, Role.COMMITTEE):
        return True
    # A secretary edits its own branch (and its party groups), nothing else: scope already
    # keeps everything outside the branch away.
    return user.role == Role.BRANCH_SECRETARY and (org.kind == OrgKind.GROUP or org.pk == user.organization_id)


def can_restructure_org(user, org):
    """Move or dissolve: never the root of one's own scope (it would leave the scope)."""
    if org.parent_id is None:
        return False
    if user.is_superuser or user.role == Role.COUNTY_ADMIN:
        return True
    if user.role == Role.COMMITTEE:
        return org.pk != user.organization_id
    if user.role == Role.BRANCH_SECRETARY:
        return org.kind == OrgKind.GROUP
    return False
