"""The demo county keeps the rules of a real one: dates in order, branches of a sensible size, the
demo secretary is the branch's recorded 书记, the demo decisions went through the real services,
and README's demo logins exist with their grants and log in."""

import datetime
import io
import random
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from accounts.models import User
from branches.choices import BRANCH_KINDS, OfficerPost
from branches.models import Officer, Organization
from core import decisions as core_decisions
from core.models import AuditEntry
from demo.accounts import DEMO_PASSWORD
from demo.people import CountyBuilder
from demo.places import BRANCH_CAP, part_names, split_sizes
from members import decisions
from members.choices import Category
from members.models import Member

MEMBERS = 400
TODAY = datetime.date(2026, 11, 29)


@pytest.fixture
def county(db):
    call_command("seed_demo", members=MEMBERS, stdout=io.StringIO())


def test_full_members_became_full_on_the_anniversary_or_after_one_extension(county):
    full = list(Member.objects.filter(category=Category.FULL))
    assert full
    for m in full:
        assert m.probation_extended_months in (0, *decisions.EXTENSION_MONTHS), m
        assert m.full_member_on == decisions.probation_ends_on(m), (m, m.joined_on, m.full_member_on)
    assert any(m.probation_extended_months for m in full)  # a few were extended
    # 预备党员: most within their year; a few past it (flagged), none beyond the longest extension.
    today = datetime.date.today()
    for m in Member.objects.filter(category=Category.PROBATIONARY):
        assert m.joined_on > decisions.add_months(today, -24) and m.joined_on < today


def test_organizations_founded_before_their_children_and_their_members(county):
    orgs = {o.pk: o for o in Organization.objects.all()}
    for o in orgs.values():
        assert o.established_on is not None, o
        if o.parent_id:
            assert o.established_on >= orgs[o.parent_id].established_on, o
    for m in Member.objects.all():
        org = orgs[m.organization_id]
        while org is not None:  # the branch, its 党总支 and 党委, the county
            assert m.joined_on > org.established_on, (m, org)
            org = orgs.get(org.parent_id)
        if m.party_group_id:
            assert m.joined_on > orgs[m.party_group_id].established_on


def test_the_demo_secretaries_are_the_recorded_shuji_and_members_of_their_branch(county):
    for username in ("secretary", "secretary2"):
        user = User.objects.get(username=username)
        branch = user.home_branch
        shuji = Officer.objects.get(organization=branch, post=OfficerPost.SECRETARY)
        assert shuji.name == user.display_name
        member = Member.objects.on_roll().get(organization=branch, name=user.display_name)
        assert member.category == Category.FULL
        assert (member.gender == "女") == (username == "secretary")  # 张红梅, 李国强


def test_decisions_went_through_the_services_and_await_the_committee(county):
    secretary, committee = User.objects.get(username="secretary"), User.objects.get(username="committee")
    approved = core_decisions.Decision.objects.get(kind=decisions.FULL)
    assert approved.state == core_decisions.State.APPROVED
    assert approved.proposer == secretary and approved.decider == committee
    member = Member.objects.get(pk=approved.object_id)
    assert member.category == Category.FULL and member.full_member_on == decisions.probation_ends_on(member)
    assert approved.effective_on == member.full_member_on
    assert AuditEntry.objects.filter(object_id=str(member.pk), actor=committee).exists()
    pending = core_decisions.Decision.objects.get(kind=decisions.SUSPEND, proposer=secretary)  # members/demo_steps.py
    assert pending.state == core_decisions.State.PENDING
    assert list(core_decisions.awaiting(committee)) == [pending]
    assert Member.objects.get(pk=pending.object_id).membership_status == "normal"  # nothing changed yet
    assert AuditEntry.objects.filter(actor=secretary, action="submit").count() == 2


def test_readme_demo_logins_exist_with_their_grants_and_log_in(county, client):
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme.split("### 演示账号", 1)[1].split("\n\n", 2)[1]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in section.splitlines()[2:]]
    assert len(rows) >= 8
    county_name = settings.COUNTY_NAME + "委"
    for role, username, password, orgs in rows:
        user = User.objects.get(username=username)
        expected = {o.replace("X县委", county_name) for o in orgs.split("、")}
        assert {g.organization.name for g in user.grant_list} == expected, username
        assert password == DEMO_PASSWORD
        assert ("超级管理员" in role) == user.is_superuser
        client.logout()
        response = client.post(reverse("login"), {"username": username, "password": password})
        assert response.status_code == 302, username
        assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_party_groups_where_branches_have_thirty_members_or_more():
    call_command("seed_demo", members=2000, stdout=io.StringIO())
    groups = Organization.objects.filter(kind="group").select_related("parent")
    assert groups.exists()
    assert all(g.parent.kind in BRANCH_KINDS for g in groups)
    on_roll = Member.objects.on_roll()
    assert all(on_roll.filter(organization=g.parent).count() >= 30 for g in groups)
    assert not Member.objects.exclude(party_group=None).exclude(party_group__parent=models.F("organization")).exists()
    for leader in Officer.objects.filter(organization__kind="group").select_related("organization")[:50]:
        assert Member.objects.filter(party_group=leader.organization, name=leader.name).exists(), leader


# -- the size of branches, as a function of the county's size (no database) ----------------------

def test_split_rule():
    assert split_sizes(37) == [37]
    assert split_sizes(BRANCH_CAP) == [BRANCH_CAP]
    assert split_sizes(BRANCH_CAP + 1) == [51, 50]
    assert split_sizes(720) == [90] * 8
    assert part_names("城关镇红旗村党支部", 3) == ["城关镇红旗村第一党支部", "城关镇红旗村第二党支部", "城关镇红旗村第三党支部"]
    assert part_names("河口镇永丰村第一党支部", 2) == ["河口镇永丰村第一党支部（一）", "河口镇永丰村第一党支部（二）"]
    assert part_names("县中医院党支部", 1) == ["县中医院党支部"]


def plan(total):
    builder = CountyBuilder(random.Random(1921), TODAY, "X县", total)
    return builder, builder.plan()


def test_at_five_thousand_branches_are_mostly_under_fifty():
    _, branches = plan(5000)
    counts = [n.count for n in branches]
    assert sum(counts) == 5000
    assert max(counts) <= BRANCH_CAP
    assert sum(c <= 50 for c in counts) >= 0.8 * len(counts)


def test_at_thirty_thousand_big_branches_are_split_into_branches_of_the_same_unit():
    builder, branches = plan(30000)
    counts = [n.count for n in branches]
    assert sum(counts) == 30000 and max(counts) <= BRANCH_CAP
    names = [n.name for n in branches]
    assert len(set(names)) == len(names)
    assert "城关镇红旗村第一党支部" in names and "城关镇红旗村第二党支部" in names
    assert builder.aliases["城关镇红旗村党支部"] == "城关镇红旗村第一党支部"
    by_name = {n.name: n for n in branches}
    first, second = by_name["城关镇红旗村第一党支部"], by_name["城关镇红旗村第二党支部"]
    assert first.org.parent is second.org.parent and first.place == second.place
    assert first.org.kind == second.org.kind and first.profile == second.profile
    groups = [g.name for n in branches for g in n.children]
    assert "城关镇红旗村第一党支部第一党小组" in groups and len(set(groups)) == len(groups)
    assert all(re.fullmatch(r".+党小组", g) for g in groups)
