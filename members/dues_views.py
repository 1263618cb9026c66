"""Dues pages: the branches' overview, a branch's year sheet and its month grid, a member's dues,
the standard form and the correction of a payment. Each view reads the request, calls one
service of members/dues.py, renders."""

import datetime
from collections import Counter

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from branches.models import Organization
from core import exports
from core.documents import screen_rows
from core.forms import DateInput, ServiceErrorsMixin
from core.scoping import covers
from core.views import notify_queued

from . import dues, dues_sheet
from .models import DuesBasis, DuesPayment, Member

# -- forms ----------------------------------------------------------------------------------------

MONEY_INPUT = {"inputmode": "decimal", "autocomplete": "off", "maxlength": 20}


def _money(label, required=False, **kw):
    return forms.CharField(label=label, required=required, max_length=20,
                           widget=forms.TextInput(attrs=MONEY_INPUT), **kw)


class MonthInput(forms.TextInput):
    input_type = "month"


def _clean_money(form, name, label):
    try:
        return dues.parse_amount(form.cleaned_data.get(name), label)
    except ValidationError as exc:
        raise forms.ValidationError(exc.messages[0]) from exc


class StandardForm(ServiceErrorsMixin, forms.Form):
    valid_from = forms.CharField(label="起始月份", max_length=20, widget=MonthInput(),
                                 help_text="从该月起按此标准交纳，如 2026-01。")
    basis = forms.ChoiceField(label="交纳依据", choices=DuesBasis.choices)
    income = _money("税后月收入（元）", help_text="在职按月工资收入（税后），离退休按月离退休费；其他人员不填。")
    farmer_amount = _money("农民党员月交纳额（元）", help_text="0.2元至1元，由党支部确定。")
    reduced = forms.BooleanField(label="经济确有困难，经上一级党委批准少交或免交", required=False)
    reduced_amount = _money("批准后的月交纳额（元）", help_text="免交填 0。")
    reduction_reason = forms.CharField(label="困难情况", max_length=200, required=False)
    approved_by = forms.CharField(label="批准的上一级党委", max_length=100, required=False)
    approved_on = forms.DateField(label="批准日期", required=False, widget=DateInput(),
                                  error_messages={"invalid": "日期格式应为 2026-11-27。"})
    reason = forms.CharField(label="说明（选填）", max_length=200, required=False)

    def clean_valid_from(self):
        try:
            return dues.parse_month(self.cleaned_data["valid_from"], "起始月份")
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0]) from exc

    def clean_income(self):
        return _clean_money(self, "income", "税后月收入")

    def clean_farmer_amount(self):
        return _clean_money(self, "farmer_amount", "农民党员月交纳额")

    def clean_reduced_amount(self):
        return _clean_money(self, "reduced_amount", "批准后的月交纳额")


class CorrectForm(ServiceErrorsMixin, forms.Form):
    amount = _money("金额（元）")
    paid_on = forms.DateField(label="交纳日期", required=False, widget=DateInput(),
                              error_messages={"invalid": "日期格式应为 2026-11-27。"})
    delete = forms.BooleanField(label="删除这条记录（登记错了）", required=False)
    reason = forms.CharField(label="更正原因", max_length=200)

    def clean_amount(self):
        return _clean_money(self, "amount", "金额")


class GridForm(ServiceErrorsMixin, forms.Form):
    paid_on = forms.DateField(label="交纳日期", widget=DateInput(), error_messages={
        "invalid": "日期格式应为 2026-11-27。", "required": "请填写交纳日期。"})


# -- helpers --------------------------------------------------------------------------------------

def _branch(request, org_pk):
    return get_object_or_404(Organization.objects.visible_to(request.user).branches(), pk=org_pk)


def _member(request, pk):
    return get_object_or_404(Member.objects.visible_to(request.user).select_related("organization"), pk=pk)


def _can_edit(user, org):
    return covers(user.editor_paths, org.path)


def _month_from(request, data):
    """The month asked for (default: this month); a bad or future one falls back to this month with a
    message."""
    this = dues.current_month()
    text = data.get("month")
    if not text:
        return this
    try:
        month = dues.parse_month(text)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return this
    if month > this:
        messages.error(request, f"不能登记以后月份（{dues.month_label(month)}）的党费，已显示本月。")
        return this
    return month


def member_context(user, member):
    """For the member page's dues card."""
    return {"dues": dues.summary(member), "can_edit_dues": _can_edit(user, member.organization) and member.on_roll}


# -- the branches ---------------------------------------------------------------------------------

