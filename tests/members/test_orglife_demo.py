"""The demo's year of organizational life: meetings in every branch with members, attendance only by
the branch's own members, the clock equal to what its sources (attendance, contacts, dues) say, and
members drifting past five and past six months."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F

from accounts.models import User
from members import contacts
from members.models import Attendance, Meeting, Member


@pytest.fixture
def seeded(db):
    call_command("seed_demo", members=300, stdout=io.StringIO())


def test_a_year_of_meetings_whose_attendance_sets_the_clock(seeded):
    assert Meeting.objects.count() > 100
    assert not Attendance.objects.exclude(member__organization=F("meeting__organization")).exists()
    assert not Attendance.objects.filter(present=False, absence_reason="").exists()
    ids = list(Member.objects.values_list("pk", flat=True))
    stored = dict(Member.objects.values_list("pk", "last_contact_on"))
    assert {pk: stored[pk] for pk in ids if stored[pk]} == contacts.latest(ids)  # what refresh would write
    counts = contacts.counts(User.objects.get(username="county"))
    assert counts["contact_overdue"] >= 1 and counts["contact_warning"] >= 1  # drifting past six and five
