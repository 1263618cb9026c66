"""The 流动党员管理有关情况统计表 page and its files (members/mobile_stats.py): for the organization
chosen (default: the user's own), counted over its whole subtree. An organization outside the
user's scope answers 404; every file made is audited."""

import io

from django import forms
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from branches.choices import OrgKind
from branches.forms import TreeChoiceIterator
from branches.models import Organization
from core import audit, exports
from core.documents import GridError
from core.forms import CleanInputMixin, quick_selects

from . import mobile_stats


class StatsForm(CleanInputMixin, forms.Form):
    org = forms.ModelChoiceField(label="党组织", queryset=Organization.objects.none(), required=False,
                                 error_messages={"invalid_choice": "所选党组织不存在或不在您的管理范围内。"})

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quick_selects(self)
        self.fields["org"].iterator = TreeChoiceIterator
        self.fields["org"].queryset = Organization.objects.visible_to(user).active().exclude(kind=OrgKind.GROUP)
        self.fields["org"].empty_label = None


def default_org(user):
    """The organization of the user's first grant (party groups aside); the county for a superuser."""
    for g in user.grant_list:
        if g.organization.kind != OrgKind.GROUP:
            return g.organization
    return Organization.objects.filter(parent=None).order_by("path").first() if user.is_superuser else None


def _unit(request):
    """(form, org): the organization asked for, in the user's scope; 404 when it is not."""
    form = StatsForm(request.user, request.GET or None)
    if not request.GET.get("org"):
        org = default_org(request.user)
        if org is None:
            raise Http404
        form = StatsForm(request.user, {"org": org.pk})
    if not form.is_valid() or form.cleaned_data["org"] is None:
        raise Http404
    return form, form.cleaned_data["org"]


def stats(request):
    form, org = _unit(request)
    grid, error = None, ""
    try:
        grid = mobile_stats.grid(org)
    except GridError as exc:
        error = str(exc)
    return render(request, "members/mobile/stats.html", {"form": form, "org": org, "grid": grid, "error": error})


def stats_export(request, fmt):
    _, org = _unit(request)
    try:
        grid = mobile_stats.grid(org)
    except GridError:
        raise Http404 from None  # the page says why; a file that does not reconcile is never made
    content_type, render_doc = exports.FORMATS[fmt]
    buf = io.BytesIO()
    render_doc(grid, None, buf)
    name = f"{mobile_stats.TITLE}_{org.name}_{timezone.localdate():%Y%m%d}.{fmt}"
    with transaction.atomic():
        audit.record(request.user, org, audit.Action.EXPORT,
                     reason=f"导出{exports.FORMAT_NAMES[fmt]}《{name}》，共 {len(grid.rows)} 行")
    return exports.attachment(buf.getvalue(), name, content_type)
