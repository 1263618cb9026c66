"""异议 during publicity: recorded by the branch from what the masses said, or submitted by anyone on
the public board (rate-limited per address); the branch answers each one before it confirms.

The objector's name and contact are kept for the branch and the county (the sheet's scope) and
never shown on a public page. The client address is kept only as a keyed digest, for the limit."""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit

from .choices import ObjectionSource
from .models import TEXT_MAX, Objection
from .services import _lock, _require_rater

RAISE = audit.register_action("objection", "提出异议")
ANSWER = audit.register_action("objection_answer", "答复异议")


def address_key(address):
    """A keyed digest of the client's address: enough to count, useless to identify."""
    return hmac.new(settings.SECRET_KEY.encode(), (address or "?").encode(), hashlib.sha256).hexdigest()[:64]


def _clean(sheet, text, entry_id, name, contact, today):
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = "请填写异议内容。"
    elif len(text) > TEXT_MAX:
        errors["text"] = f"异议内容不能超过{TEXT_MAX}字。"
    if len((name or "").strip()) > 50:
        errors["objector_name"] = "姓名不能超过50字。"
    if len((contact or "").strip()) > 50:
        errors["objector_contact"] = "联系方式不能超过50字。"
    entry = None
    if entry_id:
        entry = sheet.entries.filter(pk=entry_id).select_related("member").first() if str(entry_id).isdigit() else None
        if entry is None:
            errors["entry"] = "所选党员不在这份公示中。"
    if not sheet.in_publicity or not (sheet.publicity_starts_on <= today <= sheet.publicity_ends_on):
        errors["text"] = "这份评定结果不在公示期内，不能提出异议。"
    if errors:
        raise ValidationError(errors)
    return text, entry


def submit_public(sheet, *, text, entry_id=None, name="", contact="", address="", now=None):
    """An objection from the public board (no login), at most OBJECTIONS_PER_ADDRESS_PER_HOUR from
    one address in an hour."""
    now = now or timezone.now()
    key = address_key(address)
    with transaction.atomic():
        locked = _lock(sheet)
        text, entry = _clean(locked, text, entry_id, name, contact, timezone.localdate(now))
        recent = Objection.objects.filter(client_address=key, created_at__gte=now - datetime.timedelta(hours=1)).count()
        if recent >= settings.OBJECTIONS_PER_ADDRESS_PER_HOUR:
            raise ValidationError("提交过于频繁，请一小时后再试，或拨打监督电话反映。")
        obj = Objection.objects.create(sheet=locked, entry=entry, source=ObjectionSource.PUBLIC, text=text,
                                       objector_name=(name or "").strip(), objector_contact=(contact or "").strip(),
                                       client_address=key)
        audit.record(None, locked, RAISE, reason=f"公示栏提交：{text[:100]}")
    return obj


def record(user, sheet, *, text, entry_id=None, name="", contact="", today=None):
    """The branch records an objection it heard from the masses."""
    _require_rater(user, sheet)
    with transaction.atomic():
        locked = _lock(sheet)
        text, entry = _clean(locked, text, entry_id, name, contact, today or timezone.localdate())
        obj = Objection.objects.create(sheet=locked, entry=entry, source=ObjectionSource.BRANCH, text=text,
                                       objector_name=(name or "").strip(), objector_contact=(contact or "").strip(),
                                       recorded_by=user)
        audit.record(user, locked, RAISE, reason=f"支部记录：{text[:100]}")
    return obj


def answer(user, objection, text):
    """The branch answers an objection (once; a later answer replaces it, audited)."""
    sheet = objection.sheet
    _require_rater(user, sheet)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"answer": "请填写答复内容。"})
    if len(text) > TEXT_MAX:
        raise ValidationError({"answer": f"答复不能超过{TEXT_MAX}字。"})
    with transaction.atomic():
        locked = _lock(sheet)
        if locked.is_confirmed:
            raise ValidationError("评定结果已确认，不能再修改答复。")
        obj = Objection.objects.select_for_update().get(pk=objection.pk)
        before = obj.answer
        obj.answer, obj.answered_at, obj.answered_by = text, timezone.now(), user
        obj.save()
        audit.record(user, locked, ANSWER, changes={"objection_answer": [before, text]}, reason=obj.text[:100])
    return obj
