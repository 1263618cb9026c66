"""Bench cases of the member forms (issue 9): the registration page as the county (the tree picker
over every branch of the county, with the pinyin initials of each) and a quick edit's page."""

from django.urls import reverse

from branches.models import Organization

from .management.commands.bench import Case
from .models import Member


def cases(bench):
    client = bench.client(bench.user)
    branches = Organization.objects.active().branches().count()
    member = Member.objects.on_roll().order_by("pk").first()

    def register():
        response = client.get(reverse("members:create"))
        assert response.status_code == 200, response.status_code
        return branches, f"组织选择器含 {branches:,} 个党支部"

    def quick():
        response = client.get(reverse("members:quick", args=[member.pk]), {"field": "phone"})
        assert response.status_code == 200, response.status_code
        return 1, "修改手机号码（一个字段）"

    return [
        Case("登记党员页：全县（组织选择器）", register, bench.runs, "< 0.2 秒，≤ 12 次查询", 0.2, max_queries=12),
        Case("快速修改页：手机号码", quick, bench.runs, "< 0.1 秒，≤ 12 次查询", 0.1, max_queries=12),
    ]
