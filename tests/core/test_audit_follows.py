"""The audit log follows the record: whoever may see a record now sees its whole history (in
操作记录 and on its page); a user whose scope no longer covers it sees none of it."""

import datetime

from django.db import transaction
from django.urls import reverse

from branches import services as org_services
from conftest import legacy_transferred_out
from core import audit
from core.models import AuditEntry
from members import services as member_services


def _log(client, user):
    client.force_login(user)
    return {e.object_repr for e, _ in client.get(reverse("audit_log"), {"page": 1}).context["rows"]}


def _history(client, user, name, pk):
    client.force_login(user)
    response = client.get(reverse(name, args=[pk]))
    if response.status_code == 404:
        return None
    return [e.get_action_display() for e in response.context["history"]]


def test_history_follows_a_moved_branch(client, county):
    member_services.update_member(county.secretary, _edited(county.east1, phone="13900000001"))
    moved = {"东街村党支部", "东街村第一党小组", "张东一", "张东二"}
    assert moved <= _log(client, county.committee)
    assert not moved & _log(client, county.other_committee)

    org_services.move_organization(county.admin, county.east, county.other_town, "乡镇区划调整")

    # The new committee sees the branch's whole history, from its creation on; the old one none.
    assert moved <= _log(client, county.other_committee)
    assert not moved & _log(client, county.committee)
    assert "李西一" in _log(client, county.committee)  # what stayed behind stays visible
    assert _history(client, county.other_committee, "members:detail", county.east1.pk) == ["修改", "新建"]
    assert _history(client, county.other_committee, "branches:detail", county.east.pk) == ["调动", "新建"]
    assert _history(client, county.committee, "members:detail", county.east1.pk) is None
    # The secretary of the moved branch still sees its own records' history.
    assert {"张东一", "张东二", "东街村党支部"} <= _log(client, county.secretary)


def test_history_follows_a_moved_member(client, county):
    member_services.update_member(county.secretary, _edited(county.east2, phone="13900000002"))
    member_services.move_member(county.admin, county.east2, county.hill, "工作调动")

    assert "张东二" in _log(client, county.other_committee)
    entries = AuditEntry.objects.visible_to(county.other_committee).filter(object_repr="张东二")
    assert sorted(entries.values_list("action", flat=True)) == ["create", "move", "update"]
    assert "张东二" not in _log(client, county.committee)
    assert "张东二" not in _log(client, county.secretary)
    assert _history(client, county.other_committee, "members:detail", county.east2.pk) == ["调动", "修改", "新建"]


def test_whole_branch_move_takes_every_members_history(client, county):
    member_services.move_all_members(county.admin, county.east, county.hill, "支部合并")
    seen = _log(client, county.other_committee)
    assert {"张东一", "张东二"} <= seen
    assert AuditEntry.objects.visible_to(county.other_committee).filter(
        object_repr="张东一", action="create").exists()
    assert not {"张东一", "张东二"} & _log(client, county.secretary)


def test_rescoping_never_rewrites_the_whole_county(db):
    with transaction.atomic():
        assert audit.move_scope("", "000002.") == 0


def _edited(member, **fields):
    for name, value in fields.items():
        setattr(member, name, value)
    return member


def test_history_follows_a_member_back_on_the_roll_elsewhere(client, county):
    today = datetime.date.today()
    legacy_transferred_out(county.east1, today)
    member_services.change_roll_state(county.admin, county.east1, "on_roll", today, "转回本县",
                                      branch=county.hill)
    entries = AuditEntry.objects.visible_to(county.other_committee).filter(object_repr="张东一")
    assert {"create", "state"} <= set(entries.values_list("action", flat=True))
    assert "张东一" not in _log(client, county.committee)
