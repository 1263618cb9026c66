"""Dated placements: which branch (and party group) each member belonged to, from when, to when, and
why. The member keeps its current branch for speed; its placements answer questions about dates:

    members_during(branch_ids, start, end)   who belonged to each branch during [start, end]
    members_on(branch_ids, day)               … on one day
    left_during(branch_ids, start, end)       who left each branch during [start, end], when and why

Each is one indexed query, for one branch or all of them at once (branch_ids=None), and answers per
branch. A placement runs from `started_on` up to the day before `ended_on`: a member moved on a day
belongs to the new branch from that day. The writes (open, close, move) are called by
members.services inside the transaction that audits the change."""

import datetime
from collections import defaultdict

from django.utils import timezone

from .choices import RollState
from .models import Member, Placement, PlacementReason

# Why a placement ends when the member leaves the roll.
LEAVING = {
    RollState.TRANSFERRED_OUT: PlacementReason.TRANSFER_OUT,
    RollState.REMOVED: PlacementReason.REMOVED,
    RollState.DECEASED: PlacementReason.DECEASED,
}


def quarter(year, q):
    """(first day, last day) of quarter `q` (1–4) of `year`."""
    if q not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1–4")
    start = datetime.date(year, 3 * q - 2, 1)
    end = datetime.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - datetime.timedelta(days=1)
    return start, end


def _of(branch_ids, field="organization_id"):
    qs = Placement.objects.order_by()  # no sorting: the answers are sets
    return qs if branch_ids is None else qs.filter(**{f"{field}__in": list(branch_ids)})


def members_during(branch_ids, start, end):
    """{branch id: {member id, …}} of the members who belonged to each branch on at least one day
    of [start, end]. `branch_ids` None: every branch. One query."""
    found = defaultdict(set)
    for branch_id, member_id in _of(branch_ids).during(start, end).values_list("organization_id", "member_id"):
        found[branch_id].add(member_id)
    return dict(found)


def members_on(branch_ids, day):
    return members_during(branch_ids, day, day)


def group_members_during(group_ids, start, end):
    """{party group id: {member id, …}}, as members_during for party groups."""
    found = defaultdict(set)
    rows = _of(group_ids, "party_group_id").exclude(party_group=None).during(start, end)
    for group_id, member_id in rows.values_list("party_group_id", "member_id"):
        found[group_id].add(member_id)
    return dict(found)


def left_during(branch_ids, start, end):
    """{branch id: [(member id, the day it left, PlacementReason), …]} of the members who left each
    branch on a day of [start, end] (the day a move took effect, or the date of the roll-state
    change; a change of party group inside the branch is no leaving). One query."""
    rows = (
        _of(branch_ids).filter(ended_on__gte=start, ended_on__lte=end).exclude(end_reason=PlacementReason.GROUP)
        .order_by("ended_on", "pk").values_list("organization_id", "member_id", "ended_on", "end_reason")
    )
    found = defaultdict(list)
    for branch_id, member_id, ended_on, reason in rows:
        found[branch_id].append((member_id, ended_on, PlacementReason(reason)))
    return dict(found)


def history(member):
    """The member's placements, oldest first, with their branch and group."""
    return Placement.objects.filter(member=member).select_related("organization", "party_group").order_by(
        "started_on", "pk")


# -- writes (inside the change's transaction) ----------------------------------------------------

def today():
    return timezone.localdate()


def _open_placement(member):
    return Placement.objects.select_for_update().filter(member=member, ended_on=None).first()


def close_placement(member, on, reason):
    """End the member's open placement on `on` (never before it began). Returns it, or None."""
    current = _open_placement(member)
    if current is None:
        return None
    current.ended_on = max(on, current.started_on)
    current.end_reason = reason
    current.save(update_fields=["ended_on", "end_reason"])
    return current


def open_placement(member, on, reason, *, not_before=None):
    """Start a placement of the member in its current branch and group on `on`, never before its
    last placement ended."""
    if not_before is None:
        not_before = (
            Placement.objects.filter(member=member).exclude(ended_on=None).order_by("-ended_on")
            .values_list("ended_on", flat=True).first()
        )
    return Placement.objects.create(
        member=member, organization_id=member.organization_id, party_group_id=member.party_group_id,
        started_on=max(on, not_before) if not_before else on, start_reason=reason,
    )


def open_placements(members, on, reason):
    """The first placement of members registered at once (members.services.create_members): in their
    branch and group from `on`, in one query."""
    return Placement.objects.bulk_create([
        Placement(member=m, organization_id=m.organization_id, party_group_id=m.party_group_id, started_on=on,
                  start_reason=reason)
        for m in members
    ])


def move(member, on, reason):
    """The member (already saved in its new branch or group) moved on `on`."""
    closed = close_placement(member, on, reason)
    return open_placement(member, on, reason, not_before=closed.ended_on if closed else None)


def backfill(members=None):
    """Give every member without placements one from its records: in its current branch and group
    from its joining date, ended on its roll-state date when it is off the roll. For data loaded in
    bulk (the demo county). Returns the number created."""
    members = Member.objects.all() if members is None else members
    rows, created = [], 0
    fields = ["pk", "organization_id", "party_group_id", "joined_on", "roll_state", "roll_state_on"]
    for m in list(members.filter(placements__isnull=True).order_by().only(*fields)):
        rows.append(placement_from_record(m))
        created += 1
        if len(rows) >= 2000:
            Placement.objects.bulk_create(rows)
            rows = []
    Placement.objects.bulk_create(rows)
    return created


def placement_from_record(m, start=None, start_reason=PlacementReason.RECORDS):
    start = start or m.joined_on
    ended_on, end_reason = None, ""
    if m.roll_state != RollState.ON_ROLL:
        ended_on = max(m.roll_state_on or today(), start)
        end_reason = LEAVING.get(m.roll_state, PlacementReason.LEFT)
    return Placement(
        member_id=m.pk, organization_id=m.organization_id, party_group_id=m.party_group_id, started_on=start,
        start_reason=start_reason, ended_on=ended_on, end_reason=end_reason,
    )


