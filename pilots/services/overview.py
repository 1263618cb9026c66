"""The program overview: each unit's numbers and the organization-setup check, in a constant number
of queries whatever the number of units and members (tests/pilots/test_overview.py)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from branches.choices import OfficerPost, OrgKind, Sector
from branches.models import Officer, Organization
from members.models import Member

from ..choices import SPLIT_THRESHOLD, ProblemStage
from ..models import Assignment, Problem, Report

# Branches that hold members' formal relationships (a 临时党支部 does not: members.models).
SPLIT_KINDS = (OrgKind.BRANCH, OrgKind.JOINT_BRANCH)
VILLAGE_SECTORS = (Sector.RURAL, Sector.COMMUNITY)


@dataclass
class UnitRow:
    unit: object
    members: int = 0
    branches: int = 0
    categories: list = field(default_factory=list)  # [(name, count)] in the scheme's order
    assigned: int = 0
    reports: int = 0
    reported: object = None  # this month's report
    found: int = 0
    solved: int = 0
    needs_split: bool = False
    secretaries_off_committee: list = field(default_factory=list)  # [(branch, secretary, general branch)]

    @property
    def unassigned(self):
        return max(self.members - self.assigned, 0)

    @property
    def open_problems(self):
        return self.found - self.solved

    @property
    def categories_text(self):
        return "、".join(f"{name} {n}" for name, n in self.categories) or "未制定方案"

    @property
    def flagged(self):
        return self.needs_split or bool(self.secretaries_off_committee)


def _under(path, paths_sorted):
    return [p for p in paths_sorted if p.startswith(path)]


def unit_rows(units, month):
    """[UnitRow] for `units` (already scoped, with organization and tracking_cadre): eight queries."""
    units = list(units)
    if not units:
        return []
    paths = [u.organization.path for u in units]
    parent_ids = [u.organization.parent_id for u in units if u.organization.parent_id]
    orgs = {o["pk"]: o for o in Organization.objects.active().filter(
        Q(pk__in=Organization.objects.within(paths).values("pk")) | Q(pk__in=parent_ids),
    ).values("pk", "path", "kind", "parent_id", "sector", "name")}
    by_path = {o["path"]: o for o in orgs.values()}
    per_org = dict(Member.objects.on_roll().within(paths).values_list("organization_id").annotate(n=Count("pk"))
                   .order_by())
    checked = [o for o in orgs.values() if o["kind"] in (*SPLIT_KINDS, OrgKind.GENERAL_BRANCH)]
    officers = defaultdict(list)
    for org_id, post, name in Officer.objects.filter(organization_id__in=[o["pk"] for o in checked]).values_list(
            "organization_id", "post", "name"):
        officers[org_id].append((post, name.strip()))
    assigned = defaultdict(Counter)
    for unit_id, cat_id, org_id, n in (
        Assignment.objects.filter(unit__in=units, member__roll_state="on_roll")
        .values_list("unit_id", "category_id", "member__organization_id").annotate(n=Count("pk")).order_by()
    ):
        assigned[unit_id][cat_id, org_id] += n
    categories = defaultdict(list)
    from ..models import Category

    for c in Category.objects.filter(unit__in=units).order_by("order", "pk").values_list("unit_id", "pk", "name"):
        categories[c[0]].append(c[1:])
    reports = Counter(dict(Report.objects.filter(unit__in=units).values_list("unit_id").annotate(n=Count("pk"))
                           .order_by()))
    this_month = {r.unit_id: r for r in Report.objects.filter(unit__in=units, month=month)}
    problems = defaultdict(Counter)
    for unit_id, stage, n in Problem.objects.filter(unit__in=units).values_list("unit_id", "stage").annotate(
            n=Count("pk")).order_by():
        problems[unit_id][stage] += n

    sorted_paths = sorted(by_path)
    rows = []
    for u in units:
        inside = [by_path[p] for p in _under(u.organization.path, sorted_paths)]
        inside_ids = {o["pk"] for o in inside}
        row = UnitRow(unit=u, reports=reports.get(u.pk, 0), reported=this_month.get(u.pk))
        row.members = sum(per_org.get(o["pk"], 0) for o in inside)
        row.branches = sum(1 for o in inside if o["kind"] in SPLIT_KINDS)
        row.needs_split = row.members >= SPLIT_THRESHOLD and row.branches < 2
        counts = Counter()
        for (cat_id, org_id), n in assigned[u.pk].items():
            if org_id in inside_ids:
                counts[cat_id] += n
        row.categories = [(name, counts.get(pk, 0)) for pk, name in categories[u.pk]]
        row.assigned = sum(counts.values())
        row.found = sum(problems[u.pk].values())
        row.solved = problems[u.pk].get(ProblemStage.SOLVED, 0)
        row.secretaries_off_committee = _secretary_check(u, inside, orgs, officers)
        rows.append(row)
    return rows


def _secretary_check(unit, inside, orgs, officers):
    """Village and community branches of the unit (or the unit itself) under a 党总支 whose recorded
    secretary is not on the general branch's committee (组织实施 ③)."""
    found = []
    candidates = [o for o in inside if o["kind"] in SPLIT_KINDS and o["sector"] in VILLAGE_SECTORS]
    for branch in candidates:
        parent = orgs.get(branch["parent_id"])
        if parent is None or parent["kind"] != OrgKind.GENERAL_BRANCH:
            continue
        secretary = next((name for post, name in officers[branch["pk"]] if post == OfficerPost.SECRETARY), "")
        committee = {name for post, name in officers[parent["pk"]] if post != OfficerPost.LEADER}
        if secretary and secretary not in committee:
            found.append((branch["name"], secretary, parent["name"]))
    return found
