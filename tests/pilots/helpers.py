"""Pilot objects for the tests: a program whose phases cover today, units with a cadre."""

import datetime

from django.utils import timezone

from pilots.choices import Step
from pilots.models import Category, PilotUnit, Problem, Program, Report, month_start
from pilots.services import programs


def phase_dates(today=None):
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=120)
    out, day = {}, start
    for step, days in zip(Step, (30, 20, 150, 60), strict=True):
        out[step] = (day, day + datetime.timedelta(days=days - 1))
        day += datetime.timedelta(days=days)
    return out


def make_program(admin, name="X县党员分类管理试点"):
    return programs.save_program(admin, Program(name=name, group_leader="县委书记", group_deputies="县委组织部部长"),
                                 phase_dates())


def make_unit(admin, program, org, cadre, sector="rural", leader="王书记"):
    return programs.save_unit(admin, PilotUnit(program=program, organization=org, sector=sector,
                                               tracking_cadre=cadre, leader_name=leader))


def pilot_objects(county, orgs=None, cadre=None, name="城关镇试点"):
    """A program with a unit on each of `orgs` (default 东街村), each with a category, a report of
    this month and a problem: {kind: [objects]} as tests/core/test_scope.py names them."""
    program = make_program(county.admin, name=name)
    units, categories, reports, problems = [], [], [], []
    for org in orgs or [county.east]:
        unit = make_unit(county.admin, program, org, cadre or county.cadre, leader=f"{org.name}书记")
        units.append(unit)
        categories.append(Category.objects.create(unit=unit, name=f"{org.name}在职党员", rule="在职"))
        report = Report.objects.create(unit=unit, month=month_start(timezone.localdate()),
                                       progress=f"{org.name}进展", filed_by=county.admin)
        reports.append(report)
        problems.append(Problem.objects.create(unit=unit, report=report, description=f"{org.name}问题",
                                               owner="李四", found_on=timezone.localdate()))
    return {"pilot_program": [program], "pilot_unit": units, "pilot_category": categories,
            "pilot_report": reports, "pilot_problem": problems}
