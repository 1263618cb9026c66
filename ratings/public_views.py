"""The public board (党务公开栏) at /public/, open without login: the notices in publicity (names,
branch, stars), a short objection form, and the five-star members of confirmed quarters. It reads
through ratings/notice.py and public.py, which carry no private field."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.lockouts import client_ip

from . import notice, objections, public
from .choices import SheetState
from .models import RatingSheet


@login_not_required
def board(request):
    return render(request, "ratings/public/board.html", public.board(request.GET.get("q", "")))


def _public_sheet(pk):
    qs = RatingSheet.objects.filter(state=SheetState.PUBLICITY).select_related("quarter", "branch")
    return get_object_or_404(qs, pk=pk)


@login_not_required
def notice_page(request, pk, errors=None, status=200, posted=None):
    sheet = _public_sheet(pk)
    ctx = notice.context(sheet, request)
    ctx.update({"errors": errors or [], "posted": posted or {}, "sent": request.GET.get("sent") == "1"})
    return render(request, "ratings/public/notice.html", ctx, status=status)


@login_not_required
@require_POST
def objection(request, pk):
    sheet = _public_sheet(pk)
    posted = {k: request.POST.get(k, "")[:600] for k in ("text", "row", "objector_name", "objector_contact")}
    number = posted["row"]
    entry_id = None
    if number:
        entries = list(sheet.entries.order_by("position", "pk").values_list("pk", flat=True))
        entry_id = entries[int(number) - 1] if number.isdigit() and 0 < int(number) <= len(entries) else "x"
    try:
        objections.submit_public(sheet, text=posted["text"], entry_id=entry_id, name=posted["objector_name"],
                                 contact=posted["objector_contact"], address=client_ip(request) or "")
    except ValidationError as exc:
        errors = [m for ms in exc.message_dict.values() for m in ms] if hasattr(exc, "message_dict") else exc.messages
        return notice_page(request, pk, errors=errors, status=400, posted=posted)
    return redirect(reverse("public:notice", args=[sheet.pk]) + "?sent=1#objection")
