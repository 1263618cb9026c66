"""年终定星: the year's grade of a member from its four quarters' confirmed star counts.

Pure functions; the rule is a setting (`RATING_ANNUAL_RULE`), default "average_floor": the grade of
the average star count of the quarters in which the member was rated, rounded down (3, 4, 4, 4 →
3.75 → 3 stars → 合格党员). A quarter with no confirmed result for the member (not yet confirmed,
not in the branch then, or marked not rated) does not count: it is neither zero stars nor a pass.
A member with no rated quarter has no annual grade (未评定).

    quarters = {1: 5, 2: 4, 3: None, 4: 5}     # quarter → star count, None = not rated
    annual_stars(quarters)                     # 4  (14 / 3 = 4.67, rounded down)
    annual_grade(quarters)                     # Grade.QUALIFIED
"""

from dataclasses import dataclass

from django.conf import settings

QUARTERS = (1, 2, 3, 4)


def _rated(quarters):
    return [n for n in (quarters.get(q) for q in QUARTERS) if n is not None]


def average_floor(quarters):
    """The average of the rated quarters, rounded down (integer arithmetic: no float boundary)."""
    rated = _rated(quarters)
    return sum(rated) // len(rated) if rated else None


def average_round(quarters):
    """The average of the rated quarters, rounded half up (3.5 → 4)."""
    rated = _rated(quarters)
    return (2 * sum(rated) + len(rated)) // (2 * len(rated)) if rated else None


def lowest(quarters):
    """The worst rated quarter: a single unqualified quarter makes an unqualified year."""
    rated = _rated(quarters)
    return min(rated) if rated else None


RULES = {
    "average_floor": ("各季度平均得星数（向下取整）", average_floor),
    "average_round": ("各季度平均得星数（四舍五入）", average_round),
    "lowest": ("各季度最低得星数", lowest),
}
DEFAULT_RULE = "average_floor"


def rule_name(rule=None):
    rule = rule or getattr(settings, "RATING_ANNUAL_RULE", DEFAULT_RULE)
    if rule not in RULES:
        raise ValueError(f"RATING_ANNUAL_RULE={rule!r}: expected one of {', '.join(RULES)}")
    return rule


def rule_label(rule=None):
    return RULES[rule_name(rule)][0]


def annual_stars(quarters, rule=None):
    """The year's star count under `rule` (the setting when None); None when no quarter was rated."""
    return RULES[rule_name(rule)][1](quarters)


def annual_grade(quarters, rule=None):
    """The year's grade (ratings.grades.Grade), None when no quarter was rated."""
    stars = annual_stars(quarters, rule)
    if stars is None:
        return None
    from .grades import grade

    return grade(stars)


@dataclass
class Year:
    """One member's year: the four quarters' star counts (None: not rated) and the result."""

    member: object
    quarters: dict
    stars: int | None
    grade: object  # Grade or None

    @property
    def rated_count(self):
        return len(_rated(self.quarters))

    @property
    def quarter_rows(self):
        return [(QUARTER_LABELS[q], self.quarters[q]) for q in QUARTERS]

    @property
    def average(self):
        rated = _rated(self.quarters)
        return round(sum(rated) / len(rated), 2) if rated else None


def summarize(member, quarters, rule=None):
    return Year(member, {q: quarters.get(q) for q in QUARTERS}, annual_stars(quarters, rule),
                annual_grade(quarters, rule))


# -- the year from the confirmed sheets ---------------------------------------------------------

QUARTER_LABELS = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


@dataclass
class Person:
    """The little of a member the annual sheet prints."""

    pk: int
    name: str
    branch_id: int = 0


def _confirmed(year):
    from .choices import SheetState
    from .models import RatingEntry

    return RatingEntry.objects.filter(sheet__quarter__year=year, sheet__state=SheetState.CONFIRMED)


def _years(rows, rule):
    """Year per member from entry rows (values dicts), members in the order first met."""
    by_member = {}
    for r in rows:
        p = by_member.get(r["member_id"])
        if p is None:
            p = by_member[r["member_id"]] = (Person(r["member_id"], r["member__name"]), {}, {})
        _, quarters, branches = p
        q = r["sheet__quarter__quarter"]
        quarters[q] = None if (r["not_rated"] or not r["rated"]) else r["star_count"]
        branches[q] = r["sheet__branch_id"]
    out = []
    for person, quarters, branches in by_member.values():
        person.branch_id = branches[max(branches)]  # the branch of its latest quarter
        out.append(summarize(person, quarters, rule))
    return out


FIELDS = ("member_id", "member__name", "sheet__quarter__quarter", "sheet__branch_id", "star_count", "not_rated", "rated")


def branch_year(branch, year, rule=None):
    """[Year] of the members rated in `branch`'s confirmed sheets of `year` (its quarters there
    only), by the sheet's order then name. One query."""
    rows = (_confirmed(year).filter(sheet__branch=branch)
            .order_by("member__name_pinyin", "member_id", "sheet__quarter__quarter").values(*FIELDS))
    return _years(rows, rule)


def confirmed_quarters(year, branch=None):
    """The quarters of `year` with a confirmed sheet (of `branch`, or anywhere)."""
    qs = _confirmed(year)
    if branch is not None:
        qs = qs.filter(sheet__branch=branch)
    return sorted(set(qs.values_list("sheet__quarter__quarter", flat=True).distinct()))


@dataclass
class BranchSummary:
    branch: object  # Organization
    rated: int = 0
    excellent: int = 0
    qualified: int = 0
    unqualified: int = 0
    none: int = 0  # no rated quarter

    @property
    def excellent_rate(self):
        return f"{100 * self.excellent / self.rated:.1f}%" if self.rated else "—"

    def add(self, year):
        from .grades import Grade

        if year.grade is None:
            self.none += 1
            return
        self.rated += 1
        if year.grade == Grade.EXCELLENT:
            self.excellent += 1
        elif year.grade == Grade.QUALIFIED:
            self.qualified += 1
        else:
            self.unqualified += 1


def county_summary(user, year, rule=None):
    """[BranchSummary] of every branch in `user`'s scope that had a confirmed sheet in `year`, by
    path, and the total. A member who changed branch counts once, in the branch of its latest
    rated quarter, with its whole year. Two queries."""
    from branches.models import Organization

    rows = (_confirmed(year).filter(sheet__branch__in=Organization.objects.visible_to(user).values("pk"))
            .order_by("member_id", "sheet__quarter__quarter").values(*FIELDS))
    years = _years(rows, rule)
    branches = {o.pk: o for o in Organization.objects.filter(pk__in={y.member.branch_id for y in years})
                .select_related("parent")}
    summaries = {pk: BranchSummary(o) for pk, o in sorted(branches.items(), key=lambda kv: kv[1].path)}
    total = BranchSummary(None)
    for y in years:
        summaries[y.member.branch_id].add(y)
        total.add(y)
    return list(summaries.values()), total
