"""Bench cases of the ratings app (members/management/commands/bench.py)."""

from .bench_cases_cycle import cases as cycle_cases
from .bench_cases_followup import cases as followup_cases


def cases(bench):
    return [*cycle_cases(bench), *followup_cases(bench)]
