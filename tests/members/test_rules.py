import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import letter_out
from core.models import AuditEntry
from members import services, transfers
from members.choices import Category, RollState
from members.models import Member


def _member(county, **changes):
    m = Member.objects.get(pk=county.east1.pk)
    for k, v in changes.items():
        setattr(m, k, v)
    return m


def _errors(member):
    with pytest.raises(ValidationError) as exc:
        member.full_clean()
    return exc.value.message_dict


def test_birth_must_match_id_and_precede_joining(county):
    errors = _errors(_member(county, birth_date=datetime.date(1981, 5, 1)))
    assert "出生日期与公民身份号码中的出生日期不一致" in errors["birth_date"][0]
    errors = _errors(_member(county, joined_on=datetime.date(1979, 1, 1), full_member_on=datetime.date(1980, 6, 1)))
    assert "入党日期应晚于出生日期" in errors["joined_on"][0]
    errors = _errors(_member(county, joined_on=datetime.date(1995, 1, 1), full_member_on=datetime.date(1996, 1, 1)))
    assert "年满十八周岁" in errors["joined_on"][0]


def test_future_dates_are_refused(county):
    future = datetime.date.today() + datetime.timedelta(days=3)
    assert "不能晚于今天" in _errors(_member(county, joined_on=future))["joined_on"][0]


def test_probationary_member_has_no_full_member_date(county):
    errors = _errors(_member(county, category=Category.PROBATIONARY))
    assert "预备党员没有转正日期" in errors["full_member_on"][0]
    m = _member(county, category=Category.PROBATIONARY, full_member_on=None)
    m.full_clean()


def test_full_membership_one_year_after_joining(county):
    joined = county.east1.joined_on
    errors = _errors(_member(county, full_member_on=joined + datetime.timedelta(days=364)))
    assert "满一年" in errors["full_member_on"][0]
    _member(county, full_member_on=joined.replace(year=joined.year + 1)).full_clean()
    assert "请填写转正日期" in _errors(_member(county, full_member_on=None))["full_member_on"][0]


def test_gender_must_match_id(county):
    assert "性别与公民身份号码不一致" in _errors(_member(county, gender="女"))["gender"][0]


def test_members_only_in_branches_and_groups_of_their_branch(county):
    assert "只能编入党支部" in _errors(_member(county, organization=county.town))["organization"][0]
    errors = _errors(_member(county, organization=county.west, party_group=county.east_group))
    assert "不属于西街村党支部，党员只能编入本支部的党小组" in errors["party_group"][0]


def test_lost_contact_needs_reason_and_date(county):
    errors = _errors(_member(county, is_lost_contact=True))
    assert "lost_contact_reason" in errors and "lost_contact_since" in errors


def test_id_unique_among_members_on_roll(county):
    twin = Member(**{f.attname: getattr(county.east1, f.attname) for f in Member._meta.concrete_fields
                     if f.name != "id"})
    with pytest.raises(ValidationError) as exc:
        services.create_member(county.admin, twin)
    assert "已登记为在册党员" in str(exc.value)
    # Once the first record leaves the roll, the same person may be registered again (re-admitted).
    letter = letter_out(county.admin, county.east1)
    services.create_member(county.admin, twin)
    assert Member.objects.filter(id_number=twin.id_number).count() == 2
    # ... and then the old one cannot come back on the roll beside it.
    with pytest.raises(ValidationError, match="已登记为在册党员"):
        transfers.cancel_letter(county.admin, letter, "转回")


@pytest.mark.parametrize("start, target, allowed", [
    (RollState.ON_ROLL, RollState.TRANSFERRED_OUT, False),  # only through a letter (members/transfers.py)
    (RollState.ON_ROLL, RollState.REMOVED, False),  # 出党 is a decision the level above approves
    (RollState.ON_ROLL, RollState.DECEASED, True),
    (RollState.ON_ROLL, RollState.ON_ROLL, False),
    (RollState.TRANSFERRED_OUT, RollState.ON_ROLL, True),
    (RollState.TRANSFERRED_OUT, RollState.DECEASED, False),
    (RollState.REMOVED, RollState.ON_ROLL, False),  # re-admission is 重新入党, a decision
    (RollState.DECEASED, RollState.ON_ROLL, False),
])
def test_roll_state_transitions(county, start, target, allowed):
    Member.objects.filter(pk=county.east1.pk).update(roll_state=start)
    today = datetime.date.today()
    if allowed:
        m = services.change_roll_state(county.admin, county.east1, target, today, "理由")
        assert m.roll_state == target
        entry = AuditEntry.objects.for_object(m).first()
        assert entry.action == "state" and entry.reason == "理由"
        assert entry.changes["roll_state"] == [start.label, target.label]
    else:
        with pytest.raises(ValidationError):
            services.change_roll_state(county.admin, county.east1, target, today, "理由")
        assert Member.objects.get(pk=county.east1.pk).roll_state == start


def test_state_change_needs_a_reason(county):
    with pytest.raises(ValidationError):
        services.change_roll_state(county.admin, county.east1, RollState.DECEASED, datetime.date.today(), " ")


def test_members_leave_the_roster_but_are_never_deleted(client, county):
    services.change_roll_state(county.admin, county.east2, RollState.DECEASED, datetime.date.today(), "病故")
    client.force_login(county.secretary)
    from django.urls import reverse

    assert "张东二" not in client.get(reverse("members:roster")).content.decode()
    assert "张东二" in client.get(reverse("members:roster"), {"state": "deceased"}).content.decode()
    assert Member.objects.filter(pk=county.east2.pk).exists()


def test_move_member_is_one_audited_action(county):
    services.move_member(county.committee, county.east1, county.west, "工作调动")
    m = Member.objects.get(pk=county.east1.pk)
    assert m.organization == county.west and m.party_group is None
    entry = AuditEntry.objects.for_object(m).first()
    assert entry.action == "move" and entry.reason == "工作调动" and entry.actor == county.committee
    assert entry.changes["organization"] == ["东街村党支部", "西街村党支部"]
    with pytest.raises(ValidationError):
        services.move_member(county.committee, m, county.east, "")
