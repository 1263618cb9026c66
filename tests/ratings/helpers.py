"""Confirmed rating sheets for the follow-up tests, written directly (the entry grid and the
confirmation have their own tests)."""

import datetime

from django.db import transaction

from ratings import followup
from ratings.choices import STAR_FIELDS, SheetState
from ratings.models import CriteriaSet, RatingEntry, RatingQuarter, RatingSheet


def quarter(year, q):
    from members.placements import quarter as span

    start, end = span(year, q)
    obj, _ = RatingQuarter.objects.get_or_create(
        year=year, quarter=q, defaults={"opens_on": end + datetime.timedelta(days=1),
                                        "due_on": end + datetime.timedelta(days=20)})
    return obj


def sheet(branch, year, q, stars, state=SheetState.CONFIRMED, user=None, not_rated=()):
    """A sheet of `branch` for year/q with {member: star count}; confirmed (and followed up) by default."""
    cs = CriteriaSet.objects.get(audience="in_post")
    end = quarter(year, q).span[1]
    s = RatingSheet.objects.create(
        quarter=quarter(year, q), branch=branch, state=state,
        publicity_starts_on=end + datetime.timedelta(days=5), publicity_ends_on=end + datetime.timedelta(days=12),
    )
    for i, (member, n) in enumerate(stars.items()):
        RatingEntry.objects.create(
            sheet=s, member=member, criteria_set=cs, rated=True, position=i,
            not_rated=member in not_rated, not_rated_reason="长期外出" if member in not_rated else "",
            basis="" if n == 5 else "未按时参加组织生活",
            **{f: k < n for k, f in enumerate(STAR_FIELDS)},
        )
    if state == SheetState.CONFIRMED:
        with transaction.atomic():
            followup.on_confirmed(user, s, today=end + datetime.timedelta(days=15))
    return s
