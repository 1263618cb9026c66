"""The data migration carries each existing user's role and organization over as its first grant."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0001_initial"), ("branches", "0001_initial")]
AFTER = [("accounts", "0002_grants")]


@pytest.mark.django_db(transaction=True)
def test_existing_users_keep_their_role_as_a_grant():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Organization = apps.get_model("branches", "Organization")
    User = apps.get_model("accounts", "User")
    root = Organization.objects.create(name="X县委", kind="county", category="4", sector="government",
                                       path="000001.", depth=0)
    branch = Organization.objects.create(name="东街村党支部", kind="branch", category="3", sector="rural",
                                         parent=root, path="000001.000002.", depth=1)
    User.objects.create(username="county", role="county_admin", organization=root)
    User.objects.create(username="secretary", role="branch_secretary", organization=branch)
    User.objects.create(username="nobody")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Grant = apps.get_model("accounts", "Grant")
    assert sorted(Grant.objects.values_list("user__username", "role", "organization__name")) == [
        ("county", "county_admin", "X县委"), ("secretary", "branch_secretary", "东街村党支部"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
