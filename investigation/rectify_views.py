"""Pages of 整改规范 (investigation/rectify.py): a disposition proposed on the case page, its own
page (evidence, the committee's pre-review, the outcome, the decision's link), and the list of the
dispositions in the user's scope. Read through `visible_to`: out of scope answers 404, whatever
the method. Approval itself is on the decision's page (core/decision_views.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render

from core import decisions as core_decisions
from core.pagination import page_of

from . import rectify, views
from .choices import DispositionState, PreReview
from .forms import DispositionForm, DoneForm, PreReviewForm
from .models import BranchCheck, Campaign, Disposition

PAGE_SIZE = 100


def _disposition(request, pk):
    qs = rectify.dispositions(Disposition.objects.visible_to(request.user)).select_related(
        "case__branch_check__campaign", "case__branch", "done_by")
    return get_object_or_404(qs, pk=pk)


def case_context(request, case, dispose_form=None):
    """The case page's 整改规范 section: the case's dispositions and, when the branch may, the form."""
    may = rectify.can_propose(request.user, case.branch_check)
    return {
        "dispositions": rectify.for_case(case),
        "dispose_open": case.branch_check.state in rectify.OPEN_STATES,
        "dispose_form": (dispose_form or DispositionForm()) if may else None,
    }


def case_dispose(request, pk):
    """POST on the case: propose a disposition."""
    case = views._case(request, pk)  # out of scope: 404, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = DispositionForm(request.POST)
    ok, disp = form.perform(request, lambda cd: rectify.propose(request.user, case, cd))
    if ok:
        messages.success(request, f"{case.member.name}：已提出“{disp.get_kind_display()}”"
                         + ("，待党(工)委预审后报上级党组织审批。" if disp.is_decision else "。"))
        return redirect("investigation:disposition", pk=disp.pk)
    return render(request, "investigation/case.html", views._case_context(request, case, dispose_form=form))


def _detail_context(request, disp, prereview_form=None, done_form=None):
    user = request.user
    state = disp.state
    can_pre = (state == DispositionState.PRE_REVIEW and rectify.can_prereview(user, disp)
               and disp.proposed_by_id != user.pk)
    can_done = state == DispositionState.OPEN and rectify.can_record(user, disp)
    if disp.is_decision:
        can_withdraw = disp.decision.is_pending and core_decisions.may_withdraw(user, disp.decision)
    else:
        can_withdraw = state == DispositionState.OPEN and rectify.services.can_self_check(user, disp.case.branch_check)
    return {
        "d": disp, "case": disp.case, "member": disp.case.member, "campaign": disp.case.branch_check.campaign,
        "check": disp.case.branch_check, "state": state,
        "may_approve": disp.is_decision and core_decisions.may_decide(user, disp.decision),
        "prereview_form": (prereview_form or PreReviewForm(initial={"prereview": PreReview.AGREE})) if can_pre else None,
        "done_form": (done_form or DoneForm()) if can_done else None,
        "can_withdraw": can_withdraw,
    }


def disposition(request, pk):
    disp = _disposition(request, pk)
    return render(request, "investigation/disposition.html", _detail_context(request, disp))


def _post(request, pk):
    disp = _disposition(request, pk)  # out of scope: 404, whatever the method
    if request.method != "POST":
        return disp, HttpResponseNotAllowed(["POST"])
    return disp, None


def disposition_prereview(request, pk):
    disp, refused = _post(request, pk)
    if refused:
        return refused
    form = PreReviewForm(request.POST)
    ok, _ = form.perform(request, lambda cd: rectify.prereview(
        request.user, disp, cd["prereview"] == PreReview.AGREE, cd["prereview_opinion"]))
    if ok:
        messages.success(request, "预审意见已记录。" + ("请上级党组织审批。" if form.cleaned_data["prereview"] == PreReview.AGREE
                                                 else "该决定不予批准。"))
        return redirect("investigation:disposition", pk=disp.pk)
    return render(request, "investigation/disposition.html", _detail_context(request, disp, prereview_form=form))


def disposition_done(request, pk):
    disp, refused = _post(request, pk)
    if refused:
        return refused
    form = DoneForm(request.POST)
    ok, _ = form.perform(request, lambda cd: rectify.record_done(request.user, disp, cd["outcome"], cd["done_on"]))
    if ok:
        messages.success(request, "已登记办结。")
        return redirect("investigation:disposition", pk=disp.pk)
    return render(request, "investigation/disposition.html", _detail_context(request, disp, done_form=form))


def disposition_withdraw(request, pk):
    disp, refused = _post(request, pk)
    if refused:
        return refused
    try:
        rectify.withdraw(request.user, disp)
    except ValidationError as exc:
        views._error(request, exc)
    else:
        messages.success(request, "已撤回。")
    return redirect("investigation:disposition", pk=disp.pk)


def disposition_list(request):
    """The dispositions of a campaign in the user's scope (?c=, ?check= one branch, ?state=)."""
    campaigns = list(Campaign.objects.all()[:20])
    wanted = request.GET.get("c", "")
    chosen = next((c for c in campaigns if wanted.isdigit() and c.pk == int(wanted)), None) or (
        campaigns[0] if campaigns else None)
    qs = Disposition.objects.visible_to(request.user).filter(case__campaign=chosen)
    check = None
    raw = request.GET.get("check", "")
    if raw.isdigit() and len(raw) < 12:
        check = get_object_or_404(BranchCheck.objects.visible_to(request.user).select_related("branch"), pk=int(raw))
        qs = qs.filter(case__branch_check=check)
    state = request.GET.get("state", "")
    if state in rectify.STATE_Q:
        qs = qs.filter(rectify.STATE_Q[state])
    else:
        state = ""
    page = page_of(request, rectify.dispositions(qs).order_by("-proposed_at", "-pk"), PAGE_SIZE)
    return render(request, "investigation/dispositions.html", {
        "campaigns": campaigns, "chosen": chosen, "check": check, "page": page, "rows": page.object_list,
        "state": state, "states": [("", "全部"), *DispositionState.choices],
    })
