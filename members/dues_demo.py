"""Demo dues (党费) for a county: a standard for every member on the roll from January of this year
(or the month they joined), by their work (在职 by a salary, 离退休 by a pension, 农民, 学生), a few
hardship reductions approved by the committee above; the months paid up to last month for most,
one to three months behind for some, six months or more for a few. Written in bulk (the demo
county and the bench's 30,000 members), then the paid-up-to months and the contact clock are
brought up to date the way the services do. The demo secretary's last month goes through
`dues.save_month`, so its grid, the audit and the sheet show a real entry."""

import datetime
from decimal import Decimal

from . import contacts, dues
from .choices import JobCategory, MembershipStatus
from .models import DuesBasis, DuesPayment, DuesStandard, Member

BATCH = 2000
HARDSHIP = ["因病致贫，长期住院治疗", "家庭遭受自然灾害，生活困难", "失业在家，无固定收入"]


def _standard_values(m, rng):
    job = m.job_category
    if job == JobCategory.RETIRED:
        return DuesBasis.RETIRED, Decimal(rng.randrange(2800, 9000, 50)), None
    if job == JobCategory.FARMER:
        return DuesBasis.FARMER, None, Decimal(rng.choice(["0.20", "0.50", "0.50", "1.00"]))
    if job == JobCategory.STUDENT:
        return DuesBasis.STUDENT, None, None
    if job == JobCategory.OTHER and rng.random() < 0.3:
        return DuesBasis.UNEMPLOYED, None, None
    return DuesBasis.SALARY, Decimal(rng.choice([rng.randrange(2400, 5200, 50), rng.randrange(3000, 12000, 100),
                                                 rng.randrange(4000, 16000, 100)])), None


def _behind(rng):
    """How many of the owed months up to last month stay unpaid."""
    r = rng.random()
    if r < 0.88:
        return 0
    if r < 0.97:
        return rng.randint(1, 3)
    return rng.randint(4, 9)


def seed(members, today, rng, parent_names=None):
    """Standards and payments for `members` (on the roll), written BATCH members at a time so that
    memory stays flat on the bench's 30,000. Returns (standards, payments) written."""
    totals = [0, 0]
    chunk = []
    for m in members:
        chunk.append(m)
        if len(chunk) == BATCH:
            _seed_chunk(chunk, today, rng, parent_names or {}, totals)
            chunk = []
    if chunk:
        _seed_chunk(chunk, today, rng, parent_names or {}, totals)
    return tuple(totals)


def _seed_chunk(members, today, rng, parent_names, totals):
    this = dues.current_month(today)
    last = dues.add_months(this, -1)
    start = datetime.date(this.year, 1, 1) if this.month > 1 else dues.add_months(this, -12)
    standards, payments, latest = [], [], {}
    for m in members:
        if m.membership_status != MembershipStatus.NORMAL:
            continue
        first = max(start, dues.month_start(m.joined_on))
        if first > last:
            continue
        basis, income, farmer = _standard_values(m, rng)
        c = dues.compute_standard(basis, income, farmer)
        s = DuesStandard(member_id=m.pk, valid_from=first, basis=basis, income=income, rate=c.rate,
                         computed_amount=c.amount, amount=c.amount)
        if rng.random() < 0.01 and c.amount > Decimal("1"):
            s.reduced, s.amount = True, Decimal("0.00") if rng.random() < 0.3 else (c.amount / 2).quantize(dues.CENT)
            s.reduction_reason = rng.choice(HARDSHIP)
            s.reduction_approved_by = parent_names.get(m.organization_id, "上级党委")
            s.reduction_approved_on = first - datetime.timedelta(days=rng.randint(3, 20))
        standards.append(s)
        owed = dues.months_between(first, last)
        paid = owed[:len(owed) - _behind(rng)] if owed else []
        if paid and paid[-1] == last and rng.random() < 0.25 and today.day > 5:
            paid.append(this)  # some have paid this month already
        for month in paid:
            paid_on = min(month + datetime.timedelta(days=rng.randint(2, 24)), today)
            extra = Decimal(rng.choice([0, 0, 0, 0, 10, 50])) if basis == DuesBasis.SALARY else Decimal(0)
            payments.append(DuesPayment(member_id=m.pk, month=month, amount=s.amount + extra, paid_on=paid_on,
                                        organization_id=m.organization_id))
            latest[m.pk] = paid_on
    DuesStandard.objects.bulk_create(standards, batch_size=BATCH)
    DuesPayment.objects.bulk_create(payments, batch_size=BATCH)
    by_day = {}
    for pk, day in latest.items():
        by_day.setdefault(day, []).append(pk)
    for day, pks in by_day.items():
        contacts.touch(pks, day)
    dues.recompute([s.member_id for s in standards])
    totals[0] += len(standards)
    totals[1] += len(payments)


def seed_county(today, rng):
    """Every member on the roll of the county (the bench's county when it has no dues yet)."""
    from branches.models import Organization

    names = dict(Organization.objects.values_list("pk", "name"))
    parent_names = {pk: names.get(parent_id, "上级党委")
                    for pk, parent_id in Organization.objects.branches().values_list("pk", "parent_id")}
    members = Member.objects.on_roll().only("pk", "job_category", "joined_on", "organization_id",
                                            "membership_status").order_by("pk")
    return seed(members.iterator(chunk_size=BATCH), today, rng, parent_names)


def secretary_month(user, today):
    """The demo secretary's branch: last month's dues entered again through the grid service (the
    bulk rows of that month removed first), so the audit and the grid show a real entry."""
    branch = user.home_branch
    if branch is None:
        return 0
    last = dues.add_months(dues.current_month(today), -1)
    rows = DuesPayment.objects.filter(organization=branch, month=last)
    ids = list(rows.values_list("member_id", flat=True))
    if not ids:
        return 0
    rows.delete()
    contacts.refresh(ids)
    dues.recompute(ids)
    paid_on = min(last + datetime.timedelta(days=9), today)
    return len(dues.save_month(user, branch, last, paid_on, dict.fromkeys(ids), today=today))
