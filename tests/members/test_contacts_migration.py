"""The clock from the records: a member recorded as 失联 with a 失去联系日期 gets that date as a contact
record and as its last contact (so it is overdue from the first day); nobody else gets a date."""

import datetime

import pytest

from .migration_steps import county_at, migrate_to, migrate_to_latest

BEFORE = [("members", "0014_orglife")]
AFTER = [("members", "0015_contacts_from_records")]


@pytest.mark.django_db(transaction=True)
def test_lost_contact_dates_become_the_clock_and_nothing_else_is_invented():
    Member, common = county_at(migrate_to(BEFORE))
    lost = Member.objects.create(name="甲", id_number="1", is_lost_contact=True, lost_contact_reason="1",
                                 lost_contact_since=datetime.date(2024, 3, 31), **common)
    plain = Member.objects.create(name="乙", id_number="2", **common)
    new = migrate_to(AFTER)
    M, C = new.get_model("members", "Member"), new.get_model("members", "ContactRecord")
    assert M.objects.get(pk=lost.pk).last_contact_on == datetime.date(2024, 3, 31)
    assert M.objects.get(pk=plain.pk).last_contact_on is None
    assert list(C.objects.values_list("member_id", "contacted_on", "note")) == [
        (lost.pk, datetime.date(2024, 3, 31), "据原有记录：失去联系日期")]
    migrate_to_latest()
