import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import make_member
from core.models import DocumentVersion
from ratings import services
from ratings.choices import SheetState
from ratings.models import RatingEntry, RatingSheet

from .conftest import grid_post

D = datetime.date


def submit(user, sheet, withheld=None, today=None, meeting=None):
    entries = services.grid_entries(sheet)
    withheld = {entries[i]: stars for i, stars in (withheld or {}).items()}
    changed = services.read_rows(grid_post(entries, withheld=withheld), entries, services.sets_of(sheet, entries))
    return services.save(user, sheet, changed, meeting_on=meeting or D(2026, 10, 1), submit=True, entries=entries,
                         today=today)


@pytest.mark.django_db
def test_opening_a_quarter_gives_every_branch_a_sheet(county, quarter):
    assert set(quarter.sheets.values_list("branch", flat=True)) == {county.east.pk, county.west.pk, county.hill.pk}
    with pytest.raises(ValidationError, match="已经开展"):
        services.open_quarter(county.admin, quarter.year, quarter.quarter, quarter.opens_on, quarter.due_on)
    with pytest.raises(PermissionDenied):
        services.open_quarter(county.committee, 2030, 1, D(2030, 4, 1), D(2030, 4, 20))


@pytest.mark.django_db
def test_prepare_lists_the_branch_members_with_fitting_criteria(county, sheet):
    entries = services.grid_entries(sheet)
    assert [e.member for e in entries] == sorted([county.east1, county.east2], key=lambda m: m.name_pinyin)
    # conftest members are 农牧渔民: the retired / rural / elderly criteria
    assert {e.criteria_set.audience for e in entries} == {"retired"}
    assert services.prepare(sheet) == 0  # nothing twice


@pytest.mark.django_db
@pytest.mark.parametrize(("today", "ends"), [
    (D(2026, 10, 28), D(2026, 11, 4)),   # across a month
    (D(2026, 12, 28), D(2027, 1, 4)),    # across a year
    (D(2028, 2, 25), D(2028, 3, 3)),     # across a leap February
])
def test_publicity_lasts_at_least_seven_days(county, sheet, today, ends):
    submit(county.secretary, sheet, today=today)
    sheet.refresh_from_db()
    assert (sheet.state, sheet.publicity_starts_on, sheet.publicity_ends_on) == (SheetState.PUBLICITY, today, ends)
    assert (sheet.publicity_ends_on - sheet.publicity_starts_on).days >= 7
    with pytest.raises(ValidationError, match="公示结束后才能确认"):
        services.confirm(county.secretary, sheet, today=ends)
    services.confirm(county.secretary, sheet, today=ends + datetime.timedelta(days=1))
    assert RatingSheet.objects.get(pk=sheet.pk).state == SheetState.CONFIRMED


@pytest.mark.django_db
def test_submitting_with_unrated_members_is_refused_and_nothing_changes(county, sheet):
    entries = services.grid_entries(sheet)
    post = grid_post(entries[:1])
    changed = services.read_rows(post, entries, services.sets_of(sheet, entries))
    with pytest.raises(ValidationError, match="尚未评定"):
        services.save(county.secretary, sheet, changed, meeting_on=D(2026, 10, 1), submit=True, entries=entries)
    sheet.refresh_from_db()
    assert sheet.state == SheetState.DRAFT and sheet.evaluation_meeting_on is None
    assert not RatingEntry.objects.filter(sheet=sheet, rated=True).exists()
    # marked not rated without a reason: still refused; with a reason: accepted
    post[f"{entries[1].pk}-not_rated"] = "on"
    post.appendlist("row", str(entries[1].pk))
    changed = services.read_rows(post, entries, services.sets_of(sheet, entries))
    with pytest.raises(ValidationError, match="写明原因"):
        services.save(county.secretary, sheet, changed, meeting_on=D(2026, 10, 1), submit=True, entries=entries)
    post[f"{entries[1].pk}-not_rated_reason"] = "长期外出务工，本季度未参加组织生活"
    entries = services.grid_entries(sheet)
    changed = services.read_rows(post, entries, services.sets_of(sheet, entries))
    services.save(county.secretary, sheet, changed, meeting_on=D(2026, 10, 1), submit=True, entries=entries)
    assert RatingEntry.objects.get(pk=entries[1].pk).grade == ""


@pytest.mark.django_db
def test_withheld_star_needs_a_basis(county, sheet):
    entries = services.grid_entries(sheet)
    post = grid_post(entries, withheld={entries[0]: ["study"]}, basis=" ")
    changed = services.read_rows(post, entries, services.sets_of(sheet, entries))
    with pytest.raises(ValidationError, match="未得星依据"):
        services.save(county.secretary, sheet, changed, meeting_on=D(2026, 10, 1), submit=True, entries=entries)


@pytest.mark.django_db
def test_rating_a_member_outside_the_sheet_is_refused(county, quarter, sheet):
    west_sheet = quarter.sheets.get(branch=county.west)
    services.prepare(west_sheet)
    foreign = services.grid_entries(west_sheet)
    entries = services.grid_entries(sheet)
    with pytest.raises(ValidationError, match="不在本党支部"):
        services.read_rows(grid_post(foreign), entries, services.sets_of(sheet, entries))
    with pytest.raises(PermissionDenied):
        services.save(county.sibling_secretary, sheet, [], meeting_on=D(2026, 10, 1))