def index(request):
    """Each branch in scope: members on the roll, without a standard, in arrears, 6 months or more."""
    branches = list(Organization.objects.visible_to(request.user).branches().active().order_by("path"))
    members = Member.objects.visible_to(request.user).on_roll()

    def by_branch(qs, **extra):
        return dict(qs.values("organization_id").annotate(n=Count("pk", **extra)).order_by()
                    .values_list("organization_id", "n"))

    total = by_branch(members)
    with_std = by_branch(members, filter=Q(dues_account__isnull=False))
    owing = by_branch(dues.arrears_members(members))
    long = by_branch(dues.arrears_members(members, months=dues.BACK_PAY_MONTHS))
    rows = [(b, total.get(b.pk, 0), total.get(b.pk, 0) - with_std.get(b.pk, 0), owing.get(b.pk, 0),
             long.get(b.pk, 0)) for b in branches if total.get(b.pk)]
    return render(request, "members/dues/index.html", {
        "rows": rows, "owing": sum(owing.values()), "long": sum(long.values()), "months": dues.BACK_PAY_MONTHS,
    })


def branch(request, org_pk):
    """The branch's year sheet on screen (the same columns as the Excel and PDF)."""
    org = _branch(request, org_pk)
    year = dues_sheet.parse_year(request.GET.get("year"))
    rows = dues_sheet.sheet_rows(request.user, org, year)
    return render(request, "members/dues/branch.html", {
        "org": org, "year": year, "years": dues_sheet.years(), "columns": dues_sheet.COLUMNS,
        "rows": screen_rows(dues_sheet.COLUMNS, rows), "detail_keys": dues_sheet.DETAIL_KEYS,
        "doc": dues_sheet.sheet_document(org, year),
        "no_standard": sum(1 for r in rows if not r.summary.standards),
        "owing": sum(1 for r in rows if r.summary.arrears),
        "can_edit": _can_edit(request.user, org), "this_month": dues.current_month(),
    })


