"""The demo county's members: drawn branch by branch from the branch's profile, with their
party groups, the branch's leading body among them, and their placements."""

import datetime

from branches.choices import Sector
from members import idcard, placements
from members.choices import Category, Degree, Gender, LostContactReason, MembershipStatus, RollState
from members.choices import JobCategory as Job
from members.decisions import add_months
from members.models import Member, add_years, pinyin_key

from . import steps
from .data import (
    COMPANY_WORDS,
    DEATH_RATE,
    DEFAULT_POSTS,
    DEGREES,
    DESTINATIONS,
    EDUCATION,
    ELDER_EDUCATION,
    ETHNICITIES,
    EXTENDED_RATE,
    EXTENDING_RATE,
    EXTENSION_MONTHS,
    INDUSTRIES,
    JOB_AGES,
    LOCAL_EMPLOYERS,
    LOST_NOTES,
    LOST_REASONS,
    NATIVE_PLACES,
    NEW_STRATA_OF_OTHERS,
    OVERDUE_RATE,
    PROBATIONARY_AGES,
    PROBATIONARY_RATE,
    PROFILES,
    REGIONS,
    ROADS,
    STAYING_JOBS,
    SURNAMES,
    TRANSFER_DESTINATIONS,
    TRANSFER_RATE,
    UNIVERSITIES,
    WORKING_AGES,
)
from .places import BUREAUS
from .tree import BATCH, TreeBuilder, featured_branches

SECRETARY, OVERDUE, LOST = "secretary", "overdue", "lost"  # the members a featured branch gets
SECRETARY_AGES = (32, 56, 45)


