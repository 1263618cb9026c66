"""Dues (党费): the rules at their boundaries, the month grid (one transaction, a fixed number of
queries), paid-up-to and arrears across a year boundary, corrections and the contact clock."""

import datetime
from decimal import Decimal as D

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from accounts.models import User
from conftest import bulk_members
from core.models import AuditEntry
from members import dues
from members.choices import RollState
from members.models import DuesAccount, DuesBasis, DuesPayment, DuesStandard, Member

# -- the rules (pure) -----------------------------------------------------------------------------


@pytest.mark.parametrize("income, rate, amount", [
    ("0.01", "0.005", "0.00"),
    ("2999.99", "0.005", "15.00"),  # 14.99995 rounds half up to the 分
    ("3000", "0.005", "15.00"),  # 3000元以下（含3000元）
    ("3000.01", "0.01", "30.00"),
    ("4999.99", "0.01", "50.00"),
    ("5000", "0.01", "50.00"),  # 3000元以上至5000元（含5000元）
    ("5000.01", "0.015", "75.00"),
    ("10000", "0.015", "150.00"),  # 5000元以上至10000元（含10000元）
    ("10000.01", "0.02", "200.00"),
    ("25000", "0.02", "500.00"),
])
def test_salary_brackets_at_their_boundaries(income, rate, amount):
    c = dues.compute_standard(DuesBasis.SALARY, D(income))
    assert (c.rate, c.amount) == (D(rate), D(amount))


def test_salary_rule_in_words():
    assert dues.compute_standard(DuesBasis.SALARY, D("3000")).rule == "月工资收入3000元以下（含3000元），按0.5%交纳"
    assert dues.compute_standard(DuesBasis.SALARY, D("3000.01")).rule == \
        "月工资收入3000元以上至5000元（含5000元），按1%交纳"
    assert dues.compute_standard(DuesBasis.SALARY, D("10000.01")).rule == "月工资收入10000元以上，按2%交纳"


@pytest.mark.parametrize("income, rate, amount", [
    ("2999.99", "0.005", "15.00"),
    ("3000.01", "0.005", "15.00"),  # the retired have no 3000 step
    ("5000", "0.005", "25.00"),  # 5000元以下（含5000元）0.5%
    ("5000.01", "0.01", "50.00"),
    ("10000.01", "0.01", "100.00"),  # and no 1.5% / 2%
])
def test_retired_brackets(income, rate, amount):
    c = dues.compute_standard(DuesBasis.RETIRED, D(income))
    assert (c.rate, c.amount) == (D(rate), D(amount))


def test_farmers_pay_between_twenty_fen_and_one_yuan():
    assert dues.compute_standard(DuesBasis.FARMER, farmer_amount=D("0.2")).amount == D("0.20")
    assert dues.compute_standard(DuesBasis.FARMER, farmer_amount=D("1")).amount == D("1.00")
    for wrong in (D("0.19"), D("1.01")):
        with pytest.raises(ValidationError, match="0.2元至1元"):
            dues.compute_standard(DuesBasis.FARMER, farmer_amount=wrong)
    with pytest.raises(ValidationError, match="请填写金额"):
        dues.compute_standard(DuesBasis.FARMER)


@pytest.mark.parametrize("basis", [DuesBasis.STUDENT, DuesBasis.UNEMPLOYED, DuesBasis.RELIEF])
def test_students_and_others_pay_twenty_fen_whatever_the_income(basis):
    c = dues.compute_standard(basis, income=D("8000"))
    assert (c.rate, c.amount) == (None, D("0.20"))


def test_income_must_be_given_and_positive():
    for wrong, message in ((None, "请填写税后月收入"), (D("0"), "应大于0元"), (D("-1"), "应大于0元"),
                           (D("99999999"), "过大")):
        with pytest.raises(ValidationError, match=message):
            dues.compute_standard(DuesBasis.SALARY, wrong)


@pytest.mark.parametrize("typed, value", [
    ("15", "15.00"), ("１５．５", "15.50"), ("15.00元", "15.00"), ("¥1,200", "1200.00"), (" ３０ ", "30.00"),
    ("", None), ("0", "0.00"),
])
def test_amounts_as_typed_are_normalized(typed, value):
    assert dues.parse_amount(typed) == (D(value) if value else None)


