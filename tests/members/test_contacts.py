"""The contact clock's date (members/contacts.py): raised by touch, recomputed by refresh from the
registered sources, and never written back by a member form."""

import datetime

import pytest

from members import contacts, services
from members.models import Member

D = datetime.date


@pytest.fixture
def fake_source():
    dates = {}
    contacts.SOURCES["test"] = lambda ids: {pk: d for pk, d in dates.items() if pk in ids}
    yield dates
    del contacts.SOURCES["test"]


def _date(member):
    return Member.objects.values_list("last_contact_on", flat=True).get(pk=member.pk)


def test_touch_raises_and_never_lowers(county, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert contacts.touch([county.east1.pk, county.east2.pk], D(2026, 3, 1)) == 2
    contacts.touch([county.east1.pk], D(2026, 1, 1))
    assert _date(county.east1) == D(2026, 3, 1)
    contacts.touch([county.east1.pk], D(2026, 4, 2))
    assert _date(county.east1) == D(2026, 4, 2)
    assert _date(county.west1) is None


def test_refresh_takes_the_latest_source_and_may_lower(county, fake_source):
    contacts.touch([county.east1.pk, county.east2.pk], D(2026, 5, 1))
    fake_source[county.east1.pk] = D(2026, 2, 1)  # the May contact was deleted; February remains
    contacts.refresh([county.east1.pk, county.east2.pk])
    assert _date(county.east1) == D(2026, 2, 1)
    assert _date(county.east2) is None  # no source knows of any contact


def test_member_form_save_does_not_overwrite_the_clock(county):
    stale = Member.objects.get(pk=county.east1.pk)  # loaded before the contact was recorded
    contacts.touch([county.east1.pk], D(2026, 6, 1))
    stale.work_unit = "新单位"
    services.update_member(county.admin, stale)
    assert _date(county.east1) == D(2026, 6, 1)
