"""The demo county's relationship investigation (demo/steps.py): the example campaign opened by the
county (the source's calendar, laid so that today falls in 集中排查), the neighbouring secretary's
branch (李国强, 东风村) fully classified — a few 失联 with their search record, one found again —
and submitted to 城关镇党委's working group; the demo secretary's own branch (张红梅, 红旗村) half
done, so the self-check can be tried."""

import datetime

from demo import steps

from . import lost_time, services
from .choices import Classification, LostContactReason, SearchChannel
from .forms import source_dates
from .models import Case


def campaign_dates(today):
    """The source's dates (plan 3) in today's year when today falls in their 集中排查 (2/25–3/31);
    otherwise the same calendar shifted so that today is its 15th day."""
    dates = source_dates(today.year)
    if dates["investigate_start"] <= today <= dates["investigate_end"]:
        return dates
    shift = today - (dates["investigate_start"] + datetime.timedelta(days=14))
    return {k: v + shift for k, v in dates.items()}


SEARCHES = [
    (SearchChannel.ORIGINAL, "原手机号已停机，微信无回复"),
    (SearchChannel.RELATIVES, "其亲属称多年前外出务工，近两年无联系"),
    (SearchChannel.POLICE, "请派出所协查户籍信息，户籍仍在本村，无新的居住登记"),
    (SearchChannel.MEMBERS, "发动支部党员在务工地老乡群中打听，暂无消息"),
]


def _search(user, case, day, i, found=False):
    channel, result = SEARCHES[i % len(SEARCHES)]
    if found:
        channel, result = SearchChannel.RELATIVES, "经其同学提供新号码，已电话联系上本人"
    services.log_search(user, case, {"searched_on": day, "channel": channel, "searcher": str(user),
                                     "result": result, "found": found})


def _self_check(ctx, user, check, share, day):
    """Classify `share` of the branch's cases from the data, as the secretary would: the mobile as
    流动, the three longest without contact as 失联 after a few searches, the next one found again."""
    cases = list(services.case_list(check))
    cases = cases[: int(len(cases) * share)]
    oldest = sorted((c for c in cases if not c.member.is_mobile),
                    key=lambda c: (c.member.last_contact_on is not None, c.member.last_contact_on or day, c.pk))
    # 失联 only for six months or more without contact (the classification refuses less)
    away = [c for c in oldest
            if lost_time.bucket(c.member.last_contact_on or c.member.joined_on, day) != lost_time.UNDER]
    lost = {c.pk for c in away[:3]}
    found = {c.pk for c in [c for c in oldest if c.pk not in lost][:1]}
    for i, case in enumerate(cases):
        m = case.member
        since = m.last_contact_on or m.joined_on
        data = {"classification": Classification.NORMAL, "roll_confirmed": True}
        if case.pk in lost:
            for k in range(1 + i % 3):
                _search(user, case, day - datetime.timedelta(days=6 - k), i + k)
            data.update(classification=Classification.LOST, lost_reason=LostContactReason.MIGRANT_WORK,
                        lost_since=since)
        elif case.pk in found and since < day - datetime.timedelta(days=3):  # found again by the search: 附件1
            _search(user, case, day - datetime.timedelta(days=5), i)
            _search(user, case, day - datetime.timedelta(days=3), i, found=True)
            data.update(classification=Classification.MOBILE, lost_reason=LostContactReason.JOB_CHANGED,
                        lost_since=since, contact_found_on=day - datetime.timedelta(days=3),
                        whereabouts="江苏省苏州市某电子厂", current_phone="13900001234")
        elif m.is_mobile:
            data["classification"] = Classification.MOBILE
        elif case.scope_reason == "awaiting_receipt":
            data.update(classification=Classification.HANGING, note="介绍信回执未退回，已联系接收方党组织")
        services.classify(user, case, data)
    return len(cases)


@steps.step(70, "组织关系排查")
def investigation(ctx):
    users = ctx.users
    county = users.get("county") or users.get("admin")
    if county is None:
        return
    dates = campaign_dates(ctx.today)
    campaign = services.open_campaign(county, name=f"{dates['investigate_start'].year}年党员组织关系集中排查", **dates)
    done = []
    for name, share in (("secretary2", 1.0), ("secretary", 0.5)):
        user = users.get(name)
        branch = user.home_branch if user is not None else None
        if branch is None:
            continue
        check = campaign.checks.get(branch=branch)
        n = _self_check(ctx, user, check, share, ctx.today - datetime.timedelta(days=1))
        if share == 1.0 and n:
            services.submit(user, check)
            done.append(f"{branch.name}已提交自查")
        else:
            done.append(f"{branch.name}已分类{n}名")
    total = Case.objects.filter(campaign=campaign).count()
    ctx.notes.append(f"组织关系排查：{campaign.name}已开展，排查对象{total}名；" + "，".join(done))


