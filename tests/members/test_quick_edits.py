"""Quick edits (issue 9): one common field changed from the member page, through the member service."""

import pytest
from django.urls import reverse

from conftest import make_org, seen
from core.models import AuditEntry
from members.models import Member


def _url(member, field):
    return reverse("members:quick", args=[member.pk]) + f"?field={field}"


def test_member_page_links_each_quick_edit_for_an_editor_only(client, county):
    client.force_login(county.secretary)
    page = client.get(reverse("members:detail", args=[county.east1.pk])).content.decode()
    for field in ("phone", "residence", "work_unit", "party_group"):
        assert f'?field={field}"' in page
    client.force_login(county.cadre)  # reads 东街村, edits nothing
    page = client.get(reverse("members:detail", args=[county.east1.pk])).content.decode()
    assert "?field=" not in page


def test_quick_phone_edit_is_normalized_audited_and_in_the_history_at_once(client, county):
    m = county.east1
    client.force_login(county.secretary)
    page = client.get(_url(m, "phone")).content.decode()
    assert "13800000000" in page and 'name="phone"' in page and 'name="residence"' not in page
    response = client.post(_url(m, "phone"), {"phone": "１３９ 1234-5678", **seen(m)})
    assert response.status_code == 302 and response.url == reverse("members:detail", args=[m.pk])
    m.refresh_from_db()
    assert m.phone == "13912345678"
    entry = AuditEntry.objects.for_object(m).order_by("-pk").first()
    assert entry.action == "update" and entry.actor == county.secretary
    assert entry.changes == {"phone": ["13800000000", "13912345678"]}
    detail = client.get(response.url).content.decode()
    history = detail[detail.index('id="history-title"'):]
    assert "13800000000" in history and "13912345678" in history


@pytest.mark.parametrize("field, value", [("residence", "东街村3组12号"), ("work_unit", "东街村委会")])
def test_quick_text_edits(client, county, field, value):
    m = county.east2
    client.force_login(county.secretary)
    assert client.post(_url(m, field), {field: value, **seen(m)}).status_code == 302
    m.refresh_from_db()
    assert getattr(m, field) == value
    assert AuditEntry.objects.for_object(m).order_by("-pk").first().changes == {field: ["", value]}


def test_stale_quick_edit_is_refused(client, county):
    m = county.east1
    client.force_login(county.secretary)
    stale = seen(m)
    assert client.post(_url(m, "residence"), {"residence": "新地址", **stale}).status_code == 302
    response = client.post(_url(m, "phone"), {"phone": "13911112222", **stale})
    page = response.content.decode()
    assert response.status_code == 200 and "已被他人修改" in page and "新地址" in page
    m.refresh_from_db()
    assert m.phone == "13800000000"


def test_bad_phone_refused_in_chinese(client, county):
    m = county.east1
    client.force_login(county.secretary)
    page = client.post(_url(m, "phone"), {"phone": "1390000", **seen(m)}).content.decode()
    assert "手机号码应为以1开头的11位数字" in page
    page = client.post(_url(m, "phone"), {"phone": "", **seen(m)}).content.decode()
    assert "请填写新的手机号码（11位）" in page
    m.refresh_from_db()
    assert m.phone == "13800000000"


def test_party_group_only_of_the_members_own_branch(client, county):
    west_group = make_org("西街村第一党小组", "group", county.west)
    other_east_group = make_org("东街村第二党小组", "group", county.east)
    m = county.east1
    client.force_login(county.committee)  # its grant covers both groups
    page = client.get(_url(m, "party_group")).content.decode()
    assert "东街村第二党小组" in page and "西街村第一党小组" not in page
    before = AuditEntry.objects.count()
    page = client.post(_url(m, "party_group"), {"party_group": west_group.pk, **seen(m)}).content.decode()
    assert "所选党小组不存在或不在您的管理范围内" in page
    assert AuditEntry.objects.count() == before
    assert Member.objects.get(pk=m.pk).party_group == county.east_group
    assert client.post(_url(m, "party_group"), {"party_group": other_east_group.pk, **seen(m)}).status_code == 302
    assert Member.objects.get(pk=m.pk).party_group == other_east_group
    assert client.post(_url(m, "party_group"), {"party_group": "", **seen(m)}).status_code == 302
    assert Member.objects.get(pk=m.pk).party_group is None


def test_quick_edit_refused_for_unknown_field_readers_and_other_branches(client, county):
    client.force_login(county.secretary)
    assert client.get(_url(county.east1, "name")).status_code == 404
    assert client.post(_url(county.east1, "notes"), {"notes": "x"}).status_code == 404
    client.force_login(county.cadre)
    assert client.get(_url(county.east1, "phone")).status_code == 403
    client.force_login(county.sibling_secretary)
    assert client.post(_url(county.east1, "phone"), {"phone": "13911112222", **seen(county.east1)}).status_code == 404
    assert Member.objects.get(pk=county.east1.pk).phone == "13800000000"
