"""The six-month contact clock (党章第九条; FORMS.md): a member's last contact with the party
organization is the latest of organizational-life attendance, a dues payment, or a recorded contact.

`Member.last_contact_on` holds that date, so the to-do page and the investigation read one indexed
column for the whole county instead of aggregating three tables per request. Each capability that
records a contact keeps it up to date:

    # after writing attendance / a payment / a contact, inside the same transaction:
    contacts.touch(member_ids, on_date)        # raises the date, never lowers it
    # after deleting or correcting one (the date may go down):
    contacts.refresh(member_ids)               # recomputed from every registered source

and registers, once, where its dates come from (in its AppConfig.ready or module import):

    @contacts.source("dues")
    def dues_dates(member_ids):                # -> {member_id: latest date} for those members
        ...

`refresh` takes the latest over all sources; a member with none keeps no date (None).
"""

import calendar
import datetime

from django.db.models import Q
from django.utils import timezone

SOURCES = {}


def source(name):
    """Register `fn(member_ids) -> {member_id: date}` as a source of contact dates."""

    def register(fn):
        SOURCES[name] = fn
        return fn

    return register


def _ids(member_ids):
    return sorted({int(pk) for pk in member_ids})


def touch(member_ids, on_date):
    """A contact on `on_date` for these members: their date goes up to it (one UPDATE)."""
    from .models import Member

    ids = _ids(member_ids)
    if not ids or on_date is None:
        return 0
    return (
        Member.objects.filter(pk__in=ids)
        .filter(Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=on_date))
        .update(last_contact_on=on_date)
    )


def latest(member_ids):
    """{member_id: latest date over all sources} (members without any are absent)."""
    ids = _ids(member_ids)
    best = {}
    if not ids:
        return best
    for fn in SOURCES.values():
        for pk, day in fn(ids).items():
            if day is not None and (pk not in best or day > best[pk]):
                best[pk] = day
    return best


def refresh(member_ids):
    """Recompute these members' dates from the sources (after a deletion or a correction)."""
    from .models import Member

    ids = _ids(member_ids)
    best = latest(ids)
    by_day = {}
    for pk in ids:
        by_day.setdefault(best.get(pk), []).append(pk)
    for day, pks in by_day.items():
        Member.objects.filter(pk__in=pks).update(last_contact_on=day)


# -- the clock ------------------------------------------------------------------------------------
# 党章第九条: six consecutive months without organizational life (or dues) is 自行脱党. The to-do
# page warns from five months on. "Older than n months": the date n calendar months after the last
# contact (the last day of the month when that month is shorter: 31 August + 6 months = 28 or 29
# February) has passed.

WARN_MONTHS = 5
OVERDUE_MONTHS = 6


def add_months(day, months):
    """`day` moved by `months` calendar months (negative: back), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def threshold(today, months):
    """The earliest last-contact date that is NOT yet older than `months` months on `today`: a member
    is older than that when `last_contact_on < threshold(today, months)` (an indexed range)."""
    one = datetime.timedelta(days=1)
    day = add_months(today, -months)
    while add_months(day, months) < today:  # today is a month's end: 31 Aug + 6 = 28 Feb, not older
        day += one
    while add_months(day - one, months) >= today:
        day -= one
    return day


def is_older(last, today, months):
    return last is not None and add_months(last, months) < today


def elapsed(last, today):
    """(months, days) from `last` to `today`: 31 August → 1 March (non-leap) is (6, 1)."""
    if last is None or last > today:
        return 0, 0
    months = (today.year - last.year) * 12 + today.month - last.month
    if add_months(last, months) > today:
        months -= 1
    return months, (today - add_months(last, months)).days


def elapsed_text(last, today):
    months, days = elapsed(last, today)
    if not months:
        return f"{days}天"
    return f"{months}个月{days}天" if days else f"{months}个月"


def clock_members(user):
    """The members whose clock runs, in the user's scope: on the roll, 党籍 正常 (a member whose
    membership is suspended, or kept while abroad, is already handled by a decision)."""
    from .choices import MembershipStatus
    from .models import Member

    return (
        Member.objects.visible_to(user).on_roll().filter(membership_status=MembershipStatus.NORMAL)
        .select_related("organization")
    )


def _today():
    return timezone.localdate()


def overdue(user, today=None):
    """Last contact older than six months, the oldest first."""
    cut = threshold(today or _today(), OVERDUE_MONTHS)
    return clock_members(user).filter(last_contact_on__lt=cut).order_by("last_contact_on", "pk")


def warning(user, today=None):
    """Last contact older than five months, not yet six, the oldest first."""
    today = today or _today()
    return clock_members(user).filter(
        last_contact_on__lt=threshold(today, WARN_MONTHS), last_contact_on__gte=threshold(today, OVERDUE_MONTHS),
    ).order_by("last_contact_on", "pk")


def never(user):
    """No contact recorded at all (e.g. registered before the system recorded organizational life)."""
    return clock_members(user).filter(last_contact_on__isnull=True).order_by("organization__path", "name_pinyin",
                                                                              "pk")


def counts(user, today=None):
    """{"contact_overdue", "contact_warning", "contact_never": count} in one aggregate (the dashboard)."""
    from django.db.models import Count

    today = today or _today()
    six, five = threshold(today, OVERDUE_MONTHS), threshold(today, WARN_MONTHS)
    c = clock_members(user).order_by().aggregate(
        overdue=Count("pk", filter=Q(last_contact_on__lt=six)),
        warning=Count("pk", filter=Q(last_contact_on__lt=five, last_contact_on__gte=six)),
        never=Count("pk", filter=Q(last_contact_on__isnull=True)),
    )
    return {"contact_overdue": c["overdue"], "contact_warning": c["warning"], "contact_never": c["never"]}
