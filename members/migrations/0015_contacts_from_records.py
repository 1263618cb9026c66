"""The contact clock from what the records already say: a member recorded as 失联党员 with a 失去联系日期
was last in contact on that day. That date becomes a contact record (据原有记录) and the member's
last_contact_on, so a long-lost member shows as overdue on the to-do page from the first day. Nothing
else is invented: a member with no such date keeps no contact date and is counted under 尚无联系记录
until a meeting, a dues payment or a contact is recorded."""

from django.db import migrations
from django.db.models import Q

NOTE = "据原有记录：失去联系日期"


def forwards(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    ContactRecord = apps.get_model("members", "ContactRecord")
    rows = Member.objects.filter(is_lost_contact=True, lost_contact_since__isnull=False).values_list(
        "pk", "lost_contact_since")
    batch = []
    for pk, day in rows.iterator(chunk_size=2000):
        batch.append(ContactRecord(member_id=pk, contacted_on=day, method="other", note=NOTE,
                                   recorded_by_name="系统（据原有记录）"))
        if len(batch) >= 2000:
            ContactRecord.objects.bulk_create(batch)
            batch = []
    ContactRecord.objects.bulk_create(batch)
    by_day = {}
    for pk, day in rows.iterator(chunk_size=2000):
        by_day.setdefault(day, []).append(pk)
    for day, pks in by_day.items():
        for i in range(0, len(pks), 500):
            Member.objects.filter(pk__in=pks[i:i + 500]).filter(
                Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=day)).update(last_contact_on=day)


def backwards(apps, schema_editor):
    apps.get_model("members", "ContactRecord").objects.filter(note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0014_orglife")]
    operations = [migrations.RunPython(forwards, backwards)]