@pytest.mark.django_db
def test_revision_restarts_publicity(county, sheet):
    submit(county.secretary, sheet, today=D(2026, 10, 10))
    sheet.refresh_from_db()
    entries = services.grid_entries(sheet)
    post = grid_post(entries, withheld={entries[0]: ["service"]}, basis="群众反映服务不到位，经核实")
    changed = services.read_rows(post, entries, services.sets_of(sheet, entries))
    with pytest.raises(ValidationError, match="修订原因"):
        services.revise(county.secretary, sheet, changed, "", entries=entries)
    services.revise(county.secretary, sheet, changed, "根据群众异议核实后修订", entries=entries, today=D(2026, 10, 15))
    sheet.refresh_from_db()
    assert (sheet.revision, sheet.publicity_starts_on, sheet.publicity_ends_on) == (1, D(2026, 10, 15), D(2026, 10, 22))
    with pytest.raises(ValidationError, match="10月22日"):
        services.confirm(county.secretary, sheet, today=D(2026, 10, 18))  # the first end has passed, not the new


@pytest.mark.django_db
def test_confirmed_sheet_is_frozen_and_stays_frozen(county, sheet):
    submit(county.secretary, sheet, today=D(2026, 10, 1))
    services.confirm(county.secretary, sheet, today=D(2026, 10, 9))
    sheet.refresh_from_db()
    v1 = DocumentVersion.objects.get(object_id=str(sheet.pk), kind=services.RESULT_KIND)
    assert [r["star_count"] for r in v1.data["rows"]] == [5, 5]
    entries = services.grid_entries(sheet)
    post = grid_post(entries, withheld={entries[0]: ["integrity"]})
    changed = services.read_rows(post, entries, services.sets_of(sheet, entries))
    with pytest.raises(ValidationError, match="不能再按草稿修改"):
        services.save(county.secretary, sheet, changed, meeting_on=D(2026, 10, 1))
    with pytest.raises(ValidationError, match="不能修订"):
        services.revise(county.secretary, sheet, changed, "改", entries=entries)
    assert RatingEntry.objects.get(pk=entries[0].pk).integrity is True
    with pytest.raises(ValidationError, match="更正理由"):
        services.correct(county.secretary, sheet, changed, "", entries=entries)
    services.correct(county.secretary, sheet, changed, "经党委复核更正", entries=entries)
    v1.refresh_from_db()
    assert [r["star_count"] for r in v1.data["rows"]] == [5, 5] and not v1.is_current
    v2 = DocumentVersion.objects.get(object_id=str(sheet.pk), kind=services.RESULT_KIND, is_current=True)
    assert (v2.number, v2.reason, v2.data["rows"][0]["star_count"]) == (2, "经党委复核更正", 4)


@pytest.mark.django_db
def test_county_staff_entering_is_recorded_as_on_behalf(county, sheet):
    submit(county.admin, sheet)
    sheet.refresh_from_db()
    assert sheet.entered_on_behalf and sheet.submitted_by == county.admin
    sheet2 = RatingSheet.objects.get(quarter=sheet.quarter, branch=county.west)
    services.prepare(sheet2)
    submit(county.sibling_secretary, sheet2)
    sheet2.refresh_from_db()
    assert not sheet2.entered_on_behalf


@pytest.mark.django_db
def test_members_who_joined_during_the_quarter_are_listed(county, quarter):
    make_member(county.hill, "赵新来")
    s = quarter.sheets.get(branch=county.hill)
    services.prepare(s)
    names = {e.member.name: e for e in services.grid_entries(s)}
    assert set(names) == {"王山一", "赵新来"}
    today = datetime.date.today()
    if today > s.quarter.span[0]:
        assert names["赵新来"].period_note == f"{today.month}月{today.day}日登记"


@pytest.mark.django_db
def test_confirming_opens_a_rectification_and_a_correction_closes_it(county, sheet):
    """The confirmation (not a demo step) hands 不合格 results to the follow-up (ratings/followup.py)."""
    from ratings.models import Rectification, RectificationState

    entries = services.grid_entries(sheet)
    weak = entries[0]
    submit(county.secretary, sheet, withheld={0: ["study", "service", "dedication"]}, today=D(2026, 10, 1))
    assert not Rectification.objects.exists()  # publicity decides nothing yet
    services.confirm(county.secretary, sheet, today=D(2026, 10, 9))
    (rect,) = Rectification.objects.all()
    assert (rect.member_id, rect.state) == (weak.member_id, RectificationState.OPEN)
    entries = services.grid_entries(sheet)
    changed = services.read_rows(grid_post(entries, withheld={entries[0]: ["study"]}), entries,
                                 services.sets_of(sheet, entries))
    services.correct(county.secretary, sheet, changed, "经党委复核更正为合格", entries=entries)
    rect.refresh_from_db()
    assert rect.state == RectificationState.CLOSED
