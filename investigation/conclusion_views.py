"""总结巩固: a committee's acceptance of its branches' work and its summary (the data part of the
综合报告, with 附件4), as a page and as PDF. Read through the committee's opinion (one per committee
and campaign, scoped: out of scope 404); printing is audited on the committee. And the county
overview (overview.py) for county staff and committees."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from core import audit, exports
from core.documents import render_form_pdf, signatory

from . import overview, services, summary
from .forms import AcceptForm
from .models import Campaign
from .views import _opinion


def _context(request, op, form=None):
    acceptance = services.acceptance_of(op)
    can = services.can_sign(request.user, op) and acceptance is None
    refusal = services.refusal_to_accept(op) if acceptance is None else ""
    if can and form is None:
        form = AcceptForm(initial={"accepter_name": op.signer_name})
    return {
        "opinion": op, "campaign": op.campaign, "acceptance": acceptance, "refusal": refusal,
        "form": form if can else None, "s": summary.build(op.committee, op.campaign),
    }


def conclusion(request, pk):
    """The committee's acceptance and summary page."""
    op = _opinion(request, pk)
    return render(request, "investigation/conclusion.html", _context(request, op))


def accept(request, pk):
    op = _opinion(request, pk)  # out of scope: 404, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AcceptForm(request.POST)
    ok, _ = form.perform(request, lambda cd: services.accept(request.user, op, cd))
    if ok:
        messages.success(request, f"{op.committee.name}的排查工作已验收。")
        return redirect("investigation:conclusion", pk=op.pk)
    return render(request, "investigation/conclusion.html", _context(request, op, form), status=200)


SUMMARY_TITLE = "党员组织关系排查工作总结（数据部分）"


def summary_pdf(request, pk):
    """The summary with 附件4 as one PDF (A4; 附件4 on a landscape page)."""
    op = _opinion(request, pk)
    s = summary.build(op.committee, op.campaign)
    buf = io.BytesIO()
    render_form_pdf("investigation/summary_pdf.html", {
        "title": SUMMARY_TITLE, "opinion": op, "s": s, "acceptance": services.acceptance_of(op),
        "signatory": signatory(op.committee.kind), "widths": s.annex4.pdf_widths if s.annex4 else None,
    }, buf)
    name = exports.file_name(f"排查工作总结_{op.committee.name}", "pdf", rows=s.totals["total"], row_word="人")
    with transaction.atomic():
        audit.record(request.user, op.committee, audit.Action.EXPORT,
                     reason=f"打印《{SUMMARY_TITLE}》（{name}）；排查工作：{op.campaign.name}")
    return exports.attachment(buf.getvalue(), name, "application/pdf")


def overview_page(request):
    """排查总览: progress per committee (and per branch of a chosen committee), overdue work, the
    mobile, hanging and lost counts, the charts of the lost. County staff and committees only."""
    if not overview.can_see(request.user):
        raise PermissionDenied("排查总览只对县委组织部和党(工)委开放。")
    campaigns = list(Campaign.objects.all()[:20])
    wanted = request.GET.get("c", "")
    chosen = next((c for c in campaigns if wanted.isdigit() and c.pk == int(wanted)), None)
    chosen = chosen or (campaigns[0] if campaigns else None)
    raw = request.GET.get("committee", "")
    committee_id = int(raw) if raw.isdigit() and len(raw) < 12 else None
    ov = overview.build(request.user, chosen, committee_id) if chosen else None
    if ov is not None and committee_id is not None and ov.chosen is None:
        raise Http404("所选党(工)委不存在或不在您的管理范围内")
    return render(request, "investigation/overview.html", {"campaigns": campaigns, "campaign": chosen, "ov": ov})
