"""No silent lost update: two people edit the same member or organization; the second save, from a
form loaded at the same version, is refused with what the other person changed, and nothing moves."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import seen
from core import concurrency
from core.models import AuditEntry
from members import services
from members.models import Member
from tests.members.test_member_views import valid_post


def member_post(county, member, **overrides):
    data = valid_post(county, name=member.name, id_number=member.id_number, birth_date=member.birth_date.isoformat(),
                      joined_on=member.joined_on.isoformat(), full_member_on=member.full_member_on.isoformat(),
                      gender=member.gender, phone=member.phone, notes=member.notes,
                      party_group=member.party_group_id or "", education=member.education)
    del data["organization"]
    data.update(overrides)
    return data


def hidden(page):
    """The two hidden version fields of a rendered form page."""
    found = dict(re.findall(r'<input type="hidden" name="(version|seen_entry)" value="(\d+)"', page))
    assert set(found) == {"version", "seen_entry"}, "the form carries its version"
    return found


def test_the_second_of_two_member_edits_is_refused_and_says_what_changed(client, county):
    member = county.east1
    url = reverse("members:edit", args=[member.pk])
    client.force_login(county.secretary)
    first = hidden(client.get(url).content.decode())
    client.force_login(county.committee)
    second = hidden(client.get(url).content.decode())
    assert first == second  # both loaded from the same version

    client.force_login(county.secretary)
    response = client.post(url, {**member_post(county, member, phone="13711112222"), **first})
    assert response.status_code == 302
    saved = Member.objects.get(pk=member.pk)
    entries = AuditEntry.objects.count()

    client.force_login(county.committee)
    response = client.post(url, {**member_post(county, member, notes="committee 的备注"), **second})
    page = response.content.decode()
    assert response.status_code == 200
    assert concurrency.STALE_HEAD in page
    assert re.search(r"secretary于\d{4}-\d\d-\d\d \d\d:\d\d修改：手机号码改为“13711112222”", page), page
    now = Member.objects.get(pk=member.pk)
    assert (now.phone, now.notes, now.version) == ("13711112222", "", saved.version)  # nothing changed
    assert AuditEntry.objects.count() == entries  # and no entry blames the committee for a revert


@pytest.mark.parametrize("tamper", [
    {"version": "999"}, {"version": "0"}, {"version": ""}, {"version": "abc"}, {"seen_entry": ""}, None,
])
def test_a_tampered_or_missing_version_is_refused(client, county, tamper):
    member = county.east1
    url = reverse("members:edit", args=[member.pk])
    client.force_login(county.secretary)
    data = {**member_post(county, member, phone="13711112222"), **seen(member)}
    if tamper is None:
        del data["version"], data["seen_entry"]
    else:
        data.update(tamper)
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert concurrency.STALE_HEAD in page or concurrency.MISSING in page
    assert Member.objects.get(pk=member.pk).phone == "13800000000"


def test_an_unchanged_save_makes_no_new_version(client, county):
    member = county.east1
    url = reverse("members:edit", args=[member.pk])
    client.force_login(county.secretary)
    before = seen(member)
    assert client.post(url, {**member_post(county, member), **before}).status_code == 302
    assert seen(member) == before


def test_move_and_state_forms_refuse_a_stale_version(client, county):
    member = county.east2
    client.force_login(county.committee)
    stale = seen(member)
    changed = Member.objects.get(pk=member.pk)
    changed.phone = "13600000000"
    services.update_member(county.admin, changed)  # someone else, meanwhile
    response = client.post(reverse("members:move", args=[member.pk]),
                           {"branch": county.west.pk, "reason": "随工作调动", **stale})
    assert concurrency.STALE_HEAD in response.content.decode() and "手机号码改为“13600000000”" in response.content.decode()
    response = client.post(reverse("members:state", args=[member.pk]),
                           {"roll_state": "deceased", "on_date": "2026-01-01", "reason": "病故", **stale})
    assert concurrency.STALE_HEAD in response.content.decode()
    member.refresh_from_db()
    assert member.organization == county.east and member.on_roll


def test_the_service_checks_under_the_lock(county):
    member = Member.objects.get(pk=county.west1.pk)
    stale = concurrency.Seen(member.version, concurrency.newest_entry_id(member))
    services.move_member(county.admin, member, county.east, "调动", seen=stale)  # at the same version: fine
    with pytest.raises(ValidationError) as exc:
        services.move_member(county.admin, member, county.west, "调回", seen=stale)
    assert exc.value.error_list[0].code == "stale" and any("所在党支部改为“东街村党支部”" in m for m in exc.value.messages)
    assert Member.objects.get(pk=member.pk).organization == county.east


def test_the_second_of_two_organization_edits_is_refused(client, county):
    org = county.west
    url = reverse("branches:edit", args=[org.pk])
    client.force_login(county.committee)
    page = client.get(url).content.decode()
    loaded = hidden(page)
    base = {"name": org.name, "kind": org.kind, "category": org.category, "sector": org.sector,
            "established_on": "", "phone": "", "address": "",
            "officers-TOTAL_FORMS": "2", "officers-INITIAL_FORMS": "0",
            "officers-0-post": "", "officers-0-name": "", "officers-0-phone": "",
            "officers-1-post": "", "officers-1-name": "", "officers-1-phone": ""}
    client.force_login(county.admin)
    assert client.post(url, {**base, "address": "西街1号", **loaded}).status_code == 302
    client.force_login(county.committee)
    response = client.post(url, {**base, "phone": "0523-1234567", **loaded})
    text = response.content.decode()
    assert concurrency.STALE_HEAD in text and "地址改为“西街1号”" in text and "county于" in text
    org.refresh_from_db()
    assert (org.address, org.phone) == ("西街1号", "")
    # moving and dissolving with the stale page are refused too
    for name, data in (("branches:move", {"parent": county.town.pk, "reason": "调整"}),
                       ("branches:dissolve", {"dissolved_on": "2026-01-01", "reason": "合并"})):
        response = client.post(reverse(name, args=[org.pk]), {**data, **loaded})
        assert concurrency.STALE_HEAD in response.content.decode(), name
    org.refresh_from_db()
    assert org.parent == county.town and not org.is_dissolved
