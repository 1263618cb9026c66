"""The roster tree's count of members on the roll by branch reads this index alone (members/roster.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0003_version'),
        ('members', '0017_name_search_keys'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='member',
            index=models.Index(fields=['roll_state', 'organization'], name='member_roll_org'),
        ),
    ]
