"""Frozen versions of signed or confirmed documents (a rating result, a signed form).

    version = versions.freeze(user, rating, "star_result", data, pdf_bytes, "星级评定结果.pdf")
    ...a correction later...
    versions.freeze(user, rating, "star_result", data2, pdf2, "星级评定结果.pdf", reason="更正张三的星级")

Each call keeps the data (JSON) and the file exactly as they were, as a new numbered version; the
newest is the current one, the old ones stay readable. A version after the first needs a reason.
A version row refuses to be changed or deleted (DocumentVersion.save/delete, its queryset).
"""

import hashlib
import json

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max

from . import audit
from .models import DocumentVersion

FREEZE = audit.register_action("freeze", "定稿")


def _actor_name(user):
    if user is None:
        return "系统"
    return getattr(user, "display_name", "") or user.get_username()


def freeze(user, obj, kind, data, file_bytes, filename, reason=""):
    """Keep `data` and `file_bytes` as the next version of `obj`'s document of `kind`, audited on
    `obj` in the same transaction. Refuses a second or later version without a reason."""
    reason = (reason or "").strip()
    if not filename or not isinstance(file_bytes, bytes | bytearray):
        raise ValidationError("定稿必须附有文件。")
    try:  # what is stored is what was serialized: later changes to `data` touch nothing
        frozen = json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"定稿数据无法保存：{exc}") from exc
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    with transaction.atomic():
        versions = DocumentVersion.objects.select_for_update().filter(content_type=ct, object_id=str(obj.pk), kind=kind)
        last = versions.aggregate(n=Max("number"))["n"] or 0
        if last and not reason:
            raise ValidationError(f"该文书已有第{last}版；生成新版本必须说明理由。")
        versions.filter(is_current=True).update(is_current=False)
        version = DocumentVersion(
            content_type=ct, object_id=str(obj.pk), object_repr=str(obj)[:200], kind=kind, number=last + 1,
            data=frozen, filename=filename[:200], sha256=hashlib.sha256(file_bytes).hexdigest(), reason=reason,
            created_by=user if user is not None and user.pk else None, created_by_name=_actor_name(user),
            is_current=True, scope_path=getattr(obj, "audit_scope_path", ""),
        )
        version.file.save(filename, ContentFile(bytes(file_bytes)), save=False)
        try:
            version.save()
            audit.register_label(type(obj), "document_version", "文书版本")
            audit.record(user, obj, FREEZE, reason=reason, changes={
                "document_version": [f"{kind} 第{last}版" if last else "", f"{kind} 第{last + 1}版"],
            })
        except BaseException:
            version.file.delete(save=False)  # nothing half-saved: no file without its row
            raise
    return version


def current(obj, kind):
    return DocumentVersion.objects.for_object(obj, kind).filter(is_current=True).first()


def history(obj, kind):
    """Every version of `obj`'s document of `kind`, newest first."""
    return DocumentVersion.objects.for_object(obj, kind).order_by("-number")


def read_file(version):
    """The version's file, checked against the digest taken when it was frozen."""
    with version.file.open("rb") as fh:
        content = fh.read()
    if hashlib.sha256(content).hexdigest() != version.sha256:
        raise ValidationError(f"第{version.number}版的文件与定稿时不一致，可能已被改动。")
    return content
