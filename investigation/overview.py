"""The county overview of a campaign (排查总览), for county staff (the whole county) and a committee
(its subtree); a branch secretary and a tracking cadre have none (PermissionDenied):

    per committee   its branches through the stages (自查中/已提交/退回补查/已核查/已签署), its
                    signature and acceptance, the mobile/hanging/lost counts, what is overdue
    per branch      the same for the branches of one committee (the chosen one, or the only one)
    overdue         branches late with their self-check (self_check_due) or verification (forms_due),
                    committees late with their signature (forms_due) or acceptance (report_due)
    charts          the still-unreachable by 失去联系时间 (附件3's ranges) and by 失去联系情形, per
                    committee (core/charts.py SVG: no script, nothing for the CSP to refuse)

Six queries whatever the number of committees, branches and members: the checks, the cases counted
per check, the lost counted per check × range × reason, the opinions, the acceptances (and the
campaigns for the tabs). Everything is filtered by the user's grant paths in the database.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q

from accounts.models import Role
from core.charts import stacked_bars
from core.scoping import scope_paths

from . import lost_time
from .choices import BRANCH_EDITABLE, CheckState, Classification, LostContactReason
from .models import Acceptance, BranchCheck, Case, CommitteeOpinion
from .services import today as _today
from .summary import DURATION_SERIES, REASON_SERIES

OVERVIEW_ROLES = (Role.COUNTY_ADMIN, Role.COMMITTEE)
STATES = list(CheckState)
COUNT_KEYS = ("total", "classified", "mobile", "hanging", "lost", "found")
RANGE_KEYS = [key for key, _, _ in lost_time.RANGES]
REASON_CODES = list(LostContactReason.values)
CHART_WIDTH = 420  # two side by side at a desk, one a screen wide on a phone: the text stays readable
LATE_LIMIT = 200  # the overdue branches listed (the count is always whole)


def overview_paths(user):
    """The path prefixes of the user's county and committee grants ([]: no overview)."""
    if not scope_paths(user):
        return []
    return user.paths_for(OVERVIEW_ROLES)


def can_see(user):
    return bool(overview_paths(user))


def _zero_counts():
    return dict.fromkeys(COUNT_KEYS, 0)


@dataclass
class Row:
    """One committee or one branch: its checks' states, its case counts, its lost by range and reason."""

    pk: int | None
    name: str
    path: str = ""
    states: dict = field(default_factory=lambda: dict.fromkeys(CheckState.values, 0))
    counts: dict = field(default_factory=_zero_counts)
    ranges: dict = field(default_factory=lambda: dict.fromkeys(RANGE_KEYS, 0))
    reasons: dict = field(default_factory=lambda: dict.fromkeys(REASON_CODES, 0))
    late: list = field(default_factory=list)  # Chinese phrases: 自查逾期3天 …
    state: str = ""  # a branch's CheckState
    check_id: int | None = None
    opinion_id: int | None = None
    signed: bool = False
    changed: bool = False
    accepted: bool = False
    late_branches: int = 0
    children: list = field(default_factory=list)  # a committee's branch rows

    @property
    def branches(self):
        return sum(self.states.values())

    @property
    def state_counts(self):
        return [(s.label, self.states[s.value]) for s in STATES]

    @property
    def state_label(self):
        return CheckState(self.state).label if self.state else ""

    @property
    def all_signed(self):
        return self.branches > 0 and self.states[CheckState.SIGNED] == self.branches

    def add(self, other):
        for k in self.states:
            self.states[k] += other.states[k]
        for k in self.counts:
            self.counts[k] += other.counts[k]
        for k in self.ranges:
            self.ranges[k] += other.ranges[k]
        for k in self.reasons:
            self.reasons[k] += other.reasons[k]
        self.late_branches += other.late_branches


@dataclass
class Overview:
    campaign: object
    today: object
    committees: list  # [Row]
    total: Row
    branches: list  # [Row] of the chosen committee (empty: none chosen)
    chosen: Row | None
    late: list  # [Row] of the overdue branches (at most LATE_LIMIT)
    late_count: int
    late_committees: list  # [Row]

    def duration_chart(self, rows=None):
        rows = self.committees if rows is None else rows
        return stacked_bars([(r.name, [r.ranges[k] for k in RANGE_KEYS]) for r in [self.total, *rows]],
                            DURATION_SERIES, title="失联党员失去联系时间（按党(工)委）", legend_columns=2,
                            width=CHART_WIDTH)

    def reason_chart(self, rows=None):
        rows = self.committees if rows is None else rows
        return stacked_bars([(r.name, [r.reasons[c] for c in REASON_CODES]) for r in [self.total, *rows]],
                            REASON_SERIES, title="失联党员失去联系情形（按党(工)委）", legend_columns=2,
                            width=CHART_WIDTH)


