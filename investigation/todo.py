"""The investigation's deadlines on the to-do page (members/todo.py) and its dashboard panel
(core/panels.py), registered when the app starts (InvestigationConfig.ready):

    inv_self_check     a branch secretary: its self-check not yet submitted (due self_check_due)
    inv_verify         a committee: its branches' submitted self-checks to verify (due forms_due)
    inv_sign           a committee: every branch verified, the forms to sign (due forms_due)
    inv_overdue        the level above (committee, county): branches past self_check_due unsubmitted
    inv_forms_overdue  the county: committees past forms_due whose forms are not signed
    inv_prereview      a committee: dispositions proposed as Party decisions awaiting its pre-review
                       (预审; rectify.py), not its own proposals
    inv_accept         a committee: every branch signed, its acceptance (总结巩固) owed (due report_due)
    inv_report_overdue the county: committees past report_due that have not accepted (no summary)

The four sections over committee opinions are counted in one query (`opinion_counts`).
Only campaigns not yet concluded (conclude_end not past) count, except for the acceptance, which is
due after the conclusion (report_due) and stays owed until made. The three sections over branch
checks are counted for the dashboard with one query (`counts`)."""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from accounts.models import Role
from core.scoping import paths_q

from .choices import BRANCH_EDITABLE, CheckState, DispositionState
from .models import Acceptance, BranchCheck, Campaign, CommitteeOpinion
from .services import today

DONE = (CheckState.VERIFIED, CheckState.SIGNED)


def _within(lookup, paths):
    if not paths:
        return Q(pk__in=[])
    q = paths_q(lookup, paths)
    return Q() if q is None else q


def _check_filters(user, day):
    """{section key: Q over BranchCheck} of the three sections over checks."""
    return {
        "inv_self_check": Q(state__in=BRANCH_EDITABLE) & _within("branch__path", user.paths_for([Role.BRANCH_SECRETARY])),
        "inv_verify": Q(state=CheckState.SUBMITTED) & _within("branch__path", user.paths_for([Role.COMMITTEE])),
        "inv_overdue": (Q(state__in=BRANCH_EDITABLE, campaign__self_check_due__lt=day)
                        & _within("branch__path", user.paths_for([Role.COMMITTEE, Role.COUNTY_ADMIN]))),
    }


def _checks(user, key):
    day = today()
    return (BranchCheck.objects.filter(campaign__conclude_end__gte=day).filter(_check_filters(user, day)[key])
            .select_related("branch", "campaign").order_by("campaign__self_check_due", "branch__path", "pk"))


def self_checks(user):
    return _checks(user, "inv_self_check")


def to_verify(user):
    return _checks(user, "inv_verify")


def overdue_checks(user):
    return _checks(user, "inv_overdue")


def counts(user):
    """{key: count} of the three sections over checks, in one query."""
    day = today()
    filters = _check_filters(user, day)
    found = BranchCheck.objects.filter(campaign__conclude_end__gte=day).aggregate(
        **{key: Count("pk", filter=q) for key, q in filters.items()})
    return {key: found[key] or 0 for key in filters}


def _unsigned(user, roles):
    day = today()
    pending = BranchCheck.objects.filter(campaign=OuterRef("campaign"), committee=OuterRef("committee")).exclude(
        state__in=DONE)
    return (CommitteeOpinion.objects.filter(campaign__conclude_end__gte=day)
            .filter(Q(signed_version=0) | Q(changed_since_signing=True))
            .filter(_within("committee__path", user.paths_for(roles)))
            .select_related("committee", "campaign").order_by("campaign__forms_due", "committee__path", "pk"), pending)


def to_sign(user):
    qs, pending = _unsigned(user, [Role.COMMITTEE])
    return qs.filter(~Exists(pending))


def forms_overdue(user):
    qs, _ = _unsigned(user, [Role.COUNTY_ADMIN])
    return qs.filter(campaign__forms_due__lt=today())


