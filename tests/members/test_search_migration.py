"""The pinyin search keys for the members recorded before them (members/migrations/0017)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("members", "0016_transfers")]
AFTER = [("members", "0017_name_search_keys")]


@pytest.mark.django_db(transaction=True)
def test_existing_members_get_their_keys():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Organization, Member = old.get_model("branches", "Organization"), old.get_model("members", "Member")
    root = Organization.objects.create(name="X县委", kind="county", category="4", sector="government", path="000001.")
    branch = Organization.objects.create(name="甲支部", kind="branch", category="3", sector="rural", parent=root,
                                         path="000001.000002.", depth=1)
    common = dict(gender="女", birth_date=datetime.date(1980, 1, 1), category="full", job_category="farmer",
                  joined_on=datetime.date(2005, 1, 1), full_member_on=datetime.date(2006, 1, 1), organization=branch)
    pks = [Member.objects.create(name=name, name_pinyin="", id_number=str(i), **common).pk
           for i, name in enumerate(["张红梅", "吕丽", "阿依古丽·买买提"])]
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    M = executor.loader.project_state(AFTER).apps.get_model("members", "Member")
    assert [M.objects.values_list("name_initials", "name_spelled").get(pk=pk) for pk in pks] == [
        ("zhm", "zhanghongmei"), ("ll", "lvli"), ("ayglmmt", "ayigulimaimaiti")]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest, for the tests after this one