class CountyBuilder(TreeBuilder):
    def __init__(self, *args):
        super().__init__(*args)
        self.id_numbers = set()
        self.pinyin = {}
        self.pending = []
        self.member_count = 0

    def build(self):
        """The whole county: organizations, members, officers. Returns the organizations."""
        orgs = self.build_tree()
        self.build_members()
        return orgs

    def build_members(self, featured=None):
        """The members of every planned branch. A branch in `featured` ({name: gender}, the demo
        secretaries' branches) also gets, whatever its size, a full member of working age of that
        gender (its 书记, see accounts.make_secretary), a 预备党员 whose year is up and a full member
        long out of contact (for the demo's Party decisions)."""
        featured = {self.aliases.get(name, name): gender for name, gender in (featured or {}).items()}
        for node in self.branches():
            self._populate(node, node.count, featured.get(node.name))
        self._flush()
        self.save_officers()

    # -- members ---------------------------------------------------------------------------

    def _populate(self, node, count, featured_gender=None):
        rng = self.rng
        profile = PROFILES[node.profile]
        forced = [SECRETARY, OVERDUE, LOST][:count] if featured_gender else []
        members = [self._member(node, profile) for _ in range(count - len(forced))]
        for force in forced:  # last, so that the everyday changes (the first members) leave them alone
            for _ in range(20):  # a draw may not fit (too young to be full, say): draw again
                m = self._member(node, profile, force=force, gender=featured_gender)
                if m.category == (Category.PROBATIONARY if force == OVERDUE else Category.FULL):
                    break
            members.append(m)
        groups = {child.org: [] for child in node.children}
        group_orgs = list(groups)
        for m in members:
            if group_orgs and rng.random() < 0.9:
                m.party_group = rng.choice(group_orgs)
                groups[m.party_group].append(m)
        self._add_officers(node.org, members)
        for group, group_members in groups.items():
            self._add_officers(group, group_members)
        self.pending += members
        self.member_count += count
        if len(self.pending) >= BATCH:
            self._flush()

    def _flush(self):
        Member.objects.bulk_create(self.pending, batch_size=BATCH)
        self.pending = []

    def _member(self, node, profile, force="", gender=None):
        rng, today = self.rng, self.today
        job = profile.jobs.pick(rng)
        while force and job == Job.RETIRED:
            job = profile.jobs.pick(rng)
        probationary = force == OVERDUE or not force and (
            job != Job.RETIRED and (profile.ages is None or profile.ages[0] < PROBATIONARY_AGES[2])
            and rng.random() < PROBATIONARY_RATE
        )
        if probationary:
            low, mode, high = JOB_AGES[Job.STUDENT] if job == Job.STUDENT else PROBATIONARY_AGES
        elif force == SECRETARY:
            low, mode, high = SECRETARY_AGES
        else:
            low, mode, high = profile.ages or JOB_AGES.get(job, WORKING_AGES)
        age = rng.triangular(low, high, mode)
        birth = today - datetime.timedelta(days=int(age * 365.25))
        if force != SECRETARY or not gender:
            gender = Gender.FEMALE if rng.random() < profile.female else Gender.MALE
        region = REGIONS.pick(rng)
        name = SURNAMES.pick(rng) + self._given_name(gender, birth.year)
        joined, full_on, extended, probationary = self._joining(
            birth, probationary, node.org.established_on, overdue=force == OVERDUE)
        education = (ELDER_EDUCATION if age >= 70 else EDUCATION[job]).pick(rng)
        degree = DEGREES[education].pick(rng) if education in DEGREES else Degree.NONE
        home, residence = self._addresses(node)
        m = Member(
            name=name, name_pinyin=self._pinyin(name), gender=gender, ethnicity=ETHNICITIES.pick(rng),
            birth_date=birth, id_number=self._id_number(region, birth, gender),
            native_place=NATIVE_PLACES[region] or self.county_name, education=education, degree=degree,
            category=Category.PROBATIONARY if probationary else Category.FULL, joined_on=joined,
            full_member_on=full_on, probation_extended_months=extended, job_category=job, organization=node.org,
            phone="" if age >= 80 and rng.random() < 0.3 else self.phone(),
            household_registration=home, residence=residence,
        )
        self._work(m, node, profile)
        if force != SECRETARY:  # the 书记 is simply on the roll
            self._status(m, node, profile, age, lost=force == LOST)
        return m

    def _pinyin(self, name):
        if name not in self.pinyin:
            self.pinyin[name] = pinyin_key(name)
        return self.pinyin[name]

    def _id_number(self, region, birth, gender):
        """A unique GB 11643 number; its 17th digit is odd for a man, even for a woman."""
        rng = self.rng
        while True:
            sequence = rng.randint(0, 99) * 10 + rng.randrange(gender == Gender.MALE, 10, 2)
            first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + idcard.check_digit(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def _joining(self, birth, probationary, founded, overdue=False):
        """(joined_on, full_member_on, probation_extended_months, probationary): joined at 18 or
        older and after the branch was founded; full on the anniversary of joining, or at the end
        of a 6-12-month extension for a few. Most 预备党员 joined within the year; a few are past
        their year without a decision, a few are in an extension."""
        rng, today = self.rng, self.today
        days = datetime.timedelta
        earliest = max(add_years(birth, 18), founded + days(1))
        if probationary:
            draw = rng.random()
            if overdue or draw < OVERDUE_RATE:
                joined = add_years(today, -1) - days(rng.randint(5, 60))
                if joined >= earliest:
                    return joined, None, 0, True
            elif draw < OVERDUE_RATE + EXTENDING_RATE:
                months = rng.randint(*EXTENSION_MONTHS)
                joined = add_years(today, -1) - days(rng.randint(1, 28 * months))
                if joined >= earliest:
                    return joined, None, months, True
            earliest = max(earliest, today - days(364))
            latest = today - days(3)
            return earliest + days(rng.randint(0, max(0, (latest - earliest).days))), None, 0, True
        months = rng.randint(*EXTENSION_MONTHS) if rng.random() < EXTENDED_RATE else 0
        latest = add_months(add_years(today, -1), -months) - days(3)
        span = (latest - earliest).days
        if span < 0:  # too young, or in too new a branch, to be a full member yet
            return self._joining(birth, True, founded)
        joined = earliest + days(int(rng.triangular(0, min(span, 35 * 365), min(span, 6 * 365))))
        return joined, add_months(add_years(joined, 1), months), months, False

    def _addresses(self, node):
        """(household registration, residence)."""
        rng = self.rng
        if node.place:
            home = self._home(*node.place)
            return home, home if rng.random() < 0.8 else self._home(*rng.choice(self.seat))
        residence = self._home(*rng.choice(self.seat))
        return residence if rng.random() < 0.7 else self._home(*rng.choice(self.villages)), residence

    def _home(self, town, place):
        rng = self.rng
        if place.endswith("村"):
            return f"{self.county_name}{town}{place}{rng.randint(1, 12)}组"
        return f"{self.county_name}{town}{place}{rng.randint(1, 30)}幢{rng.randint(1, 6)}0{rng.randint(1, 4)}室"

    def _work(self, m, node, profile):
        """Work unit, post, professional title and social stratum, by occupation."""
        rng, job = self.rng, m.job_category
        if job == Job.FARMER:
            return
        if job == Job.RETIRED:
            if node.unit:
                m.work_unit, m.post = node.unit, "退休"
            return
        if job == Job.STUDENT:
            m.work_unit = rng.choice(UNIVERSITIES)
        elif node.unit:
            m.work_unit = node.unit
        elif job in (Job.WORKER, Job.MANAGER):
            m.work_unit = rng.choice(LOCAL_EMPLOYERS)
        elif job == Job.OFFICIAL:
            m.work_unit = rng.choice(BUREAUS)
        m.post = rng.choice(profile.posts.get(job) or DEFAULT_POSTS[job])
        if job == Job.PROFESSIONAL and profile.titles and rng.random() < 0.75:
            m.tech_title = rng.choice(profile.titles)
        if job in (Job.MANAGER, Job.PROFESSIONAL):
            m.new_social_stratum = profile.stratum
        elif job == Job.OTHER:
            m.new_social_stratum = NEW_STRATA_OF_OTHERS.pick(rng)
        m.is_migrant_worker = job == Job.WORKER and node.sector == Sector.RURAL

    def _status(self, m, node, profile, age, lost=False):
        """Roll state, lost contact, mobility: most members are simply on the roll."""
        rng, today = self.rng, self.today
        if lost and m.category == Category.FULL:  # out of contact for eight months or more
            start = max(m.full_member_on, today - datetime.timedelta(days=900))
            since = self._date_since(start, until=today - datetime.timedelta(days=240))
            m.is_lost_contact, m.lost_contact_reason, m.lost_contact_since = True, LostContactReason.MIGRANT_WORK, since
            m.notes = LOST_NOTES[LostContactReason.MIGRANT_WORK]
            return
        if m.category == Category.FULL:
            if age >= 70 and rng.random() < DEATH_RATE:
                m.roll_state = RollState.DECEASED
                m.roll_state_on = self._date_since(max(m.full_member_on, add_years(today, -3)))
                m.notes = "病故"
                return
            if m.job_category != Job.RETIRED and rng.random() < TRANSFER_RATE:
                m.roll_state = RollState.TRANSFERRED_OUT
                m.roll_state_on = self._date_since(max(m.full_member_on, add_years(today, -3)))
                m.notes = f"组织关系转至{rng.choice(TRANSFER_DESTINATIONS)}"
                return
            start = max(m.full_member_on, add_years(today, -10))
            if m.job_category != Job.RETIRED and rng.random() < profile.lost and (today - start).days > 400:
                since = self._date_since(start, until=today - datetime.timedelta(days=200))
                reason = LOST_REASONS.pick(rng)
                m.is_lost_contact, m.lost_contact_reason, m.lost_contact_since = True, reason, since
                m.notes = LOST_NOTES[reason]
                if (today - since).days > 365 and rng.random() < 0.5:
                    m.membership_status = MembershipStatus.SUSPENDED
                    m.membership_status_on = since + datetime.timedelta(days=rng.randint(183, 365))
                return
        if m.job_category not in STAYING_JOBS and age < 60 and rng.random() < profile.mobile:
            destination, city = DESTINATIONS.pick(rng)
            if m.job_category == Job.FARMER:
                m.job_category = Job.WORKER
            m.post = rng.choice(DEFAULT_POSTS[m.job_category])
            m.is_mobile = True
            m.is_migrant_worker = node.sector == Sector.RURAL and m.job_category == Job.WORKER
            m.work_unit = f"{city}{rng.choice(COMPANY_WORDS)}{rng.choice(INDUSTRIES)}有限公司"
            m.residence = f"{destination}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
            m.notes = f"外出务工，流入地：{destination}"
            if rng.random() < 0.5:
                m.notes += "；已与流入地党组织建立联系"


@steps.step(20, "党员和组织关系")
def build_members(ctx):
    """The members of every branch, their party groups, the branches' leading bodies, then each
    member's placement from its record (members.placements.backfill)."""
    ctx.builder.build_members(featured=featured_branches())
    placements.backfill()  # the members were created in bulk: each gets its placement
