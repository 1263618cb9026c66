"""Audit: every change leaves an entry, written in the same transaction as the change.

    before = audit.snapshot(member, FIELDS)
    ... change member ...
    audit.record(user, member, AuditEntry.Action.UPDATE, before=before,
                 after=audit.snapshot(member, FIELDS), reason=reason)

A workflow action (submit, approve, print) is recorded the same way with no before/after.
"""

import datetime
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import AuditEntry

Action = AuditEntry.Action


def display_value(obj, field_name):
    """The value of a field as a person reads it (choice labels, related names, dates)."""
    field = obj._meta.get_field(field_name)
    if field.choices:
        value = getattr(obj, field_name)
        if value in (None, ""):
            return ""
        return str(dict(field.flatchoices).get(value, value))
    value = getattr(obj, field_name)
    if value is None:
        return ""
    if isinstance(field, models.BooleanField):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def snapshot(obj, fields):
    return {name: display_value(obj, name) for name in fields}


def diff(before, after, obj=None):
    """{verbose name: [before, after]} for the fields whose value changed."""
    changes = {}
    for name in after:
        if before.get(name) != after[name]:
            label = name
            if obj is not None:
                label = str(obj._meta.get_field(name).verbose_name)
            changes[label] = [before.get(name, ""), after[name]]
    return changes


def _actor_name(actor):
    if actor is None:
        return "系统"
    full = getattr(actor, "display_name", "") or actor.get_username()
    return full


def record(actor, obj, action, *, before=None, after=None, changes=None, reason="", batch=None):
    """Write one audit entry for `obj`. Must run inside the change's transaction."""
    if changes is None:
        changes = diff(before or {}, after or {}, obj) if after is not None else {}
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change")
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=_actor_name(actor),
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action=action,
        changes=changes,
        reason=reason or "",
        batch=batch,
        scope_path=getattr(obj, "audit_scope_path", ""),
    )


def new_batch():
    """One id shared by the entries of a bulk change."""
    return uuid.uuid4()


def history(obj):
    return AuditEntry.objects.for_object(obj).select_related("actor")


# Pages of audited objects, so that the audit log links to them:
#   audit.register_page(Member, "members:detail")
_pages = {}


def register_page(model, url_name):
    _pages[model._meta.label_lower] = (model._meta.verbose_name, url_name)


def page_kinds():
    """[(label_lower, verbose name)] of the models whose entries link to a page."""
    return [(label, str(name)) for label, (name, _) in _pages.items()]


def object_url(entry):
    from django.urls import reverse

    found = _pages.get(f"{entry.content_type.app_label}.{entry.content_type.model}")
    return reverse(found[1], args=[entry.object_id]) if found else None


# Values a viewer sees only when allowed to (user.can_see_full_ids), e.g. the citizen ID number:
#   audit.register_sensitive("公民身份号码", idcard.mask)
_sensitive = {}


def register_sensitive(label, mask):
    _sensitive[label] = mask


def shown_changes(entry, full):
    """[(label, before, after)] of an entry, sensitive values masked unless `full`."""
    out = []
    for label, (before, after) in entry.changes.items():
        if not full and label in _sensitive:
            before, after = _sensitive[label](before), _sensitive[label](after)
        out.append((label, before, after))
    return out
