"""For the members' migration tests: move the test database to a migration, build the small county
those tests need in the schema of that moment, and come back to the latest migration afterwards."""

import datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(target):
    """Migrate to `target` (a list of (app, migration)); the historical apps of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def migrate_to_latest():
    """Back to the latest migrations, for the tests after this one."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def county_at(apps, gender="男"):
    """A county with one branch in the historical `apps`: (Member model, the fields every member shares)."""
    Organization, Member = apps.get_model("branches", "Organization"), apps.get_model("members", "Member")
    root = Organization.objects.create(name="X县委", kind="county", category="4", sector="government", path="000001.")
    branch = Organization.objects.create(name="甲支部", kind="branch", category="3", sector="rural", parent=root,
                                         path="000001.000002.", depth=1)
    common = dict(gender=gender, birth_date=datetime.date(1980, 1, 1), category="full", job_category="farmer",
                  joined_on=datetime.date(2005, 1, 1), full_member_on=datetime.date(2006, 1, 1), organization=branch)
    return Member, common
