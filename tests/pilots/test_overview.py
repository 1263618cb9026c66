"""The program overview: the organization-setup check and its query count."""

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.choices import OfficerPost, OrgKind
from branches.models import Officer
from conftest import bulk_members, make_org
from pilots.models import Category, Report, month_start
from pilots.services import dispatch, schemes
from pilots.services.overview import unit_rows

from .helpers import make_program, make_unit


def _row(county, org):
    unit = make_unit(county.admin, make_program(county.admin), org, county.cadre)
    return unit_rows([unit], month_start(timezone.localdate()))[0]


@pytest.mark.parametrize("size, flagged", [(14, False), (15, True), (16, True)])
def test_a_unit_of_15_members_or_more_in_one_branch_is_flagged(client, county, size, flagged):
    branch = make_org("南街村党支部", OrgKind.BRANCH, county.town)
    bulk_members(branch, size)
    row = _row(county, branch)
    assert (row.members, row.branches, row.needs_split) == (size, 1, flagged)
    client.force_login(county.admin)
    page = client.get(reverse("pilots:program", args=[row.unit.program_id])).content.decode()
    assert (f"党员 {size} 名，只有党支部 1 个，尚未按党员类型分设党支部" in page) is flagged


def test_a_unit_that_has_split_by_type_is_not_flagged(county):
    general = make_org("北街村党总支", OrgKind.GENERAL_BRANCH, county.town)
    working = make_org("北街村在职党员党支部", OrgKind.BRANCH, general)
    elder = make_org("北街村老党员党支部", OrgKind.BRANCH, general)
    bulk_members(working, 10)
    bulk_members(elder, 6, start=10)
    row = _row(county, general)
    assert (row.members, row.branches, row.needs_split) == (16, 2, False)


def test_village_branch_secretary_not_on_the_general_branch_committee_is_flagged(county):
    general = make_org("北街村党总支", OrgKind.GENERAL_BRANCH, county.town)
    on = make_org("北街村东片党支部", OrgKind.BRANCH, general)
    off = make_org("北街村西片党支部", OrgKind.BRANCH, general)
    Officer.objects.create(organization=general, post=OfficerPost.SECRETARY, name="赵总支")
    Officer.objects.create(organization=general, post=OfficerPost.MEMBER, name="钱东片")
    Officer.objects.create(organization=on, post=OfficerPost.SECRETARY, name="钱东片")
    Officer.objects.create(organization=off, post=OfficerPost.SECRETARY, name="孙西片")
    row = _row(county, general)
    assert row.secretaries_off_committee == [("北街村西片党支部", "孙西片", "北街村党总支")]
    # the branch alone as a unit is checked against its general branch too
    assert _row(county, off).secretaries_off_committee == [("北街村西片党支部", "孙西片", "北街村党总支")]


def _grow(county, n_units, members_each):
    """`n_units` pilot units (general branches with two branches each) with members, categories,
    assignments, reports and problems."""
    program = make_program(county.admin)
    for i in range(n_units):
        general = make_org(f"试点{i}党总支", OrgKind.GENERAL_BRANCH, county.town)
        a = make_org(f"试点{i}第一党支部", OrgKind.BRANCH, general)
        b = make_org(f"试点{i}第二党支部", OrgKind.BRANCH, general)
        Officer.objects.create(organization=a, post=OfficerPost.SECRETARY, name=f"书记{i}")
        members = bulk_members(a, members_each, start=i * 1000) + bulk_members(b, members_each, start=i * 1000 + 500)
        unit = make_unit(county.admin, program, general, county.cadre)
        cat = schemes.save_category(county.admin, Category(unit=unit, name="在职党员", rule="在职"))
        schemes.assign(county.admin, unit, [m.pk for m in members[:members_each]], cat)
        dispatch.file_report(county.cadre, Report(unit=unit, month=month_start(timezone.localdate()), progress="进展"),
                             [{"description": "问题", "owner": "王", "due_on": None}])
    return program


def _count_queries(client, county, program):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(county.admin)
    url = reverse("pilots:program", args=[program.pk])
    client.get(url)  # warm (session, content types)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_overview_queries_do_not_grow_with_units_or_members(client, county, django_assert_max_num_queries):
    small = _count_queries(client, county, _grow(county, 2, 3))
    large = _count_queries(client, county, _grow(county, 8, 20))
    assert small == large and small <= 20
    program = _grow(county, 3, 5)
    with django_assert_max_num_queries(small):
        assert client.get(reverse("pilots:program", args=[program.pk])).status_code == 200
