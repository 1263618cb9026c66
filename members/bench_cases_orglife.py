"""Bench cases of organizational life and the contact clock: the to-do page (待办事项) of the county
administrator over the whole 30,000-member county, and the quarterly 三会一课 summary of the county's
384 branches. When the bench database has no meetings yet, a year of them is written first
(members/demo_orglife.py, as the demo does), not timed."""

from django.urls import reverse
from django.utils import timezone

from . import contacts, demo_orglife, orglife, todo
from .models import Meeting


def _fill():
    if not Meeting.objects.exists():
        demo_orglife.seed(timezone.localdate())


def cases(bench):
    from .management.commands.bench import Case

    _fill()
    client = bench.client(bench.user)

    def todo_page():
        response = client.get(reverse("members:todo"))
        assert response.status_code == 200, response.status_code
        c = contacts.counts(bench.user)
        return sum(c.values()), (f"超过六个月 {c['contact_overdue']} 名、超过五个月 {c['contact_warning']} 名、"
                                 f"尚无联系记录 {c['contact_never']} 名；每节列前 10 名")

    year, q = orglife.quarter_of(timezone.localdate())

    def summary_page():
        response = client.get(reverse("members:orglife_summary"), {"year": year, "quarter": q})
        assert response.status_code == 200, response.status_code
        return response.content.decode().count("<tr>") - 2, f"{year}年第{q}季度，全县各党支部"

    return [
        # members/todo.py's bound: at most two queries per section, whatever the number of members (the
        # page frame's three and the count of the note above besides); sections come with capabilities
        Case("待办事项：全县（组织部管理员）", todo_page, bench.runs, "< 0.2 秒，查询数不随人数增加", 0.2,
             max_queries=4 + 2 * len(todo.sections())),
        Case("三会一课季度统计：全县各党支部", summary_page, bench.runs, "< 1 秒", 1.0, max_queries=12),
    ]
