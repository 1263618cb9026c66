"""The forms page (表格) and the files of investigation/documents.py: for a campaign and an
organization the user may see (default: the newest campaign, the user's own organization). An
organization outside the scope, or an unknown campaign, answers 404. Every file made is audited
on the organization; a long register goes to the background worker (我的下载)."""

import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from branches.choices import OrgKind
from branches.forms import TreeChoiceIterator
from branches.models import Organization
from core import audit, exports
from core.documents import GridError, render_form_pdf
from core.forms import CleanInputMixin, quick_selects
from core.views import notify_queued

from . import documents
from .models import BranchCheck, Campaign, Case, VerificationReport, investigation_paths

GRIDS = {"annex3": ("附件3", documents.annex3), "annex4": ("附件4", documents.annex4)}
# (name, 附件 label, title, kind) in the order of the page
FORMS = [
    ("annex1", "附件1", documents.ANNEX1_TITLE, "register"),
    ("annex2", "附件2", documents.ANNEX2_TITLE, "register"),
    ("annex3", "附件3", "与党组织失去联系党员情况汇总表", "grid"),
    ("annex4", "附件4", "与党组织失去联系党员管理及处置情况汇总表", "grid"),
    ("ledger", "台账", documents.LEDGER_TITLE, "register"),
]


class FormsForm(CleanInputMixin, forms.Form):
    campaign = forms.ModelChoiceField(label="排查工作", queryset=Campaign.objects.none(), required=False,
                                      error_messages={"invalid_choice": "所选排查工作不存在。"})
    org = forms.ModelChoiceField(label="党组织", queryset=Organization.objects.none(), required=False,
                                 error_messages={"invalid_choice": "所选党组织不存在或不在您的管理范围内。"})

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quick_selects(self)
        self.fields["campaign"].queryset = Campaign.objects.all()
        self.fields["campaign"].empty_label = None
        self.fields["org"].iterator = TreeChoiceIterator
        self.fields["org"].queryset = (Organization.objects.within(investigation_paths(user))
                                       .exclude(kind=OrgKind.GROUP))
        self.fields["org"].empty_label = None


def default_org(user):
    """The organization of the user's first grant of an investigation role; None: the user takes no
    part in the investigation (a tracking cadre)."""
    paths = investigation_paths(user)
    for g in user.grant_list:
        if g.organization.kind != OrgKind.GROUP and any(g.organization.path.startswith(p) for p in paths):
            return g.organization
    if paths == [""]:  # a county-wide grant (the superuser): the county
        return Organization.objects.filter(parent=None).order_by("path").first()
    return None


def choose(user, params):
    """(form, campaign, org) from the request's parameters; Http404 when either is not the user's to see
    (organizations under the user's grants of the investigation's roles: models.investigation_paths),
    PermissionDenied for a user without such a grant. campaign is None when no campaign was ever opened."""
    data = {"campaign": params.get("campaign") or "", "org": params.get("org") or ""}
    if not data["campaign"]:
        newest = Campaign.objects.order_by("-mobilize_start", "-pk").first()
        data["campaign"] = newest.pk if newest else ""
    if not investigation_paths(user):
        raise PermissionDenied("排查数据只对县委组织部、党(工)委和党支部书记开放。")
    if not data["org"]:
        org = default_org(user)
        if org is None:
            raise Http404
        data["org"] = org.pk
    form = FormsForm(user, data)
    if not form.is_valid() or form.cleaned_data["org"] is None:
        raise Http404
    return form, form.cleaned_data["campaign"], form.cleaned_data["org"]


def forms_page(request):
    form, campaign, org = choose(request.user, request.GET)
    query = f"campaign={campaign.pk}&org={org.pk}" if campaign else ""
    items, problems = [], {}
    if campaign is not None:
        for name, label, title, kind in FORMS:
            if kind == "grid":
                try:
                    GRIDS[name][1](org, campaign)
                except GridError as exc:
                    problems[name] = str(exc)
            items.append({"name": name, "label": label, "title": title, "problem": problems.get(name, ""),
                          "xlsx": f"{reverse(f'investigation:{name}_xlsx')}?{query}",
                          "pdf": f"{reverse(f'investigation:{name}_pdf')}?{query}"})
    return render(request, "investigation/forms.html", {
        "form": form, "campaign": campaign, "org": org, "items": items,
        "mobile_url": f"{reverse('members:mobile_stats')}?org={org.pk}",
    })


