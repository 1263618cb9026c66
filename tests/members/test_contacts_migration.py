"""The clock from the records: a member recorded as 失联 with a 失去联系日期 gets that date as a contact
record and as its last contact (so it is overdue from the first day); nobody else gets a date."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("members", "0014_orglife")]
AFTER = [("members", "0015_contacts_from_records")]


@pytest.mark.django_db(transaction=True)
def test_lost_contact_dates_become_the_clock_and_nothing_else_is_invented():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Organization, Member = old.get_model("branches", "Organization"), old.get_model("members", "Member")
    root = Organization.objects.create(name="X县委", kind="county", category="4", sector="government", path="000001.")
    branch = Organization.objects.create(name="甲支部", kind="branch", category="3", sector="rural", parent=root,
                                         path="000001.000002.", depth=1)
    common = dict(gender="男", birth_date=datetime.date(1980, 1, 1), category="full", job_category="farmer",
                  joined_on=datetime.date(2005, 1, 1), full_member_on=datetime.date(2006, 1, 1), organization=branch)
    lost = Member.objects.create(name="甲", id_number="1", is_lost_contact=True, lost_contact_reason="1",
                                 lost_contact_since=datetime.date(2024, 3, 31), **common)
    plain = Member.objects.create(name="乙", id_number="2", **common)
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    M, C = new.get_model("members", "Member"), new.get_model("members", "ContactRecord")
    assert M.objects.get(pk=lost.pk).last_contact_on == datetime.date(2024, 3, 31)
    assert M.objects.get(pk=plain.pk).last_contact_on is None
    assert list(C.objects.values_list("member_id", "contacted_on", "note")) == [
        (lost.pk, datetime.date(2024, 3, 31), "据原有记录：失去联系日期")]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest, for the tests after this one
