"""A unit's classification scheme (分类原则和标准): its categories with their measures, copied from
a template, and the members' categories. Each change in one transaction, audited inside it."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q

from core import audit
from members.models import Member

from ..choices import ASPECTS
from ..models import Assignment, Category, PilotUnit

ASSIGN = audit.register_action("pilot_assign", "党员分类")
COPY = audit.register_action("pilot_copy", "套用模板")
CATEGORY_FIELDS = ["name", "rule"]
ASPECT_KEYS = [k for k, _ in ASPECTS]


def _measures_text(measures):
    return {f"measure:{k}": measures.get(k, "") for k in ASPECT_KEYS}


def _check_unique_name(category):
    clash = Category.objects.filter(unit_id=category.unit_id, name=category.name).exclude(pk=category.pk)
    if clash.exists():
        raise ValidationError({"name": f"本单位已有名为“{category.name}”的党员类别，类别名称不能重复。"})


@transaction.atomic
def save_category(actor, category):
    """Create or change a category of a unit's scheme (its name unique within the unit)."""
    category.name = (category.name or "").strip()
    category.measures = {k: (category.measures or {}).get(k, "").strip() for k in ASPECT_KEYS
                         if (category.measures or {}).get(k, "").strip()}
    creating = category.pk is None
    _check_unique_name(category)
    if creating:
        category.order = (Category.objects.filter(unit_id=category.unit_id).aggregate(m=Max("order"))["m"] or 0) + 1
        before = {}
    else:
        old = Category.objects.get(pk=category.pk)
        before = {**audit.snapshot(old, CATEGORY_FIELDS), **_measures_text(old.measures)}
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError:
        raise ValidationError({"name": f"本单位已有名为“{category.name}”的党员类别，类别名称不能重复。"}) from None
    after = {**audit.snapshot(category, CATEGORY_FIELDS), **_measures_text(category.measures)}
    audit.record(actor, category, audit.Action.CREATE if creating else audit.Action.UPDATE, before=before,
                 after=after, reason=f"试点单位：{category.unit.organization.name}")
    return category


@transaction.atomic
def delete_category(actor, category):
    n = category.assignments.count()
    if n:
        raise ValidationError(f"“{category.name}”下还有 {n} 名党员，请先把他们调整到其他类别。")
    audit.record(actor, category.unit, audit.Action.UPDATE, changes={"category": [category.name, ""]},
                 reason=f"删除党员类别“{category.name}”")
    category.delete()


def template_units(user, unit):
    """The schemes `unit` may start from: those of the units of its program that `user` sees, and
    every scheme of a program rolled out county-wide."""
    visible = PilotUnit.objects.visible_to(user).filter(program_id=unit.program_id)
    return (
        PilotUnit.objects.filter(Q(pk__in=visible.values("pk")) | Q(program__rolled_out_on__isnull=False))
        .exclude(pk=unit.pk).filter(categories__isnull=False).distinct()
        .select_related("organization", "program").order_by("program_id", "organization__path")
    )


@transaction.atomic
def copy_scheme(actor, source, target):
    """Start `target`'s scheme from `source`'s: new categories with the same names, rules and
    measures, independent of the source from then on."""
    if source.pk == target.pk:
        raise ValidationError("不能套用本单位自己的分类方案。")
    if target.categories.exists():
        raise ValidationError("本单位已有分类方案，只有尚未制定方案的单位才能套用模板。")
    sources = list(source.categories.all())
    if not sources:
        raise ValidationError(f"“{source.organization.name}”还没有分类方案。")
    Category.objects.bulk_create([
        Category(unit=target, name=c.name, rule=c.rule, measures=dict(c.measures), order=c.order) for c in sources
    ])
    audit.record(actor, target, COPY, changes={"categories": ["", "、".join(c.name for c in sources)]},
                 reason=f"以“{source.organization.name}”（{source.program.name}）的分类方案为模板")
    return len(sources)


def unit_members(unit):
    """The members of the unit: on the roll, in the unit's organization or below."""
    return Member.objects.on_roll().within([unit.organization.path])


@transaction.atomic
def assign(actor, unit, member_ids, category):
    """Put the members `member_ids` (of `unit`) in `category` (of `unit`). All or nothing."""
    if category.unit_id != unit.pk:
        raise ValidationError({"category": "所选类别不属于本单位的分类方案。"})
    wanted = {int(i) for i in member_ids}
    if not wanted:
        raise ValidationError("请至少选择一名党员。")
    members = {m.pk: m for m in unit_members(unit).filter(pk__in=wanted)}
    strangers = wanted - set(members)
    if strangers:
        raise ValidationError(f"所选党员中有 {len(strangers)} 名不是本单位的在册党员，未做任何调整。")
    current = {a.member_id: a for a in Assignment.objects.filter(unit=unit, member_id__in=wanted)
               .select_related("category")}
    changes, new = {}, []
    for pk, m in sorted(members.items(), key=lambda kv: kv[1].name_pinyin):
        old = current.get(pk)
        if old is not None and old.category_id == category.pk:
            continue
        changes[f"{m.name}（{m.pk}）"] = [old.category.name if old else "未分类", category.name]
        if old is None:
            new.append(Assignment(unit=unit, member=m, category=category))
    moved = [a.pk for pk, a in current.items() if a.category_id != category.pk]
    Assignment.objects.filter(pk__in=moved).update(category=category)
    Assignment.objects.bulk_create(new)
    if changes:
        names = "、".join(k.split("（")[0] for k in list(changes)[:10])
        more = f"等 {len(changes)} 名" if len(changes) > 10 else f"共 {len(changes)} 名"
        audit.record(actor, unit, ASSIGN, changes=changes, reason=f"归入“{category.name}”：{names}{more}")
    return len(changes)


def coverage(unit):
    """(total on the roll, [(category, count)], unassigned count): two queries."""
    members = unit_members(unit)
    total = members.count()
    counts = Counter(dict(
        Assignment.objects.filter(unit=unit, member__in=members.values("pk"))
        .values_list("category_id").annotate(n=Count("pk")).order_by()
    ))
    categories = list(unit.categories.all())
    rows = [(c, counts.get(c.pk, 0)) for c in categories]
    return total, rows, total - sum(n for _, n in rows)
