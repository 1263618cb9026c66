"""Pages of the relationship transfers: the letters list, a letter (with its PDF and its steps),
issuing a letter out of the county or starting a transfer within it from the member page, and
registering a member who arrived from outside the county. The work is members/transfers.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts import permissions
from core import audit, exports
from core.scoping import covers

from . import transfers
from .letter_pdf import letter_pdf as render_letter_pdf
from .models import LetterKind, LetterStatus, Member, TransferLetter
from .transfer_forms import CancelForm, ConfirmForm, IncomingForm, InternalForm, LetterOutForm, ReceiptForm

TABS = [
    ("open", "待办结"),
    ("overdue", "回执逾期"),
    ("confirm", "待我方确认接收"),
    ("all", "全部"),
]


def _member(request, pk):
    """A member the user may transfer: in scope (else 404) and under an editor grant (else 403)."""
    member = get_object_or_404(Member.objects.visible_to(request.user).select_related("organization", "party_group"),
                               pk=pk)
    if not permissions.can_edit_member(request.user, member):
        raise PermissionDenied
    return member


def _letter(request, pk):
    return get_object_or_404(transfers.letters_visible_to(request.user), pk=pk)


def transfer_list(request):
    tab = request.GET.get("show", "open")
    if tab not in dict(TABS):
        tab = "open"
    today = transfers.today()
    qs = transfers.letters_visible_to(request.user)
    if tab == "open":
        qs = qs.open().order_by("receipt_due_on", "pk")
    elif tab == "overdue":
        qs = transfers.overdue_receipts(request.user, today)
    elif tab == "confirm":
        qs = transfers.awaiting_confirmation(request.user)
    letters = list(qs[:500])
    return render(request, "members/transfers/list.html", {
        "letters": letters, "tab": tab, "tabs": TABS, "today": today, "truncated": len(letters) == 500,
        "can_register": permissions.can_edit_members(request.user),
    })


def letter_detail(request, pk):
    letter = _letter(request, pk)
    user = request.user
    sender = covers(user.editor_paths, letter.from_org.path)
    return render(request, "members/transfers/detail.html", {
        "letter": letter,
        "member_visible": Member.objects.visible_to(user).filter(pk=letter.member_id).exists(),
        "overdue": letter.is_overdue(transfers.today()),
        "can_receipt": sender and letter.kind == LetterKind.OUT and letter.status == LetterStatus.ISSUED,
        "can_confirm": transfers.can_confirm(user, letter),
        "can_cancel": transfers.can_cancel(user, letter),
        "history": audit.history(letter)[:50],
    })


def letter_pdf(request, pk):
    letter = _letter(request, pk)
    content = render_letter_pdf(letter, full_id=covers(request.user.editor_paths, letter.from_org.path))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = exports.content_disposition(
        f"组织关系介绍信_{letter.number}_{letter.member.name}.pdf", inline=True)
    return response


def _action_page(request, letter, form, title, submit, danger=False):
    return render(request, "members/transfers/action.html", {
        "letter": letter, "form": form, "title": title, "submit": submit, "danger": danger,
    })


def letter_out(request, pk):
    """转出县外: issue the letter from the member page."""
    member = _member(request, pk)
    form = LetterOutForm(request.POST or None, member=member)
    done, letter = form.perform(request, lambda cd: transfers.issue_letter(
        request.user, member, addressee=cd["addressee"], destination=cd["destination"], issued_on=cd["issued_on"],
        dues_paid_to=cd["dues_paid_to"], reason=cd["reason"], seen=form.seen()))
    if done:
        messages.success(request, f"已开具组织关系介绍信第{letter.number}号，{member.name}已转出。请打印三联介绍信。")
        return redirect("members:letter", letter.pk)
    return render(request, "members/transfers/start.html", {
        "form": form, "member": member, "title": f"转出县外：{member.name}", "submit": "开具介绍信",
    })


def transfer_start(request, pk):
    """县内转接: the sending side starts; the receiving side confirms on the letter's page."""
    member = _member(request, pk)
    form = InternalForm(request.POST or None, member=member)
    done, letter = form.perform(request, lambda cd: transfers.start_internal(
        request.user, member, cd["branch"], reason=cd["reason"], issued_on=cd["issued_on"],
        dues_paid_to=cd["dues_paid_to"], seen=form.seen()))
    if done:
        messages.success(request, f"已发起转接（介绍信第{letter.number}号），等待“{letter.to_org.name}”确认接收。")
        return redirect("members:letter", letter.pk)
    return render(request, "members/transfers/start.html", {
        "form": form, "member": member, "title": f"县内转接：{member.name}", "submit": "发起转接",
    })


