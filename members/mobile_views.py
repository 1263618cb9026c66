"""The mobile-member pages: the ledger (流动党员台账) with its files, one period's page, and the forms
to start an out-flow, register an in-flow, record a report, end and correct a period. Each view
reads the request, calls one service of members/mobile.py, renders."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions
from core import audit, exports
from core.documents import screen_rows
from core.pagination import page_of
from core.views import notify_queued

from . import idcard, mobile, mobile_ledger
from .exports import params_from_request
from .mobile_forms import EndForm, PeriodForm, ReportForm
from .models import Member, MobilePeriod
from .models.mobile import Direction


def _periods(request):
    return MobilePeriod.objects.visible_to(request.user).select_related("member__organization", "organization")


def _managed(request, pk):
    """A period in scope (else 404) that this user may change (else 403)."""
    period = get_object_or_404(_periods(request), pk=pk)
    if not mobile.can_manage(request.user, period):
        raise PermissionDenied
    return period


def member_context(user, member):
    """The member page's card: its periods, newest first, and what the user may do."""
    periods = list(MobilePeriod.objects.filter(member=member).order_by("-started_on", "-pk"))
    may = permissions.can_edit_member(user, member)
    has_open = any(p.ended_on is None for p in periods)
    return {
        "mobile_periods": periods,
        "can_manage_mobile": may and member.on_roll,
        "can_start_outflow": may and member.on_roll and not has_open,
        "mobile_flag_unrecorded": member.is_mobile and not has_open,
    }


def ledger(request):
    qs, form, direction = mobile_ledger.ledger(request.user, request.GET)
    columns = mobile_ledger.columns_for(request.user, direction, screen=True)
    page = page_of(request, qs, mobile_ledger.PAGE_SIZE)
    unrecorded = None
    if direction == Direction.OUT:  # flagged before the records existed (or by an import)
        unrecorded = (Member.objects.visible_to(request.user).on_roll().filter(is_mobile=True)
                      .exclude(mobile_periods__direction=Direction.OUT, mobile_periods__ended_on__isnull=True)
                      .count())
    return render(request, "members/mobile/ledger.html", {
        "form": form, "page": page, "direction": direction, "title": mobile_ledger.TITLES[direction],
        "rows": screen_rows(columns, page.object_list, start=page.start_index()),
        "columns": columns, "unrecorded": unrecorded,
        "can_edit": permissions.can_edit_members(request.user),
    })


@require_POST
def ledger_export(request, fmt):
    """The ledger's Excel/PDF buttons post the page's filters here."""
    try:
        response, job = exports.start(request.user, "mobile_ledger", fmt, params_from_request(request))
    except exports.ExportRefused as exc:
        return exports.refused(request, exc)
    if job is not None:
        notify_queued(request, job)
        return redirect("downloads")
    return response


def _form_page(request, form, title, member=None, period=None):
    return render(request, "members/mobile/form.html", {
        "form": form, "title": title, "member": member or (period.member if period else None), "period": period,
    })


def outflow_start(request, pk):
    member = get_object_or_404(Member.objects.visible_to(request.user).select_related("organization"), pk=pk)
    if not permissions.can_edit_member(request.user, member):
        raise PermissionDenied
    period = MobilePeriod(direction=Direction.OUT, member=member, original_job=member.job_category)
    form = PeriodForm(request.POST or None, instance=period, user=request.user)
    done, period = form.perform(request, lambda cd: mobile.start_outflow(request.user, member,
                                                                          form.data_for_service()))
    if done:
        messages.success(request, f"已登记“{member.name}”外出流动。")
        return redirect("members:detail", member.pk)
    return _form_page(request, form, f"登记流出：{member.name}", member=member)


def inflow_create(request):
    if not permissions.can_edit_members(request.user):
        raise PermissionDenied
    form = PeriodForm(request.POST or None, instance=MobilePeriod(direction=Direction.IN), user=request.user)
    done, period = form.perform(request, lambda cd: mobile.register_inflow(request.user, form.data_for_service()))
    if done:
        messages.success(request, f"已登记流入党员“{period.name}”。")
        return redirect("members:mobile_detail", period.pk)
    return _form_page(request, form, "登记流入党员")


def period_detail(request, pk):
    period = get_object_or_404(_periods(request), pk=pk)
    if period.member_id:  # an out-flow's history is its member's (it follows the member)
        history = audit.history(period.member).filter(action__startswith="mobile_")
        full = permissions.can_see_full_id(request.user, period.member)
    else:
        history = audit.history(period)
        full = mobile.can_manage(request.user, period)
    may = mobile.can_manage(request.user, period) and (not period.member_id or period.member.on_roll)
    return render(request, "members/mobile/detail.html", {
        "period": period, "reports": period.reports.all(), "history": history[:200], "full_ids": full,
        "can_manage": may, "member": period.member,
        "id_shown": "" if period.member_id else period.id_number if full else idcard.mask(period.id_number),
    })


def period_report(request, pk):
    period = _managed(request, pk)
    form = ReportForm(request.POST or None)
    done, _ = form.perform(request, lambda cd: mobile.record_report(
        request.user, period, cd["reported_on"], cd["channel"], cd["content"]))
    if done:
        messages.success(request, "汇报已登记。")
        return redirect("members:mobile_detail", period.pk)
    return _form_page(request, form, f"登记汇报：{_who(period)}", period=period)


def period_end(request, pk):
    period = _managed(request, pk)
    form = EndForm(request.POST or None, period=period)
    done, _ = form.perform(request, lambda cd: mobile.end_period(request.user, period, cd["ended_on"], cd["reason"]))
    if done:
        messages.success(request, "已登记返回，流动结束。" if period.is_out else "已登记离开，流入结束。")
        return redirect("members:mobile_detail", period.pk)
    title = f"登记返回：{_who(period)}" if period.is_out else f"登记离开：{_who(period)}"
    return _form_page(request, form, title, period=period)


def period_edit(request, pk):
    period = _managed(request, pk)
    form = PeriodForm(request.POST or None, instance=period, user=request.user, correcting=True)
    done, _ = form.perform(request, lambda cd: mobile.correct_period(
        request.user, period, form.data_for_service(), cd["change_reason"]))
    if done:
        messages.success(request, "更正已保存。")
        return redirect("members:mobile_detail", period.pk)
    return _form_page(request, form, f"更正流动记录：{_who(period)}", period=period)


def _who(period):
    return period.member.name if period.member_id else period.name
