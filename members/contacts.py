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

from django.db.models import Q

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
