"""The pinyin search keys for the members recorded before them (members/migrations/0017)."""


import pytest

from .migration_steps import county_at, migrate_to, migrate_to_latest

BEFORE = [("members", "0016_transfers")]
AFTER = [("members", "0017_name_search_keys")]


@pytest.mark.django_db(transaction=True)
def test_existing_members_get_their_keys():
    Member, common = county_at(migrate_to(BEFORE), gender="女")
    pks = [Member.objects.create(name=name, name_pinyin="", id_number=str(i), **common).pk
           for i, name in enumerate(["张红梅", "吕丽", "阿依古丽·买买提"])]
    M = migrate_to(AFTER).get_model("members", "Member")
    assert [M.objects.values_list("name_initials", "name_spelled").get(pk=pk) for pk in pks] == [
        ("zhm", "zhanghongmei"), ("ll", "lvli"), ("ayglmmt", "ayigulimaimaiti")]
    migrate_to_latest()
