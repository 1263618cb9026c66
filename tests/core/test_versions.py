"""Frozen versions: a confirmed document keeps its data and its file; a later change is a new
version with a reason, and the old one stays readable, byte for byte."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import audit, versions
from core.models import AuditEntry, DocumentVersion, ImmutableVersionError

KIND = "star_result"


def snapshot(member):
    return {"name": member.name, "phone": member.phone, "joined_on": member.joined_on, "stars": [1, 0, 1]}


@pytest.fixture
def v1(county):
    return versions.freeze(county.secretary, county.east1, KIND, snapshot(county.east1), b"%PDF-1 first", "结果.pdf")


def test_a_frozen_version_keeps_its_data_and_file_after_the_record_changes(county, v1):
    member = county.east1
    member.name, member.phone = "张东一改", "13911112222"
    member.save()
    kept = DocumentVersion.objects.get(pk=v1.pk)
    assert kept.number == 1 and kept.is_current and kept.reason == ""
    assert kept.data == {"name": "张东一", "phone": "13800000000", "joined_on": "2005-07-01", "stars": [1, 0, 1]}
    assert versions.read_file(kept) == b"%PDF-1 first"
    assert kept.created_by == county.secretary and kept.created_by_name == "secretary"
    assert kept.scope_path == member.audit_scope_path
    entry = audit.history(member).filter(action=versions.FREEZE).get()
    assert entry.changes == {"document_version": ["", "star_result 第1版"]}
    assert entry.get_action_display() == "定稿"
    assert audit.label_for(entry, "document_version") == "文书版本"


def test_a_new_version_needs_a_reason_and_leaves_the_old_one_readable(county, v1, settings):
    data = snapshot(county.east1) | {"stars": [1, 1, 1]}
    with pytest.raises(ValidationError, match="已有第1版；生成新版本必须说明理由"):
        versions.freeze(county.committee, county.east1, KIND, data, b"%PDF-2", "结果.pdf", reason="  ")
    assert DocumentVersion.objects.count() == 1
    assert len([p for p in (settings.MEDIA_ROOT / "versions").rglob("*") if p.is_file()]) == 1  # v1's only
    v2 = versions.freeze(county.committee, county.east1, KIND, data, b"%PDF-2 corrected", "结果.pdf",
                         reason="更正：补评服务群众星")
    assert (v2.number, v2.is_current, v2.reason) == (2, True, "更正：补评服务群众星")
    assert versions.current(county.east1, KIND) == v2
    old = DocumentVersion.objects.get(pk=v1.pk)
    assert not old.is_current and old.data["stars"] == [1, 0, 1]
    assert versions.read_file(old) == b"%PDF-1 first" and versions.read_file(v2) == b"%PDF-2 corrected"
    assert [v.number for v in versions.history(county.east1, KIND)] == [2, 1]
    entry = AuditEntry.objects.filter(action=versions.FREEZE).first()
    assert entry.reason == "更正：补评服务群众星" and entry.actor == county.committee
    assert entry.changes == {"document_version": ["star_result 第1版", "star_result 第2版"]}
    # Another kind of document of the same member numbers its own versions.
    assert versions.freeze(None, county.east1, "signed_form", {}, b"x", "表.pdf").number == 1


def test_a_version_refuses_to_be_changed_or_deleted(county, v1):
    v1.data = {"stars": [1, 1, 1]}
    with pytest.raises(ImmutableVersionError, match="已定稿的文书版本不能修改或删除"):
        v1.save()
    with pytest.raises(ImmutableVersionError):
        v1.delete()
    with pytest.raises(ImmutableVersionError):
        DocumentVersion.objects.filter(pk=v1.pk).update(reason="改")
    with pytest.raises(ImmutableVersionError):
        DocumentVersion.objects.all().delete()
    assert DocumentVersion.objects.get(pk=v1.pk).data["stars"] == [1, 0, 1]


def test_one_current_version_per_thing_and_kind_in_the_database(county, v1):
    duplicate = DocumentVersion(
        content_type=v1.content_type, object_id=v1.object_id, object_repr="x", kind=KIND, number=2, data={},
        file="versions/x.pdf", filename="x.pdf", sha256="0" * 64, created_by_name="x", is_current=True,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_tampered_file_is_noticed(county, v1):
    with open(v1.file.path, "wb") as fh:
        fh.write(b"%PDF-1 forged")
    with pytest.raises(ValidationError, match="第1版的文件与定稿时不一致"):
        versions.read_file(DocumentVersion.objects.get(pk=v1.pk))


def test_data_that_cannot_be_kept_is_refused_and_nothing_is_saved(county):
    with pytest.raises(ValidationError, match="定稿数据无法保存"):
        versions.freeze(county.secretary, county.east1, KIND, {"when": object()}, b"x", "a.pdf")
    with pytest.raises(ValidationError, match="定稿必须附有文件"):
        versions.freeze(county.secretary, county.east1, KIND, {}, None, "a.pdf")
    assert not DocumentVersion.objects.exists()
    assert not AuditEntry.objects.filter(action=versions.FREEZE).exists()
    assert datetime.date(2005, 7, 1).isoformat() == "2005-07-01"