def letter_receipt(request, pk):
    letter = _letter(request, pk)
    if not covers(request.user.editor_paths, letter.from_org.path):
        raise PermissionDenied
    form = ReceiptForm(request.POST or None)
    done, _ = form.perform(request, lambda cd: transfers.register_receipt(
        request.user, letter, cd["receipt_on"], cd["receipt_unit"]))
    if done:
        messages.success(request, f"已登记介绍信第{letter.number}号的回执。")
        return redirect("members:letter", letter.pk)
    return _action_page(request, letter, form, f"登记回执：第{letter.number}号", "登记回执")


def letter_confirm(request, pk):
    letter = _letter(request, pk)
    if not covers(request.user.editor_paths, letter.to_org.path if letter.to_org_id else "\0"):
        raise PermissionDenied
    form = ConfirmForm(request.POST or None, letter=letter, user=request.user)
    done, _ = form.perform(request, lambda cd: transfers.confirm_internal(request.user, letter, cd["party_group"]))
    if done:
        messages.success(request, f"已确认接收{letter.member.name}，组织关系已转入“{letter.to_org.name}”，回执已自动登记。")
        return redirect("members:letter", letter.pk)
    return _action_page(request, letter, form, f"确认接收：{letter.member.name}", "确认接收")


def letter_cancel(request, pk):
    letter = _letter(request, pk)
    if not transfers.can_cancel(request.user, letter):
        raise PermissionDenied
    form = CancelForm(request.POST or None)
    done, _ = form.perform(request, lambda cd: transfers.cancel_letter(request.user, letter, cd["reason"]))
    if done:
        back = "，党员已恢复在册" if letter.kind == LetterKind.OUT else ""
        messages.success(request, f"介绍信第{letter.number}号已作废{back}。")
        return redirect("members:letter", letter.pk)
    sending = covers(request.user.editor_paths, letter.from_org.path)
    title = f"作废介绍信：第{letter.number}号" if sending else f"退回转接：第{letter.number}号"
    return _action_page(request, letter, form, title, "确认作废" if sending else "确认退回", danger=True)


def transfer_in(request):
    """从县外转入: the member's record with the details of the letter it brought."""
    if not permissions.can_edit_members(request.user):
        raise PermissionDenied
    form = IncomingForm(request.POST or None, user=request.user)

    def register(cd):
        return transfers.register_incoming(
            request.user, form.instance, letter_number=cd["letter_number"], from_org_name=cd["from_org_name"],
            issued_on=cd["letter_issued_on"], valid_until=cd["valid_until"], received_on=cd["received_on"],
            reason=cd["reason"])

    done, incoming = form.perform(request, register)
    if done:
        messages.success(request, f"已登记从县外转入的党员“{incoming.member.name}”。")
        return redirect("members:detail", incoming.member.pk)
    return render(request, "members/form.html", {"form": form, "title": "县外转入登记"})


def branch_section(request, org):
    """The branch page's section: members transferred out awaiting their receipt (they stay in the
    branch's scope until it is registered), and internal transfers waiting on either side."""
    if not org.is_branch:
        return None
    letters = list(
        TransferLetter.objects.filter(from_org=org, status__in=[LetterStatus.ISSUED, LetterStatus.PENDING])
        .select_related("member", "to_org").order_by("receipt_due_on", "pk")[:200]
    )
    incoming = list(
        TransferLetter.objects.filter(to_org=org, status=LetterStatus.PENDING).select_related("member", "from_org")
    )
    return {"template": "members/transfers/_branch.html", "letters": letters, "incoming": incoming,
            "today": transfers.today(), "list_url": reverse("members:transfers")}
