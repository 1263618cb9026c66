"""Mobile members (members/mobile.py): periods, the rules, is_mobile in step, reports as contacts."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import make_id
from core.models import AuditEntry
from members import contacts, mobile
from members.choices import RollState
from members.models import Member, MobilePeriod, MobileReport

D = datetime.date
TODAY = datetime.date.today()


def out_data(**over):
    data = {"started_on": D(2024, 3, 1), "place": "江苏省苏州市昆山市", "reach": "province",
            "employer": "昆山精密电子有限公司", "host_org": "昆山开发区流动党员党支部", "contact_person": "王经理",
            "contact_phone": "0512-57001234", "reason": "外出务工经商", "card_number": "LD2024001", "notes": ""}
    data.update(over)
    return data


def in_data(org, **over):
    birth = D(1988, 4, 12)
    data = {"organization": org, "name": "陈外来", "gender": "男", "id_number": make_id(birth, region="420102"),
            "joined_on": D(2012, 7, 1), "category": "full", "phone": "13912345678",
            "home_org": "湖北省武汉市江岸区某社区党支部", "started_on": D(2025, 2, 10), "place": "湖北省武汉市",
            "reach": "province", "employer": "县城建筑公司", "contact_person": "刘主任", "contact_phone": "13700001111",
            "reason": "外出务工经商", "original_job": "worker", "card_number": "", "notes": ""}
    data.update(over)
    return data


def flag(member):
    return Member.objects.get(pk=member.pk).is_mobile


def test_out_flow_sets_and_return_clears_is_mobile_several_periods(county):
    m = county.east1
    p = mobile.start_outflow(county.secretary, m, out_data())
    assert flag(m) is True and p.original_job == m.job_category
    entry = AuditEntry.objects.for_object(m).order_by("-pk").first()
    assert entry.action == "mobile_out" and entry.changes["is_mobile"] == ["否", "是"]
    assert entry.changes["mobile.place"] == ["", "江苏省苏州市昆山市"]
    mobile.end_period(county.secretary, p, D(2024, 12, 20), "返乡")
    assert flag(m) is False
    p2 = mobile.start_outflow(county.secretary, m, out_data(started_on=D(2025, 3, 1), place="浙江省宁波市"))
    assert flag(m) is True
    assert list(MobilePeriod.objects.filter(member=m).order_by("started_on")) == [p, p2]
    # a closed period corrected does not reopen the flag's question; ending the open one clears it
    mobile.end_period(county.secretary, p2, TODAY, "")
    assert flag(m) is False


def _nothing_written(m, before_audit, before_periods):
    assert AuditEntry.objects.count() == before_audit
    assert MobilePeriod.objects.filter(member=m).count() == before_periods


@pytest.mark.parametrize("start", [D(2024, 5, 1), D(2023, 1, 1), D(2024, 3, 1)])
def test_overlapping_out_flow_periods_refused(county, start):
    m = county.east1
    p = mobile.start_outflow(county.secretary, m, out_data())
    mobile.end_period(county.secretary, p, D(2024, 9, 30), "返回")
    n, k = AuditEntry.objects.count(), MobilePeriod.objects.count()
    with pytest.raises(ValidationError) as exc:
        mobile.start_outflow(county.secretary, m, out_data(started_on=start))
    assert "流出时段不能重叠" in str(exc.value)
    _nothing_written(m, n, k)
    assert flag(m) is False


def test_open_period_blocks_a_second_and_a_period_may_start_on_the_return_day(county):
    m = county.east1
    p = mobile.start_outflow(county.secretary, m, out_data())
    with pytest.raises(ValidationError, match="流出时段不能重叠"):
        mobile.start_outflow(county.secretary, m, out_data(started_on=D(2025, 1, 1)))
    mobile.end_period(county.secretary, p, D(2024, 9, 30), "返回")
    mobile.start_outflow(county.secretary, m, out_data(started_on=D(2024, 9, 30)))  # back, and off again


def test_correction_into_an_overlap_refused(county):
    m = county.east1
    p = mobile.start_outflow(county.secretary, m, out_data())
    mobile.end_period(county.secretary, p, D(2024, 9, 30), "返回")
    p2 = mobile.start_outflow(county.secretary, m, out_data(started_on=D(2025, 1, 1)))
    with pytest.raises(ValidationError, match="流出时段不能重叠"):
        mobile.correct_period(county.secretary, p2, {"started_on": D(2024, 8, 1)}, "日期录错")
    with pytest.raises(ValidationError, match="流出时段不能重叠"):
        mobile.correct_period(county.secretary, p, {"ended_on": D(2025, 2, 1)}, "日期录错")
    p2.refresh_from_db()
    assert p2.started_on == D(2025, 1, 1)
    fixed = mobile.correct_period(county.secretary, p2, {"employer": "宁波港务集团"}, "单位名称写错")
    assert fixed.employer == "宁波港务集团"
    entry = AuditEntry.objects.for_object(m).order_by("-pk").first()
    assert entry.action == "mobile_fix" and entry.changes == {"mobile.employer": ["昆山精密电子有限公司", "宁波港务集团"]}


@pytest.mark.parametrize("over, field, message", [
    ({"started_on": TODAY + datetime.timedelta(days=1)}, "started_on", "外出时间不能晚于今天"),
    ({"started_on": D(2004, 1, 1)}, "started_on", "不能早于入党时间"),
    ({"contact_phone": "12345"}, "contact_phone", "联系人电话应为11位手机号码"),
    ({"contact_phone": "1380000000a"}, "contact_phone", "联系人电话应为11位手机号码"),
    ({"employer": "厂" * 201}, "employer", "最多200个字"),
    ({"notes": "备" * 501}, "notes", "最多500个字"),
    ({"place": ""}, "place", "请填写流入地"),
    ({"reason": ""}, "reason", "请填写流动原因"),
    ({"card_number": "证#12"}, "card_number", "活动证号只能由数字和字母组成"),
    ({"reach": "moon"}, "reach", "不是有效的流动范围"),
    ({"employer": "厂\u202e名"}, "employer", "不可见的格式字符"),
])
def test_bad_out_flow_input_refused_in_chinese(county, over, field, message):
    m = county.east1
    n = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        mobile.start_outflow(county.secretary, m, out_data(**over))
    assert message in " ".join(exc.value.message_dict[field])
    _nothing_written(m, n, 0)
    assert flag(m) is False


def test_phones_normalized_first(county):
    p = mobile.start_outflow(county.secretary, county.east1, out_data(contact_phone="＋86 １３８-００００-１２３４",
                                                                      card_number="ld 2024 001"))
    assert p.contact_phone == "13800001234" and p.card_number == "LD2024001"
    p2 = mobile.start_outflow(county.secretary, county.east2, out_data(contact_phone="０５１２－５７００１２３４"))
    assert p2.contact_phone == "051257001234"


def test_return_before_start_and_in_future_refused(county):
    p = mobile.start_outflow(county.secretary, county.east1, out_data())
    with pytest.raises(ValidationError, match="返回时间不能早于外出时间"):
        mobile.end_period(county.secretary, p, D(2024, 2, 1), "")
    with pytest.raises(ValidationError, match="返回时间不能晚于今天"):
        mobile.end_period(county.secretary, p, TODAY + datetime.timedelta(days=3), "")
    p.refresh_from_db()
    assert p.ended_on is None and flag(county.east1) is True


def test_member_not_on_roll_or_out_of_scope_refused(county):
    m = county.west1
    Member.objects.filter(pk=m.pk).update(roll_state=RollState.TRANSFERRED_OUT)
    with pytest.raises(ValidationError, match="只有在册党员可以登记流出"):
        mobile.start_outflow(county.committee, m, out_data())
    # a sibling branch's secretary, a read-only tracking cadre: not theirs
    with pytest.raises(ValidationError, match="没有管理该党员"):
        mobile.start_outflow(county.sibling_secretary, county.east1, out_data())
    with pytest.raises(ValidationError, match="没有管理该党员"):
        mobile.start_outflow(county.cadre, county.east1, out_data())
    assert MobilePeriod.objects.count() == 0


def test_report_counts_as_contact_and_sets_last_report(county):
    m = county.east1
    p = mobile.start_outflow(county.secretary, m, out_data())
    mobile.record_report(county.secretary, p, D(2024, 6, 1), "phone", "在昆山务工，参加流入地支部主题党日")
    mobile.record_report(county.secretary, p, D(2024, 5, 1), "online")  # an older one, entered late
    p.refresh_from_db()
    assert p.last_report_on == D(2024, 6, 1)
    assert Member.objects.get(pk=m.pk).last_contact_on == D(2024, 6, 1)
    assert contacts.latest([m.pk]) == {m.pk: D(2024, 6, 1)}
    Member.objects.filter(pk=m.pk).update(last_contact_on=None)
    contacts.refresh([m.pk])  # recomputed from the registered "mobile" source
    assert Member.objects.get(pk=m.pk).last_contact_on == D(2024, 6, 1)
    assert AuditEntry.objects.for_object(m).filter(action="mobile_report").count() == 2


@pytest.mark.parametrize("day, message", [
    (D(2024, 2, 1), "汇报日期不能早于外出时间"),
    (TODAY + datetime.timedelta(days=1), "汇报日期不能晚于今天"),
    (D(2024, 12, 1), "汇报日期不能晚于结束日期"),
])
def test_bad_report_dates_refused(county, day, message):
    p = mobile.start_outflow(county.secretary, county.east1, out_data())
    mobile.end_period(county.secretary, p, D(2024, 10, 1), "")
    with pytest.raises(ValidationError, match=message):
        mobile.record_report(county.secretary, p, day, "phone")
    assert MobileReport.objects.count() == 0


def test_return_cannot_precede_the_last_report(county):
    p = mobile.start_outflow(county.secretary, county.east1, out_data())
    mobile.record_report(county.secretary, p, D(2024, 8, 1), "phone")
    with pytest.raises(ValidationError, match="不能早于最近一次汇报日期"):
        mobile.end_period(county.secretary, p, D(2024, 7, 1), "")


def test_in_flow_is_not_a_member_and_is_scoped_to_its_branch(county):
    n = Member.objects.count()
    p = mobile.register_inflow(county.secretary, in_data(county.east))
    assert p.member_id is None and p.organization == county.east and Member.objects.count() == n
    assert AuditEntry.objects.for_object(p).get().action == "mobile_in"
    assert list(MobilePeriod.objects.visible_to(county.secretary)) == [p]
    assert list(MobilePeriod.objects.visible_to(county.sibling_secretary)) == []
    assert list(MobilePeriod.objects.visible_to(county.other_committee)) == []
    assert list(MobilePeriod.objects.visible_to(county.committee)) == [p]


def test_in_flow_bad_input(county):
    with pytest.raises(ValidationError, match="本县在册党员"):
        mobile.register_inflow(county.secretary, in_data(county.east, id_number=county.hill1.id_number))
    with pytest.raises(ValidationError, match="不在您的管理范围内"):
        mobile.register_inflow(county.secretary, in_data(county.west))
    with pytest.raises(ValidationError, match="性别与公民身份号码不一致"):
        mobile.register_inflow(county.secretary, in_data(county.east, gender="女"))
    with pytest.raises(ValidationError, match="本人联系电话应为"):
        mobile.register_inflow(county.secretary, in_data(county.east, phone="2345"))
    with pytest.raises(ValidationError, match="应编入党支部"):
        mobile.register_inflow(county.admin, in_data(county.town))
    p = mobile.register_inflow(county.secretary, in_data(county.east))
    with pytest.raises(ValidationError, match="重叠的流入记录"):  # the same person again, by another branch
        mobile.register_inflow(county.sibling_secretary, in_data(county.west, id_number=p.id_number,
                                                                 started_on=D(2025, 6, 1)))
    assert MobilePeriod.objects.count() == 1
