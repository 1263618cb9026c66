"""Accounts and grants: every change in one transaction with its audit entry, whether made in the
app's account pages or in the Django admin (accounts/admin.py calls the same recorders)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import audit

from . import permissions
from .models import Grant, User

Action = audit.Action
ACCOUNT_FIELDS = ["username", "display_name", "phone", "is_active", "is_staff", "is_superuser"]
# Changes that are not fields of User (labels registered in accounts/apps.py).
GRANTS = "grants"
PASSWORD = "password"
DELETED = "deleted"


def account_snapshot(user):
    return audit.snapshot(user, ACCOUNT_FIELDS)


def grants_text(user):
    user.forget_grants()
    return "；".join(g.label for g in user.grant_list)


def record_account(actor, user, action, *, before=None, grants_before=None, reason="", password=False):
    """One audit entry on the account: its fields, its grants and a password reset, as changed."""
    changes = {}
    if before is not None or action == Action.CREATE:
        changes.update(audit.diff(before or {}, account_snapshot(user), user))
    if grants_before is not None:
        after = grants_text(user)
        if after != grants_before:
            changes[GRANTS] = [grants_before, after]
    if password:
        changes[PASSWORD] = ["", "已重置"]
    if changes or action == Action.CREATE:
        audit.record(actor, user, action, changes=changes, reason=reason)


def record_deletion(actor, user, reason):
    """The last entry of a deleted account: what it held (its history stays in the audit)."""
    audit.record(actor, user, Action.UPDATE, changes={GRANTS: [grants_text(user), ""], DELETED: ["", "是"]},
                 reason=reason)


def _check(grant):
    try:
        grant.full_clean(exclude=["user"], validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


@transaction.atomic
def create_account(actor, *, username, display_name, phone, password, role, organization, reason=""):
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用。"})
    permissions.check_grant(actor, role, organization)
    grant = Grant(role=role, organization=organization)
    _check(grant)
    user = User(username=username, display_name=display_name, phone=phone)
    user.set_password(password)
    user.save()
    grant.user = user
    grant.save()
    record_account(actor, user, Action.CREATE, grants_before="", reason=reason)
    return user


@transaction.atomic
def update_account(actor, user, *, display_name, phone, reason=""):
    before = account_snapshot(user)
    user.display_name, user.phone = display_name, phone
    user.save(update_fields=["display_name", "phone"])
    record_account(actor, user, Action.UPDATE, before=before, reason=reason)
    return user


@transaction.atomic
def set_active(actor, user, active, reason=""):
    if actor is not None and actor.pk == user.pk and not active:
        raise ValidationError("不能停用自己的账号。")
    before = account_snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_account(actor, user, Action.UPDATE, before=before, reason=reason or ("启用账号" if active else "停用账号"))
    return user


@transaction.atomic
def reset_password(actor, user, password, reason=""):
    user.set_password(password)
    user.save(update_fields=["password"])
    record_account(actor, user, Action.UPDATE, password=True, reason=reason or "重置密码")
    return user


@transaction.atomic
def grant(actor, user, role, organization, reason=""):
    permissions.check_grant(actor, role, organization)
    before = grants_text(user)
    new = Grant(user=user, role=role, organization=organization)
    _check(new)
    if Grant.objects.filter(user=user, role=role, organization=organization).exists():
        raise ValidationError("该用户在这个党组织已有这个角色。")
    try:
        with transaction.atomic():
            new.save()
    except IntegrityError:
        raise ValidationError("该用户在这个党组织已有这个角色。") from None
    record_account(actor, user, Action.UPDATE, grants_before=before, reason=reason or f"授权：{new.label}")
    return new


@transaction.atomic
def revoke(actor, user, grant_obj, reason=""):
    if grant_obj.user_id != user.pk:
        raise ValidationError("该授权不属于这个账号。")
    before = grants_text(user)
    if len(user.grant_list) <= 1:
        raise ValidationError("账号至少要保留一项授权；不再使用的账号请停用。")
    label = grant_obj.label
    grant_obj.delete()
    record_account(actor, user, Action.UPDATE, grants_before=before, reason=reason or f"撤销授权：{label}")
