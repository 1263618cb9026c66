"""与党组织失去联系时间: how long a member has been out of contact, and the four ranges the summary
tables (附件3) count it in (FORMS.md):

    6个月以上不满1年 | 1年至5年 | 6年至10年 | 11年及以上

The time runs from the member's last contact (organizational life or a dues payment: the contact
clock of members/contacts.py, or the lost-since date of the case) to the end of the search.

The edges, in whole calendar months (contacts.elapsed: 31 August + 6 months = 28 February):
  - 「以上」 and 「至」 include the number itself (统计口径: 含本数): exactly six months out of contact is
    「6个月以上」, exactly one year is 「1年至5年」;
  - years are whole years elapsed: 5 years and 11 months is still 「1年至5年」, the day the sixth year
    is complete it is 「6年至10年」; 10 years 11 months 「6年至10年」, 11 years 「11年及以上」;
  - under six months is no lost-contact time at all for these tables (`UNDER`), and a member whose
    date is not known has none either (`UNKNOWN`): a form counting such a member as lost does not
    reconcile and says so.

`bucket(since, end)` decides one member in Python; `bucket_expression(field, end)` is the same rule
as a database CASE over a date column, so a county's table is one GROUP BY (`cutoff` turns "at least n
whole months before `end`" into "on or before this date", an indexed comparison).
"""

import datetime

from django.db.models import Case as CaseWhen
from django.db.models import CharField, Q, Value, When

from members.contacts import add_months, elapsed

UNDER = "under"  # less than six months: not counted as lost
UNKNOWN = "unknown"  # no date

# (key, label, the whole months at which the range begins)
RANGES = [
    ("m6", "6个月以上不满1年", 6),
    ("y1_5", "1年至5年", 12),
    ("y6_10", "6年至10年", 72),
    ("y11", "11年及以上", 132),
]
LABELS = {key: label for key, label, _ in RANGES}
LOST_MONTHS = RANGES[0][2]  # 与党组织失去联系6个月以上


def months_out(since, end):
    """Whole calendar months from `since` to `end` (0 when `since` is after `end`)."""
    return elapsed(since, end)[0]


def bucket(since, end):
    """The range key of a member out of contact since `since`, on `end`; UNDER or UNKNOWN."""
    if since is None:
        return UNKNOWN
    months = months_out(since, end)
    found = UNDER
    for key, _, start in RANGES:
        if months >= start:
            found = key
    return found


def cutoff(end, months):
    """The latest date `since` with at least `months` whole months from `since` to `end`: the member is
    in a range beginning at `months` exactly when `since <= cutoff(end, months)`."""
    day = add_months(end, -months)
    one = datetime.timedelta(days=1)
    while add_months(day + one, months) <= end:  # 31 August + 6 = 28 February: the month's end clamps
        day += one
    while add_months(day, months) > end:
        day -= one
    return day


def bucket_expression(field, end):
    """A CASE giving `bucket(<field>, end)` in the database, for `.annotate(...).values(...)`."""
    whens = [When(Q(**{f"{field}__isnull": True}), then=Value(UNKNOWN))]
    for key, _, start in reversed(RANGES):
        whens.append(When(Q(**{f"{field}__lte": cutoff(end, start)}), then=Value(key)))
    return CaseWhen(*whens, default=Value(UNDER), output_field=CharField())


def describe(since, end):
    """「2年3个月」, as a register prints 与党组织失去联系时间 for one member ("" without a date)."""
    if since is None:
        return ""
    months = months_out(since, end)
    years, months = divmod(months, 12)
    if years and months:
        return f"{years}年{months}个月"
    if years:
        return f"{years}年"
    return f"{months}个月"


def problems(under, unknown, no_reason, under_note=""):
    """In Chinese, why lost members counted in a total fall in no range or no 情形 column: `under`
    lost for less than LOST_MONTHS, `unknown` without a date, `no_reason` without a code."""
    out = []
    if under:
        out.append(f"{under}名失联党员失去联系不满{LOST_MONTHS}个月{under_note}")
    if unknown:
        out.append(f"{unknown}名失联党员没有失去联系起始日期")
    if no_reason:
        out.append(f"{no_reason}名失联党员未选择失去联系情形")
    return out