@pytest.mark.parametrize("typed, message", [
    ("-5", "不能为负数"), ("－５", "不能为负数"), ("−5", "不能为负数"), ("15.005", "两位小数"),
    ("abc", "应为数字"), ("1e3", "应为数字"), ("99999999", "过大"),
])
def test_bad_amounts_are_refused_in_chinese(typed, message):
    with pytest.raises(ValidationError, match=message):
        dues.parse_amount(typed)


def test_months_parse_and_cross_the_year():
    assert dues.parse_month("２０２６-１１") == datetime.date(2026, 11, 1)
    assert dues.parse_month("2026年1月") == datetime.date(2026, 1, 1)
    assert dues.add_months(datetime.date(2025, 12, 1), 1) == datetime.date(2026, 1, 1)
    assert dues.add_months(datetime.date(2026, 1, 1), -1) == datetime.date(2025, 12, 1)
    for wrong in ("2026-13", "11/2026", "1999-12"):
        with pytest.raises(ValidationError):
            dues.parse_month(wrong)


# -- standards ------------------------------------------------------------------------------------

NOV25 = datetime.date(2025, 11, 1)


def _standard(user, member, income="3000", **kw):
    return dues.save_standard(user, member, valid_from=kw.pop("valid_from", NOV25), basis=kw.pop("basis", "salary"),
                              income=D(income), **kw)


def test_reduction_needs_reason_approver_and_date(county):
    with pytest.raises(ValidationError) as err:
        _standard(county.secretary, county.east1, reduced=True, reduced_amount=D("15.00"))
    assert set(err.value.message_dict) == {"reduced_amount", "reduction_reason", "approved_by", "approved_on"}
    s = _standard(county.secretary, county.east1, reduced=True, reduced_amount=D("0"),
                  reduction_reason="重病住院，家庭困难", approved_by="城关镇党委",
                  approved_on=datetime.date(2025, 10, 20))
    assert (s.computed_amount, s.amount, s.reduced) == (D("15.00"), D("0.00"), True)
    assert AuditEntry.objects.filter(action=dues.STANDARD, object_id=str(s.pk)).count() == 1


def test_a_standard_for_another_branch_or_the_future_is_refused(county):
    with pytest.raises(ValidationError, match="不能登记或修改该党支部"):
        _standard(county.sibling_secretary, county.east1)
    with pytest.raises(ValidationError, match="不能晚于本月"):
        _standard(county.secretary, county.east1, valid_from=dues.add_months(dues.current_month(), 1))
    assert not DuesStandard.objects.exists()


def test_the_same_month_replaces_the_standard(county):
    _standard(county.secretary, county.east1, "3000")
    s = _standard(county.secretary, county.east1, "6000")
    assert DuesStandard.objects.get().amount == D("90.00") == s.amount


# -- the month grid -------------------------------------------------------------------------------

def _grid(user, branch, month, amounts, paid_on=None, today=datetime.date(2026, 3, 10)):
    return dues.save_month(user, branch, month, paid_on or month + datetime.timedelta(days=4), amounts, today=today)


def test_grid_saves_in_a_fixed_number_of_queries(county, django_assert_max_num_queries):
    def run(n, start):
        members = bulk_members(county.east, n, start=start)
        for m in members:
            _standard(None, m)
        amounts = {m.pk: None for m in members}
        ContentType.objects.clear_cache()
        user = User.objects.get(pk=county.secretary.pk)  # its grants not yet read
        with django_assert_max_num_queries(15) as ctx:
            made = _grid(user, county.east, datetime.date(2026, 1, 1), amounts)
        assert len(made) == n
        return len(ctx.captured_queries)

    assert run(5, 0) == run(40, 100)


def test_grid_writes_payments_audit_contact_and_paid_up_to(county):
    _standard(None, county.east1)
    _standard(None, county.east2, "6000")
    jan = datetime.date(2026, 1, 1)
    made = _grid(county.secretary, county.east, jan, {county.east1.pk: None, county.east2.pk: D("100")},
                 paid_on=datetime.date(2026, 1, 8))
    assert sorted((p.member.name, p.amount) for p in made) == [("张东一", D("15.00")), ("张东二", D("100.00"))]
    entries = AuditEntry.objects.filter(action=dues.PAY)
    assert entries.count() == 2 and len({e.batch for e in entries}) == 1
    assert all(e.scope_path == county.east.path for e in entries)
    county.east1.refresh_from_db()
    assert county.east1.last_contact_on == datetime.date(2026, 1, 8)
    assert DuesAccount.objects.get(member=county.east1).paid_up_to is None  # Nov and Dec 2025 unpaid


