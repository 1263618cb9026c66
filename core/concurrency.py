"""No silent lost update. A record edited through a form (a member, an organization) carries a
version counter, bumped by every save (`bump_on_save`). The form keeps, in hidden fields, the
version it was loaded at and the last audit entry of the record then (`VersionFieldsMixin`); the
service, holding the row lock, compares (`check`) and refuses a stale save with a Chinese message
saying what the other person changed: field, their value, when, who — from the audit entries
written since. The lock makes the check and the save one step on SQLite and PostgreSQL alike.

    form = MemberForm(request.POST or None, instance=member, user=user)   # VersionFieldsMixin
    services.update_member(user, form.instance, reason, seen=form.seen())
    # in the service, after select_for_update().get(pk=...):
    concurrency.check(user, old, seen)
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from . import audit
from .models import AuditEntry

STALE_HEAD = "保存未成功：您打开本页之后，这条记录已被他人修改。为免覆盖别人的修改，您这次填写的内容没有保存。"
STALE_TAIL = "请记下您要做的修改，重新打开本页（将显示最新内容）后再填写保存。"
MISSING = "页面缺少版本信息（可能已过期或被改动），请重新打开本页后再修改。"
MAX_SHOWN = 5  # entries listed in the message; more are counted


@dataclass(frozen=True)
class Seen:
    """What the form saw: the record's version and its newest audit entry's id (0: none)."""

    version: int
    entry_id: int = 0


def bump_on_save(obj, kwargs):
    """Call in a model's save(): an existing row's version goes up by one in the database
    (F(), so a stale in-memory copy can never lower it); the attribute is dropped afterwards
    and read again from the database when next needed (see `after_save`)."""
    if obj.pk is not None and not obj._state.adding:
        obj.version = F("version") + 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}


def after_save(obj):
    if not isinstance(obj.__dict__.get("version"), int):
        obj.__dict__.pop("version", None)  # deferred: the next read loads the new number


def newest_entry_id(obj):
    return AuditEntry.objects.for_object(obj).order_by("-pk").values_list("pk", flat=True).first() or 0


def check(user, locked, seen):
    """Refuse the save when the locked row `locked` is not at the version the form was loaded
    at. `seen` None: the caller holds no form (a script, the import) and is not checked."""
    if seen is None:
        return
    if locked.version == seen.version:
        return
    entries = list(
        AuditEntry.objects.for_object(locked).filter(pk__gt=seen.entry_id)
        .select_related("content_type").order_by("pk")
    )
    raise ValidationError(
        [ValidationError(line, code="stale") for line in (STALE_HEAD, *describe(user, entries), STALE_TAIL)]
    )


def describe(user, entries):
    """One line per entry: who, when, which action, and each field with the value they gave it;
    ID numbers masked as the viewer's role requires."""
    full = getattr(user, "can_see_full_ids", False)
    lines = []
    if len(entries) > MAX_SHOWN:
        lines.append(f"其间共有{len(entries)}次修改，以下是最近{MAX_SHOWN}次：")
    for entry in entries[-MAX_SHOWN:]:
        when = timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M")
        changes = "；".join(
            f"{label}改为“{after or '（空）'}”" for label, _, after in audit.shown_changes(entry, full)
        )
        lines.append(f"{entry.actor_name}于{when}{audit.action_label(entry.action)}" + (f"：{changes}" if changes else "。"))
    return lines


class VersionFieldsMixin:
    """Two hidden fields on a form that changes an existing record: the version it was loaded at
    and the newest audit entry then. Call `add_version_fields(obj)` in __init__."""

    def add_version_fields(self, obj):
        messages = {"required": MISSING, "invalid": MISSING, "min_value": MISSING}
        self.fields["version"] = forms.IntegerField(
            label="页面版本", widget=forms.HiddenInput, min_value=0, initial=obj.version, error_messages=messages,
        )
        self.fields["seen_entry"] = forms.IntegerField(
            label="页面版本", widget=forms.HiddenInput, min_value=0, initial=newest_entry_id(obj),
            error_messages=messages,
        )

    def seen(self):
        return Seen(self.cleaned_data["version"], self.cleaned_data["seen_entry"])

    def record_data(self):
        """cleaned_data without the two hidden fields: the record's own fields."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "seen_entry")}