def to_prereview(user):
    from .models import Disposition
    from .rectify import STATE_Q

    return (Disposition.objects.filter(STATE_Q[DispositionState.PRE_REVIEW])
            .filter(_within("branch__path", user.paths_for([Role.COMMITTEE]))).exclude(proposed_by=user)
            .select_related("case__member", "branch").order_by("proposed_at", "pk"))


def disposition_row(disp):
    from members import todo

    detail = disp.branch.name + (f" · 支部大会{disp.meeting_on:%Y-%m-%d}" if disp.meeting_on else "")
    return todo.Row(f"{disp.case.member.name}：{disp.get_kind_display()}",
                    reverse("investigation:disposition", args=[disp.pk]), detail=detail, badge="待预审")


def _not_accepted(user, roles):
    """The opinions of committees under the user's `roles` grants that have branches and no acceptance."""
    same = {"campaign": OuterRef("campaign"), "committee": OuterRef("committee")}
    return (CommitteeOpinion.objects.filter(_within("committee__path", user.paths_for(roles)))
            .filter(Exists(BranchCheck.objects.filter(**same)), ~Exists(Acceptance.objects.filter(**same)))
            .select_related("committee", "campaign").order_by("campaign__report_due", "committee__path", "pk"))


def to_accept(user):
    """A committee whose branches are all signed (its forms signed, unchanged since): the acceptance
    and the summary are owed."""
    same = {"campaign": OuterRef("campaign"), "committee": OuterRef("committee")}
    unsigned = BranchCheck.objects.filter(**same).exclude(state=CheckState.SIGNED)
    return (_not_accepted(user, [Role.COMMITTEE]).filter(signed_version__gt=0, changed_since_signing=False)
            .filter(~Exists(unsigned)))


def opinion_counts(user):
    """{key: count} of the four sections over committee opinions (inv_sign, inv_forms_overdue,
    inv_accept, inv_report_overdue) for the dashboard, in one query; none for a user with neither
    grant (an always-false filter would empty the whole aggregate)."""
    day = today()
    same = {"campaign": OuterRef("campaign"), "committee": OuterRef("committee")}
    checks = BranchCheck.objects.filter(**same)
    unsigned_forms = Q(signed_version=0) | Q(changed_since_signing=True)
    active = Q(campaign__conclude_end__gte=day)
    owed = Q(has_checks=True, accepted=False)
    wanted = {
        "inv_sign": (Role.COMMITTEE, active & unsigned_forms & Q(pending=False)),
        "inv_forms_overdue": (Role.COUNTY_ADMIN, active & unsigned_forms & Q(campaign__forms_due__lt=day)),
        "inv_accept": (Role.COMMITTEE, owed & Q(signed_version__gt=0, changed_since_signing=False, unsigned=False)),
        "inv_report_overdue": (Role.COUNTY_ADMIN, owed & Q(campaign__report_due__lt=day)),
    }
    counted = {key: Count("pk", filter=q & _within("committee__path", user.paths_for([role])))
               for key, (role, q) in wanted.items() if user.paths_for([role])}
    found = {}
    if counted:
        found = CommitteeOpinion.objects.annotate(
            has_checks=Exists(checks), accepted=Exists(Acceptance.objects.filter(**same)),
            pending=Exists(checks.exclude(state__in=DONE)),
            unsigned=Exists(checks.exclude(state=CheckState.SIGNED))).aggregate(**counted)
    return {key: found.get(key) or 0 for key in wanted}


def report_overdue(user):
    """The county: committees past the campaign's report_due that have not accepted their branches' work."""
    return _not_accepted(user, [Role.COUNTY_ADMIN]).filter(campaign__report_due__lt=today())


def _badge(due):
    left = (due - today()).days
    if left < 0:
        return f"逾期{-left}天"
    return f"还剩{left}天" if left <= 14 else f"{due.month}月{due.day}日前"


def check_row(check, due_field="self_check_due"):
    from members import todo

    due = getattr(check.campaign, due_field)
    return todo.Row(check.branch.name, reverse("investigation:check", args=[check.pk]),
                    detail=f"{check.campaign.name} · {check.get_state_display()}", badge=_badge(due))


