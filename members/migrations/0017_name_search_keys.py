"""The roster's search by pinyin initials (zhm) and run-together pinyin (zhanghongmei): two columns
kept by Member.save and MemberQuerySet.bulk_create, filled here for the members already recorded."""

import re

from django.db import migrations, models
from pypinyin import lazy_pinyin

BATCH = 1000


def keys(name):
    """As members.models.member.name_keys (copied: a migration must not change with the app)."""
    syllables = [re.sub(r"[^a-z]", "", s.lower()) for s in " ".join(lazy_pinyin(name or ""))[:200].split()]
    return "".join(s[0] for s in syllables if s)[:50], "".join(syllables)[:200]


def fill(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Member._meta.db_table)
    sql = f"UPDATE {table} SET name_initials = %s, name_spelled = %s WHERE id = %s"
    # read first, then write: SQLite gives no isolation between a cursor still reading the table
    # and the writes to it (30,000 members are a few MB of tuples)
    rows = [(*keys(name), pk) for pk, name in Member.objects.order_by().values_list("pk", "name")]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start:start + BATCH])


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0003_version'),
        ('members', '0016_transfers'),
    ]

    operations = [
        migrations.AddField(
            model_name='member',
            name='name_initials',
            field=models.CharField(default='', editable=False, max_length=50),
        ),
        migrations.AddField(
            model_name='member',
            name='name_spelled',
            field=models.CharField(default='', editable=False, max_length=200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='member',
            index=models.Index(fields=['name_initials'], name='member_initials'),
        ),
        migrations.AddIndex(
            model_name='member',
            index=models.Index(fields=['name_spelled'], name='member_spelled'),
        ),
    ]
