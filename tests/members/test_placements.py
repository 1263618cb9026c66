"""Dated placements: who belonged to which branch during a quarter, across moves, whole-branch
moves (merges), group changes and roll-state changes; written with the audit of each change."""

import datetime
import importlib

import pytest
from django.core.exceptions import ValidationError

from branches import services as org_services
from branches.choices import OrgKind
from conftest import legacy_transferred_out, letter_out, make_member, make_org
from core.models import AuditEntry
from members import placements, services
from members.choices import RollState
from members.models import Member, Placement, PlacementReason

Q2 = placements.quarter(2025, 2)
D = datetime.date


@pytest.fixture
def on_day(monkeypatch):
    """on_day(date): the services' "today" (the day a move takes effect) becomes `date`."""
    def set_day(day):
        monkeypatch.setattr(placements, "today", lambda: day)
    return set_day


def _ids(*members):
    return {m.pk for m in members}


def test_quarter_bounds():
    assert placements.quarter(2025, 1) == (D(2025, 1, 1), D(2025, 3, 31))
    assert Q2 == (D(2025, 4, 1), D(2025, 6, 30))
    assert placements.quarter(2025, 4) == (D(2025, 10, 1), D(2025, 12, 31))
    with pytest.raises(ValueError):
        placements.quarter(2025, 5)


@pytest.fixture
def history(county, on_day):
    """In 2025, around the second quarter:
    moved      east → west on 15 May                 in both
    merged     east → west on 30 June (whole branch)  in both
    left       east, transferred out on 20 March      in neither
    late       registered in west on 1 July           in neither
    first_day  hill → east on 1 April, merged too     in east and west, not in hill
    """
    h = county
    on_day(D(2025, 1, 10))
    h.moved = make_member(county.east, "调动甲")
    h.merged = make_member(county.east, "合并乙")
    h.left = make_member(county.east, "转出丙")
    h.first_day = make_member(county.hill, "首日丁")
    letter_out(county.admin, h.left, D(2025, 3, 20))
    on_day(D(2025, 4, 1))
    services.move_member(county.admin, h.first_day, county.east, "工作调动")
    on_day(D(2025, 5, 15))
    services.move_member(county.admin, h.moved, county.west, "工作调动")
    on_day(D(2025, 6, 30))
    services.move_all_members(county.admin, county.east, county.west, "两支部合并")
    on_day(D(2025, 7, 1))
    h.late = make_member(county.west, "新登记戊")
    return h


def test_members_of_a_branch_during_a_quarter_across_moves_and_merges(history):
    h = history
    during = placements.members_during([h.east.pk, h.west.pk, h.hill.pk], *Q2)
    assert during[h.east.pk] == _ids(h.moved, h.merged, h.first_day)
    assert during[h.west.pk] == _ids(h.moved, h.merged, h.first_day)
    assert h.hill.pk not in during  # first_day left on the quarter's first day
    q1 = placements.members_during([h.east.pk, h.hill.pk], *placements.quarter(2025, 1))
    assert q1[h.east.pk] == _ids(h.moved, h.merged, h.left) and q1[h.hill.pk] == _ids(h.first_day)
    q3 = placements.members_during([h.east.pk, h.west.pk], *placements.quarter(2025, 3))
    assert h.east.pk not in q3 and q3[h.west.pk] == _ids(h.moved, h.merged, h.late, h.first_day)


def test_all_branches_at_once_in_one_query(history, django_assert_num_queries):
    h = history
    with django_assert_num_queries(1):
        everything = placements.members_during(None, *Q2)
    assert everything[h.east.pk] == placements.members_during([h.east.pk], *Q2)[h.east.pk]
    assert set(everything) == {h.east.pk, h.west.pk}


def test_members_on_a_day(history):
    h = history
    assert placements.members_on([h.east.pk], D(2025, 5, 14))[h.east.pk] == _ids(h.moved, h.merged, h.first_day)
    assert placements.members_on([h.east.pk], D(2025, 5, 15))[h.east.pk] == _ids(h.merged, h.first_day)
    assert placements.members_on([h.west.pk], D(2025, 6, 30))[h.west.pk] == _ids(h.moved, h.merged, h.first_day)


def test_who_left_a_branch_and_when(history, django_assert_num_queries):
    h = history
    with django_assert_num_queries(1):
        left = placements.left_during([h.east.pk], D(2025, 1, 1), D(2025, 12, 31))
    assert left[h.east.pk] == [
        (h.left.pk, D(2025, 3, 20), PlacementReason.TRANSFER_OUT),
        (h.moved.pk, D(2025, 5, 15), PlacementReason.MOVE),
        (h.merged.pk, D(2025, 6, 30), PlacementReason.MERGE),
        (h.first_day.pk, D(2025, 6, 30), PlacementReason.MERGE),
    ]
    assert placements.left_during([h.east.pk], *placements.quarter(2025, 3)) == {}


