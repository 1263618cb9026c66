"""决定审批: the pending decisions an approver may decide, and one decision's page, where the level
above approves or refuses it with an opinion and the proposing unit may withdraw it."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from . import decisions
from .forms import DateInput, ServiceErrorsMixin
from .models import Decision
from .pagination import page_of


class DecideForm(ServiceErrorsMixin, forms.Form):
    decided_on = forms.DateField(label="审批日期（上级党组织批准之日）", widget=DateInput(),
                                 initial=datetime.date.today,
                                 error_messages={"required": "请填写审批日期。", "invalid": "日期格式应为 2026-11-27。"})
    opinion = forms.CharField(label="审批意见（不予批准时必填）", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"max_length": "审批意见不超过2000字。"})
    action = forms.ChoiceField(choices=[("approve", "批准"), ("refuse", "不予批准")], widget=forms.HiddenInput,
                               error_messages={"required": "请选择批准或不予批准。",
                                               "invalid_choice": "请选择批准或不予批准。"})


def decision_list(request):
    """待审批: by default those this user may decide; ?show=all: every decision in scope."""
    show_all = request.GET.get("show") == "all"
    if show_all:
        qs = Decision.objects.visible_to(request.user).order_by("-proposed_at", "-pk")
        page = page_of(request, qs, 50)
        items = list(page.object_list)
    else:
        items = decisions.awaiting(request.user)
        page = None
    rows = [(d, decisions.subject_url(d), decisions.may_decide(request.user, d)) for d in items]
    return render(request, "core/decision_list.html", {"rows": rows, "page": page, "show_all": show_all})


def _get(request, pk):
    return get_object_or_404(Decision.objects.visible_to(request.user), pk=pk)


def decision_detail(request, pk):
    decision = _get(request, pk)
    can_decide = decisions.may_decide(request.user, decision)
    form = DecideForm(request.POST or None)
    if request.method == "POST":
        def act(cd):
            if cd["action"] == "approve":
                return decisions.approve(request.user, decision, cd["opinion"], cd["decided_on"])
            return decisions.refuse(request.user, decision, cd["opinion"])

        done, result = form.perform(request, act)
        if done:
            messages.success(request, f"“{result.kind_label}”{result.get_state_display()}（{result.subject_repr}）。")
            return redirect("decision_detail", decision.pk)
    return render(request, "core/decision_detail.html", {
        "decision": decision,
        "history": decisions.history([decision])[decision.pk],
        "subject_url": decisions.subject_url(decision),
        "can_decide": can_decide,
        "approval_blocked": decisions.approval_blocked(decision) if can_decide else "",
        "form": form,
        "can_withdraw": decisions.may_withdraw(request.user, decision),
    })


def decision_withdraw(request, pk):
    decision = _get(request, pk)
    if request.method != "POST":
        return redirect("decision_detail", decision.pk)
    try:
        decisions.withdraw(request.user, decision)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已撤回：{decision}。")
    return redirect("decision_detail", decision.pk)
