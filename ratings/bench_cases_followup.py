"""Bench cases of what follows a quarter (members/management/commands/bench.py, `cases(bench)`):
the county overview of a quarter with a sheet in every branch, and 年终定星's county summary.

The bench database has no ratings of its own: the first run rates the last full quarter (and the
four of the year before it, for the annual summary) in every branch, written in bulk and kept."""

import datetime
import random

from django.urls import reverse
from django.utils import timezone

from branches.models import Organization
from members.management.commands.bench import Case
from members.placements import members_during
from members.placements import quarter as quarter_span

from .choices import STAR_FIELDS, SheetState
from .models import CriteriaSet, RatingEntry, RatingQuarter, RatingSheet

STATES = [SheetState.CONFIRMED] * 6 + [SheetState.PUBLICITY] * 2 + [SheetState.DRAFT]


def _last_full_quarter(today):
    return (today.year, (today.month - 1) // 3) if today.month > 3 else (today.year - 1, 4)


def _rated(year, q, rng, states=STATES):
    """A sheet in every branch for year/q with every member of the quarter rated (kept once made)."""
    start, end = quarter_span(year, q)
    quarter, _ = RatingQuarter.objects.get_or_create(
        year=year, quarter=q, defaults={"opens_on": end + datetime.timedelta(days=1),
                                        "due_on": end + datetime.timedelta(days=20)})
    done = set(RatingSheet.objects.filter(quarter=quarter).values_list("branch_id", flat=True))
    during = members_during(None, start, end)
    criteria = CriteriaSet.objects.filter(audience="in_post").order_by("from_year", "from_quarter").first()
    sheets = RatingSheet.objects.bulk_create([
        RatingSheet(quarter=quarter, branch_id=b, state=states[i % len(states)],
                    publicity_starts_on=end + datetime.timedelta(days=8), publicity_ends_on=end + datetime.timedelta(days=15))
        for i, b in enumerate(sorted(during)) if b not in done
    ])
    rows = []
    for s in sheets:
        for i, member_id in enumerate(sorted(during[s.branch_id])):
            n = rng.choice((5, 5, 5, 4, 4, 3, 2))
            e = RatingEntry(sheet=s, member_id=member_id, criteria_set=criteria, rated=True, position=i,
                            **{f: k < n for k, f in enumerate(STAR_FIELDS)})
            e.refresh()
            rows.append(e)
    RatingEntry.objects.bulk_create(rows, batch_size=5000)
    return quarter


def cases(bench):
    rng = random.Random(8)
    today = timezone.localdate()
    year, q = _last_full_quarter(today)
    quarter = _rated(year, q, rng)
    for last_year_q in (1, 2, 3, 4):
        _rated(year - 1, last_year_q, rng, states=[SheetState.CONFIRMED])
    branches = Organization.objects.branches().active().count()
    entries = RatingEntry.objects.filter(sheet__quarter=quarter).count()
    client = bench.client(bench.user)
    overview_url = reverse("ratings:overview")
    annual_url = reverse("ratings:annual")

    def overview():
        response = client.get(overview_url, {"quarter": quarter.pk})
        if response.status_code != 200:
            raise RuntimeError(f"评星总览返回 HTTP {response.status_code}")
        return branches, f"{quarter}，{branches} 个党支部，{entries:,} 名党员的评定"

    def annual():
        response = client.get(annual_url, {"year": year - 1})
        if response.status_code != 200:
            raise RuntimeError(f"年终定星返回 HTTP {response.status_code}")
        return branches, f"{year - 1}年四个季度，全县汇总"

    return [
        Case("评星总览：全县各党支部进度与得星分布", overview, bench.runs, "< 0.3 秒，≤ 12 次查询", 0.3, max_queries=12),
        Case("年终定星：全县汇总页", annual, bench.runs, "< 2 秒", 2.0, max_queries=12),
    ]
