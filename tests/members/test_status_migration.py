"""The status-code migration keeps every existing value: members who were 出党, 停止党籍 or 预备党员
before it read the same after it, with the new fields empty."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("members", "0005_merge_placements")]
AFTER = [("members", "0006_status_codes")]


@pytest.mark.django_db(transaction=True)
def test_existing_states_survive_the_status_migration():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Organization, Member = old.get_model("branches", "Organization"), old.get_model("members", "Member")
    root = Organization.objects.create(name="X县委", kind="county", category="4", sector="government", path="000001.")
    branch = Organization.objects.create(name="甲支部", kind="branch", category="3", sector="rural", parent=root,
                                         path="000001.000002.", depth=1)
    common = dict(gender="男", birth_date=datetime.date(1980, 1, 1), category="full", job_category="farmer",
                  joined_on=datetime.date(2005, 1, 1), full_member_on=datetime.date(2006, 1, 1), organization=branch)
    rows = {
        "removed": Member.objects.create(name="甲", id_number="1", roll_state="removed",
                                         roll_state_on=datetime.date(2020, 5, 1), **common),
        "suspended": Member.objects.create(name="乙", id_number="2", membership_status="suspended", **common),
        "probationary": Member.objects.create(name="丙", id_number="3", **{**common, "category": "probationary",
                                                                          "full_member_on": None}),
    }
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("members", "Member")
    got = {k: new.objects.get(pk=m.pk) for k, m in rows.items()}
    assert (got["removed"].roll_state, got["removed"].roll_state_on, got["removed"].removal_kind) == (
        "removed", datetime.date(2020, 5, 1), "")
    assert (got["suspended"].membership_status, got["suspended"].membership_status_on) == ("suspended", None)
    assert (got["probationary"].category, got["probationary"].probation_extended_months) == ("probationary", 0)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest, for the tests after this one