@steps.step(71, "整改规范")
def rectification(ctx):
    """A few more branches of 城关镇党委 self-checked on their behalf by the county's clerk (孙丽娟)
    and verified by the committee (陈志强): one 停止党籍 proposed from its case waiting for the
    committee's pre-review (陈志强's to-do), one pre-reviewed and approved (the member's 党籍
    stopped), and a member found again given a deadline to correct (附件4's 限期改正)."""
    from django.db.models import Count, Q

    from branches.choices import OrgKind
    from core import decisions as core_decisions
    from core.models import Decision
    from members.choices import Category, MembershipStatus

    from . import rectify
    from .models import Campaign

    clerk, committee = ctx.users.get("clerk"), ctx.users.get("committee")
    campaign = Campaign.objects.order_by("-pk").first()
    if clerk is None or committee is None or campaign is None:
        return
    busy = {ctx.users[n].home_branch.pk for n in ("secretary", "secretary2") if ctx.users.get(n)}
    town = committee.grants.first().organization
    day = ctx.today - datetime.timedelta(days=1)
    away = Case.objects.filter(Q(member__last_contact_on__isnull=True)
                               | Q(member__last_contact_on__lte=lost_time.cutoff(day, 7)),
                               member__is_mobile=False, member__membership_status=MembershipStatus.NORMAL,
                               member__category=Category.FULL)
    checks = (campaign.checks.filter(branch__kind=OrgKind.BRANCH, branch__path__startswith=town.path, state="self_check")
              .exclude(branch__in=busy).select_related("branch")
              .annotate(away=Count("cases", filter=Q(cases__in=away)))
              .order_by("-away", "branch__path"))[:8]  # the branches with the most members long away
    pending = {int(p) for p in Decision.objects.pending().values_list("object_id", flat=True)}
    lost, found, names = [], [], []
    for check in checks:
        if len(lost) >= 2 and found:
            break
        if not _self_check(ctx, clerk, check, 1.0, day):
            continue
        more = 2 - len(lost) - away.filter(branch_check=check, classification=Classification.LOST).count()
        for i, case in enumerate(away.filter(branch_check=check).exclude(classification=Classification.LOST)
                                 .select_related("member")[:max(more, 0)]):  # 失联 after a few searches
            for k in range(2):
                _search(clerk, case, day - datetime.timedelta(days=4 - k), i + k)
            services.classify(clerk, case, {
                "classification": Classification.LOST, "lost_reason": LostContactReason.MIGRANT_WORK,
                "lost_since": case.member.last_contact_on or case.member.joined_on, "roll_confirmed": True})
        services.submit(clerk, check)
        services.agree_rest(committee, check)
        services.finish_verification(committee, check)
        names.append(check.branch.name)
        lost += [c for c in away.filter(branch_check=check, classification=Classification.LOST,
                                        contact_found_on=None).select_related("member")
                 if c.member_id not in pending]
        found += list(Case.objects.filter(branch_check=check, contact_found_on__isnull=False).select_related("member"))
    grounds = "经原联系方式、亲友、公安部门等多方查找，仍无法取得联系，支部大会讨论同意停止其党籍。"
    done = []
    for i, case in enumerate(lost[:2]):
        disp = rectify.propose(clerk, case, {"kind": "suspend", "meeting_on": day, "grounds": grounds})
        if i == 1:
            rectify.prereview(committee, disp, True, "查找记录完整，失联时间满六个月，同意报批")
            core_decisions.approve(committee, disp.decision, "同意停止党籍")
        done.append(f"{case.member.name}停止党籍{'已批准' if i == 1 else '待预审'}")
    for case in found[:1]:
        rectify.propose(clerk, case, {"kind": "correct", "due_on": ctx.today + datetime.timedelta(days=30),
                                      "grounds": "取得联系后长期不参加组织生活，限期三十日内改正"})
        done.append(f"{case.member.name}限期改正")
    if names:
        ctx.notes.append(f"整改规范：{'、'.join(names)}已核查；" + ("，".join(done) or "无处置"))
