"""Pages of the relationship investigation. Every object is read through its scoped queryset
(`visible_to`), so a branch secretary opening another branch's case, or a committee outside its
subtree, gets a 404; what a user may do there is decided by services.can_* (buttons shown only
when allowed, the POST refused otherwise). Nothing here is public."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import audit, versions
from core.pagination import page_of
from members import dues, orglife, placements

from . import overview, services
from .choices import KEY_GROUP_FIELDS, CheckState, Classification, Verdict
from .forms import (
    CampaignForm,
    ClassifyForm,
    CommitteeOpinionForm,
    OpinionForm,
    ReportForm,
    SearchForm,
    SignForm,
    VerdictForm,
)
from .models import BranchCheck, Campaign, Case, CommitteeOpinion, investigation_paths

PAGE_SIZE = 100
# the case list's filters (whitelisted)
SHOWS = {
    "": ("全部", Q()),
    "open": ("未分类", Q(classification="")),
    "key": ("重点人群", Q(is_key=True)),
    "lost": ("失联", Q(classification=Classification.LOST)),
    "mobile": ("流动", Q(classification=Classification.MOBILE)),
    "hanging": ("空挂", Q(classification=Classification.HANGING)),
    "returned": ("被退回", Q(verdict=Verdict.RETURN)),
}


def _messages_of(exc):
    if hasattr(exc, "message_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def _error(request, exc):
    for m in _messages_of(exc):
        messages.error(request, m)


def _check(request, pk):
    qs = BranchCheck.objects.visible_to(request.user).select_related("branch", "campaign", "committee")
    return get_object_or_404(qs, pk=pk)


def _case(request, pk):
    qs = Case.objects.visible_to(request.user).select_related("member", "branch", "branch_check__campaign")
    return get_object_or_404(qs, pk=pk)


def _opinion(request, pk):
    qs = CommitteeOpinion.objects.visible_to(request.user).select_related("committee", "campaign")
    return get_object_or_404(qs, pk=pk)


# --- campaigns ----------------------------------------------------------------------------------

def index(request):
    """The campaigns; for the chosen one the stages, and the checks and opinions in scope."""
    campaigns = list(Campaign.objects.all()[:20])
    chosen = None
    wanted = request.GET.get("c", "")
    if wanted.isdigit():
        chosen = next((c for c in campaigns if c.pk == int(wanted)), None)
    chosen = chosen or (campaigns[0] if campaigns else None)
    checks, opinions, totals = [], [], {}
    if chosen is not None:
        checks = list(BranchCheck.objects.visible_to(request.user).filter(campaign=chosen)
                      .select_related("branch", "committee").order_by("branch__path")[:1000])
        done = services.progress(checks)
        for c in checks:
            c.progress = done.get(c.pk, {"total": 0, "classified": 0, "lost": 0})
        opinions = list(CommitteeOpinion.objects.visible_to(request.user).filter(campaign=chosen)
                        .select_related("committee").order_by("committee__path"))
        totals = {k: sum(c.progress[k] for c in checks) for k in ("total", "classified", "lost")}
    today = services.today()
    return render(request, "investigation/index.html", {
        "campaigns": campaigns, "chosen": chosen, "checks": checks, "opinions": opinions, "totals": totals,
        "stage_now": chosen.stage_on(today) if chosen else None, "today": today,
        "form": CampaignForm() if services.can_open(request.user) else None,
        "forms_open": bool(investigation_paths(request.user)),  # 表格 only for the investigation's roles
        "overview_open": overview.can_see(request.user),  # 排查总览: county staff and committees
    })


@require_POST
def open_campaign(request):
    if not services.can_open(request.user):
        raise PermissionDenied("只有组织部管理员可以开展组织关系排查。")
    form = CampaignForm(request.POST)
    if form.is_valid():
        try:
            campaign = services.open_campaign(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已开展“{campaign}”，各党支部的排查对象已按名册和未回执的转出记录生成。")
            return redirect(f"{reverse('investigation:index')}?c={campaign.pk}")
    return render(request, "investigation/open.html", {"form": form})


# --- one branch -------------------------------------------------------------------------------------

def check_detail(request, pk):
    """The branch's case list with its progress, and the actions of its state."""
    check = _check(request, pk)
    if check.cases_built_at is None:
        services.build_cases(check)
    show = request.GET.get("show", "")
    if show not in SHOWS:
        show = ""
    page = page_of(request, services.case_list(check).filter(SHOWS[show][1]), PAGE_SIZE)
    done = services.progress([check]).get(check.pk, {"total": 0, "classified": 0, "lost": 0, "agreed": 0,
                                                    "returned": 0})
    user = request.user
    can_branch = services.can_self_check(user, check) and check.branch_editable
    can_verify = services.can_verify(user, check)
    return render(request, "investigation/check.html", {
        "check": check, "campaign": check.campaign, "page": page, "cases": page.object_list, "done": done,
        "shows": [(k, label) for k, (label, _) in SHOWS.items()], "show": show,
        "can_submit": can_branch, "can_verify": can_verify and check.state == CheckState.SUBMITTED,
        "can_report": can_verify and check.state != CheckState.SELF_CHECK,
        "days_left": services.days_left(check.campaign.self_check_due),
        "overdue_days": -services.days_left(check.campaign.self_check_due),
    })


