import datetime

import pytest
from django.http import QueryDict

from ratings import services
from ratings.choices import STAR_FIELDS


@pytest.fixture
def quarter(county):
    today = datetime.date.today()
    q = (today.month - 1) // 3 + 1
    return services.open_quarter(county.admin, today.year, q, today, today + datetime.timedelta(days=20))


@pytest.fixture
def sheet(county, quarter):
    s = quarter.sheets.get(branch=county.east)
    services.prepare(s)
    return s


def grid_post(entries, *, withheld=None, basis="", **extra):
    """A POST of the grid: every row rated with all stars, except `withheld` {entry: [star, …]}."""
    withheld = withheld or {}
    q = QueryDict(mutable=True)
    for e in entries:
        q.appendlist("row", str(e.pk))
        q[f"{e.pk}-rated"] = "1"
        for f in STAR_FIELDS:
            if f not in withheld.get(e, ()):
                q[f"{e.pk}-{f}"] = "on"
        if e in withheld:
            q[f"{e.pk}-basis"] = basis or "本季度未按时参加学习"
    for k, v in extra.items():
        q[k] = v
    return q


def placed_members(branch, n, start=0):
    """bulk_members with a placement each (from 2020), so the branch's quarter lists them."""
    from conftest import bulk_members
    from members.models import Placement

    members = bulk_members(branch, n, start)
    Placement.objects.bulk_create(Placement(member=m, organization=branch, started_on=datetime.date(2020, 1, 1),
                                            start_reason="records") for m in members)
    return members
