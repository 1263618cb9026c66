"""The members app's bench cases (members/management/commands/bench.py), one module per capability:
members/bench_cases_<feature>.py, each with its own `cases(bench)`."""

from . import (
    bench_cases_dues,
    bench_cases_forms,
    bench_cases_import,
    bench_cases_mobile,
    bench_cases_orglife,
    bench_cases_search,
)


def cases(bench):
    return [*bench_cases_dues.cases(bench), *bench_cases_mobile.cases(bench), *bench_cases_import.cases(bench),
            *bench_cases_orglife.cases(bench), *bench_cases_search.cases(bench), *bench_cases_forms.cases(bench)]
