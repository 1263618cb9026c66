"""Bench cases for dues (党费): one branch's month grid of 60 members saved at once, the county's
arrears count, a branch's grid page and its dues sheet as PDF. A bench county seeded before dues
existed gets its dues first (members/dues_demo.py, not measured)."""

import datetime
import io
import random

from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from core import exports
from core.documents import render_pdf

from . import dues, dues_demo
from .management.commands.bench import Case
from .models import DuesPayment, DuesStandard, Member

GRID_SIZE = 60


def _ensure_dues():
    if not DuesStandard.objects.exists():
        with transaction.atomic():
            dues_demo.seed_county(datetime.date.today(), random.Random(7))


def _largest_branch():
    row = (Member.objects.on_roll().values("organization_id").annotate(n=Count("pk")).order_by("-n").first())
    from branches.models import Organization

    return Organization.objects.get(pk=row["organization_id"]), row["n"]


def _grid_case(bench, branch):
    month = dues.current_month()
    paid = DuesPayment.objects.filter(month=month, member__organization=branch).values("member_id")
    ids = list(Member.objects.on_roll().filter(organization=branch, dues_account__isnull=False)
               .exclude(pk__in=paid).order_by("pk").values_list("pk", flat=True)[:GRID_SIZE])

    def run():
        with transaction.atomic():  # saved, then rolled back: every run records the same month
            made = dues.save_month(bench.user, branch, month, datetime.date.today(), dict.fromkeys(ids))
            transaction.set_rollback(True)
        return len(made), f"{branch.name}，{dues.month_label(month)}，一个事务（保存后回滚，每次相同）"

    return Case(f"党费：一个党支部 {GRID_SIZE} 名党员的月度登记（一次保存）", run, bench.runs,
                "< 0.5 秒，查询数不随人数增长", 0.5, max_queries=20)


def _arrears_case(bench):
    def run():
        qs = Member.objects.visible_to(bench.user).on_roll()
        c = qs.aggregate(total=Count("pk"), owing=Count("pk", filter=dues.arrears_q()),
                         long=Count("pk", filter=dues.arrears_q(months=dues.BACK_PAY_MONTHS)))
        note = f"欠交 {c['owing']:,} 名，连续{dues.BACK_PAY_MONTHS}个月以上 {c['long']:,} 名（读 DuesAccount，一次查询）"
        return c["total"], note

    return Case("党费：全县欠交党费人数", run, bench.runs, "< 0.2 秒，1 次查询", 0.2, max_queries=1)


def _page_case(bench, branch, n):
    client = bench.client(bench.user)
    url = reverse("members:dues_grid", args=[branch.pk])

    def run():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return n, f"{branch.name}（在册 {n} 名）的登记党费页"

    return Case("党费：登记党费页（最大的党支部）", run, bench.runs, "< 0.3 秒", 0.3, max_queries=12)


def _sheet_case(bench, branch, n):
    def run():
        spec = exports.build("dues_sheet", bench.user, {"org": [str(branch.pk)], "year": [str(datetime.date.today().year)]})
        buf = io.BytesIO()
        rows = render_pdf(spec.doc, spec.iter_rows(), buf)
        return rows, f"{branch.name}，{len(buf.getvalue()) // 1024} KB"

    return Case("党费：党费收缴登记表 PDF（最大的党支部）", run, bench.runs, "< 2 秒", 2)


def cases(bench):
    _ensure_dues()
    branch, n = _largest_branch()
    return [_grid_case(bench, branch), _arrears_case(bench), _page_case(bench, branch, n), _sheet_case(bench, branch, n)]
