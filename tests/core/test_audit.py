import pytest
from django.db import transaction

from core import audit
from core.models import AuditEntry
from members.models import Member


def test_diff_lists_only_changed_fields_by_field_name(county):
    m = Member.objects.get(pk=county.east1.pk)
    before = audit.snapshot(m, ["phone", "name", "is_mobile", "category"])
    m.phone, m.is_mobile = "13911112222", True
    changes = audit.diff(before, audit.snapshot(m, ["phone", "name", "is_mobile", "category"]))
    assert changes == {"phone": ["13800000000", "13911112222"], "is_mobile": ["否", "是"]}


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_the_change_transaction(county):
    with pytest.raises(RuntimeError):
        audit.record(county.admin, county.east1, audit.Action.UPDATE, changes={})
    with transaction.atomic():
        entry = audit.record(county.admin, county.east1, audit.Action.UPDATE, changes={"x": ["1", "2"]},
                             reason="测试")
    assert entry.actor_name == "county" and entry.scope_path == county.east.path


def test_entries_are_scoped_by_the_object_path(county):
    visible = AuditEntry.objects.visible_to(county.sibling_secretary)
    assert visible.exists()
    assert not visible.filter(object_repr__in=["张东一", "东街村党支部"]).exists()


def test_a_failed_change_leaves_no_entry(county):
    from django.core.exceptions import ValidationError

    from members import services

    before = AuditEntry.objects.count()
    m = Member.objects.get(pk=county.east1.pk)
    m.phone = "123"
    with pytest.raises(ValidationError):
        services.update_member(county.admin, m)
    assert AuditEntry.objects.count() == before
    assert Member.objects.get(pk=m.pk).phone == "13800000000"


def _corrected_id(county):
    from conftest import make_id
    from members import services

    m = Member.objects.get(pk=county.east1.pk)
    old = m.id_number
    m.id_number = make_id(m.birth_date)
    services.update_member(county.secretary, m, "身份证号录入有误")
    return old, m.id_number, AuditEntry.objects.filter(action="update").latest("pk")


def test_changes_are_stored_by_field_name_and_labelled_when_shown(county):
    from members import idcard

    old, new, entry = _corrected_id(county)
    assert entry.changes == {"id_number": [old, new]}
    assert audit.shown_changes(entry, full=True) == [("公民身份号码", old, new)]
    assert audit.shown_changes(entry, full=False) == [("公民身份号码", idcard.mask(old), idcard.mask(new))]


def test_renaming_a_label_neither_changes_the_entry_nor_unmasks_it(county, monkeypatch):
    from members import idcard

    old, new, entry = _corrected_id(county)
    monkeypatch.setattr(Member._meta.get_field("id_number"), "verbose_name", "身份证号")
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert audit.shown_changes(entry, full=False) == [("身份证号", idcard.mask(old), idcard.mask(new))]


def test_keys_that_are_not_fields_show_a_registered_label_or_themselves(county):
    from branches import services as org_services

    org_services.replace_officers(county.admin, county.east, [("secretary", "王书记", "")])
    entry = AuditEntry.objects.for_object(county.east).latest("pk")
    assert list(entry.changes) == ["officers"]
    assert audit.shown_changes(entry, full=False)[0][0] == "班子成员"
    with transaction.atomic():
        legacy = audit.record(None, county.east1, audit.Action.UPDATE, changes={"旧标签": ["1", "2"]})
    assert audit.shown_changes(legacy, full=False) == [("旧标签", "1", "2")]


def test_existing_entries_are_rekeyed_from_labels_to_field_names(county):
    """The data migration members 0002 / branches 0002, run on entries written the old way."""
    from django.apps import apps

    from core.migrations._audit_keys import rekey

    with transaction.atomic():
        m = audit.record(None, county.east1, audit.Action.UPDATE,
                         changes={"公民身份号码": ["1", "2"], "手机号码": ["3", "4"], "不认识": ["5", "6"]})
        o = audit.record(None, county.east, audit.Action.UPDATE,
                         changes={"班子成员": ["", "书记 王"], "名称": ["甲", "乙"]})
    rekey(apps, "members", "Member")
    rekey(apps, "branches", "Organization", {"班子成员": "officers"})
    m.refresh_from_db()
    o.refresh_from_db()
    assert m.changes == {"id_number": ["1", "2"], "phone": ["3", "4"], "不认识": ["5", "6"]}
    assert o.changes == {"officers": ["", "书记 王"], "name": ["甲", "乙"]}
    rekey(apps, "members", "Member", backwards=True)
    m.refresh_from_db()
    assert m.changes == {"公民身份号码": ["1", "2"], "手机号码": ["3", "4"], "不认识": ["5", "6"]}


def test_action_kinds_are_registered_by_the_apps(county, client, monkeypatch):
    from django.urls import reverse

    monkeypatch.setitem(audit._actions, "approve", "批准")
    with pytest.raises(ValueError):
        audit.register_action("approve", "同意")  # one key, one label
    with transaction.atomic():
        entry = audit.record(county.admin, county.east1, "approve", reason="同意转正")
        with pytest.raises(ValueError):
            audit.record(county.admin, county.east1, "approve-typo")
    assert entry.get_action_display() == "批准" and str(entry) == "county 批准 张东一"
    client.force_login(county.admin)
    response = client.get(reverse("audit_log"), {"action": "approve"})
    assert ("approve", "批准") in response.context["form"].fields["action"].choices
    assert [e.pk for e, _ in response.context["rows"]] == [entry.pk]
    assert "<td data-label=\"操作\">批准</td>" in response.content.decode()
    # the kinds recorded before the registry keep their values and labels
    assert audit.Action.MOVE == "move" and audit.action_label("state") == "状态变更"


def test_a_member_edit_audits_every_editable_field_of_the_model(county):
    """Each editable field of Member, changed, shows up in the audited snapshot; and everything
    the edit form offers is among them. Fails when a field escapes the audit."""
    import datetime

    from django.db import models

    from members.forms import MemberForm
    from members.services import AUDIT_FIELDS

    editable = [f for f in Member._meta.concrete_fields if f.editable and not f.primary_key]
    assert {f.name for f in editable} <= set(AUDIT_FIELDS)
    assert set(MemberForm(user=county.admin).fields) - {"reason"} <= set(AUDIT_FIELDS)
    m = Member.objects.get(pk=county.east1.pk)
    before = audit.snapshot(m, AUDIT_FIELDS)
    for field in editable:
        value = getattr(m, field.attname)
        if field.is_relation:
            new = county.west.pk if value != county.west.pk else county.east.pk
        elif field.choices:
            new = next(key for key, _ in field.flatchoices if key not in (value, ""))
        elif isinstance(field, models.BooleanField):
            new = not value
        elif isinstance(field, models.DateField):
            new = (value or datetime.date(2000, 1, 1)) + datetime.timedelta(days=1)
        else:
            new = ((value or "") + "甲")[-(field.max_length or 100):]
        setattr(m, field.attname, new)
        assert field.name in audit.diff(before, audit.snapshot(m, AUDIT_FIELDS)), field.name
        setattr(m, field.attname, value)
