"""Bench cases of the relationship investigation (members/management/commands/bench.py)."""

from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from branches.models import Organization
from members.management.commands.bench import Case

from . import services
from .bench_cases_conclusion import cases as conclusion_cases
from .bench_cases_forms import cases as forms_cases
from .forms import source_dates
from .models import Campaign

BENCH_YEAR = 2099  # a campaign of its own, so the bench never touches a real one


class _Rollback(Exception):
    pass


def _bench_campaign():
    dates = source_dates(BENCH_YEAR)
    campaign, _ = Campaign.objects.get_or_create(name="基准测试排查（2099）", defaults=dates)
    return campaign


def cases(bench):
    out = []

    def open_county():
        """Open a campaign over the whole county, then roll it back (the bench keeps nothing)."""
        made = {}
        try:
            with transaction.atomic():
                c = services.open_campaign(bench.user, name="基准测试开展排查", **source_dates(BENCH_YEAR - 1))
                made["cases"] = c.cases.count()
                made["checks"] = c.checks.count()
                raise _Rollback
        except _Rollback:
            pass
        return made["cases"], f"{made['checks']:,} 个党支部、{made['cases']:,} 名排查对象批量生成（事务回滚）"

    # SQLite takes at most 999 parameters a statement (Django's limit): about 28 cases per INSERT, so
    # the queries grow with the members there (PostgreSQL: one INSERT per 2,000). Once per campaign.
    out.append(Case("组织关系排查：开展全县排查（生成全部排查对象）", open_county, 1,
                    "< 15 秒（3万名）", 15, warmup=False))

    branch = (Organization.objects.branches().annotate(n=Count("members")).filter(n__gte=60)
              .order_by("n", "path").first())
    name = "组织关系排查：党支部排查对象列表页（约 60 名）"
    if branch is None:
        return [*out, Case(name, None, bench.runs, "< 0.2 秒", 0.2, skip="没有约 60 名党员的党支部")]
    check = services.check_for(_bench_campaign(), branch)
    client = bench.client(bench.user)
    url = reverse("investigation:check", args=[check.pk])
    total = check.cases.count()

    def run():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return total, f"{branch.name}，{total} 名排查对象"

    out.append(Case(name, run, bench.runs, "< 0.2 秒，查询数不随人数增加", 0.2, max_queries=15))
    case = check.cases.select_related("member").first()
    case_url = reverse("investigation:case", args=[case.pk])

    def run_case():
        response = client.get(case_url)
        assert response.status_code == 200, response.status_code
        return 1, f"{case.member.name}的排查页（党员记录、党费、组织生活、转接、查找记录）"

    out.append(Case("组织关系排查：一名党员的排查页", run_case, bench.runs, "< 0.3 秒", 0.3, max_queries=30))
    # 附件1, 附件3, 附件4 (bench_cases_forms.py); the overview and a committee's summary (bench_cases_conclusion.py)
    return out + forms_cases(bench) + conclusion_cases(bench)
