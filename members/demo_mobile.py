"""The demo county's mobile members (demo/steps.py): every member the people step marked as mobile
gets the out-flow record behind the flag (written in bulk, like the members themselves), and the
demo secretaries' branches get examples made through the services, with their audit: a member away
with reports, one who came back, and one in-flow member from another province."""

import datetime
import re

from demo import steps

from . import contacts, mobile
from .models import Member, MobilePeriod, MobileReport
from .models.mobile import Direction, Reach, ReportChannel

DAY = datetime.timedelta(days=1)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("经理", "主任", "书记", "部长", "主管")
REACH_BY_PLACE = {"江苏省": Reach.INTER_CITY}  # the demo county is in 江苏: elsewhere is another province
CHANNELS = [ReportChannel.PHONE, ReportChannel.ONLINE, ReportChannel.ONLINE, ReportChannel.HOST]


def _place(member):
    found = re.search(r"流入地：([^；]+)", member.notes or "")
    return found.group(1) if found else (member.residence or "江苏省苏州市")


def _reach(place):
    return REACH_BY_PLACE.get(place[:3], Reach.INTER_PROVINCE)


def _contact(rng):
    return f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}", f"1{rng.choice('35789')}{rng.randint(0, 999999999):09d}"


@steps.step(60, "流动党员")
def mobile_members(ctx):
    n_periods, n_reports = record_flagged(ctx.rng, ctx.today)
    ctx.notes.append(f"流动党员：{n_periods} 名流出党员的流出登记，{n_reports} 条汇报")
    _featured(ctx)


def record_flagged(rng, today):
    """The out-flow record (and a few reports) of every member on the roll flagged as mobile
    without one, in bulk. Returns (periods, reports) created. (The bench county uses it too.)"""
    flagged = list(Member.objects.on_roll().filter(is_mobile=True).exclude(mobile_periods__isnull=False)
                   .order_by("pk"))
    periods, reports = [], []
    for n, m in enumerate(flagged, start=1):
        earliest = max(m.joined_on, today - 6 * 365 * DAY)
        start = earliest + rng.randint(0, max((today - earliest).days - 30, 0)) * DAY
        place = _place(m)
        person, phone = _contact(rng)
        linked = "已与流入地党组织建立联系" in (m.notes or "")
        p = MobilePeriod(
            direction=Direction.OUT, member=m, started_on=start, place=place, reach=_reach(place),
            employer=m.work_unit, host_org=f"{place}非公企业流动党员党支部" if linked else "",
            contact_person=person, contact_phone=phone, reason="外出务工经商", original_job=m.job_category,
            card_number=f"LD{start.year}{n:05d}" if rng.random() < 0.6 else "",
        )
        periods.append(p)
    MobilePeriod.objects.bulk_create(periods)
    touched = {}
    for p in periods:
        if rng.random() < 0.75:
            span = (today - p.started_on).days
            days = sorted({rng.randint(0, span) for _ in range(rng.randint(1, 3))})
            for d in days:
                reports.append(MobileReport(period=p, reported_on=p.started_on + d * DAY, channel=rng.choice(CHANNELS),
                                            content="汇报在外务工和参加流入地党组织活动情况"))
            p.last_report_on = p.started_on + days[-1] * DAY
            touched.setdefault(p.last_report_on, []).append(p.member_id)
    MobileReport.objects.bulk_create(reports)
    MobilePeriod.objects.bulk_update([p for p in periods if p.last_report_on], ["last_report_on"])
    for day, ids in touched.items():
        contacts.touch(ids, day)
    return len(periods), len(reports)


def _featured(ctx):
    """Through the services (audited): in 红旗村 a member who came back and one away with reports;
    one away from 东风村; an in-flow member taking part in 红旗村's organizational life."""
    users, today, rng = ctx.users, ctx.today, ctx.rng
    if not {"secretary", "secretary2"} <= set(users):
        return
    sec, sec2 = users["secretary"], users["secretary2"]
    for user, plan in ((sec, ["returned", "away"]), (sec2, ["away"])):
        branch = user.home_branch
        pool = list(Member.objects.on_roll().filter(organization=branch, is_mobile=False, is_lost_contact=False,
                                                    joined_on__lte=today - 3 * 365 * DAY, birth_date__gte=today - 55 * 365 * DAY)
                    .exclude(pk__in=MobilePeriod.objects.filter(member__isnull=False).values("member_id"))
                    .order_by("-pk")[:len(plan)])
        for m, kind in zip(pool, plan, strict=False):
            person, phone = _contact(rng)
            start = today - (420 if kind == "returned" else 200) * DAY
            p = mobile.start_outflow(user, m, {
                "started_on": start, "place": "浙江省宁波市北仑区", "reach": Reach.INTER_PROVINCE,
                "employer": "宁波汇通物流有限公司", "host_org": "北仑区物流行业流动党员党支部",
                "contact_person": person, "contact_phone": phone, "reason": "外出务工经商",
                "card_number": f"LD{start.year}9{m.pk % 10000:04d}", "notes": ""}, "本人申请外出务工，支部登记")
            mobile.record_report(user, p, start + 60 * DAY, ReportChannel.PHONE, "电话汇报务工情况，已到流入地党组织报到")
            mobile.record_report(user, p, start + 150 * DAY, ReportChannel.ONLINE, "参加流入地党组织主题党日")
            if kind == "returned":
                mobile.end_period(user, p, today - 40 * DAY, "合同期满返乡，回村参加组织生活")
    birth = datetime.date(1986, 9, 14)
    first17 = f"420102{birth:%Y%m%d}013"
    from .idcard import check_digit

    p = mobile.register_inflow(sec, {
        "organization": sec.home_branch, "name": "周国强", "gender": "男", "id_number": first17 + check_digit(first17),
        "joined_on": datetime.date(2011, 6, 28), "category": "full", "phone": "13871234567",
        "home_org": "湖北省武汉市江岸区后湖街道某社区党支部", "started_on": today - 300 * DAY, "place": "湖北省武汉市",
        "reach": Reach.INTER_PROVINCE, "employer": "本县城关建筑安装有限公司", "contact_person": "钱主任",
        "contact_phone": "0523-86201234", "reason": "外出务工经商", "original_job": "worker",
        "card_number": "HB2025000318", "notes": "持流动党员活动证，参加本支部组织生活"}, "流入地党支部登记")
    mobile.record_report(sec, p, today - 30 * DAY, ReportChannel.IN_PERSON, "参加支部主题党日并汇报思想工作情况")