def _check_action(request, pk, act):
    """A POST that acts on a branch check: `act(check)` calls one service and returns (level, message)
    for the page; a refusal lands on the page instead. Out of scope: 404, whatever the method."""
    check = _check(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        level, text = act(check)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.add_message(request, level, text)
    return redirect("investigation:check", pk=check.pk)


def submit(request, pk):
    def act(check):
        services.submit(request.user, check)
        return messages.SUCCESS, "自查已提交党(工)委工作组核查。"
    return _check_action(request, pk, act)


def agree_rest(request, pk):
    def act(check):
        n = services.agree_rest(request.user, check)
        return messages.SUCCESS, f"已同意其余{n}名党员的自查结论。"
    return _check_action(request, pk, act)


def finish(request, pk):
    def act(check):
        if services.finish_verification(request.user, check).state == CheckState.RETURNED:
            return messages.WARNING, "核查完成：有党员被退回，党支部补查后重新提交。"
        return messages.SUCCESS, "核查完成：全部同意。"
    return _check_action(request, pk, act)


def report(request, pk):
    """The working group's report on the branch."""
    check = _check(request, pk)
    editable = services.can_verify(request.user, check) and check.state != CheckState.SELF_CHECK
    rep = services.report_for(check) if editable else getattr(check, "report", None)
    if rep is None:
        raise Http404("尚无核查情况报告")
    form = ReportForm(request.POST if request.method == "POST" else None, report=rep)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("您不能撰写该党支部的核查情况报告。")
        ok, _ = form.perform(request, lambda cd: services.save_report(
            request.user, rep, form.record_data(), seen=form.seen()))
        if ok:
            messages.success(request, "核查情况报告已保存。")
            return redirect("investigation:report", pk=check.pk)
    return render(request, "investigation/report.html", {"check": check, "form": form, "editable": editable,
                                                          "report": rep})


# --- one member ----------------------------------------------------------------------------------------

def _case_context(request, case, classify_form=None, search_form=None, verdict_form=None, opinion_form=None,
                  dispose_form=None):
    from .rectify_views import case_context  # 整改规范
    check = case.branch_check
    user = request.user
    member = case.member
    editable = services.can_self_check(user, check) and case.open_to_branch(check)
    can_search = ((services.can_self_check(user, check) or services.can_verify(user, check))
                  and check.state != CheckState.SIGNED)
    can_verdict = services.can_verify(user, check) and check.state == CheckState.SUBMITTED
    form = (classify_form or ClassifyForm(case=case)) if editable else None
    return {
        "case": case, "check": check, "member": member, "campaign": check.campaign,
        "key_group_fields": [form[f] for f in KEY_GROUP_FIELDS] if form else [],
        "attempts": list(case.attempts.select_related("recorded_by")),
        "dues": dues.summary(member), "clock": orglife.member_clock(member),
        "placements": placements.history(member),
        "letters": list(member.transfer_letters.select_related("to_org").order_by("-issued_on", "-pk")[:10]),
        "editable": editable, "can_search": can_search, "can_verdict": can_verdict,
        "form": form,
        "search_form": (search_form or SearchForm(searcher=str(user))) if can_search else None,
        "verdict_form": (verdict_form or VerdictForm(initial={"verdict": case.verdict or Verdict.AGREE,
                                                              "verdict_comment": case.verdict_comment}))
        if can_verdict else None,
        **_committee_opinion_context(user, case, check, opinion_form),
        **case_context(request, case, dispose_form),
    }


def case_detail(request, pk):
    """The member's records beside the self-check form and the search log; GET shows, POST classifies."""
    case = _case(request, pk)
    form = None
    if request.method == "POST":
        check = case.branch_check
        if not services.can_self_check(request.user, check):
            raise PermissionDenied("您不能填写该党支部的排查。")
        form = ClassifyForm(request.POST, case=case)
        ok, _ = form.perform(request, lambda cd: services.classify(
            request.user, case, form.record_data(), seen=form.seen()))
        if ok:
            messages.success(request, f"{case.member.name}：已保存排查结论。")
            return redirect(_next_url(case))
        if not case.open_to_branch(check):
            for m in form.non_field_errors():
                messages.error(request, m)
            return redirect("investigation:case", pk=case.pk)
    return render(request, "investigation/case.html", _case_context(request, case, classify_form=form))


def _next_url(case):
    """After classifying, the next unclassified member of the branch, or the list."""
    nxt = (services.case_list(case.branch_check).filter(classification="").exclude(pk=case.pk)
           .values_list("pk", flat=True).first())
    return reverse("investigation:case", args=[nxt]) if nxt else reverse("investigation:check",
                                                                            args=[case.branch_check_id])


def case_search(request, pk):
    case = _case(request, pk)  # out of scope: 404, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = SearchForm(request.POST)
    ok, _ = form.perform(request, lambda cd: services.log_search(request.user, case, cd))
    if ok:
        messages.success(request, "查找记录已登记。")
        return redirect(f"{reverse('investigation:case', args=[case.pk])}#search")
    return render(request, "investigation/case.html", _case_context(request, case, search_form=form))


def case_verdict(request, pk):
    case = _case(request, pk)  # out of scope: 404, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = VerdictForm(request.POST)
    ok, _ = form.perform(request, lambda cd: services.set_verdict(request.user, case, cd["verdict"],
                                                                   cd["verdict_comment"]))
    if ok:
        messages.success(request, f"{case.member.name}：核查意见已保存。")
        nxt = (services.case_list(case.branch_check).filter(verdict="").exclude(pk=case.pk)
               .values_list("pk", flat=True).first())
        return redirect("investigation:case", pk=nxt) if nxt else redirect("investigation:check",
                                                                             pk=case.branch_check_id)
    return render(request, "investigation/case.html", _case_context(request, case, verdict_form=form))


# --- the committee -------------------------------------------------------------------------------------

def opinion(request, pk):
    """The committee's meeting, initial handling and sign-off, with its signed versions."""
    op = _opinion(request, pk)
    can = services.can_sign(request.user, op)
    form = OpinionForm(request.POST if request.method == "POST" else None, opinion=op)
    if request.method == "POST":
        if not can:
            raise PermissionDenied("您不能填写该党(工)委的初步意见。")
        ok, _ = form.perform(request, lambda cd: services.save_opinion(
            request.user, op, form.record_data(), seen=form.seen()))
        if ok:
            messages.success(request, "初步意见已保存。" + ("签署后的内容已改动，请重新签署。" if op.is_signed else ""))
            return redirect("investigation:opinion", pk=op.pk)
    checks = list(services.committee_checks(op).select_related("branch").order_by("branch__path"))
    done = services.progress(checks)
    for c in checks:
        c.progress = done.get(c.pk, {"total": 0, "classified": 0, "lost": 0})
    return render(request, "investigation/opinion.html", {
        "opinion": op, "form": form, "can": can, "checks": checks,
        "sign_form": SignForm(initial={"signer_name": op.signer_name}) if can else None,
        "versions": list(services.signed_versions(op)),
        "ready": all(c.state in (CheckState.VERIFIED, CheckState.SIGNED) for c in checks),
    })


def sign(request, pk):
    op = _opinion(request, pk)  # out of scope: 404, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            v = services.sign(request.user, op, form.cleaned_data["signer_name"], form.cleaned_data["reason"])
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, f"已签署第{v.number}版，签署内容已定稿保存。")
    else:
        for errs in form.errors.values():
            for m in errs:
                messages.error(request, m)
    return redirect("investigation:opinion", pk=op.pk)


