"""bench: how fast the roster and its documents are on a county of 30,000 members.

    python manage.py bench [--members 30000] [--runs 5] [--big-runs 1] [--database-url URL]
                           [--load | --load-only] [--clients 20] [--seconds 10] [--workers 3]

The county lives in its own database, never the app's: var/bench.sqlite3 (built on the first run,
reused afterwards), or the database named by --database-url (e.g. postgres://…/bench). The command
re-runs itself in a child process pointed at that database; the child migrates, seeds the county
when it has no members (seed_demo, in a process of its own so that its memory is not counted),
then measures each case: the median time of --runs runs, the Python memory peak of one more run
(tracemalloc) together with its query count, and the process's max RSS.

With --load (or --load-only) it then serves the app with gunicorn as `make run` does and drives it
with concurrent logged-in clients (members/loadtest.py).

The results print as a table and are written as Markdown to var/bench.md.
"""

import importlib
import io
import os
import platform
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import tracemalloc
from dataclasses import dataclass
from functools import partial
from typing import Callable

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Grant, Role, User
from branches.choices import COMMITTEE_KINDS
from branches.models import Organization
from core import exports
from core.documents import render_pdf, render_xlsx
from demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, format_table
from members import loadtest, placements
from members.models import Member
from members.roster import COLUMNS, PAGE_SIZE, filter_members

CHILD_MARKER = "BENCH_CHILD"
BENCH_USERNAME = next(a.username for a in DEMO_ACCOUNTS if a.role == Role.COUNTY_ADMIN and not a.superuser)
BRANCH_SIZE = 60
COMMITTEE_SIZE = 2000
MB = 2**20


@dataclass
class Case:
    name: str
    run: Callable[[], tuple[int, str]] | None  # one run: (rows, note); None when skipped
    runs: int
    target: str
    max_seconds: float
    max_rss_mb: float | None = None
    max_queries: int | None = None
    warmup: bool = True  # one run first, not counted (imports, templates, fonts)
    skip: str = ""


@dataclass
class Result:
    case: Case
    rows: int = 0
    median: float = 0.0
    peak_mb: float = 0.0
    rss_mb: float = 0.0
    queries: int = 0
    note: str = ""
    error: str = ""

    @property
    def verdict(self):
        if self.error:
            return "—"
        c = self.case
        ok = (
            self.median < c.max_seconds
            and (c.max_rss_mb is None or self.rss_mb < c.max_rss_mb)
            and (c.max_queries is None or self.queries <= c.max_queries)
        )
        return "达标" if ok else "未达标"

    def cells(self):
        if self.error:
            return [self.case.name, "", "", "", "", "", self.case.target, self.verdict, self.error]
        return [
            self.case.name, f"{self.rows:,}", f"{self.median:.3f}", f"{self.peak_mb:.1f}",
            f"{self.rss_mb:.0f}", str(self.queries), self.case.target, self.verdict, self.note,
        ]


HEADERS = ["项目", "行数", "中位数(秒)", "Python峰值MB(tracemalloc)", "最大RSS MB", "查询数", "目标", "结果", "说明"]


def measure(case):
    if case.skip:
        return Result(case, error=f"跳过：{case.skip}")
    try:
        if case.warmup:
            case.run()
        times = []
        for _ in range(case.runs):
            started = time.perf_counter()
            rows, note = case.run()
            times.append(time.perf_counter() - started)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        tracemalloc.start()
        try:
            with CaptureQueriesContext(connection) as queries:
                case.run()
            peak_mb = tracemalloc.get_traced_memory()[1] / MB
        finally:
            tracemalloc.stop()
    except Exception as exc:  # one broken case must not hide the others
        traceback.print_exc()
        return Result(case, error=f"失败：{type(exc).__name__}: {exc}")
    return Result(case, rows, statistics.median(times), peak_mb, rss_mb, len(queries), note)


