"""Pages for the Party decisions about a member: propose (from the member page), the 预备党员 whose
probation has ended, and the decisions shown on the member page. Approving and refusing are core's
pages (core/decision_views.py), the same for every kind of decision."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from core import decisions as core_decisions
from core.forms import DateInput, ServiceErrorsMixin
from core.models import Decision

from . import decisions
from .models import Member

DATE_ERRORS = {"required": "请填写日期。", "invalid": "日期格式应为 2026-11-27。"}


class ProposeForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label="决定类别", error_messages={
        "required": "请选择决定类别。", "invalid_choice": "该党员当前的状态不能作所选决定。"})
    meeting_on = forms.DateField(label="支部大会日期", widget=DateInput(), error_messages=DATE_ERRORS)
    effective_on = forms.DateField(label="转正日期（仅转正时填写，为预备期满之日）", widget=DateInput(),
                                   required=False, error_messages=DATE_ERRORS)
    months = forms.TypedChoiceField(label="延长期限（仅延长预备期时选择）", coerce=int, required=False,
                                    empty_value=None,
                                    choices=[("", "请选择"), *((m, f"{m}个月") for m in decisions.EXTENSION_MONTHS)],
                                    error_messages={"invalid_choice": "延长预备期应为6至12个月（不能超过一年）。"})
    grounds = forms.CharField(label="事实和依据（支部大会表决情况、文号等）", max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "请填写事实和依据。",
                                              "max_length": "事实和依据不超过2000字。"})

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.open_kinds = decisions.kinds_open_to(member)
        self.fields["kind"].choices = [("", "请选择"), *((c, label) for c, label, _ in self.open_kinds)]
        probationary = any(c in (decisions.FULL, decisions.EXTEND) for c, _, _ in self.open_kinds)
        if probationary:
            self.fields["effective_on"].initial = decisions.probation_ends_on(member)
        else:
            del self.fields["effective_on"], self.fields["months"]

    def clean(self):
        cd = super().clean()
        kind = cd.get("kind")
        if kind == decisions.EXTEND and not cd.get("months"):
            self.add_error("months", "请选择延长的月数（6至12个月）。")
        if kind == decisions.FULL and not cd.get("effective_on") and "effective_on" in self.fields:
            self.add_error("effective_on", "请填写转正日期。")
        return cd


def _visible(request):
    return Member.objects.visible_to(request.user).select_related("organization", "party_group")


def propose(request, pk):
    member = get_object_or_404(_visible(request), pk=pk)
    if not decisions.may_propose(request.user, member):
        raise PermissionDenied
    initial = {"meeting_on": datetime.date.today()}
    if request.GET.get("kind"):
        initial["kind"] = request.GET["kind"]
    form = ProposeForm(request.POST or None, member=member, initial=initial)
    waiting = core_decisions.pending_for(member)

    def submit(cd):
        params = {"months": cd["months"]} if cd["kind"] == decisions.EXTEND else {}
        return core_decisions.propose(
            request.user, cd["kind"], member, meeting_on=cd["meeting_on"], grounds=cd["grounds"],
            effective_on=cd.get("effective_on"), params=params,
        )

    done, decision = form.perform(request, submit)
    if done:
        messages.success(request, f"已提出“{decision.kind_label}”，待上级党组织审批；批准前党员信息不变。")
        return redirect("members:detail", member.pk)
    return render(request, "members/decision_propose.html", {
        "form": form, "member": member, "waiting": waiting,
        "probation_ends_on": decisions.probation_ends_on(member) if member.category == "probationary" else None,
    })


def probation(request):
    """预备期已满未作决定: the 预备党员 in scope whose year (or extension) has passed."""
    overdue = decisions.overdue_probationers(Member.objects.visible_to(request.user))
    pending = {
        d.object_id: d for d in Decision.objects.visible_to(request.user).pending()
        .filter(object_id__in=[str(m.pk) for m, _ in overdue], kind__in=[decisions.FULL, decisions.EXTEND,
                                                                        decisions.DISQUALIFY])
    }
    today = datetime.date.today()
    # Whether the user may propose is decided per row, by the grants covering that member's branch.
    rows = [(m, end, (today - end).days, pending.get(str(m.pk)), decisions.may_propose(request.user, m))
            for m, end in overdue]
    return render(request, "members/decision_probation.html", {"rows": rows})


def member_context(user, member):
    """The decisions about a member and the history of each, for the member page."""
    items = list(Decision.objects.for_subject(member).select_related("corrects"))
    history = core_decisions.history(items)
    return {
        "decisions": [(d, history.get(d.pk, []), core_decisions.may_decide(user, d)) for d in items],
        "can_propose": decisions.may_propose(user, member) and bool(decisions.kinds_open_to(member)),
        "probation_ends_on": decisions.probation_ends_on(member)
        if member.on_roll and member.category == "probationary" else None,
    }
