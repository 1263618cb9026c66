"""Several grants per person: the union of subtrees to see, the covering grant to act, and the
kinds of organization each role fits."""

import io
import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import permissions
from accounts.models import Grant, Role, User
from branches.models import Organization
from conftest import make_user
from core.scoping import collapse, paths_q
from members.models import Member


def select(page, name):
    """The options of the <select name=...> of a page (the header names the grants too)."""
    return re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)


def test_union_of_subtrees_in_one_indexed_query(county, django_assert_num_queries):
    user = county.two_grants
    assert user.scope_paths == sorted([county.east.path, county.hill.path])
    with django_assert_num_queries(1):
        names = set(Member.objects.visible_to(user).values_list("name", flat=True))
    assert names == {"张东一", "张东二", "王山一"}
    assert set(Organization.objects.visible_to(user)) == {county.east, county.east_group, county.hill}
    # Through a relation, several subtrees pick the organizations first, then the rows by key (an OR
    # across the join made SQLite walk every member to count a roster).
    sql = str(Member.objects.visible_to(user).query)
    assert '"organization_id" IN (SELECT' in sql


def test_nested_grants_collapse_and_a_county_grant_filters_nothing(county):
    nested = make_user("nested", Role.COMMITTEE, county.town, (Role.BRANCH_SECRETARY, county.east),
                       (Role.TRACKING_CADRE, county.hill))
    assert nested.scope_paths == [county.town.path, county.hill.path]
    assert collapse([county.east.path, county.town.path, ""]) == [""]
    assert paths_q("path", [""]) is None
    assert "LIKE" not in str(Organization.objects.visible_to(county.admin).query).upper()
    assert "WHERE" not in str(Organization.objects.visible_to(county.admin).query).upper()


def test_a_user_without_grants_sees_nothing(county):
    nobody = User.objects.create_user("nobody", password="x")
    assert not Member.objects.visible_to(nobody).exists()
    assert not permissions.can_edit_members(nobody)


@pytest.mark.parametrize("role, org_attr, ok", [
    (Role.COUNTY_ADMIN, "root", True),
    (Role.COUNTY_ADMIN, "town", False),
    (Role.COMMITTEE, "town", True),
    (Role.COMMITTEE, "east", False),
    (Role.BRANCH_SECRETARY, "east", True),
    (Role.BRANCH_SECRETARY, "town", False),
    (Role.BRANCH_SECRETARY, "east_group", False),
    (Role.TRACKING_CADRE, "hill", True),
    (Role.TRACKING_CADRE, "east_group", False),
])
def test_grant_kind_rules_in_the_model(county, role, org_attr, ok):
    grant = Grant(user=county.cadre, role=role, organization=getattr(county, org_attr))
    if ok:
        grant.full_clean()
    else:
        with pytest.raises(ValidationError) as exc:
            grant.full_clean()
        assert "只能授予" in str(exc.value.message_dict["organization"])


def test_edit_decided_by_the_covering_grant(client, county):
    """Secretary of 东街村 edits its members; as tracking cadre of 山口村 it only reads, masked."""
    user = county.two_grants
    client.force_login(user)
    assert permissions.can_edit_member(user, county.east1)
    assert not permissions.can_edit_member(user, county.hill1)
    own = client.get(reverse("members:detail", args=[county.east1.pk])).content.decode()
    assert county.east1.id_number in own and reverse("members:edit", args=[county.east1.pk]) in own
    followed = client.get(reverse("members:detail", args=[county.hill1.pk])).content.decode()
    assert county.hill1.id_number not in followed and county.hill1.masked_id in followed
    assert reverse("members:edit", args=[county.hill1.pk]) not in followed
    assert client.get(reverse("members:edit", args=[county.east1.pk])).status_code == 200
    for name in ("members:edit", "members:move", "members:state"):
        assert client.get(reverse(name, args=[county.hill1.pk])).status_code == 403
        assert client.post(reverse(name, args=[county.hill1.pk]), {"reason": "x", "branch": county.east.pk,
                                                                  "roll_state": "deceased"}).status_code == 403
    county.hill1.refresh_from_db()
    assert county.hill1.organization == county.hill and county.hill1.on_roll
    # Registering a member: only branches under an editor grant are offered; a tampered post is refused.
    form = select(client.get(reverse("members:create")).content.decode(), "organization")
    assert "东街村党支部" in form and "山口村党支部" not in form
    response = client.post(reverse("members:create"), {"name": "赵伪造", "organization": county.hill.pk})
    assert "所选党支部不存在或不在您的管理范围内" in response.content.decode()


