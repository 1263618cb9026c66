"""Bench cases of finding a member (issue 9): the county administrator types a member's pinyin
initials (the three letters most members of the 30,000-member county share, the worst case) or
full pinyin into the roster's search box; the page answers with the county's tree beside the
list. Target: under 0.1 s, and a number of queries that does not grow with the county."""

from django.db.models import Count
from django.db.models.functions import Length
from django.urls import reverse

from .models import Member
from .roster import PAGE_SIZE, filter_members


def _commonest_initials():
    """The three-letter initials most members on the roll share, and one such member's pinyin."""
    row = (Member.objects.on_roll().annotate(n_letters=Length("name_initials")).filter(n_letters=3)
           .values("name_initials").annotate(n=Count("pk")).order_by("-n", "name_initials").first())
    if row is None:
        return None, None
    spelled = (Member.objects.on_roll().filter(name_initials=row["name_initials"])
               .order_by("pk").values_list("name_spelled", flat=True).first())
    return row["name_initials"], spelled


def cases(bench):
    from .management.commands.bench import Case

    initials, spelled = _commonest_initials()
    client = bench.client(bench.user)
    url = reverse("members:roster")
    target = "< 0.1 秒，≤ 10 次查询（不随人数增加）"

    def page(q):
        total = filter_members(bench.user, {"q": q})[0].count()

        def run():
            response = client.get(url, {"q": q})
            assert response.status_code == 200, response.status_code
            return min(total, PAGE_SIZE), f"搜索“{q}”，共 {total:,} 名，含左侧组织树"

        return run

    def query():  # the search alone: the count and the first page of rows, as the page reads them
        qs = filter_members(bench.user, {"q": initials})[0]
        total, rows = qs.count(), list(qs.values_list("pk", "name")[:PAGE_SIZE])
        return len(rows), f"搜索“{initials}”，共 {total:,} 名（计数和第1页两次查询）"

    if initials is None:
        skip = "基准库没有三个字的姓名"
        return [Case("名册搜索：拼音首字母（全县）", None, bench.runs, target, 0.1, skip=skip)]
    return [
        Case("名册搜索：拼音首字母（全县）", page(initials), bench.runs, target, 0.1, max_queries=10),
        Case("名册搜索：拼音首字母，仅查询（全县）", query, bench.runs, "< 0.03 秒，2 次查询", 0.03, max_queries=2),
        Case("名册搜索：全拼（全县）", page(spelled), bench.runs, target, 0.1, max_queries=10),
    ]
