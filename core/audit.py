"""Audit: every change leaves an entry, written in the same transaction as the change.

    before = audit.snapshot(member, FIELDS)
    ... change member ...
    audit.record(user, member, audit.Action.UPDATE, before=before,
                 after=audit.snapshot(member, FIELDS), reason=reason)

Changes are stored by field name ({"phone": ["old", "new"]}); the Chinese label is looked up when
an entry is shown, so renaming a label changes nothing stored (and masks nothing less).

The kinds of action are open: an app registers its own (with the label people read) when it starts,

    audit.register_action("approve", "批准")

and a workflow action (submit, approve, print) is recorded like a change, usually with no before/after.
"""

import datetime
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from .models import AuditEntry

# -- kinds of action ---------------------------------------------------------------------------

_actions = {}


def register_action(key, label):
    """Declare a kind of action. Registering the same key twice with another label is an error."""
    if _actions.get(key, label) != label:
        raise ValueError(f"audit action {key!r} is already registered as {_actions[key]!r}")
    if len(key) > AuditEntry._meta.get_field("action").max_length:
        raise ValueError(f"audit action {key!r} is too long")
    _actions[key] = label
    return key


def action_label(key):
    return _actions.get(key, key)


def action_choices():
    """[(key, label)] of the registered kinds, for the audit log's filter."""
    return list(_actions.items())


class Action:
    """The kinds core itself records; apps register theirs with register_action."""

    CREATE = register_action("create", "新建")
    UPDATE = register_action("update", "修改")
    MOVE = register_action("move", "调动")
    STATE = register_action("state", "状态变更")
    DISSOLVE = register_action("dissolve", "撤销")
    BULK = register_action("bulk", "批量修改")
    EXPORT = register_action("export", "导出")


# -- values and changes ------------------------------------------------------------------------

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


def editable_fields(model):
    """The names of the fields a person edits on `model` (its editable concrete fields): what an
    edit audits, so that a field added to the model is audited without anyone listing it."""
    return [f.name for f in model._meta.concrete_fields if f.editable and not f.primary_key]


def snapshot(obj, fields):
    return {name: display_value(obj, name) for name in fields}


def diff(before, after, obj=None):
    """{field name: [before, after]} for the fields whose value changed. (`obj` is accepted for the
    callers written when changes were keyed by label; it is no longer needed.)"""
    return {name: [before.get(name, ""), value] for name, value in after.items() if before.get(name) != value}


def _actor_name(actor):
    if actor is None:
        return "系统"
    full = getattr(actor, "display_name", "") or actor.get_username()
    return full


def record(actor, obj, action, *, before=None, after=None, changes=None, reason="", batch=None):
    """Write one audit entry for `obj`. Must run inside the change's transaction."""
    if action not in _actions:
        raise ValueError(f"unregistered audit action {action!r}: declare it with audit.register_action")
    if changes is None:
        changes = diff(before or {}, after or {}) if after is not None else {}
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change")
    return AuditEntry.objects.create(**_entry_fields(actor, obj, action, changes, reason, batch))


def _entry_fields(actor, obj, action, changes, reason, batch):
    return dict(
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


def entry(actor, obj, action, *, before=None, after=None, changes=None, reason="", batch=None):
    """The unsaved entry `record` would write, for a bulk change with a reason per record (the roster
    import: “导入：文件名 第N行”), saved with `AuditEntry.objects.bulk_create` inside the change's
    transaction."""
    if action not in _actions:
        raise ValueError(f"unregistered audit action {action!r}: declare it with audit.register_action")
    if changes is None:
        changes = diff(before or {}, after or {}) if after is not None else {}
    return AuditEntry(**_entry_fields(actor, obj, action, changes, reason, batch))


def record_many(actor, items, action, *, reason="", batch=None):
    """One entry per `(obj, changes)` of `items`, written in one query (a grid of 60 rows saved at
    once). Must run inside the change's transaction, like `record`."""
    if action not in _actions:
        raise ValueError(f"unregistered audit action {action!r}: declare it with audit.register_action")
    _require_transaction("record_many")
    return AuditEntry.objects.bulk_create(
        [AuditEntry(**_entry_fields(actor, obj, action, changes, reason, batch)) for obj, changes in items]
    )


# The history follows the record: an entry is seen by whoever may see its record *now*. When a
# record changes place, the service that moves it calls one of these in the same transaction.

def _require_transaction(what):
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"audit.{what} must run inside the transaction of the change")


def follow(obj):
    """`obj` has moved (its `audit_scope_path` changed): its whole history goes with it."""
    _require_transaction("follow")
    return AuditEntry.objects.for_object(obj).update(scope_path=getattr(obj, "audit_scope_path", ""))


def move_scope(old_prefix, new_prefix):
    """A subtree has moved from `old_prefix` to `new_prefix`: every entry scoped under it (the
    organizations, their members, whatever else lives there) is rescoped under the new place."""
    _require_transaction("move_scope")
    if not old_prefix or old_prefix == new_prefix:
        return 0
    return AuditEntry.objects.filter(scope_path__startswith=old_prefix).update(
        scope_path=Concat(Value(new_prefix), Substr("scope_path", len(old_prefix) + 1)),
    )


def new_batch():
    """One id shared by the entries of a bulk change."""
    return uuid.uuid4()


def history(obj):
    return AuditEntry.objects.for_object(obj).select_related("actor", "content_type")


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


# -- showing an entry --------------------------------------------------------------------------

# Labels of changed things that are not fields of the model (e.g. an organization's 班子成员):
#   audit.register_label(Organization, "officers", "班子成员")
_labels = {}

# Values a viewer sees only when allowed to (user.can_see_full_ids), by model and field name:
#   audit.register_sensitive(Member, "id_number", idcard.mask)
_sensitive = {}


def register_label(model, name, label):
    _labels[model._meta.label_lower, name] = label


def register_sensitive(model, field_name, mask):
    _sensitive[model._meta.label_lower, field_name] = mask


def _model_key(entry):
    return f"{entry.content_type.app_label}.{entry.content_type.model}"


def label_for(entry, name):
    """The Chinese label of a stored change key: the field's current verbose name, a registered
    label, or the key itself (entries written before keys were field names stored the label)."""
    model = entry.content_type.model_class()
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except (FieldDoesNotExist, AttributeError):  # not a field, or a reverse relation
            pass
    return _labels.get((_model_key(entry), name), name)


def shown_changes(entry, full):
    """[(label, before, after)] of an entry, sensitive values masked unless `full`."""
    out = []
    model_key = _model_key(entry)
    for name, (before, after) in entry.changes.items():
        mask = _sensitive.get((model_key, name))
        if mask is not None and not full:
            before, after = mask(before), mask(after)
        out.append((label_for(entry, name), before, after))
    return out
