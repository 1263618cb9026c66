"""The status-code migration keeps every existing value: members who were 出党, 停止党籍 or 预备党员
before it read the same after it, with the new fields empty."""

import datetime

import pytest

from .migration_steps import county_at, migrate_to, migrate_to_latest

BEFORE = [("members", "0005_merge_placements")]
AFTER = [("members", "0006_status_codes")]


@pytest.mark.django_db(transaction=True)
def test_existing_states_survive_the_status_migration():
    Member, common = county_at(migrate_to(BEFORE))
    rows = {
        "removed": Member.objects.create(name="甲", id_number="1", roll_state="removed",
                                         roll_state_on=datetime.date(2020, 5, 1), **common),
        "suspended": Member.objects.create(name="乙", id_number="2", membership_status="suspended", **common),
        "probationary": Member.objects.create(name="丙", id_number="3", **{**common, "category": "probationary",
                                                                          "full_member_on": None}),
    }
    new = migrate_to(AFTER).get_model("members", "Member")
    got = {k: new.objects.get(pk=m.pk) for k, m in rows.items()}
    assert (got["removed"].roll_state, got["removed"].roll_state_on, got["removed"].removal_kind) == (
        "removed", datetime.date(2020, 5, 1), "")
    assert (got["suspended"].membership_status, got["suspended"].membership_status_on) == ("suspended", None)
    assert (got["probationary"].category, got["probationary"].probation_extended_months) == ("probationary", 0)
    migrate_to_latest()
