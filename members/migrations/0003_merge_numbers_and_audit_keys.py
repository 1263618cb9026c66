from django.db import migrations


class Migration(migrations.Migration):
    """Joins the two 0002 migrations that landed side by side (independent: numbers, audit keys)."""

    dependencies = [
        ("members", "0002_audit_changes_by_field_name"),
        ("members", "0002_normalize_numbers"),
    ]
    operations = []
