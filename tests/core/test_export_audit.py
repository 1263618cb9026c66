"""Every file with personal data that leaves the system is audited: who, which file, which filter (in
words), how many rows; at once or in the background; shown in 操作记录 to those whose scope covers it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.models import AuditEntry, ExportJob
from members import idcard


def exports_audited():
    return list(AuditEntry.objects.filter(action=audit.Action.EXPORT))


def test_an_export_at_once_is_audited(client, county):
    client.force_login(county.secretary)
    client.post(reverse("members:export_xlsx"), {"q": "张", "category": "full", "columns": ["name", "id_number"]})
    [entry] = exports_audited()
    today = timezone.localdate()
    assert entry.actor == county.secretary and entry.object_id == str(county.east.pk)
    assert entry.reason == (f"导出Excel《党员名册_东街村党支部_搜索-张_正式党员_2人_{today:%Y%m%d}.xlsx》，共 2 行；"
                            "筛选条件：搜索：张；人员类别：正式党员；"
                            "在册状态：在册；列：序号、姓名、公民身份号码")


def test_a_background_export_is_audited_when_the_file_is_made(client, county, settings):
    settings.EXPORT_SYNC_MAX_ROWS = {"xlsx": 0, "pdf": 0}
    client.force_login(county.committee)
    client.post(reverse("members:export_pdf"), {"org": county.west.pk, "state": "all"})
    job = ExportJob.objects.get(user=county.committee)
    assert job.status == "done"
    [entry] = exports_audited()
    assert entry.actor == county.committee and entry.object_id == str(county.west.pk)
    assert entry.reason.startswith(f"导出PDF《{job.filename}》，共 1 行；筛选条件：党组织：西街村党支部；在册状态：全部；列：")


def test_a_failed_export_leaves_no_export_entry(client, county, settings, monkeypatch):
    from core import exports

    settings.EXPORT_SYNC_MAX_ROWS = {"xlsx": 0, "pdf": 0}

    def broken(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setitem(exports.FORMATS, "xlsx", (exports.FORMATS["xlsx"][0], broken))
    client.force_login(county.secretary)
    client.post(reverse("members:export_xlsx"))
    assert exports_audited() == []


def test_an_id_number_searched_for_is_kept_masked(client, county):
    client.force_login(county.secretary)
    client.post(reverse("members:export_xlsx"), {"q": county.east1.id_number})
    [entry] = exports_audited()
    number = county.east1.id_number
    assert number not in entry.reason and f"搜索：{idcard.mask(number)}" in entry.reason and "*" in idcard.mask(number)
    assert "共 1 行" in entry.reason


@pytest.mark.parametrize("viewer, sees", [("admin", True), ("committee", True), ("secretary", True),
                                          ("sibling_secretary", False), ("other_committee", False)])
def test_the_audit_log_shows_exports_to_those_whose_scope_covers_them(client, county, viewer, sees):
    client.force_login(county.secretary)
    client.post(reverse("members:export_pdf"))
    client.force_login(getattr(county, viewer))
    page = client.get(reverse("audit_log"), {"action": audit.Action.EXPORT}).content.decode()
    assert ("导出PDF《党员名册_" in page) is sees