def machine_facts():
    cpu = platform.processor() or "未知"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    if connection.vendor == "sqlite":
        database = f"SQLite {sqlite3.sqlite_version}（{connection.settings_dict['NAME']}）"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}（数据库 {connection.settings_dict['NAME']}）"
    import weasyprint  # here, not at the top: its ~25 MB would count in every case's RSS
    import xlsxwriter

    return [
        ("日期", timezone.localdate().isoformat()),
        ("处理器", f"{len(os.sched_getaffinity(0))} 核，{cpu}"),
        ("软件", f"Python {platform.python_version()}，Django {django.get_version()}，"
                 f"WeasyPrint {weasyprint.__version__}，XlsxWriter {xlsxwriter.__version__}"),
        ("数据库", database),
        ("数据", f"党员 {Member.objects.count():,} 名（在册 {Member.objects.on_roll().count():,} 名），"
                 f"党组织 {Organization.objects.count():,} 个"),
    ]


def markdown(facts, results, runs, big_runs):
    lines = ["## 性能基准", ""]
    lines += [f"- {label}：{value}" for label, value in facts]
    lines += ["", "| " + " | ".join(HEADERS) + " |"]
    lines += ["|" + "|".join(["---"] + ["---:"] * 5 + ["---"] * 3) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in r.cells()) + " |" for r in results]
    lines += [
        "",
        f"中位数取 {runs} 次运行（约 2,000 名的 PDF 取 {big_runs} 次）；名册页和党支部 PDF 另先预热一次，不计时。"
        "Python 峰值与查询数来自另一次运行（tracemalloc 只统计 Python 分配的内存）。"
        "最大 RSS 是测量进程到该项为止的峰值，按表中顺序累计。",
        "由 `python manage.py bench` 生成。",
        "",
    ]
    return "\n".join(lines)


def _redact(url):
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


