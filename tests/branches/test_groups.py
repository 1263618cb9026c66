"""Party groups are real: a member is in at most one group of its own branch, and the tree, the group
page, the roster and both exports give the same count for a group."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches import services as org_services
from conftest import legacy_transferred_out, make_member, seen
from members import services
from members.choices import RollState
from members.models import Member
from tests.members.test_exports import pdf_text, sheet


def _node(roots, org):
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node["org"].pk == org.pk:
            return node
        stack += node["children"]
    raise AssertionError(f"{org} not in the tree")


def _counts(client, county, group):
    """The group's member count as the tree, the group page, the roster and both exports give it."""
    roots = client.get(reverse("branches:tree")).context["roots"]
    tree = _node(roots, group)["counts"]["党员"]
    page = dict(client.get(reverse("branches:detail", args=[group.pk])).context["dependents"]).get("党员", 0)
    roster = client.get(reverse("members:roster"), {"org": group.pk}).context["page"].paginator.count
    params = {"org": group.pk, "columns": ["name", "party_group"]}
    response = client.post(reverse("members:export_xlsx"), params)
    if roster == 0:  # an export of 0 rows makes no file: back to the roster with a message
        assert response.status_code == 302 and not client.post(reverse("members:export_pdf"), params).has_header(
            "Content-Disposition")
        return tree, page, roster, 0, 0
    xlsx = sheet(response.content)
    names = [row[1] for row in xlsx.iter_rows(min_row=4, values_only=True) if row[1]]
    pdf = pdf_text(client.post(reverse("members:export_pdf"), params).content)
    pdf_names = [n for n in Member.objects.values_list("name", flat=True) if n in pdf]
    return tree, page, roster, len(names), len(pdf_names)


def test_group_counts_agree_on_the_tree_the_group_page_the_roster_and_both_exports(client, county):
    make_member(county.east, "张东三", party_group=county.east_group)
    client.force_login(county.secretary)
    assert _counts(client, county, county.east_group) == (2, 2, 2, 2, 2)
    roots = client.get(reverse("branches:tree")).context["roots"]
    assert _node(roots, county.east)["counts"]["党员"] == 3  # the group's two are the branch's, once
    response = client.get(reverse("members:roster"), {"org": county.east_group.pk})
    assert {m.name for m in response.context["page"].object_list} == {"张东一", "张东三"}
    # moving a member to another branch takes it out of its group, everywhere at once
    services.move_member(county.admin, county.east1, county.west, "工作调动")
    assert Member.objects.get(pk=county.east1.pk).party_group is None
    assert _counts(client, county, county.east_group) == (1, 1, 1, 1, 1)
    # so does leaving the roll (the pages count members on the roll)
    services.change_roll_state(county.admin, Member.objects.get(name="张东三"), RollState.DECEASED,
                               datetime.date.today(), "病故")
    assert _counts(client, county, county.east_group) == (0, 0, 0, 0, 0)


def test_the_roster_names_the_group(client, county):
    client.force_login(county.secretary)
    params = {"org": county.east_group.pk, "columns": ["name", "party_group"]}
    ws = sheet(client.post(reverse("members:export_xlsx"), params).content)
    assert [c.value for c in ws[4]][1:3] == ["张东一", "东街村第一党小组"]


def test_a_member_goes_only_into_a_group_of_its_branch(client, county):
    m = Member.objects.get(pk=county.west1.pk)
    m.party_group = county.east_group
    with pytest.raises(ValidationError) as refused:
        services.update_member(county.admin, m)
    assert "“东街村第一党小组”不属于西街村党支部" in str(refused.value)
    client.force_login(county.admin)
    legacy_transferred_out(county.hill1, datetime.date.today())
    response = client.post(reverse("members:state", args=[county.hill1.pk]), {
        "roll_state": "on_roll", "on_date": datetime.date.today().isoformat(), "reason": "转回",
        "branch": county.hill.pk, "party_group": county.east_group.pk, **seen(county.hill1)})
    assert "“东街村第一党小组”不属于山口村党支部" in response.content.decode()
    assert Member.objects.get(pk=county.hill1.pk).roll_state == RollState.TRANSFERRED_OUT
    response = client.post(reverse("members:state", args=[county.hill1.pk]), {
        "roll_state": "on_roll", "on_date": datetime.date.today().isoformat(), "reason": "转回",
        "branch": county.east.pk, "party_group": county.east_group.pk, "confirmed": "1", **seen(county.hill1)})
    assert response.status_code == 302
    back = Member.objects.select_related("organization", "party_group").get(pk=county.hill1.pk)
    assert (back.roll_state, back.organization, back.party_group) == ("on_roll", county.east, county.east_group)


def test_a_group_with_members_stays_in_its_branch(county):
    with pytest.raises(ValidationError) as refused:
        org_services.move_organization(county.admin, county.east_group, county.west, "调整")
    assert "该党小组还有党员" in str(refused.value)
    services.move_member(county.admin, county.east1, county.west, "工作调动")
    org_services.move_organization(county.admin, county.east_group, county.west, "调整")