def test_grid_refuses_everything_when_one_row_is_wrong(county):
    for m in (county.east1, county.east2):
        _standard(None, m)
    jan = datetime.date(2026, 1, 1)
    _grid(county.secretary, county.east, jan, {county.east2.pk: None})
    before = (DuesPayment.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as err:  # a double payment of the same month
        _grid(county.secretary, county.east, jan, {county.east1.pk: None, county.east2.pk: None})
    assert "张东二2026年1月的党费已于2026-01-05登记，不能重复交纳" in err.value.messages[0]
    with pytest.raises(ValidationError, match="少于党费标准15.00元"):
        _grid(county.secretary, county.east, datetime.date(2026, 2, 1), {county.east1.pk: D("10")})
    with pytest.raises(ValidationError, match="不是本支部的在册党员"):  # a tampered post
        _grid(county.secretary, county.east, datetime.date(2026, 2, 1), {county.east1.pk: None, county.west1.pk: None})
    with pytest.raises(ValidationError, match="以后月份"):
        _grid(county.secretary, county.east, datetime.date(2026, 4, 1), {county.east1.pk: None})
    with pytest.raises(ValidationError, match="不能晚于今天"):
        _grid(county.secretary, county.east, jan, {county.east1.pk: None}, paid_on=datetime.date(2026, 3, 11))
    with pytest.raises(ValidationError, match="尚未核定党费标准"):
        _grid(county.secretary, county.east, datetime.date(2025, 10, 1), {county.east1.pk: None})
    with pytest.raises(ValidationError, match="不能登记或修改该党支部"):
        _grid(county.sibling_secretary, county.east, jan, {county.east1.pk: None})
    assert (DuesPayment.objects.count(), AuditEntry.objects.count()) == before
    county.east1.refresh_from_db()
    assert county.east1.last_contact_on is None


# -- paid-up-to and arrears across a year boundary ------------------------------------------------

def test_paid_up_to_and_arrears_across_the_new_year(county):
    m = county.east1
    _standard(None, m)  # from 2025-11, 15.00 a month
    today = datetime.date(2026, 3, 10)
    for month in (datetime.date(2025, 11, 1), datetime.date(2026, 1, 1)):
        _grid(county.secretary, county.east, month, {m.pk: None})
    s = dues.summary(m, today)
    assert s.paid_up_to == datetime.date(2025, 11, 1)  # December is the gap
    assert [mo for mo, _ in s.arrears] == [datetime.date(2025, 12, 1), datetime.date(2026, 2, 1)]  # March: not yet
    assert s.arrears_amount == D("30.00") and s.unpaid_run == 1
    assert DuesAccount.objects.get(member=m).paid_up_to == datetime.date(2025, 11, 1)
    qs = Member.objects.filter(organization=county.east)
    assert list(dues.arrears_members(qs, today)) == [m]

    _grid(county.secretary, county.east, datetime.date(2025, 12, 1), {m.pk: None})  # 补交 December
    s = dues.summary(m, today)
    assert s.paid_up_to == datetime.date(2026, 1, 1)
    assert [mo for mo, _ in s.arrears] == [datetime.date(2026, 2, 1)]
    _grid(county.secretary, county.east, datetime.date(2026, 2, 1), {m.pk: None})
    assert dues.summary(m, today).arrears == []
    assert DuesAccount.objects.get(member=m).paid_up_to == datetime.date(2026, 2, 1)
    assert not dues.arrears_members(qs, today).exists()
    assert dues.arrears_members(qs, datetime.date(2026, 4, 2)).get() == m  # March is over, unpaid


def test_six_months_unpaid_counts_as_a_run(county):
    m = county.east1
    _standard(None, m, valid_from=datetime.date(2025, 6, 1))
    today = datetime.date(2026, 1, 15)
    _grid(county.secretary, county.east, datetime.date(2025, 6, 1), {m.pk: None}, today=today)
    s = dues.summary(m, today)
    assert s.unpaid_run == 6  # July .. December 2025
    qs = Member.objects.filter(pk=m.pk)
    assert dues.arrears_members(qs, today, months=6).exists()
    assert not dues.arrears_members(qs, today, months=7).exists()


def test_a_member_off_the_roll_owes_nothing_after_leaving(county):
    m = county.east1
    _standard(None, m)
    Member.objects.filter(pk=m.pk).update(roll_state=RollState.DECEASED, roll_state_on=datetime.date(2026, 1, 20))
    m.refresh_from_db()
    s = dues.summary(m, datetime.date(2026, 6, 1))
    assert [mo for mo, _ in s.arrears] == [datetime.date(2025, 11, 1), datetime.date(2025, 12, 1)]


# -- corrections ----------------------------------------------------------------------------------

def test_correction_and_deletion_recompute_the_clock_and_paid_up_to(county):
    m = county.east1
    _standard(None, m)
    for month in (datetime.date(2025, 11, 1), datetime.date(2025, 12, 1)):
        _grid(county.secretary, county.east, month, {m.pk: None})
    dec = DuesPayment.objects.get(member=m, month=datetime.date(2025, 12, 1))
    with pytest.raises(ValidationError, match="原因"):
        dues.correct_payment(county.secretary, dec, amount=D("20"), paid_on=dec.paid_on)
    with pytest.raises(ValidationError, match="不能登记或修改该党支部"):
        dues.correct_payment(county.sibling_secretary, dec, reason="x", delete=True)
    dues.correct_payment(county.secretary, dec, amount=D("20"), paid_on=datetime.date(2025, 12, 20), reason="金额录错")
    m.refresh_from_db()
    assert m.last_contact_on == datetime.date(2025, 12, 20)
    entry = AuditEntry.objects.get(action=dues.CORRECT)
    assert entry.changes["amount"] == ["15.00", "20.00"]

    dues.correct_payment(county.secretary, dec, reason="重复登记", delete=True)
    m.refresh_from_db()
    assert m.last_contact_on == datetime.date(2025, 11, 5)  # the clock goes back to November
    assert DuesAccount.objects.get(member=m).paid_up_to == datetime.date(2025, 11, 1)
    assert AuditEntry.objects.filter(action=dues.DELETE).count() == 1


def test_suspended_or_dateless_leavers_owe_nothing_after(county):
    m = county.east1
    _standard(None, m)  # from 2025-11
    Member.objects.filter(pk=m.pk).update(membership_status="suspended", membership_status_on=datetime.date(2026, 1, 3))
    m.refresh_from_db()
    assert [mo for mo, _ in dues.summary(m, datetime.date(2026, 6, 1)).arrears] == [
        datetime.date(2025, 11, 1), datetime.date(2025, 12, 1)]
    Member.objects.filter(pk=m.pk).update(roll_state=RollState.TRANSFERRED_OUT, roll_state_on=None)
    m.refresh_from_db()
    assert dues.summary(m, datetime.date(2026, 6, 1)).arrears == []


def test_a_failure_after_the_payments_are_written_leaves_nothing(county, monkeypatch):
    for m in (county.east1, county.east2):
        _standard(None, m)

    def broken(*args, **kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(dues.audit, "record_many", broken)
    with pytest.raises(RuntimeError):
        _grid(county.secretary, county.east, datetime.date(2026, 1, 1), {county.east1.pk: None, county.east2.pk: None})
    assert not DuesPayment.objects.exists()
    assert DuesAccount.objects.get(member=county.east1).paid_up_to is None
    county.east1.refresh_from_db()
    assert county.east1.last_contact_on is None


def test_a_payment_recorded_meanwhile_refuses_the_grid(county, monkeypatch):
    """Two secretaries save the same month at once: the second grid's insert hits the unique
    constraint and is refused whole, in Chinese."""
    for m in (county.east1, county.east2):
        _standard(None, m)
    jan = datetime.date(2026, 1, 1)
    real_filter = DuesPayment.objects.filter

    def blind_filter(*args, **kwargs):  # the check for earlier payments sees none
        if kwargs.get("month") == jan:
            return DuesPayment.objects.none()
        return real_filter(*args, **kwargs)

    _grid(county.secretary, county.east, jan, {county.east2.pk: None})
    monkeypatch.setattr(DuesPayment.objects, "filter", blind_filter)
    with pytest.raises(ValidationError, match="刚被他人登记，未保存任何记录"):
        _grid(county.secretary, county.east, jan, {county.east1.pk: None, county.east2.pk: None})
    monkeypatch.undo()
    assert list(DuesPayment.objects.values_list("member__name", flat=True)) == ["张东二"]