def grid_file(request, name, fmt):
    _, campaign, org = choose(request.user, request.GET)
    if campaign is None:
        raise Http404
    label, build = GRIDS[name]
    try:
        grid = build(org, campaign)
    except GridError as exc:  # never a file that does not reconcile: the forms page says why
        messages.error(request, str(exc))
        return redirect(f"{reverse('investigation:forms')}?campaign={campaign.pk}&org={org.pk}")
    content_type, render_doc = exports.FORMATS[fmt]
    buf = io.BytesIO()
    render_doc(grid, None, buf)
    filename = f"{label}{grid.title}_{org.name}_{timezone.localdate():%Y%m%d}.{fmt}"
    with transaction.atomic():
        audit.record(request.user, org, audit.Action.EXPORT,
                     reason=f"导出{exports.FORMAT_NAMES[fmt]}《{filename}》；排查工作：{campaign.name}")
    return exports.attachment(buf.getvalue(), filename, content_type)


def register_file(request, name, fmt):
    _, campaign, org = choose(request.user, request.GET)
    if campaign is None:
        raise Http404
    params = {"campaign": [str(campaign.pk)], "org": [str(org.pk)]}
    try:
        response, job = exports.start(request.user, f"investigation_{name}", fmt, params)
    except exports.ExportRefused as exc:
        messages.error(request, str(exc))
        return redirect("downloads")
    if job is not None:
        notify_queued(request, job)
        return redirect("downloads")
    return response


def _exporter(name):
    label = dict((n, lbl) for n, lbl, _, _ in FORMS)[name]

    def build(user, params):
        _, campaign, org = choose(user, {k: (v[0] if isinstance(v, list) else v) for k, v in params.items()})
        if campaign is None:
            raise Http404
        doc, rows = documents.register(name, user, org, campaign)
        stem = f"{label}{doc.title}_{org.name}" if label != "台账" else f"{doc.title}_{org.name}"
        return exports.Spec(doc=doc, rows=rows, stem=stem, scope=org,
                            description=f"排查工作：{campaign.name}；党组织：{org.name}")

    return build


for _name, _, _, _kind in FORMS:
    if _kind == "register":
        exports.register(f"investigation_{_name}")(_exporter(_name))


# -- printed records: one member's 查找记录, one branch's 核查情况报告 ------------------------------

def _print(request, template, context, stem, obj, what, **name):
    """A form PDF of `obj` (already read through the user's scope), its printing on record."""
    buf = io.BytesIO()
    render_form_pdf(template, {"r": context}, buf)
    filename = exports.file_name(stem, "pdf", **name)
    with transaction.atomic():
        audit.record(request.user, obj, audit.Action.EXPORT, reason=f"打印《{what}》（{filename}）")
    return exports.attachment(buf.getvalue(), filename, "application/pdf")


def case_print(request, pk):
    """The 查找记录 of one member (the case page's 打印查找记录)."""
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related(
        "member", "branch", "branch_check__campaign"), pk=pk)
    ctx = documents.search_record(request.user, case)
    return _print(request, "investigation/search_record_pdf.html", ctx, f"查找记录_{case.member.name}", case,
                  documents.SEARCH_RECORD_TITLE, unit=case.branch.name, rows=len(ctx["attempts"]), row_word="次")


def report_print(request, pk):
    """The working group's 核查情况报告 on one branch (the report page's 打印)."""
    check = get_object_or_404(BranchCheck.objects.visible_to(request.user).select_related(
        "branch", "campaign", "committee"), pk=pk)
    report = VerificationReport.objects.filter(branch_check=check).select_related("written_by").first()
    if report is None:
        raise Http404("尚无核查情况报告")
    ctx = documents.verification_report(check, report)
    return _print(request, "investigation/report_pdf.html", ctx, f"核查情况报告_{check.branch.name}", report,
                  f"{check.branch.name}{documents.REPORT_TITLE}")
