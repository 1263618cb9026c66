"""The demo county's organizational life (demo/steps.py): a year of 三会一课 and 主题党日 in every
branch, with attendance, and the contact clock that follows from it — most members present most of
the time, mobile members reached by phone, the few whom the dues demo leaves months behind drifting
past five and six months, the members recorded as 失联 absent since their 失去联系日期, and a few
registered too recently to have any record.

The data is written in bulk (a year of a 5,000-member county is ~150,000 attendance rows) and the
members' last_contact_on set from what was written, exactly as contacts.refresh would compute it.
`seed(today, rng)` reads the branches and members from the database, so the bench can fill its own
county the same way (members/bench_cases_orglife.py)."""

import datetime
import random
from collections import defaultdict

from django.db.models import Q

from branches.choices import OrgKind
from branches.models import Officer, Organization
from demo import steps

from . import contacts
from .choices import MembershipStatus
from .contacts import add_months
from .models import AbsenceReason, Attendance, ContactMethod, ContactRecord, Meeting, MeetingKind, Member

TOPICS = {
    MeetingKind.GENERAL: ["讨论发展党员和预备党员转正", "民主评议党员", "学习贯彻党的二十届四中全会精神",
                          "通报党费收缴和使用情况"],
    MeetingKind.COMMITTEE: ["研究本月党建工作安排", "研究发展党员工作", "研究主题党日活动方案", "分析党员队伍情况"],
    MeetingKind.GROUP: ["学习党章党规", "交流学习体会", "谈心谈话", "讨论为民办实事事项"],
    MeetingKind.LECTURE: ["书记讲党课：牢记初心使命", "以学铸魂 以学促干", "党史学习教育专题党课", "廉洁自律专题党课"],
    MeetingKind.THEME_DAY: ["重温入党誓词", "志愿服务进社区", "参观红色教育基地", "集中学习和交纳党费", "人居环境整治"],
}
ABSENT = [AbsenceReason.WORK, AbsenceReason.ILLNESS, AbsenceReason.PERSONAL, AbsenceReason.AWAY]
BATCH = 5000


def _months(today):
    """The first day of each of the last twelve months, the current one included, oldest first."""
    first = today.replace(day=1)
    return [add_months(first, -i) for i in range(11, -1, -1)]


class _Writer:
    def __init__(self):
        self.attendance, self.last = [], {}

    def mark(self, meeting, member, present, reason=""):
        self.attendance.append(Attendance(meeting=meeting, member_id=member.pk, present=present,
                                          absence_reason="" if present else reason))
        if present and (member.pk not in self.last or meeting.held_on > self.last[member.pk]):
            self.last[member.pk] = meeting.held_on
        if len(self.attendance) >= BATCH:
            self.flush()

    def flush(self):
        Attendance.objects.bulk_create(self.attendance, batch_size=BATCH)
        self.attendance = []


