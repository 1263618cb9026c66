"""Benchmark cases of the rating cycle (ratings/bench_cases.py gathers them)."""

from django.db.models import Count
from django.http import QueryDict
from django.urls import reverse

from branches.models import Organization
from members.management.commands.bench import Case

from . import services
from .choices import STAR_FIELDS
from .models import RatingQuarter, RatingSheet

BENCH_YEAR = 2099  # a quarter of its own, so the bench never touches a real one


def _sheet_of_about(n):
    """A draft sheet (bench quarter) of the branch whose roll is nearest `n`, its rows listed."""
    quarter, _ = RatingQuarter.objects.get_or_create(year=BENCH_YEAR, quarter=1, defaults={
        "opens_on": "2099-04-01", "due_on": "2099-04-20"})
    branch = (Organization.objects.branches().annotate(n=Count("members")).filter(n__gte=n)
              .order_by("n", "path").first())
    if branch is None:
        return None
    sheet = services.sheet_for(quarter, branch)
    if not sheet.is_draft:
        RatingSheet.objects.filter(pk=sheet.pk).update(state="draft")
        sheet.refresh_from_db()
    services.prepare(sheet)
    return sheet


def cases(bench):
    sheet = _sheet_of_about(60)
    target = "< 0.15 秒，查询数不随人数增加"
    name = "星级评定：保存约 60 名党员的评定表"
    if sheet is None:
        return [Case(name, None, bench.runs, target, 0.15, skip="没有约 60 名党员的党支部")]
    client = bench.client(bench.user)
    url = reverse("ratings:autosave", args=[sheet.pk])
    entries = services.grid_entries(sheet)
    flip = [0]

    def run():
        flip[0] += 1
        q = QueryDict(mutable=True)
        q["evaluation_meeting_on"] = "2026-10-08"
        for i, e in enumerate(entries):  # every run changes every row: all are written
            q.appendlist("row", str(e.pk))
            q[f"{e.pk}-rated"] = "1"
            for j, f in enumerate(STAR_FIELDS):
                if (i + j + flip[0]) % 7:
                    q[f"{e.pk}-{f}"] = "on"
            q[f"{e.pk}-basis"] = f"依据{flip[0]}"
        # as the grid's script sends it: URL-encoded (a multipart body of 60 rows takes longer to parse)
        response = client.post(url, q.urlencode(), content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200, response.content[:200]
        return len(entries), f"{sheet.branch.name}，{len(entries)} 行全部改动后保存（自动保存的请求）"

    return [Case(name, run, bench.runs, target, 0.15, max_queries=15)]