def test_each_change_writes_its_placement_with_its_audit(county, on_day):
    on_day(D(2025, 2, 1))
    m = make_member(county.east, "记录己")
    on_day(D(2025, 3, 1))
    m.party_group = county.east_group
    services.update_member(county.secretary, m, "编入党小组")
    on_day(D(2025, 4, 1))
    services.move_member(county.admin, m, county.west, "工作调动")
    services.change_roll_state(county.admin, m, RollState.DECEASED, D(2025, 5, 2), "病故")
    rows = [(p.organization_id, p.party_group_id, p.started_on, p.ended_on, p.start_reason, p.end_reason)
            for p in placements.history(m)]
    assert rows == [
        (county.east.pk, None, D(2025, 2, 1), D(2025, 3, 1), "registration", "group"),
        (county.east.pk, county.east_group.pk, D(2025, 3, 1), D(2025, 4, 1), "group", "move"),
        (county.west.pk, None, D(2025, 4, 1), D(2025, 5, 2), "move", "deceased"),
    ]
    # a change of party group is not leaving the branch
    assert placements.left_during([county.east.pk], D(2025, 1, 1), D(2025, 3, 31)) == {}
    assert placements.group_members_during([county.east_group.pk], *placements.quarter(2025, 1)) == {
        county.east_group.pk: {m.pk}}
    assert AuditEntry.objects.for_object(m).count() == 4


def test_a_failed_change_writes_no_placement(county):
    before = list(Placement.objects.values_list("pk", "ended_on"))
    with pytest.raises(ValidationError):
        services.move_member(county.admin, county.east1, county.west, "")  # no reason
    with pytest.raises(ValidationError):
        services.change_roll_state(county.admin, county.hill1, RollState.ON_ROLL, D.today(), "已在册")
    assert list(Placement.objects.values_list("pk", "ended_on")) == before


def test_returning_onto_the_roll_opens_a_placement_where_it_may(county, on_day):
    on_day(D(2025, 1, 10))
    m = make_member(county.west, "回来庚")
    legacy_transferred_out(m, D(2025, 2, 1))
    Member.objects.filter(organization=county.west).exclude(pk=m.pk).update(organization=county.east)
    org_services.dissolve_organization(county.admin, county.west, D(2025, 3, 1), "村合并")
    with pytest.raises(ValidationError) as refused:
        services.change_roll_state(county.admin, m, RollState.ON_ROLL, D(2025, 4, 1), "转回")
    assert "“西街村党支部”已撤销，不能编入党员" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.change_roll_state(county.admin, m, RollState.ON_ROLL, D(2025, 4, 1), "转回",
                                   branch=county.hill, party_group=county.east_group)
    assert "不属于山口村党支部" in str(refused.value)
    services.change_roll_state(county.admin, m, RollState.ON_ROLL, D(2025, 4, 1), "转回",
                               branch=county.east, party_group=county.east_group)
    m.refresh_from_db()
    assert (m.roll_state, m.organization, m.party_group) == (RollState.ON_ROLL, county.east, county.east_group)
    assert placements.members_during([county.east.pk, county.west.pk], *Q2) == {county.east.pk: {m.pk}}
    entry = AuditEntry.objects.for_object(m).first()
    assert entry.changes["organization"] == ["西街村党支部", "东街村党支部"]


def test_no_member_goes_into_a_dissolved_group(county):
    empty = make_org("东街村第二党小组", OrgKind.GROUP, county.east)
    org_services.dissolve_organization(county.admin, empty, D.today(), "并组")
    empty.refresh_from_db()
    m = Member.objects.get(pk=county.east2.pk)
    m.party_group = empty
    with pytest.raises(ValidationError) as refused:
        services.update_member(county.secretary, m)
    assert "“东街村第二党小组”已撤销" in str(refused.value)
    legacy_transferred_out(county.east2, D.today())
    with pytest.raises(ValidationError) as refused:
        services.change_roll_state(county.admin, county.east2, RollState.ON_ROLL, D.today(), "转回",
                                   branch=county.east, party_group=empty)
    assert "已撤销" in str(refused.value)


def test_existing_members_get_placements_from_their_records(county):
    """The data migration members 0004: from the audited moves where there are some, else from the
    joining date; ended on the roll-state date when off the roll."""
    from django.apps import apps

    migration = importlib.import_module("members.migrations.0004_placements_from_records")
    services.move_member(county.admin, county.east2, county.west, "工作调动")
    services.change_roll_state(county.admin, county.hill1, RollState.DECEASED, D(2025, 5, 2), "病故")
    Placement.objects.all().delete()
    migration.forwards(apps, None)
    today = placements.timezone.localdate()
    east2 = [(p.organization_id, p.started_on, p.ended_on, p.start_reason, p.end_reason)
             for p in placements.history(county.east2)]
    assert east2 == [(county.east.pk, D(2015, 6, 30), today, "records", "move"),
                     (county.west.pk, today, None, "move", "")]
    hill1 = [(p.organization_id, p.started_on, p.ended_on, p.end_reason) for p in placements.history(county.hill1)]
    assert hill1 == [(county.hill.pk, D(2005, 7, 1), D(2025, 5, 2), "deceased")]
    east1 = placements.history(county.east1).get()
    assert (east1.party_group, east1.ended_on) == (county.east_group, None)
    migration.forwards(apps, None)  # members that have placements are left alone
    assert Placement.objects.count() == 5


def test_the_member_page_shows_its_placements(client, county):
    from django.urls import reverse

    services.move_member(county.admin, county.east1, county.west, "工作调动")
    client.force_login(county.committee)
    page = client.get(reverse("members:detail", args=[county.east1.pk])).content.decode()
    section = page[page.index("组织关系记录"):page.index("变更记录")]
    assert "东街村第一党小组" in section and placements.today().isoformat() in section and "至今" in section
    assert section.index("东街村党支部") < section.index("西街村党支部")
