"""seed_demo: a plausible county to demonstrate and benchmark the system.

    python manage.py seed_demo [--members 5000] [--seed 1921]

Runs the demo steps (demo/steps.py) in order inside one transaction: 县委 → 12 党(工)委 → 党总支 →
党支部 → 党小组 with their leading bodies, the members and their placements, the demo logins
(demo.accounts.DEMO_ACCOUNTS), a few audited everyday changes and Party decisions, then whatever
later capabilities register. One seeded random generator draws everything, so a seed always gives
the same county (dates count back from today).

Does nothing when the database already has organizations, so `make run` may call it every time.
"""

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from branches.choices import BRANCH_KINDS, COMMITTEE_KINDS, OrgKind
from branches.models import Organization
from core import audit
from demo import steps
from demo.accounts import account_rows, format_table, granted_org_names


class Command(BaseCommand):
    help = "生成演示数据：一个县的党组织、党员和演示账号（数据库中已有党组织时不做任何事）。"

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=5000, help="党员人数（默认 5000）")
        parser.add_argument("--seed", type=int, default=1921, help="随机种子（默认 1921）")

    def handle(self, *args, members, seed, **options):
        if members < 0:
            raise CommandError("--members 不能为负数。")
        if Organization.objects.exists():
            self.stdout.write("数据库中已有党组织，未重复生成。")
            self._print_accounts(settings.COUNTY_NAME)
            return
        county_name = settings.COUNTY_NAME
        self.stdout.write(f"正在生成演示数据：{county_name}，党员 {members} 名，随机种子 {seed} ……")
        started = time.perf_counter()
        ctx = steps.Context(random.Random(seed), timezone.localdate(), county_name, members)
        with transaction.atomic():
            steps.run(ctx)
            audit.record(
                None, ctx.orgs[0], audit.Action.CREATE,
                reason=f"生成演示数据：党组织 {len(ctx.orgs)} 个，党员 {ctx.builder.member_count} 名",
            )
        # Fresh statistics for the query planner: without them PostgreSQL (until autovacuum comes
        # round) and SQLite pick slow plans for the scoped roster on a freshly loaded table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started

        kinds = [o.kind for o in ctx.orgs]
        self.stdout.write(self.style.SUCCESS(
            f"已生成：党(工)委 {sum(k in COMMITTEE_KINDS for k in kinds)} 个、"
            f"党总支 {kinds.count(OrgKind.GENERAL_BRANCH)} 个、党支部 {sum(k in BRANCH_KINDS for k in kinds)} 个、"
            f"党小组 {kinds.count(OrgKind.GROUP)} 个、党员 {ctx.builder.member_count} 名，用时 {elapsed:.1f} 秒。"
        ))
        for line in ctx.notes:
            self.stdout.write(line)
        for username in ctx.skipped_users:
            self.stdout.write(self.style.WARNING(f"用户名 {username} 已存在，未创建也未修改该账号。"))
        self._print_accounts(county_name)

    def _print_accounts(self, county_name):
        self.stdout.write("\n演示账号（密码未被修改时）：\n" + format_table(["角色", "用户名", "密码", "所在党组织"],
                                                              account_rows(county_name, granted_org_names())))
