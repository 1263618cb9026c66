"""The organization tree: create, edit, move, dissolve. Each change is audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from core import audit, concurrency

from .choices import ALLOWED_PARENTS, OrgKind
from .models import PATH_SEGMENT, Organization

AUDIT_FIELDS = ["name", "kind", "category", "sector", "parent", "established_on", "phone", "address"]

# Other apps register what keeps an organization from being dissolved, e.g. its members:
#   register_dependent("党员", lambda org: Member.objects.filter(organization=org).count())
_dependents = []


def register_dependent(label, count):
    _dependents.append((label, count))


def dependents(org):
    """[(label, count)] of what still hangs on this organization (children first)."""
    found = []
    children = org.children.filter(is_dissolved=False).count()
    if children:
        found.append(("下级党组织", children))
    for label, count in _dependents:
        n = count(org)
        if n:
            found.append((label, n))
    return found


def check_parent(kind, parent, org=None):
    allowed = ALLOWED_PARENTS[OrgKind(kind)]
    if parent is None:
        if allowed:
            raise ValidationError({"parent": "请选择上级党组织。"})
        if Organization.objects.filter(parent=None).exclude(pk=getattr(org, "pk", None)).exists():
            raise ValidationError({"kind": "全县只能有一个县委。"})
        return
    if parent.kind not in allowed:
        raise ValidationError(
            {"parent": f"{OrgKind(kind).label}不能设在{parent.get_kind_display()}之下。"}
        )
    if parent.is_dissolved:
        raise ValidationError({"parent": "上级党组织已撤销。"})
    if org is not None and org.pk and parent.path.startswith(org.path):
        raise ValidationError({"parent": "不能移到本组织或其下级组织之下。"})


def _path_for(org, parent):
    prefix = parent.path if parent else ""
    return f"{prefix}{org.pk:0{PATH_SEGMENT}d}."


@transaction.atomic
def create_organization(user, *, officers=None, **fields):
    """Create an organization (and its leading body, [(post, name, phone)]) in one transaction."""
    org = Organization(**fields)
    check_parent(org.kind, org.parent)
    org.full_clean(exclude=["path"])
    org.path = f"tmp-{timezone.now().timestamp()}"
    org.save()
    org.path = _path_for(org, org.parent)
    org.depth = org.parent.depth + 1 if org.parent else 0
    org.save(update_fields=["path", "depth"])
    audit.record(user, org, audit.Action.CREATE, before={}, after=audit.snapshot(org, AUDIT_FIELDS))
    if officers:
        replace_officers(user, org, officers)
    return org


@transaction.atomic
def update_organization(user, org, *, officers=None, reason="", seen=None, **fields):
    """Edit the organization's own fields (not its place in the tree: see move_organization)."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    concurrency.check(user, org, seen)
    if fields.get("kind", org.kind) != org.kind and dependents(org):
        raise ValidationError({"kind": "该党组织下还有下级组织或党员，不能更改组织类型；请先转移。"})
    before = audit.snapshot(org, AUDIT_FIELDS)
    for name, value in fields.items():
        setattr(org, name, value)
    org.full_clean()
    check_parent(org.kind, org.parent, org)
    after = audit.snapshot(org, AUDIT_FIELDS)
    if before == after and (officers is None or list(officers) == [
        (o.post, o.name, o.phone) for o in org.officers.all()
    ]):
        return org  # nothing changed: no save, so no new version to refuse someone else's form
    org.save()  # also when only the officers change: the version covers the whole form
    if before != after:
        audit.record(user, org, audit.Action.UPDATE, before=before, after=after, reason=reason)
    if officers is not None:
        replace_officers(user, org, officers)
    return org


@transaction.atomic
def move_organization(user, org, new_parent, reason, *, seen=None):
    """Put `org` (with its whole subtree) under `new_parent`. One action, one reason."""
    if not reason.strip():
        raise ValidationError({"reason": "请填写调整理由。"})
    org = Organization.objects.select_for_update().get(pk=org.pk)
    concurrency.check(user, org, seen)
    if new_parent == org.parent:
        raise ValidationError({"parent": "新的上级党组织与原来的相同。"})
    check_parent(org.kind, new_parent, org)
    if org.is_group and dependents(org):
        raise ValidationError({"parent": "该党小组还有党员，不能调到其他党支部；请先调整这些党员的党小组。"})
    before = audit.snapshot(org, ["parent"])
    old_path, new_path = org.path, _path_for(org, new_parent)
    depth_delta = (new_parent.depth + 1) - org.depth
    Organization.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_delta,
    )
    Organization.objects.filter(pk=org.pk).update(parent=new_parent, version=F("version") + 1)
    audit.move_scope(old_path, new_path)  # the subtree's history goes with it
    org.refresh_from_db()
    audit.record(
        user, org, audit.Action.MOVE, before=before, after=audit.snapshot(org, ["parent"]),
        reason=reason,
    )
    return org


