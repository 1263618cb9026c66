"""The tree builder: saves the demo county's organizations (paths and depths as
branches.services.create_organization makes them) and draws their leading bodies."""

import datetime

from accounts.models import Role
from branches.choices import BRANCH_KINDS
from branches.models import PATH_SEGMENT, Officer, Organization
from members.choices import Category, Gender, RollState
from members.choices import JobCategory as Job

from . import steps
from .data import AREA_CODE, GIVEN_NAMES, PROFILES, SINGLE_NAME_RATES, SURNAMES
from .places import (
    FOUNDED_BY_KIND,
    FOUNDED_BY_PROFILE,
    MAX_GROUPS,
    OFFICER_POSTS,
    SEAT_TOWNSHIPS,
    Node,
    OrgKind,
    apportion,
    chinese_number,
    county_tree,
    part_names,
    split_sizes,
)

BATCH = 2000
FEATURED_MIN = 6  # members of a demo secretary's branch however small the county: 书记, decisions, changes


def featured_branches():
    """{branch name: gender of its 书记} of the demo secretaries."""
    from .accounts import DEMO_ACCOUNTS

    return {a.grants[0][1]: a.gender for a in DEMO_ACCOUNTS if a.role == Role.BRANCH_SECRETARY}


class TreeBuilder:
    def __init__(self, rng, today, county_name, total_members):
        self.rng = rng
        self.today = today
        self.county_name = county_name
        self.total_members = total_members
        self.root = county_tree(county_name)
        places = [n.place for n in self.root.walk() if n.place]
        self.villages = list(dict.fromkeys(p for p in places if p[1].endswith("村")))
        self.seat = list(dict.fromkeys(
            p for p in places if p[0] in SEAT_TOWNSHIPS and not p[1].endswith("村")))
        self.officers = []
        self.aliases = {}  # the name of a branch that was split -> its first part's

    def plan(self, minimum=None):
        """Draw the whole tree without touching the database: unsaved organizations with their
        founding dates, each branch's members (scaled to --members, split above BRANCH_CAP; at
        least `minimum[name]` for the branches named there) and its party groups. Returns the
        branch nodes."""
        self._plan(self.root, None)
        pairs = [(n, parent) for parent in self.root.walk() for n in parent.children if n.kind in BRANCH_KINDS]
        counts = apportion([n.size for n, _ in pairs], self.total_members)
        for i, (node, _) in enumerate(pairs):
            others = [k for k, (n, _) in enumerate(pairs) if n.name not in (minimum or {})]
            for _ in range((minimum or {}).get(node.name, 0) - counts[i]):
                biggest = max(others, key=lambda k: counts[k])
                if counts[biggest] <= 1:
                    break
                counts[biggest] -= 1
                counts[i] += 1
        for (node, parent), count in zip(pairs, counts):
            sizes = split_sizes(count)
            parts = self._split(node, parent, len(sizes)) if len(sizes) > 1 else [node]
            for part, size in zip(parts, sizes):
                part.count = size
                self._add_groups(part)
        return self.branches()

    def branches(self):
        return [n for n in self.root.walk() if n.kind in BRANCH_KINDS]

    def build_tree(self, minimum=None):
        self.plan(minimum)
        self._save_tree()
        return [n.org for n in self.root.walk()]

    def save_officers(self):
        Officer.objects.bulk_create(self.officers, batch_size=BATCH)
        self.officers = []

    # -- organizations ---------------------------------------------------------------------

    def _plan(self, node, parent):
        """Make the node's (unsaved) organization, founded after its parent; draw a branch's size."""
        rng = self.rng
        profile = PROFILES.get(node.profile)
        node.category = node.category or (profile and profile.category) or parent.category
        node.sector = node.sector or (profile and profile.sector) or parent.sector
        node.org = Organization(
            name=node.name, kind=node.kind, category=node.category, sector=node.sector,
            parent=parent.org if parent else None, established_on=self._founded(node, parent),
            phone=self._org_phone(), address=self._org_address(node),
        )
        if profile:
            node.size = rng.randint(*profile.size)
        else:
            self._add_officers(node.org, [])
        for child in node.children:
            self._plan(child, node)

    def _founded(self, node, parent):
        """A founding date from the years of its kind (or profile), after its parent's, and early
        enough for members to have joined and become full members since."""
        years = node.founded or FOUNDED_BY_PROFILE.get(node.profile) or FOUNDED_BY_KIND[node.kind]
        day = self._date_between(*years)
        if parent is not None:
            day = max(day, parent.org.established_on + datetime.timedelta(days=self.rng.randint(30, 720)))
        return min(day, self.today - datetime.timedelta(days=800))

    def _org_phone(self):
        return f"{AREA_CODE}-8{self.rng.randint(0, 9_999_999):07d}"

    def _split(self, node, parent, parts):
        """Replace a branch too big for one by `parts` branches of the same unit, founded together."""
        names = part_names(node.name, parts)
        self.aliases[node.name] = names[0]
        nodes = [node] + [
            Node(name, node.kind, profile=node.profile, unit=node.unit, place=node.place, category=node.category,
                 sector=node.sector)
            for name in names[1:]
        ]
        node.name = node.org.name = names[0]
        for part in nodes[1:]:
            o = node.org
            part.org = Organization(
                name=part.name, kind=o.kind, category=o.category, sector=o.sector, parent=o.parent,
                established_on=o.established_on, phone=self._org_phone(), address=o.address,
            )
        i = parent.children.index(node)
        parent.children[i:i + 1] = nodes
        return nodes

    def _add_groups(self, node):
        """党小组: none under 30 members, then one per 20 or so, at most MAX_GROUPS."""
        groups = 0 if node.count < 30 else min(MAX_GROUPS, node.count // 20)
        stem = node.name.removesuffix("党支部")
        if "第" in stem[-3:-1] or stem.endswith("）"):  # a numbered branch: 红旗村第一党支部第一党小组
            stem = node.name
        node.children = [
            Node(f"{stem}第{chinese_number(i + 1)}党小组", OrgKind.GROUP, unit=node.unit, place=node.place,
                 category=node.category, sector=node.sector)
            for i in range(groups)
        ]
        for group in node.children:
            group.org = Organization(
                name=group.name, kind=OrgKind.GROUP, category=node.category, sector=node.sector,
                parent=node.org, established_on=node.org.established_on, phone=self._org_phone(),
                address=self._org_address(group),
            )

    def _org_address(self, node):
        if node.place:
            town, place = node.place
            return f"{self.county_name}{town}{place}党群服务中心"
        if node.unit:
            return f"{self.county_name}{node.unit.removeprefix('县')}"
        return ""

    def _save_tree(self):
        """Create the organizations level by level, with the path and depth that
        branches.services.create_organization gives: parent's path + the zero-padded pk."""
        level, depth = [self.root], 0
        while level:
            orgs = [n.org for n in level]
            for i, org in enumerate(orgs):
                org.path = f"~{depth}.{i}"  # unique placeholder until the pk is known
                org.depth = depth
            Organization.objects.bulk_create(orgs, batch_size=BATCH)
            for org in orgs:
                org.path = f"{org.parent.path if org.parent else ''}{org.pk:0{PATH_SEGMENT}d}."
            Organization.objects.bulk_update(orgs, ["path"], batch_size=BATCH)
            level, depth = [c for n in level for c in n.children], depth + 1

    def _add_officers(self, org, members):
        """The leading body: members of the organization where it has enough, else others."""
        rng = self.rng
        posts = OFFICER_POSTS[org.kind]
        eligible = [
            m for m in members
            if m.roll_state == RollState.ON_ROLL and m.category == Category.FULL
            and not (m.is_lost_contact or m.is_mobile)
        ]
        working = [m for m in eligible if m.job_category != Job.RETIRED] or eligible
        chosen = rng.sample(working, min(len(posts), len(working)))
        people = [(m.name, m.phone or self.phone()) for m in chosen]
        while len(people) < len(posts):
            people.append((self._outsider_name(), self.phone()))
        self.officers += [
            Officer(organization=org, post=post, name=name, phone=phone, order=i)
            for i, (post, (name, phone)) in enumerate(zip(posts, people))
        ]

    # -- names -----------------------------------------------------------------------------

    def _given_name(self, gender, birth_year):
        rng = self.rng
        generation = (birth_year >= 1965) + (birth_year >= 1985)
        singles, doubles = GIVEN_NAMES[gender, generation]
        if rng.random() < SINGLE_NAME_RATES[generation]:
            return rng.choice(singles)
        return rng.choice(doubles)

    def _outsider_name(self):
        """A person who is not among the generated members (an officer of a committee)."""
        rng = self.rng
        gender = Gender.FEMALE if rng.random() < 0.3 else Gender.MALE
        return SURNAMES.pick(rng) + self._given_name(gender, rng.randint(1966, 1990))

    # -- small draws -----------------------------------------------------------------------

    def phone(self):
        rng = self.rng
        return f"{rng.choice(('13', '15', '18'))}{rng.randint(0, 999_999_999):09d}"

    def _date_between(self, first_year, last_year):
        start, end = datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31)
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def _date_since(self, start, until=None):
        """A day from `start` to `until` (default yesterday); `until` itself if that is earlier."""
        until = until or self.today - datetime.timedelta(days=1)
        return until - datetime.timedelta(days=self.rng.randint(0, max(0, (until - start).days)))


@steps.step(10, "党组织和班子")
def build_tree(ctx):
    """The organizations, and the leading bodies of those without members of their own (党委、
    党总支); a branch's leading body is drawn among its members by the members step."""
    from .people import CountyBuilder

    ctx.builder = CountyBuilder(ctx.rng, ctx.today, ctx.county_name, ctx.total_members)
    ctx.orgs = ctx.builder.build_tree(minimum={name: FEATURED_MIN for name in featured_branches()})
    ctx.orgs_by_name = {o.name: o for o in ctx.orgs}
    for name, first_part in ctx.builder.aliases.items():  # a split branch answers to its old name
        ctx.orgs_by_name[name] = ctx.orgs_by_name[first_part]
