import pytest
from django.db import transaction

from core import audit
from core.models import AuditEntry
from members.models import Member


def test_diff_lists_only_changed_fields_by_chinese_name(county):
    m = Member.objects.get(pk=county.east1.pk)
    before = audit.snapshot(m, ["phone", "name", "is_mobile", "category"])
    m.phone, m.is_mobile = "13911112222", True
    changes = audit.diff(before, audit.snapshot(m, ["phone", "name", "is_mobile", "category"]), m)
    assert changes == {"手机号码": ["13800000000", "13911112222"], "是否流动党员": ["否", "是"]}


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