def opinion_row(opinion):
    from members import todo

    detail = opinion.campaign.name + (" · 签署后有改动" if opinion.changed_since_signing else "")
    return todo.Row(opinion.committee.name, reverse("investigation:opinion", args=[opinion.pk]), detail=detail,
                    badge=_badge(opinion.campaign.forms_due))


def conclusion_row(opinion):
    from members import todo

    return todo.Row(opinion.committee.name, reverse("investigation:conclusion", args=[opinion.pk]),
                    detail=f"{opinion.campaign.name} · 综合报告{opinion.campaign.report_due:%Y-%m-%d}前上报",
                    badge=_badge(opinion.campaign.report_due))


def register():
    from members import todo

    todo.register("inv_self_check", "组织关系排查：党支部自查待提交", self_checks, 50, row=check_row, level="amber",
                  note="每名党员都分类（正常、流动、空挂、失联、其他）后提交党(工)委工作组核查；分类为失联的须有查找记录。")
    todo.register("inv_verify", "组织关系排查：待工作组核查", to_verify, 51, level="amber",
                  row=lambda c: check_row(c, "forms_due"))
    todo.register("inv_sign", "组织关系排查：登记表待签署", to_sign, 52, row=opinion_row, level="amber",
                  note="所属党支部已全部核查完毕：请记录专题会议和初步处理意见，由党(工)委书记签署。")
    todo.register("inv_overdue", "组织关系排查：逾期未提交自查的党支部", overdue_checks, 53, row=check_row, level="red")
    todo.register("inv_forms_overdue", "组织关系排查：逾期未签署上报的党(工)委", forms_overdue, 54, row=opinion_row,
                  level="red")
    todo.register("inv_prereview", "组织关系排查：整改处置待预审", to_prereview, 55, row=disposition_row, level="amber",
                  note="党支部提出的停止党籍、自行脱党除名、取消预备党员资格等：核对查找记录和失联时间，预审同意后由上级党组织审批。")
    todo.register("inv_accept", "组织关系排查：待验收和总结", to_accept, 56, row=conclusion_row, level="amber",
                  note="所属党支部已全部签署：请逐一检查验收，生成总结（含附件4）上报。")
    todo.register("inv_report_overdue", "组织关系排查：逾期未验收上报综合报告的党(工)委", report_overdue, 57,
                  row=conclusion_row, level="red")
    todo.register_counter(["inv_self_check", "inv_verify", "inv_overdue"], counts)
    todo.register_counter(["inv_sign", "inv_forms_overdue", "inv_accept", "inv_report_overdue"], opinion_counts)


def panel(request):
    """The dashboard's panel: the current campaign's stage and the progress in the user's scope."""
    from .services import progress

    campaign = Campaign.objects.filter(conclude_end__gte=today()).order_by("mobilize_start", "pk").first()
    if campaign is None:
        return None
    checks = BranchCheck.objects.visible_to(request.user).filter(campaign=campaign)
    states = dict(checks.values_list("state").annotate(n=Count("pk")).order_by())
    if not states:
        return None
    done = progress(checks)
    total = sum(d["total"] for d in done.values())
    classified = sum(d["classified"] for d in done.values())
    lost = sum(d["lost"] for d in done.values())
    stage = campaign.stage_on(today())
    url = f"{reverse('investigation:index')}?c={campaign.pk}"
    return {
        "title": f"{campaign.name}（{stage.label if stage else '未在阶段内'}）",
        "link": (url, "进入排查"),
        "items": [
            ("排查对象已分类", f"{classified}/{total}", url),
            ("失联党员", lost, url),
            ("自查中的党支部", states.get(CheckState.SELF_CHECK, 0) + states.get(CheckState.RETURNED, 0), url),
            ("已核查的党支部", states.get(CheckState.VERIFIED, 0) + states.get(CheckState.SIGNED, 0), url),
        ],
    }