@transaction.atomic
def dissolve_organization(user, org, dissolved_on, reason, *, seen=None):
    """Dissolve: the record stays (with its history); only an empty organization may go."""
    if not reason.strip():
        raise ValidationError({"reason": "请填写撤销理由。"})
    org = Organization.objects.select_for_update().get(pk=org.pk)
    concurrency.check(user, org, seen)
    if org.is_dissolved:
        raise ValidationError("该党组织已经撤销。")
    if org.parent_id is None:
        raise ValidationError("县委不能撤销。")
    left = dependents(org)
    if left:
        what = "、".join(f"{label}{n}个" if label != "党员" else f"党员{n}名" for label, n in left)
        raise ValidationError(f"该党组织还有{what}，请先转移后再撤销。")
    before = audit.snapshot(org, ["is_dissolved", "dissolved_on"])
    org.is_dissolved = True
    org.dissolved_on = dissolved_on
    org.clean()  # a dissolution date in range, not before the founding
    org.save(update_fields=["is_dissolved", "dissolved_on", "updated_at"])
    audit.record(
        user, org, audit.Action.DISSOLVE, before=before,
        after=audit.snapshot(org, ["is_dissolved", "dissolved_on"]), reason=reason,
    )
    return org


@transaction.atomic
def replace_officers(user, org, officers):
    """Replace the leading body with `officers` [(post, name, phone)], audited as one change."""
    before = "；".join(str(o) for o in org.officers.all())
    org.officers.all().delete()
    for i, (post, name, phone) in enumerate(officers):
        org.officers.create(post=post, name=name, phone=phone, order=i)
    after = "；".join(str(o) for o in org.officers.all())
    if before != after:
        audit.record(user, org, audit.Action.UPDATE, changes={"officers": [before, after]})


# Other apps register sections of an organization's page (branches/detail.html), e.g. the members
# transferred out awaiting their receipt:
#   register_section(order, fn)   fn(request, org) -> {"template": "...", ...its context} or None
_sections = []


def register_section(order, fn):
    _sections.append((order, fn))
    _sections.sort(key=lambda s: s[0])


def sections(request, org):
    """The registered sections of `org`'s page, in order (those that answer None are left out)."""
    return [s for s in (fn(request, org) for _, fn in _sections) if s]


# Other apps register per-organization counts shown in the tree, e.g. members on the roll:
#   register_counter("党员", lambda orgs: {org_id: n, ...})
_counters = []


def register_counter(label, count_by_org):
    _counters.append((label, count_by_org))


def tree(orgs):
    """Nest `orgs` (a scoped queryset) into nodes (org, counts, children); counts are rolled up
    the subtree, so a committee shows the members of all its branches."""
    orgs = list(orgs.order_by("path"))
    by_id = {o.pk: o for o in orgs}
    by_path = {o.path: o for o in orgs}
    totals = {o.pk: dict.fromkeys((label for label, _ in _counters), 0) for o in orgs}
    for label, count_by_org in _counters:
        for org_id, n in count_by_org(list(by_id)).items():
            if by_id[org_id].is_group:  # its members are its branch's too: counted there once
                totals[org_id][label] += n
                continue
            segments = by_id[org_id].path.split(".")[:-1]
            for i in range(1, len(segments) + 1):
                ancestor = by_path.get(".".join(segments[:i]) + ".")
                if ancestor is not None:
                    totals[ancestor.pk][label] += n
    nodes = {o.pk: {"org": o, "counts": totals[o.pk], "children": []} for o in orgs}
    roots = []
    for o in orgs:
        parent = nodes.get(o.parent_id)
        (parent["children"] if parent else roots).append(nodes[o.pk])
    return roots, [label for label, _ in _counters]
