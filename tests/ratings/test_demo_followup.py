"""The demo county's star-rating history: last year's four quarters confirmed (年终定星 has a year),
a rectification in progress and one overdue, both worked on by their branch."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from ratings import annual
from ratings.models import RatingEntry, Rectification


@pytest.mark.django_db
def test_demo_has_last_year_and_rectifications_in_progress_and_overdue():
    call_command("seed_demo", members=300, stdout=io.StringIO())
    today = timezone.localdate()
    last = today.year - 1
    assert annual.confirmed_quarters(last) == [1, 2, 3, 4]
    assert RatingEntry.objects.filter(sheet__quarter__year=last).count() >= 4 * 250
    worked = list(Rectification.objects.exclude(measures="").order_by("pk"))
    assert len(worked) == 2
    in_progress = [r for r in worked if r.state == "open" and not r.is_overdue(today)]
    overdue = [r for r in worked if r.is_overdue(today)]
    assert len(in_progress) == 1 and len(overdue) == 1
    assert in_progress[0].mentor is not None and in_progress[0].notes.count() >= 2
    assert all(r.education and r.education_on for r in worked)