def sheet_export(request, org_pk, fmt):
    org = _branch(request, org_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    params = {"org": [str(org.pk)], "year": [str(dues_sheet.parse_year(request.POST.get("year")))]}
    try:
        response, job = exports.start(request.user, "dues_sheet", fmt, params)
    except exports.ExportRefused as exc:
        return exports.refused(request, exc)
    if job is not None:
        notify_queued(request, job)
        return redirect("downloads")
    return response


class GridRow:
    def __init__(self, summary, month):
        self.summary, self.member = summary, summary.member
        self.standard = dues.standard_for(summary.standards, month)
        self.payment = summary.paid.get(month)
        self.checked, self.error, self.twin = False, "", False
        self.amount = dues.yuan(self.standard.amount) if self.standard is not None else ""

    @property
    def key(self):
        return str(self.member.pk)


def _read_grid(request, rows, problems):
    """The ticked members and their amounts as typed: ({member id: Decimal, or None for the
    standard}, whether anything was wrong). A wrong amount goes on its row; the rows keep what was
    typed. Ids of members not on the page are kept: the service refuses them (tampered posts)."""
    amounts, bad = {}, False
    shown = {r.key: r for r in rows}
    for key in request.POST:
        if not key.startswith("pay_"):
            continue
        pk = key[4:]
        if not pk.isdigit() or len(pk) > 18:
            problems.append("提交的数据无效，请刷新页面后重新填写。")
            return amounts, True
        text = request.POST.get(f"amount_{pk}", "")
        row = shown.get(pk)
        try:
            amounts[int(pk)] = dues.parse_amount(text)
        except ValidationError as exc:
            bad = True
            if row is not None:
                row.error = exc.messages[0]
            else:
                problems.append(exc.messages[0])
        if row is not None:
            row.checked, row.amount = True, text[:20]
    for r in rows:  # the values typed stay on the page after an error
        if not r.checked:
            r.amount = request.POST.get(f"amount_{r.key}", r.amount)[:20]
    return amounts, bad


def grid(request, org_pk):
    """登记党费: one month of the whole branch at once. Saved in one transaction or not at all."""
    org = _branch(request, org_pk)
    editable = _can_edit(request.user, org)
    problems, refused = [], False
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        try:  # a posted month is taken as it is: the service refuses a future one
            month = dues.parse_month(request.POST.get("month", ""))
        except ValidationError as exc:
            problems.append(exc.messages[0])
            month, refused = dues.current_month(), True
    else:
        month = _month_from(request, request.GET)
    members = dues_sheet.sheet_members(request.user, org)
    by_id = dues.summaries(members)
    rows = [GridRow(by_id[m.pk], month) for m in members]
    # What is left to enter first, then those without a standard, then those already paid.
    rows.sort(key=lambda r: 2 if r.payment else 0 if r.standard else 1)
    names = Counter(r.member.name for r in rows)
    for r in rows:  # two members of the same name are told apart by the year of birth
        r.twin = names[r.member.name] > 1
    form = GridForm(request.POST or None, initial={"paid_on": datetime.date.today()})
    if request.method == "POST":
        amounts, bad = _read_grid(request, rows, problems)
        bad = bad or refused
        if form.is_valid() and not bad:
            try:
                made = dues.save_month(request.user, org, month, form.cleaned_data["paid_on"], amounts)
            except ValidationError as exc:
                problems.extend(exc.messages)
            else:
                total = sum(p.amount for p in made)
                messages.success(request, f"已登记{dues.month_label(month)}党费：{len(made)}人，合计{dues.yuan(total)}元。")
                return redirect(f"{reverse('members:dues_grid', args=[org.pk])}?month={month:%Y-%m}")
        if any(r.error for r in rows):
            problems.insert(0, "有金额填写不正确，请按提示修改，尚未保存。")
    return render(request, "members/dues/grid.html", {
        "org": org, "month": month, "month_value": f"{month:%Y-%m}", "rows": rows, "form": form,
        "problems": problems, "editable": editable, "max_month": f"{dues.current_month():%Y-%m}",
        "unpaid": sum(1 for r in rows if r.payment is None and r.standard is not None),
    })


# -- a member -------------------------------------------------------------------------------------

def member(request, pk):
    m = _member(request, pk)
    s = dues.summary(m)
    payments = sorted(s.paid.values(), key=lambda p: p.month, reverse=True)
    return render(request, "members/dues/member.html", {
        "member": m, "dues": s, "payments": payments, "standards": list(reversed(s.standards)),
        "can_edit_dues": _can_edit(request.user, m.organization) and m.on_roll,
        "can_correct": _can_edit(request.user, m.organization),
    })


def standard(request, pk):
    m = _member(request, pk)
    if not (_can_edit(request.user, m.organization) and m.on_roll):
        raise PermissionDenied
    current = dues.summary(m).standard
    initial = {"valid_from": f"{dues.current_month():%Y-%m}", "farmer_amount": "0.20"}
    if current is not None:
        initial.update(basis=current.basis, income=dues.yuan(current.income),
                       farmer_amount=dues.yuan(current.amount) if current.basis == DuesBasis.FARMER else "0.20")
    form = StandardForm(request.POST or None, initial=initial)
    done, saved = form.perform(request, lambda cd: dues.save_standard(
        request.user, m, valid_from=cd["valid_from"], basis=cd["basis"], income=cd["income"],
        farmer_amount=cd["farmer_amount"], reduced=cd["reduced"], reduced_amount=cd["reduced_amount"],
        reduction_reason=cd["reduction_reason"], approved_by=cd["approved_by"], approved_on=cd["approved_on"],
        reason=cd["reason"]))
    if done:
        messages.success(request, f"已核定{m.name}的党费标准：自{dues.month_label(saved.valid_from)}起每月"
                                  f"{dues.yuan(saved.amount)}元。")
        return redirect("members:dues_member", m.pk)
    return render(request, "members/dues/standard.html", {"form": form, "member": m, "current": current})


def correct(request, pk):
    m = _member(request, pk)
    if not _can_edit(request.user, m.organization):
        raise PermissionDenied
    try:
        month = dues.parse_month(request.GET.get("month", ""))
    except ValidationError:
        month = None
    payment = get_object_or_404(DuesPayment.objects.filter(member=m), month=month) if month else None
    if payment is None:
        messages.error(request, "请从党费记录中选择要更正的月份。")
        return redirect("members:dues_member", m.pk)
    form = CorrectForm(request.POST or None, initial={"amount": dues.yuan(payment.amount), "paid_on": payment.paid_on})
    done, _ = form.perform(request, lambda cd: dues.correct_payment(
        request.user, payment, amount=cd["amount"], paid_on=cd["paid_on"], reason=cd["reason"], delete=cd["delete"]))
    if done:
        what = "删除" if form.cleaned_data["delete"] else "更正"
        messages.success(request, f"已{what}{m.name}{dues.month_label(payment.month)}的党费记录。")
        return redirect("members:dues_member", m.pk)
    return render(request, "members/dues/correct.html", {"form": form, "member": m, "payment": payment})

