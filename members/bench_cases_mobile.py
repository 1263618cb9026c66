"""Bench cases for mobile members (流动党员): the county's ledger page and the county's ledger as
Excel. A bench county seeded before mobile members existed first gets the out-flow records behind
its is_mobile flags (members/demo_mobile.py, not measured)."""

import io
import random

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.documents import render_xlsx

from . import demo_mobile, mobile_ledger
from .management.commands.bench import Case
from .models import MobilePeriod


def _ensure_periods():
    if not MobilePeriod.objects.exists():
        with transaction.atomic():
            demo_mobile.record_flagged(random.Random(1921), timezone.localdate())


def cases(bench):
    _ensure_periods()
    client = bench.client(bench.user)
    total = MobilePeriod.objects.count()

    def page():
        response = client.get(reverse("members:mobile_ledger"), {"state": "all"})
        assert response.status_code == 200, response.status_code
        return min(total, mobile_ledger.PAGE_SIZE), f"全县共 {total:,} 条流出记录，每页 {mobile_ledger.PAGE_SIZE} 条"

    def excel():
        spec = mobile_ledger.export(bench.user, {"state": ["all"]})
        buf = io.BytesIO()
        n = render_xlsx(spec.doc, spec.iter_rows(), buf)
        return n, f"{len(spec.doc.columns)} 列，文件 {len(buf.getvalue()) // 1024:,} KB"

    return [
        Case("流动党员台账页：全县第1页（全部）", page, bench.runs, "< 0.2 秒，≤ 10 次查询", 0.2, max_queries=10),
        Case("流动党员台账 Excel：全县（全部）", excel, bench.runs, "< 3 秒", 3),
    ]
