from django.db import migrations


class Migration(migrations.Migration):
    """Joins 0003_merge_numbers_and_audit_keys and the placements (0003, 0004), which landed side by
    side, both after the two 0002 migrations."""

    dependencies = [
        ("members", "0003_merge_numbers_and_audit_keys"),
        ("members", "0004_placements_from_records"),
    ]
    operations = []