def _branch_late(state, campaign, day):
    if state in BRANCH_EDITABLE and day > campaign.self_check_due:
        return f"自查逾期{(day - campaign.self_check_due).days}天"
    if state == CheckState.SUBMITTED and day > campaign.forms_due:
        return f"核查逾期{(day - campaign.forms_due).days}天"
    return ""


def build(user, campaign, committee_id=None, day=None):
    """The Overview of `campaign` within the user's county and committee grants; `committee_id`: the
    committee whose branches are listed (0: the branches directly under the county). PermissionDenied
    for a user without such a grant."""
    paths = overview_paths(user)
    if not paths:
        raise PermissionDenied("排查总览只对县委组织部和党(工)委开放。")
    day = day or _today()
    checks = list(BranchCheck.objects.filter(campaign=campaign).within(paths)
                  .values_list("pk", "state", "branch__name", "branch__path", "committee_id", "committee__name")
                  .order_by("branch__path"))
    cases = Case.objects.filter(campaign=campaign).within(paths)
    lost_q = Q(classification=Classification.LOST, contact_found_on__isnull=True)
    counts = {r.pop("branch_check_id"): r for r in cases.values("branch_check_id").order_by().annotate(
        total=Count("pk"), classified=Count("pk", filter=~Q(classification="")),
        mobile=Count("pk", filter=Q(classification=Classification.MOBILE)),
        hanging=Count("pk", filter=Q(classification=Classification.HANGING)),
        lost=Count("pk", filter=lost_q), found=Count("pk", filter=Q(contact_found_on__isnull=False)))}
    lost = (cases.filter(lost_q).annotate(range=lost_time.bucket_expression("lost_since", day))
            .values_list("branch_check_id", "range", "lost_reason").annotate(n=Count("pk")).order_by())
    opinions = {o[1]: o for o in CommitteeOpinion.objects.filter(campaign=campaign).within(paths).values_list(
        "pk", "committee_id", "signed_version", "changed_since_signing")}
    accepted = set(Acceptance.objects.filter(campaign=campaign).within(paths).values_list("committee_id", flat=True))

    by_check = {}
    by_committee = {}
    for pk, state, name, path, committee, committee_name in checks:
        row = Row(pk, name, path, state=state, check_id=pk)
        row.states[state] = 1
        row.counts.update(counts.get(pk, {}))
        late = _branch_late(state, campaign, day)
        if late:
            row.late.append(late)
            row.late_branches = 1
        by_check[pk] = row
        key = committee or 0
        c = by_committee.get(key)
        if c is None:
            c = by_committee[key] = Row(committee, committee_name or "直属党支部", path)
        c.children.append(row)
    for check_id, range_key, reason, n in lost:
        row = by_check.get(check_id)
        if row is None:
            continue
        if range_key in row.ranges:
            row.ranges[range_key] += n
        if reason in row.reasons:
            row.reasons[reason] += n
    total = Row(None, "合计")
    for key, c in by_committee.items():
        for b in c.children:
            c.add(b)
        o = opinions.get(key)
        if o is not None:
            c.opinion_id, c.signed, c.changed = o[0], bool(o[2]), bool(o[3])
        c.accepted = key in accepted
        if key:
            if not (c.all_signed and c.signed and not c.changed) and day > campaign.forms_due:
                c.late.append(f"登记表逾期{(day - campaign.forms_due).days}天未签署")
            if not c.accepted and day > campaign.report_due:
                c.late.append(f"综合报告逾期{(day - campaign.report_due).days}天未验收")
        total.add(c)
    committees = sorted(by_committee.values(), key=lambda c: (c.pk is None, c.path))
    chosen = None
    if committee_id is not None:
        chosen = by_committee.get(committee_id)
    elif len(committees) == 1:
        chosen = committees[0]
    late = [b for b in by_check.values() if b.late]
    return Overview(campaign=campaign, today=day, committees=committees, total=total,
                    branches=chosen.children if chosen else [], chosen=chosen, late=late[:LATE_LIMIT],
                    late_count=len(late), late_committees=[c for c in committees if c.late])
