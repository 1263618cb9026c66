from django.db import migrations

from core.migrations._audit_keys import rekey

EXTRA = {"班子成员": "officers"}


def forwards(apps, schema_editor):
    rekey(apps, "branches", "Organization", EXTRA)


def backwards(apps, schema_editor):
    rekey(apps, "branches", "Organization", EXTRA, backwards=True)


class Migration(migrations.Migration):
    """Audit entries of organizations: changes keyed by field name instead of the Chinese label."""

    dependencies = [
        ("branches", "0001_initial"),
        ("core", "0002_auditentry_action_registered"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