class Command(BaseCommand):
    help = "性能基准：在独立数据库里的 3 万名党员上测量名册页面、Excel 和 PDF 名册。"

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=30000, help="基准库的党员人数（默认 30000）")
        parser.add_argument("--runs", type=int, default=5, help="每项运行次数，取中位数（默认 5）")
        parser.add_argument("--big-runs", type=int, default=1,
                            help="约 2,000 名党员的 PDF 名册的运行次数（默认 1，每次约 30 秒）")
        parser.add_argument("--only", default="", help="只测量名称中含有这段文字的项目，如 --only 组织关系")
        parser.add_argument("--database-url", default="",
                            help="基准库（默认 sqlite:///var/bench.sqlite3），如 postgres://user@host/bench")
        load = parser.add_mutually_exclusive_group()
        load.add_argument("--load", action="store_true", help="另测负载：gunicorn + 并发登录客户端（约 1 分钟）")
        load.add_argument("--load-only", action="store_true", help="只测负载")
        parser.add_argument("--clients", type=int, default=20, help="负载测试的并发客户端数（默认 20）")
        parser.add_argument("--seconds", type=int, default=10, help="负载测试每项持续秒数（默认 10）")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn 工作进程数（默认 3，同 make run）")

    def handle(self, *args, members, runs, big_runs, database_url, only, **options):
        if runs < 1 or big_runs < 1:
            raise CommandError("--runs 和 --big-runs 至少为 1。")
        if not 1 <= options["clients"] <= loadtest.MAX_CLIENTS or not 1 <= options["seconds"] <= 300:
            raise CommandError(f"--clients 应在 1 到 {loadtest.MAX_CLIENTS} 之间，--seconds 在 1 到 300 之间。")
        if os.environ.get(CHILD_MARKER) != "1":
            self._run_child(members, runs, big_runs, database_url, only, options)
            return
        self._ensure_county(members)
        user = User.objects.get(username=BENCH_USERNAME)
        results = []
        if not options["load_only"]:
            for case in self._cases(user, runs, big_runs):
                if only not in case.name:
                    continue
                self.stdout.write(f"正在测量：{case.name} ……")
                results.append(measure(case))
        load = self._load(options) if options["load"] or options["load_only"] else None
        facts = machine_facts()
        self.stdout.write("\n" + "\n".join(f"{label}：{value}" for label, value in facts) + "\n")
        text = markdown(facts, results, runs, big_runs) if results else "\n".join(
            ["## 性能基准", ""] + [f"- {label}：{value}" for label, value in facts] + [""])
        if results:
            self.stdout.write(format_table(HEADERS, [r.cells() for r in results]))
        if load:
            self.stdout.write("\n" + format_table(loadtest.LOAD_HEADERS, loadtest.rows(*load)))
            text += loadtest.markdown(*load)
        path = settings.VAR_DIR / "bench.md"
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"\n结果已写入 {path}")
        failed = [r for r in results if r.error.startswith("失败")]
        if failed:
            raise CommandError(f"{len(failed)} 项测量失败，错误信息见上方。")

    def _load(self, options):
        accounts = {
            "county": (BENCH_USERNAME, DEMO_PASSWORD),
            "secretary": (next(a.username for a in DEMO_ACCOUNTS if a.role == Role.BRANCH_SECRETARY), DEMO_PASSWORD),
        }
        call_command("collectstatic", interactive=False, verbosity=0)  # as make run: whitenoise serves them
        connection.close()  # the server's processes open their own
        try:
            scenarios, facts = loadtest.run(sys.executable, accounts, options["clients"], options["seconds"],
                                            options["workers"], log=self.stdout.write)
        except loadtest.LoadError as exc:
            raise CommandError(f"负载测试未能完成：{exc}") from exc
        for line in loadtest.error_samples(scenarios):
            self.stdout.write(self.style.WARNING(line))
        return scenarios, facts

    def _run_child(self, members, runs, big_runs, database_url, only, options):
        url = database_url or f"sqlite:///{settings.VAR_DIR / 'bench.sqlite3'}"
        self.stdout.write(f"基准数据库：{_redact(url)}")
        command = [
            sys.executable, str(settings.BASE_DIR / "manage.py"), "bench",
            "--members", str(members), "--runs", str(runs), "--big-runs", str(big_runs), "--only", only,
            "--clients", str(options["clients"]), "--seconds", str(options["seconds"]),
            "--workers", str(options["workers"]),
        ]
        if options["load"] or options["load_only"]:
            command.append("--load" if options["load"] else "--load-only")
        env = {**os.environ, "DATABASE_URL": url, CHILD_MARKER: "1"}
        returncode = subprocess.run(command, env=env).returncode
        if returncode:
            raise CommandError("基准测试未能完成。", returncode=returncode)

    def _ensure_county(self, members):
        call_command("migrate", verbosity=0)
        if not Member.objects.exists():
            if Organization.objects.exists():
                raise CommandError("基准数据库里有党组织却没有党员，请删除该数据库后重试。")
            # A process of its own: the seeding's memory must not count in the measured max RSS.
            manage = str(settings.BASE_DIR / "manage.py")
            subprocess.run([sys.executable, manage, "seed_demo", "--members", str(members)], check=True)
        count = Member.objects.count()
        if count != members:
            self.stdout.write(self.style.WARNING(
                f"基准数据库已有党员 {count:,} 名（不是 --members 指定的 {members:,} 名）；如需重建请删除该数据库。"))

    def _cases(self, user, runs, big_runs):
        three = self._three_grants_user()
        cases = [
            self._roster_case("名册页：全县正式党员按姓名第1页", user, {"category": "full", "sort": "name"}, runs),
            self._roster_case("名册页：全县第1页（无筛选）", user, {}, runs),
            self._roster_case("名册页：持三项授权（党委、党支部书记、跟踪指导）的用户第1页", three, {}, runs),
            Case(f"Excel名册：全县全部党员 {len(COLUMNS)} 列", partial(self._excel, user), runs,
                 "< 10 秒，< 200 MB", 10, max_rss_mb=200, warmup=False),
        ]
        branch = partial(self._pdf, user, *self._branch_near(BRANCH_SIZE))
        cases.append(Case(f"PDF名册：约 {BRANCH_SIZE} 名的党支部", branch, runs, "< 1.2 秒", 1.2))
        committee = partial(self._pdf, user, *self._committee_near(COMMITTEE_SIZE))
        cases.append(Case(f"PDF名册：约 {COMMITTEE_SIZE:,} 名的党(工)委", committee, big_runs,
                          "< 35 秒，< 600 MB", 35, max_rss_mb=600, warmup=False))
        cases.append(self._placements_case(runs))
        return cases + self._app_cases(user, runs, big_runs)

    def _app_cases(self, user, runs, big_runs):
        """Each app may add cases in its own `bench_cases.py`: a function `cases(bench)` returning a
        list of `Case` (import it from this module). `bench` gives `.user` (the county
        administrator), `.runs`, `.big_runs` and `.client(user)` (a logged-in test client)."""
        self.user, self.runs, self.big_runs = user, runs, big_runs
        found = []
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.bench_cases")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.bench_cases":
                    raise
                continue
            found.extend(module.cases(self))
        return found

    def client(self, user):
        host = next((h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")), "localhost")
        client = Client(HTTP_HOST=host)
        client.force_login(user)
        return client

    def _placements_case(self, runs):
        """Who belonged to each branch during the last full quarter: every branch, one query."""
        today = timezone.localdate()
        year, q = (today.year, (today.month - 1) // 3) if today.month > 3 else (today.year - 1, 4)
        start, end = placements.quarter(year, q)
        branch_ids = list(Organization.objects.branches().values_list("pk", flat=True))

        def run():
            during = placements.members_during(branch_ids, start, end)
            return sum(map(len, during.values())), (
                f"{year}年第{q}季度，{len(branch_ids)} 个党支部（{len(during)} 个有党员）")

        return Case("组织关系：各党支部一个季度内的党员", run, runs, "< 0.2 秒，1 次查询", 0.2, max_queries=1)

    def _three_grants_user(self):
        """A person with three grants in three committees: a committee, a branch secretary
        elsewhere, a tracking cadre of a unit in a third (created once in the bench database)."""
        user, created = User.objects.get_or_create(username="bench_three", defaults={"display_name": "三项授权"})
        if created or not user.grants.exists():
            committees = list(Organization.objects.filter(kind__in=COMMITTEE_KINDS).order_by("path")[:3])
            branch = Organization.objects.branches().filter(path__startswith=committees[1].path).order_by("path").first()
            unit = Organization.objects.filter(path__startswith=committees[2].path).exclude(
                pk=committees[2].pk).exclude(kind="group").order_by("path").first()
            Grant.objects.bulk_create([
                Grant(user=user, role=Role.COMMITTEE, organization=committees[0]),
                Grant(user=user, role=Role.BRANCH_SECRETARY, organization=branch),
                Grant(user=user, role=Role.TRACKING_CADRE, organization=unit),
            ])
        return User.objects.get(pk=user.pk)

    def _roster_case(self, name, user, params, runs):
        target = "< 0.1 秒，≤ 10 次查询"
        try:
            url = reverse("members:roster")
        except NoReverseMatch:
            return Case(name, None, runs, target, 0.1, skip="未找到 URL members:roster")
        total = filter_members(user, params)[0].count()
        client = self.client(user)

        def run():
            response = client.get(url, params)
            if response.status_code != 200:
                raise RuntimeError(f"名册页返回 HTTP {response.status_code}")
            return min(total, PAGE_SIZE), f"共 {total:,} 行，每页 {PAGE_SIZE} 行"

        return Case(name, run, runs, target, 0.1, max_queries=10)

    def _excel(self, user):
        spec = exports.build("roster", user, {"columns": [c.key for c in COLUMNS], "state": ["all"]})
        with tempfile.TemporaryFile() as fh:
            rows = render_xlsx(spec.doc, spec.iter_rows(), fh)
            size = fh.tell()
        return rows, f"含不在册党员，文件 {size / MB:.1f} MB"

    def _pdf(self, user, org, on_roll):
        spec = exports.build("roster", user, {"org": [str(org.pk)]})
        buf = io.BytesIO()
        rows = render_pdf(spec.doc, spec.iter_rows(), buf)
        return rows, f"{org.name}（在册 {on_roll:,} 名），默认列，文件 {buf.tell() / 1024:,.0f} KB"

    def _branch_near(self, size):
        """The branch whose on-roll count is closest to `size`, and that count."""
        counts = Member.objects.on_roll().order_by().values_list("organization").annotate(n=Count("pk"))
        pk, n = min(counts, key=lambda c: (abs(c[1] - size), c[0]))
        return Organization.objects.get(pk=pk), n

    def _committee_near(self, size):
        """The 党(工)委 whose subtree's on-roll count is closest to `size`, and that count."""
        counted = [
            (c, Member.objects.on_roll().filter(organization__path__startswith=c.path).count())
            for c in Organization.objects.filter(kind__in=COMMITTEE_KINDS)
        ]
        committee, n = min(counted, key=lambda c: (abs(c[1] - size), c[0].pk))
        if abs(n - size) > size // 5:
            self.stdout.write(self.style.WARNING(
                f"没有党员数接近 {size:,} 名的党(工)委，改用最接近的 {committee.name}（{n:,} 名）。"))
        return committee, n
