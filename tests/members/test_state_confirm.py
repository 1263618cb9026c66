"""A roll-state change (issue 9): no choice preselected, and a confirmation step showing its
consequence before anything is saved."""

import datetime

from django.urls import reverse

from conftest import legacy_transferred_out, seen
from core.models import AuditEntry
from members.models import Member


def _post(county, member, **extra):
    return {"roll_state": "deceased", "on_date": "2026-01-01", "reason": "病故，有死亡证明", **seen(member), **extra}


def test_no_state_is_preselected(client, county):
    client.force_login(county.secretary)
    page = client.get(reverse("members:state", args=[county.east1.pk])).content.decode()
    assert 'type="radio" name="roll_state" value="deceased"' in page
    assert "checked" not in page
    page = client.post(reverse("members:state", args=[county.east1.pk]),
                       {k: v for k, v in _post(county, county.east1).items() if k != "roll_state"}).content.decode()
    assert "请选择新的在册状态" in page


def test_the_change_waits_for_the_confirmation_showing_its_consequence(client, county):
    m = county.east1
    client.force_login(county.secretary)
    url = reverse("members:state", args=[m.pk])
    before = AuditEntry.objects.count()
    response = client.post(url, _post(county, m))
    page = response.content.decode()
    assert response.status_code == 200
    assert "确认后将会" in page and "不再列入在册党员名册" in page and "不能在本系统中撤回" in page
    assert 'name="confirmed" value="1"' in page and "确认变更为“去世”" in page
    assert Member.objects.get(pk=m.pk).roll_state == "on_roll" and AuditEntry.objects.count() == before

    # 返回修改: the form again with the values kept, nothing saved
    page = client.post(url, _post(county, m, confirmed="1", edit_again="1")).content.decode()
    assert "病故，有死亡证明" in page and "确认后将会" not in page
    assert Member.objects.get(pk=m.pk).roll_state == "on_roll"

    response = client.post(url, _post(county, m, confirmed="1"))
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.roll_state == "deceased" and m.roll_state_on == datetime.date(2026, 1, 1)


def test_the_confirmation_step_already_checks_what_the_save_checks(client, county):
    """A group of another branch is refused before the confirmation, not after it (a dry run)."""
    client.force_login(county.admin)
    legacy_transferred_out(county.hill1, datetime.date.today())
    page = client.post(reverse("members:state", args=[county.hill1.pk]), {
        "roll_state": "on_roll", "on_date": datetime.date.today().isoformat(), "reason": "转回",
        "branch": county.hill.pk, "party_group": county.east_group.pk, **seen(county.hill1)}).content.decode()
    assert "不属于山口村党支部" in page and "确认后将会" not in page
    page = client.post(reverse("members:state", args=[county.hill1.pk]), {
        "roll_state": "on_roll", "on_date": datetime.date.today().isoformat(), "reason": "转回",
        "branch": county.hill.pk, **seen(county.hill1)}).content.decode()
    assert "恢复在册，列入“山口村党支部”的党员名册" in page
    assert Member.objects.get(pk=county.hill1.pk).roll_state == "transferred_out"
