import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches import services
from branches.choices import OrgKind
from branches.models import Organization
from conftest import make_org, seen
from core.models import AuditEntry
from members import services as member_services


def test_paths_nest_and_scope_by_prefix(county):
    assert county.east.path.startswith(county.town.path)
    assert county.east_group.depth == 3
    names = set(Organization.objects.visible_to(county.committee).values_list("name", flat=True))
    assert names == {"城关镇党委", "东街村党支部", "西街村党支部", "东街村第一党小组"}


@pytest.mark.parametrize("kind, parent_attr, ok", [
    (OrgKind.BRANCH, "town", True),
    (OrgKind.GENERAL_BRANCH, "town", True),
    (OrgKind.GROUP, "east", True),
    (OrgKind.GROUP, "town", False),
    (OrgKind.BRANCH, "east", False),
    (OrgKind.COMMITTEE, "east", False),
    (OrgKind.COUNTY, None, False),  # only one county committee
])
def test_allowed_parents(county, kind, parent_attr, ok):
    parent = getattr(county, parent_attr) if parent_attr else None
    if ok:
        assert make_org("新组织", kind, parent).parent == parent
    else:
        with pytest.raises(ValidationError):
            make_org("新组织", kind, parent)


def test_move_carries_the_subtree(county):
    services.move_organization(county.admin, county.east, county.other_town, "区划调整")
    east = Organization.objects.get(pk=county.east.pk)
    group = Organization.objects.get(pk=county.east_group.pk)
    assert east.parent == county.other_town
    assert east.path.startswith(county.other_town.path) and group.path.startswith(east.path)
    assert group.depth == 3
    visible = Organization.objects.visible_to(county.other_committee)
    assert visible.filter(pk=group.pk).exists()
    entry = AuditEntry.objects.for_object(east).first()
    assert entry.action == "move" and entry.reason == "区划调整"
    assert entry.changes["parent"] == ["城关镇党委", "青山乡党委"]


def test_cannot_move_under_own_descendant_or_without_reason(county):
    with pytest.raises(ValidationError):
        services.move_organization(county.admin, county.town, county.east, "理由")
    with pytest.raises(ValidationError):
        services.move_organization(county.admin, county.east, county.other_town, "")


def test_dissolve_refused_while_members_or_children_remain(county):
    with pytest.raises(ValidationError) as exc:
        services.dissolve_organization(county.admin, county.west, datetime.date.today(), "合并")
    assert "党员1名" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.dissolve_organization(county.admin, county.town, datetime.date.today(), "合并")
    assert "下级党组织" in str(exc.value)
    member_services.move_member(county.admin, county.west1, county.east, "支部合并")
    services.dissolve_organization(county.admin, county.west, datetime.date(2026, 1, 1), "支部合并")
    west = Organization.objects.get(pk=county.west.pk)
    assert west.is_dissolved and west.dissolved_on == datetime.date(2026, 1, 1)
    assert AuditEntry.objects.for_object(west).filter(action="dissolve").exists()


def test_dissolved_org_keeps_its_page_and_history(client, county):
    member_services.move_member(county.admin, county.west1, county.east, "支部合并")
    client.force_login(county.committee)
    response = client.post(reverse("branches:dissolve", args=[county.west.pk]),
                           {"dissolved_on": "2026-01-01", "reason": "支部合并", **seen(county.west)})
    assert response.status_code == 302
    page = client.get(reverse("branches:detail", args=[county.west.pk])).content.decode()
    assert "已撤销" in page and "支部合并" in page
    assert "西街村党支部" not in client.get(reverse("branches:tree")).content.decode()
    assert "西街村党支部" in client.get(reverse("branches:tree"), {"dissolved": "1"}).content.decode()


def test_dissolve_page_says_what_blocks(client, county):
    client.force_login(county.committee)
    response = client.post(reverse("branches:dissolve", args=[county.west.pk]),
                           {"dissolved_on": "2026-01-01", "reason": "合并", **seen(county.west)})
    assert response.status_code == 200
    assert "请先转移后再撤销" in response.content.decode()
    assert not Organization.objects.get(pk=county.west.pk).is_dissolved


