"""Opening a campaign builds each branch's scope from the data (DOMAIN.md): every member on the
roll plus every member transferred out whose receipt never came back; key groups pre-flagged."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from branches.choices import OrgCategory, OrgKind, Sector
from conftest import bulk_members, letter_out, make_member, make_org
from investigation import services
from investigation.choices import CheckState, ScopeReason
from investigation.models import BranchCheck, Case, CommitteeOpinion
from members import transfers

from .helpers import case_of, dates, open_campaign


def test_opening_builds_checks_cases_and_opinions(county):
    temp = make_org("临时党支部", OrgKind.TEMP_BRANCH, county.town)
    campaign = open_campaign(county)
    branches = set(BranchCheck.objects.filter(campaign=campaign).values_list("branch__name", flat=True))
    assert branches == {"东街村党支部", "西街村党支部", "山口村党支部"}  # a 临时党支部 holds no relationship
    assert not BranchCheck.objects.filter(branch=temp).exists()
    east = campaign.checks.get(branch=county.east)
    assert east.committee == county.town and east.state == CheckState.SELF_CHECK and east.cases_built_at
    assert set(east.cases.values_list("member__name", flat=True)) == {"张东一", "张东二"}
    assert set(CommitteeOpinion.objects.filter(campaign=campaign).values_list("committee__name", flat=True)) == {
        "城关镇党委", "青山乡党委"}


def test_transferred_out_without_receipt_stays_in_the_old_branch_scope(county):
    gone = make_member(county.east, "赵转出")
    letter_out(county.admin, gone)
    back = make_member(county.east, "钱回执")
    letter = letter_out(county.admin, back)
    transfers.register_receipt(county.admin, letter, datetime.date.today(), "某县委组织部")
    campaign = open_campaign(county)
    east = campaign.checks.get(branch=county.east)
    names = dict(east.cases.values_list("member__name", "scope_reason"))
    assert names == {"张东一": ScopeReason.ON_ROLL, "张东二": ScopeReason.ON_ROLL,
                     "赵转出": ScopeReason.AWAITING_RECEIPT}
    assert set(names) == set(transfers.investigation_scope(county.east).values_list("name", flat=True))


def test_key_groups_preflagged_and_lost_since_from_the_contact_clock(county):
    firm = make_org("某民营企业党支部", OrgKind.BRANCH, county.town, OrgCategory.NON_PUBLIC_ENTERPRISE, Sector.TWO_NEW)
    worker = make_member(firm, "孙职工")
    apart = make_member(county.west, "李分离", household_registration="城关镇西街村", residence="江苏省苏州市")
    from members.models import Member
    Member.objects.filter(pk=county.east1.pk).update(last_contact_on=datetime.date(2025, 3, 1))
    campaign = open_campaign(county)
    assert case_of(campaign, worker).kg_non_public and case_of(campaign, worker).is_key
    c = case_of(campaign, apart)
    assert c.kg_separated and c.is_key and not c.kg_non_public
    plain = case_of(campaign, county.west1)
    assert not plain.is_key and plain.key_groups == []
    assert case_of(campaign, county.east1).lost_since == datetime.date(2025, 3, 1)
    # the list puts key groups first
    west = campaign.checks.get(branch=county.west)
    assert [c.member.name for c in services.case_list(west)][0] == "李分离"


def test_branch_founded_later_gets_its_check_and_cases_on_first_open(county):
    campaign = open_campaign(county)
    late = make_org("新建党支部", OrgKind.BRANCH, county.town)
    make_member(late, "周新")
    check = services.check_for(campaign, late)
    assert check.committee == county.town
    assert list(check.cases.values_list("member__name", flat=True)) == ["周新"]
    assert services.check_for(campaign, late).pk == check.pk  # once


def test_only_the_county_opens_and_dates_are_checked(county):
    with pytest.raises(PermissionDenied):
        services.open_campaign(county.committee, name="x", **dates())
    bad = {**dates(), "investigate_start": dates()["mobilize_start"]}
    with pytest.raises(ValidationError) as exc:
        services.open_campaign(county.admin, name="x", **bad)
    assert "依次" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.open_campaign(county.admin, name="", **dates())
    assert "名称" in str(exc.value)


@pytest.mark.parametrize("n", [5, 60])
def test_opening_costs_the_same_queries_whatever_the_members(county, n, django_assert_max_num_queries):
    bulk_members(county.east, n)
    with django_assert_max_num_queries(16):
        campaign = open_campaign(county)
    assert Case.objects.filter(campaign=campaign).count() == 4 + n
