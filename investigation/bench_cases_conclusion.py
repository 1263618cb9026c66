"""Bench cases of the conclusion and the county overview (added to bench_cases.py's): the county
overview page over every branch and case of the forms' campaign (bench_cases_forms.py: a case per
member of the 30,000, the lost with their codes and dates), and a committee's summary as PDF.

The campaign's checks are all in self-check as the forms' bench leaves them: the first time, a third
of them are moved on (submitted, verified, signed: a spread of stages for the page to count), in one
UPDATE each, not measured; later runs find them moved."""

import io

from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from branches.models import Organization
from members.management.commands.bench import Case as BenchCase

from . import summary
from .bench_cases_forms import _campaign
from .choices import CheckState
from .models import BranchCheck, Case


def _spread_stages(campaign):
    checks = BranchCheck.objects.filter(campaign=campaign)
    if checks.exclude(state=CheckState.SELF_CHECK).exists():
        return
    pks = list(checks.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        for i, state in enumerate((CheckState.SUBMITTED, CheckState.VERIFIED, CheckState.SIGNED)):
            BranchCheck.objects.filter(pk__in=pks[i::6]).update(state=state)


def cases(bench):
    campaign = _campaign(bench.user)
    _spread_stages(campaign)
    members = Case.objects.filter(campaign=campaign).count()
    branches = BranchCheck.objects.filter(campaign=campaign).count()
    client = bench.client(bench.user)
    url = f"{reverse('investigation:overview')}?c={campaign.pk}"

    def overview_page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return members, f"{branches:,} 个党支部、{members:,} 名排查对象，{len(response.content) // 1024:,} KB"

    big = (Case.objects.filter(campaign=campaign).values("branch_check__committee").annotate(n=Count("pk"))
           .order_by("-n").first())
    committee = Organization.objects.get(pk=big["branch_check__committee"])
    opinion = campaign.opinions.get(committee=committee)
    pdf_url = reverse("investigation:summary_pdf", args=[opinion.pk])

    def summary_data():
        s = summary.build(committee, campaign)
        return s.totals["total"], f"{committee.name}，{len(s.branches)} 个党支部，失联 {s.lost:,} 名"

    def summary_pdf():
        response = client.get(pdf_url)
        assert response.status_code == 200, response.status_code
        return big["n"], f"{committee.name}，文件 {len(io.BytesIO(response.content).getvalue()) // 1024:,} KB"

    return [
        BenchCase("组织关系排查：排查总览（全县，各党(工)委进度与失联分析）", overview_page, bench.runs,
                  "< 1 秒，查询数不随党支部和人数增加", 1.0, max_queries=15),
        BenchCase("组织关系排查：党(工)委总结数据（数量、结构、分布、原因，含附件4）", summary_data, bench.runs,
                  "< 0.5 秒，3 次查询", 0.5, max_queries=3),
        BenchCase("组织关系排查：党(工)委总结 PDF（含附件4）", summary_pdf, bench.runs, "< 5 秒", 5, max_queries=25),
    ]