def test_create_with_officers_and_edit_are_audited(client, county):
    client.force_login(county.committee)
    response = client.post(reverse("branches:create"), {
        "name": "南街社区党支部", "kind": "branch", "category": "7", "sector": "community",
        "parent": county.town.pk, "established_on": "2020-07-01",
        "officers-TOTAL_FORMS": "2", "officers-INITIAL_FORMS": "0",
        "officers-0-post": "secretary", "officers-0-name": "周书记", "officers-0-phone": "13900000000",
        "officers-1-post": "", "officers-1-name": "", "officers-1-phone": "",
    })
    org = Organization.objects.get(name="南街社区党支部")
    assert response.status_code == 302
    assert org.secretary().name == "周书记"
    assert org.path.startswith(county.town.path)
    page = client.get(reverse("branches:detail", args=[org.pk])).content.decode()
    assert "周书记" in page and "新建" in page


def test_secretary_may_add_groups_but_not_restructure(client, county):
    client.force_login(county.secretary)
    assert client.get(reverse("branches:move", args=[county.east.pk])).status_code == 403
    assert client.get(reverse("branches:dissolve", args=[county.east.pk])).status_code == 403
    response = client.post(reverse("branches:create"), {
        "name": "第二党小组", "kind": "branch", "category": "3", "sector": "rural", "parent": county.east.pk,
        "officers-TOTAL_FORMS": "0", "officers-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200 and not Organization.objects.filter(name="第二党小组").exists()
    client.post(reverse("branches:create"), {
        "name": "第二党小组", "kind": "group", "category": "3", "sector": "rural", "parent": county.east.pk,
        "officers-TOTAL_FORMS": "0", "officers-INITIAL_FORMS": "0",
    })
    assert Organization.objects.filter(name="第二党小组", parent=county.east).exists()


def test_tracking_cadre_reads_only(client, county):
    client.force_login(county.cadre)
    assert client.get(reverse("branches:tree")).status_code == 200
    assert client.get(reverse("branches:create")).status_code == 403
    assert client.get(reverse("members:create")).status_code == 403
    assert client.get(reverse("members:edit", args=[county.east1.pk])).status_code == 403


def test_tree_counts_roll_up(client, county):
    client.force_login(county.admin)
    roots, labels = services.tree(Organization.objects.visible_to(county.admin))
    assert labels == ["党员"]
    assert roots[0]["counts"]["党员"] == 4
    town = next(n for n in roots[0]["children"] if n["org"] == county.town)
    assert town["counts"]["党员"] == 3


def test_kind_cannot_change_while_something_hangs_on_it(county):
    with pytest.raises(ValidationError) as exc:
        services.update_organization(county.admin, county.east, kind=OrgKind.GENERAL_BRANCH)
    assert "不能更改组织类型" in str(exc.value)
    empty = make_org("新建支部", OrgKind.BRANCH, county.town)
    services.update_organization(county.admin, empty, kind=OrgKind.JOINT_BRANCH, name="新建联合党支部")
    entry = AuditEntry.objects.for_object(empty).filter(action="update").get()
    assert entry.changes == {"kind": ["党支部", "联合党支部"], "name": ["新建支部", "新建联合党支部"]}


def test_create_form_requires_a_parent_in_scope(client, county):
    client.force_login(county.committee)
    base = {"name": "新支部", "kind": "branch", "category": "3", "sector": "rural",
            "officers-TOTAL_FORMS": "0", "officers-INITIAL_FORMS": "0"}
    page = client.post(reverse("branches:create"), base).content.decode()
    assert "请选择“上级党组织”。" in page
    page = client.post(reverse("branches:create"), {**base, "parent": county.other_town.pk}).content.decode()
    assert "所选党组织不存在或不在您的管理范围内" in page
    assert not Organization.objects.filter(name="新支部").exists()


@pytest.mark.parametrize("extra", [1, 25])
def test_tree_and_detail_query_counts_are_constant(client, county, extra, django_assert_max_num_queries):
    for i in range(extra):
        make_org(f"新增支部{i}", OrgKind.BRANCH, county.town)
    client.force_login(county.admin)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("branches:tree")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("branches:detail", args=[county.town.pk])).status_code == 200
    # + the pending decisions (core/decisions.py), + 待办事项 (one count), + transfers (one),
    # + the investigation (its to-do counts, unsigned forms past due, the campaign panel)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("dashboard")).status_code == 200
