"""Bench cases of the ratings app (members/management/commands/bench.py)."""

from .bench_cases_followup import cases as followup_cases


def cases(bench):
    return [*followup_cases(bench)]
