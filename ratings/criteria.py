"""Which criteria apply: per audience the set in force in a quarter, and the audience a member fits.

The plan sets the stars "according to the features of members' posts" with two annexes: members in
post, and the retired, rural and elderly. A set applies from its quarter until a newer set of the
same audience; the county's edit makes a new set from the next quarter (`edit_criteria`), so a
quarter already rated keeps the texts it was rated under."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core import audit
from members.choices import JobCategory

from .choices import STAR_FIELDS, Audience, Star
from .models import CriteriaSet, Criterion, RatingEntry

ELDERLY_AGE = 70  # 年老体弱: rated against the retired members' criteria from this age on
RETIRED_JOBS = {JobCategory.RETIRED, JobCategory.FARMER}

EDIT_CRITERIA = audit.register_action("criteria", "修改评星标准")


def in_force(year, quarter):
    """{audience: CriteriaSet} in force in (year, quarter), criteria prefetched. Two queries."""
    sets = (CriteriaSet.objects.filter(from_year__lte=year).prefetch_related("criteria")
            .order_by("audience", "-from_year", "-from_quarter"))
    found = {}
    for s in sets:
        if s.audience not in found and s.starts <= (year, quarter):
            found[s.audience] = s
    if len(found) < len(Audience) and not _defaults_tried.get("done"):
        _defaults_tried["done"] = True
        ensure_defaults()  # a database emptied after migrating (a flushed test database): the defaults again
        return in_force(year, quarter)
    _defaults_tried.pop("done", None)
    return found


_defaults_tried = {}


def ensure_defaults():
    """The two starting criteria sets of migration 0002, when they are missing."""
    import importlib

    from django.apps import apps

    importlib.import_module("ratings.migrations.0002_default_criteria").create(apps, None)


def audience_for(member, on):
    """The audience a member fits on day `on`: retired, rural (农牧渔民) or 70 and over → the second
    annex; everyone else is rated as a member in post."""
    if member.job_category in RETIRED_JOBS:
        return Audience.RETIRED
    b = member.birth_date
    if b and (on.year - b.year - ((on.month, on.day) < (b.month, b.day))) >= ELDERLY_AGE:
        return Audience.RETIRED
    return Audience.IN_POST


def next_quarter(today=None):
    today = today or datetime.date.today()
    q = (today.month - 1) // 3 + 1
    return (today.year + 1, 1) if q == 4 else (today.year, q + 1)


def edit_criteria(user, audience, texts, name=None, today=None):
    """The county changes the criteria of `audience`: the texts apply from the next quarter on. A set
    already starting then (and not yet rated under) is changed in place; otherwise a new one."""
    if not user.is_county_admin:
        raise PermissionDenied("只有组织部管理员可以修改评星标准。")
    if audience not in Audience.values:
        raise ValidationError("请选择适用党员。")
    texts = {k: (texts.get(k) or "").strip() for k in STAR_FIELDS}
    errors = {k: f"请填写{Star(k).label}的评星标准。" for k, v in texts.items() if not v}
    errors.update({k: "评星标准不能超过1000字。" for k, v in texts.items() if len(v) > 1000})
    if errors:
        raise ValidationError(errors)
    year, quarter = next_quarter(today)
    current = in_force(year, quarter).get(audience)
    if current is not None and current.texts() == texts and (name is None or name == current.name):
        raise ValidationError("评星标准没有改动。")
    with transaction.atomic():
        target = CriteriaSet.objects.select_for_update().filter(
            audience=audience, from_year=year, from_quarter=quarter).first()
        if target is not None and RatingEntry.objects.filter(criteria_set=target).exists():
            raise ValidationError("下季度的评星标准已经用于评定，不能再修改。")
        before = target.texts() if target is not None else (current.texts() if current else {})
        if target is None:
            target = CriteriaSet.objects.create(
                audience=audience, from_year=year, from_quarter=quarter, created_by=user,
                name=name or (current.name if current else Audience(audience).label + "评星标准"))
        elif name:
            target.name = name
            target.save(update_fields=["name"])
        for star, text in texts.items():
            Criterion.objects.update_or_create(criteria_set=target, star=star, defaults={"text": text})
        audit.record(user, target, EDIT_CRITERIA, changes={
            k: [before.get(k, ""), v] for k, v in texts.items() if before.get(k, "") != v
        }, reason=f"自{year}年第{quarter}季度起执行")
    return target