def signed_file(request, pk):
    """A signed version's frozen file (`?v=N`, default the current one)."""
    op = _opinion(request, pk)
    qs = services.signed_versions(op)
    raw = request.GET.get("v", "")
    version = qs.filter(number=int(raw)).first() if raw.isdigit() and len(raw) < 6 else qs.first()
    if version is None:
        raise Http404("没有这一版签署件")
    try:
        content = versions.read_file(version)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    with transaction.atomic():  # confidential: every download of a signed form is on record
        audit.record(request.user, op, audit.Action.EXPORT, reason=f"下载签署件第{version.number}版")
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(version.filename)}"
    return response


def _quote(name):
    from urllib.parse import quote

    return quote(name)


# --- the committee's opinion on one member (附件2's 基层党委意见) ---------------------------------------

def _committee_opinion_context(user, case, check, form=None):
    """The form for the committee of the branch (or the county) once the branch has submitted, and the
    committee's signed version it would change."""
    if not (services.can_verify(user, check) and check.state != CheckState.SELF_CHECK):
        return {"committee_opinion_form": None}
    signed = (CommitteeOpinion.objects.filter(campaign_id=check.campaign_id, committee_id=check.committee_id)
              .values_list("signed_version", flat=True).first()) if check.committee_id else None
    return {"committee_opinion_form": form or CommitteeOpinionForm(case=case), "committee_signed_version": signed or 0}


def case_committee_opinion(request, pk):
    case = _case(request, pk)  # out of scope: 404, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not services.can_verify(request.user, case.branch_check):
        raise PermissionDenied("您不能填写该党员的基层党委意见。")
    form = CommitteeOpinionForm(request.POST, case=case)
    ok, _ = form.perform(request, lambda cd: services.set_committee_opinion(
        request.user, case, cd["committee_opinion"], seen=form.seen()))
    if ok:
        signed = _committee_opinion_context(request.user, case, case.branch_check).get("committee_signed_version")
        messages.success(request, f"{case.member.name}：基层党委意见已保存。"
                         + (f"已签署的第{signed}版不变，请重新签署生成新的版本。" if signed else ""))
        return redirect(f"{reverse('investigation:case', args=[case.pk])}#committee")
    context = _case_context(request, case, opinion_form=form)
    if context["committee_opinion_form"] is None:  # not yet open to the committee: the reason on the page
        for errs in form.errors.values():
            for m in errs:
                messages.error(request, m)
        return redirect("investigation:case", pk=case.pk)
    return render(request, "investigation/case.html", context)
