"""Placements for the members that exist: from the moves their audit history records, else from the
joining date, in the current branch and party group up to now (or to the roll-state date when the
member is off the roll)."""

from django.db import migrations
from django.utils import timezone

BRANCH_KEYS = ("organization", "所在党支部")  # entries re-keyed by 0002, and any not re-keyed
MOVES = ("move", "bulk")
BRANCH_KINDS = ("branch", "joint_branch", "temp_branch")
LEAVING = {"transferred_out": "transfer_out", "removed": "removed", "deceased": "deceased"}
BATCH = 2000


def _moves_by_member(apps):
    """{member id: [(day, old branch name, new branch name)]} from the audit, oldest first."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("core", "AuditEntry")
    ct = ContentType.objects.filter(app_label="members", model="member").first()
    found = {}
    if ct is None:
        return found
    entries = AuditEntry.objects.filter(content_type=ct, action__in=MOVES).order_by("at", "pk")
    for object_id, at, changes in entries.values_list("object_id", "at", "changes").iterator():
        change = next((changes[k] for k in BRANCH_KEYS if isinstance(changes, dict) and k in changes), None)
        if change and len(change) == 2 and object_id.isdigit():
            found.setdefault(int(object_id), []).append((timezone.localtime(at).date(), *change))
    return found


def _stretches(member, moves, branch_by_name, today):
    """[(branch id, group id, start, end, start reason, end reason)] of one member."""
    out, start, reason = [], member.joined_on, "records"
    for day, old_name, _new_name in moves:
        day = max(day, start)
        old = branch_by_name.get(old_name)
        if old is not None:
            out.append((old, None, start, day, reason, "move"))
        start, reason = day, "move"
    end, end_reason = None, ""
    if member.roll_state != "on_roll":
        end = max(member.roll_state_on or today, start)
        end_reason = LEAVING.get(member.roll_state, "left")
    out.append((member.organization_id, member.party_group_id, start, end, reason, end_reason))
    return out


def forwards(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    Placement = apps.get_model("members", "Placement")
    Organization = apps.get_model("branches", "Organization")
    today = timezone.localdate()
    names = {}
    for pk, name in Organization.objects.filter(kind__in=BRANCH_KINDS).values_list("pk", "name"):
        names.setdefault(name, []).append(pk)
    branch_by_name = {name: pks[0] for name, pks in names.items() if len(pks) == 1}  # ambiguous: skipped
    moves = _moves_by_member(apps)
    rows = []
    fields = ["pk", "organization_id", "party_group_id", "joined_on", "roll_state", "roll_state_on"]
    for member in Member.objects.filter(placements__isnull=True).only(*fields).order_by("pk").iterator(BATCH):
        for branch, group, start, end, why, end_why in _stretches(member, moves.get(member.pk, []),
                                                                  branch_by_name, today):
            rows.append(Placement(member_id=member.pk, organization_id=branch, party_group_id=group,
                                  started_on=start, ended_on=end, start_reason=why, end_reason=end_why))
    Placement.objects.bulk_create(rows, batch_size=BATCH)


def backwards(apps, schema_editor):
    apps.get_model("members", "Placement").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_placement"),
        ("core", "0002_auditentry_action_registered"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]