def test_export_shows_full_ids_only_under_an_editor_grant(client, county):
    client.force_login(county.two_grants)
    response = client.post(reverse("members:export_xlsx"), {"columns": ["name", "id_number"]})
    wb = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    cells = {str(v) for row in wb.active.iter_rows(values_only=True) for v in row if v}
    assert county.east1.id_number in cells
    assert county.hill1.id_number not in cells and county.hill1.masked_id in cells


def test_create_organization_offers_only_parents_under_grants_that_allow_it(client, county):
    client.force_login(county.two_grants)
    form = select(client.get(reverse("branches:create")).content.decode(), "parent")
    assert "东街村党支部" in form and "山口村党支部" not in form
    before = Organization.objects.count()
    response = client.post(reverse("branches:create"), {
        "name": "山口村第一党小组", "kind": "group", "category": "3", "sector": "rural", "parent": county.hill.pk,
        "officers-TOTAL_FORMS": "0", "officers-INITIAL_FORMS": "0",
    })
    assert "所选党组织不存在或不在您的管理范围内" in response.content.decode()
    assert Organization.objects.count() == before
    # A committee that is also secretary of a branch elsewhere creates branches only under its committee.
    both = make_user("both", Role.COMMITTEE, county.town, (Role.BRANCH_SECRETARY, county.hill))
    assert permissions.creatable_kinds(both, county.hill) == ["group"]
    with pytest.raises(ValidationError):
        permissions.check_create(both, county.hill, "branch")
    permissions.check_create(both, county.town, "branch")


def test_org_pages_decided_by_the_covering_grant(client, county):
    client.force_login(county.two_grants)
    assert client.get(reverse("branches:edit", args=[county.east.pk])).status_code == 200
    assert client.get(reverse("branches:edit", args=[county.hill.pk])).status_code == 403
    page = client.get(reverse("branches:detail", args=[county.hill.pk])).content.decode()
    assert reverse("members:move_all", args=[county.hill.pk]) not in page
    assert client.get(reverse("members:move_all", args=[county.hill.pk])).status_code == 404


def test_header_shows_every_grant(client, county):
    client.force_login(county.two_grants)
    page = client.get(reverse("dashboard")).content.decode()
    assert "东街村党支部 · 党支部书记" in page and "山口村党支部 · 跟踪指导责任人" in page and "等2项" in page
    client.force_login(county.secretary)
    page = client.get(reverse("dashboard")).content.decode()
    assert "东街村党支部 · 党支部书记" in page and "等" not in page.split("who-scope")[1][:80]


def test_grants_are_loaded_once_per_request(client, county, django_assert_max_num_queries):
    three = make_user("three", Role.BRANCH_SECRETARY, county.east, (Role.TRACKING_CADRE, county.hill),
                      (Role.TRACKING_CADRE, county.west))
    client.force_login(three)
    client.get(reverse("members:roster"))  # warm caches (content types)
    with django_assert_max_num_queries(10) as ctx:
        page = client.get(reverse("members:roster")).content.decode()
    assert "李西一" in page and "王山一" in page
    assert sum("accounts_grant" in q["sql"] for q in ctx.captured_queries) == 1


def test_histories_show_whole_ids_only_under_an_editor_grant(client, county):
    from conftest import make_id
    from members import idcard
    from members import services as member_services

    changed = {}
    for m in (county.east1, county.hill1):
        old = m.id_number
        fresh = Member.objects.get(pk=m.pk)
        fresh.id_number = make_id(fresh.birth_date)
        member_services.update_member(county.admin, fresh, "身份证号录入有误")
        changed[m.pk] = (old, fresh.id_number)
    client.force_login(county.two_grants)
    log = client.get(reverse("audit_log") + "?action=update").content.decode()
    east_old, east_new = changed[county.east1.pk]
    hill_old, hill_new = changed[county.hill1.pk]
    assert east_old in log and east_new in log
    assert hill_old not in log and hill_new not in log and idcard.mask(hill_new) in log
    page = client.get(reverse("members:detail", args=[county.hill1.pk])).content.decode()
    assert hill_old not in page and hill_new not in page and idcard.mask(hill_old) in page
