"""The pilots' bench case (members/management/commands/bench.py): the program overview with 20 pilot
units in the 30,000-member county, each with a scheme, its members assigned, a report and a problem."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Grant, Role, User
from branches.choices import BRANCH_KINDS, COMMITTEE_KINDS, OrgKind
from branches.models import Organization
from members.management.commands.bench import Case

from .models import Category, PilotUnit, Program, Report, month_start
from .services import dispatch, programs, schemes

NAME = "基准测试：党员分类管理试点"
UNITS = 20


def _units():
    """7 general branches, 3 committees and 10 branches: 20 units of every size."""
    orgs = Organization.objects.active()
    picked = list(orgs.filter(kind=OrgKind.GENERAL_BRANCH).order_by("path")[:7])
    picked += list(orgs.filter(kind__in=COMMITTEE_KINDS).order_by("-path")[:3])
    taken = [o.path for o in picked]
    for b in orgs.filter(kind__in=BRANCH_KINDS).order_by("path"):
        if len(picked) == UNITS:
            break
        if not any(b.path.startswith(p) or p.startswith(b.path) for p in taken):
            picked.append(b)
            taken.append(b.path)
    return picked


def _program(admin):
    """The bench program, made once in the bench database (through the services, audited)."""
    program = Program.objects.filter(name=NAME).first()
    if program is not None and program.units.count() == UNITS:
        return program
    from .demo_steps import _phases

    cadre, _ = User.objects.get_or_create(username="bench_cadre", defaults={"display_name": "基准跟踪指导"})
    if not cadre.grants.exists():
        Grant.objects.create(user=cadre, role=Role.TRACKING_CADRE, organization=_units()[0])
    with transaction.atomic():
        program = programs.save_program(admin, Program(name=NAME), _phases(timezone.localdate()))
        for org in _units():
            unit = programs.save_unit(admin, PilotUnit(program=program, organization=org, sector=org.sector,
                                                       tracking_cadre=User.objects.get(pk=cadre.pk),
                                                       leader_name="组长"))
            cats = [schemes.save_category(admin, Category(unit=unit, name=n, rule=n)) for n in ("在职党员", "离退休党员")]
            ids = list(schemes.unit_members(unit).values_list("pk", flat=True))
            half = len(ids) // 2
            schemes.assign(admin, unit, ids[:half], cats[0])
            schemes.assign(admin, unit, ids[half:len(ids) - 3], cats[1])
            dispatch.file_report(admin, Report(unit=unit, month=month_start(timezone.localdate()), progress="进展"),
                                 [{"description": "问题", "owner": "组长", "due_on": None}])
    return program


def cases(bench):
    program = _program(bench.user)
    client = bench.client(bench.user)
    url = reverse("pilots:program", args=[program.pk])
    members = sum(len(schemes.unit_members(u).values_list("pk")) for u in program.units.all())

    def run():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"试点工作页面返回 HTTP {response.status_code}")
        return UNITS, f"{UNITS} 个试点单位，其中在册党员 {members:,} 名"

    return [Case(f"试点工作总览：{UNITS} 个试点单位", run, bench.runs, "< 0.3 秒，查询数固定（≤ 20）", 0.3,
                 max_queries=20)]