def seed(today, rng=None):
    """A year of meetings in every active branch that has members on the roll (after the dues, whose
    dates it reads). Returns (meetings, attendance rows, contact records)."""
    rng = rng or random.Random(1921)
    branches = list(Organization.objects.active().branches().order_by("path"))
    members_by_branch = defaultdict(list)
    for m in (Member.objects.on_roll().filter(membership_status=MembershipStatus.NORMAL).order_by("pk")
              .only("pk", "organization_id", "party_group_id", "name", "joined_on", "is_mobile",
                    "is_lost_contact", "lost_contact_since", "last_contact_on")):
        members_by_branch[m.organization_id].append(m)
    groups = defaultdict(list)
    for g in Organization.objects.active().filter(kind=OrgKind.GROUP).only("pk", "parent_id"):
        groups[g.parent_id].append(g.pk)
    officers = defaultdict(set)
    for org_id, name in Officer.objects.values_list("organization_id", "name"):
        officers[org_id].add(name)

    months = _months(today)
    plans, roles = [], {}
    for b in branches:
        members = members_by_branch.get(b.pk)
        if not members:
            continue
        drift = _drifters(rng, members, today)
        fresh = {m.pk for m in rng.sample(members, k=len(members) // 100)} - set(drift)  # no record yet
        roles[b.pk] = (members, drift, fresh)
        for first in months:
            def day(lo, hi, first=first):
                d = first + datetime.timedelta(days=rng.randint(lo, hi))
                return min(d, today)
            if first.month in (1, 4, 7, 10) or first == months[0]:
                plans.append((b, None, MeetingKind.GENERAL, day(5, 20)))
                plans.append((b, None, MeetingKind.LECTURE, day(10, 25)))
            plans.append((b, None, MeetingKind.COMMITTEE, day(0, 6)))
            plans.append((b, None, MeetingKind.THEME_DAY, day(0, 9)))
            for g in groups.get(b.pk, ()):
                plans.append((b, g, MeetingKind.GROUP, day(8, 26)))
    plans = [p for p in plans if (p[0].established_on is None or p[3] >= p[0].established_on) and p[3] <= today]
    meetings = [Meeting(organization=b, party_group_id=g, kind=kind, held_on=d, topic=rng.choice(TOPICS[kind]),
                        host="党支部书记" if kind != MeetingKind.GROUP else "党小组组长")
                for b, g, kind, d in plans]
    Meeting.objects.bulk_create(meetings, batch_size=BATCH)

    w = _Writer()
    for meeting in meetings:
        members, drift, fresh = roles[meeting.organization_id]
        if meeting.kind == MeetingKind.COMMITTEE:
            names = officers.get(meeting.organization_id, set())
            attendees = [m for m in members if m.name in names] or members[:3]
        elif meeting.kind == MeetingKind.GROUP:
            attendees = [m for m in members if m.party_group_id == meeting.party_group_id]
        else:
            attendees = members
        for m in attendees:
            if m.pk in fresh or m.joined_on > meeting.held_on:
                continue
            if m.is_lost_contact and m.lost_contact_since and meeting.held_on >= m.lost_contact_since:
                w.mark(meeting, m, False, AbsenceReason.UNREACHABLE)
            elif m.pk in drift and meeting.held_on > drift[m.pk]:
                w.mark(meeting, m, False, AbsenceReason.AWAY)
            elif m.is_mobile:
                w.mark(meeting, m, rng.random() < 0.2, AbsenceReason.AWAY)
            else:
                w.mark(meeting, m, rng.random() < 0.9, rng.choice(ABSENT))
    n_attendance = len(w.attendance)
    w.flush()
    records = _contact_records(rng, roles, today, w.last)
    _set_clock(w.last)
    return len(meetings), n_attendance, records


def _drifters(rng, members, today):
    """{member id: the last day present} of the members who stopped paying dues five months ago or
    more (members/dues_demo.py leaves a few months behind): they stopped coming to meetings about
    the same time, so their clock runs past five or six months with both sources agreeing."""
    stale = contacts.threshold(today, contacts.WARN_MONTHS)
    return {m.pk: m.last_contact_on - datetime.timedelta(days=rng.randint(0, 20)) for m in members
            if not m.is_lost_contact and not m.is_mobile and m.last_contact_on and m.last_contact_on < stale}


def _contact_records(rng, roles, today, last):
    """The lost members' 失去联系日期 from their records, and a call every two months or so to the
    mobile members (who miss most meetings)."""
    rows = []
    for members, drift, fresh in roles.values():
        for m in members:
            if m.pk in fresh:
                continue
            if m.is_lost_contact and m.lost_contact_since:
                rows.append(ContactRecord(member_id=m.pk, contacted_on=m.lost_contact_since, method=ContactMethod.OTHER,
                                          note="据原有记录：失去联系日期", recorded_by_name="系统（据原有记录）"))
                day = m.lost_contact_since
            elif m.is_mobile:
                day = today - datetime.timedelta(days=rng.randint(5, 70))
                rows.append(ContactRecord(member_id=m.pk, contacted_on=day, method=ContactMethod.PHONE,
                                          note="电话联系，在外务工，近况良好，已按时交纳党费",
                                          recorded_by_name="党支部书记"))
            else:
                continue
            if m.pk not in last or day > last[m.pk]:
                last[m.pk] = day
    ContactRecord.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _set_clock(last):
    by_day = defaultdict(list)
    for pk, day in last.items():
        by_day[day].append(pk)
    for day, pks in by_day.items():
        for i in range(0, len(pks), 900):
            Member.objects.filter(pk__in=pks[i:i + 900]).filter(  # raised only: dues may know a later day
                Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=day)).update(last_contact_on=day)


@steps.step(65, "组织生活")  # after 党费 (60): the members who stopped paying stop coming
def organizational_life(ctx):
    n, rows, records = seed(ctx.today, ctx.rng)
    ctx.notes.append(f"组织生活：{n} 次会议，{rows} 条出席记录，{records} 条联系记录（近一年）")
