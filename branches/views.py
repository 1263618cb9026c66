from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from accounts import permissions
from core import audit
from core.middleware import parse_id
from core.scoping import covers

from . import services
from .choices import OrgKind
from .forms import DissolveForm, MoveForm, OfficerFormSet, OrganizationForm
from .models import Organization


def _visible(request):
    return Organization.objects.visible_to(request.user)


def org_tree(request):
    orgs = _visible(request)
    show_dissolved = request.GET.get("dissolved") == "1"
    if not show_dissolved:
        orgs = orgs.active()
    roots, labels = services.tree(orgs)
    return render(request, "branches/tree.html", {
        "roots": roots, "labels": labels, "show_dissolved": show_dissolved,
        "can_create": bool(permissions.creatable_kinds(request.user)),
    })


def org_detail(request, pk):
    org = get_object_or_404(_visible(request).select_related("parent"), pk=pk)
    paths = request.user.scope_paths
    ancestors = [a for a in org.ancestors() if covers(paths, a.path)]
    return render(request, "branches/detail.html", {
        "org": org,
        "ancestors": ancestors,
        "officers": org.officers.all(),
        "children": org.children.order_by("is_dissolved", "path"),
        "dependents": services.dependents(org),
        "sections": services.sections(request, org),
        "history": audit.history(org)[:100],
        "can_edit": permissions.can_edit_org(request.user, org),
        # 整体转移 needs somewhere to go: a secretary's grant covers its own branch only
        "can_move_members": covers(request.user.editor_paths, org.path) and org.is_branch
        and Organization.objects.within(request.user.editor_paths).active().branches()
        .exclude(kind=OrgKind.TEMP_BRANCH).exclude(pk=org.pk).exists(),
        "can_print_forms": covers(request.user.editor_paths, org.path),
        "can_restructure": permissions.can_restructure_org(request.user, org),
        "can_add_child": bool(permissions.creatable_kinds(request.user, org)) and not org.is_dissolved,
    })


def _officer_rows(formset):
    return [
        (f.cleaned_data["post"], f.cleaned_data["name"], f.cleaned_data.get("phone", ""))
        for f in formset.forms
        if f.cleaned_data.get("name")
    ]


def org_create(request):
    kinds = permissions.creatable_kinds(request.user)
    if not kinds:
        raise PermissionDenied
    initial = {}
    if request.GET.get("parent"):
        parent = get_object_or_404(_visible(request), pk=parse_id(request.GET["parent"]))
        initial = {"parent": parent, "category": parent.category, "sector": parent.sector}
    form = OrganizationForm(request.POST or None, initial=initial, user=request.user, kinds=kinds,
                            parents=permissions.creatable_parents(request.user))
    formset = OfficerFormSet(request.POST or None, prefix="officers")

    def create(cd):
        permissions.check_create(request.user, cd["parent"], cd["kind"])
        return services.create_organization(request.user, officers=_officer_rows(formset), **cd)

    done, org = form.perform(request, create, formset)
    if done:
        messages.success(request, f"已新建“{org.name}”。")
        return redirect("branches:detail", org.pk)
    return render(request, "branches/form.html", {"form": form, "formset": formset, "title": "新建党组织"})


def org_edit(request, pk):
    org = get_object_or_404(_visible(request), pk=pk)
    if not permissions.can_edit_org(request.user, org) or org.is_dissolved:
        raise PermissionDenied
    kinds = permissions.creatable_kinds(request.user, org.parent) if org.parent_id else []
    form = OrganizationForm(request.POST or None, instance=Organization.objects.get(pk=org.pk),
                            user=request.user, kinds=kinds)
    initial = [{"post": o.post, "name": o.name, "phone": o.phone} for o in org.officers.all()]
    formset = OfficerFormSet(request.POST or None, prefix="officers", initial=initial)
    done, _ = form.perform(
        request, lambda cd: services.update_organization(request.user, org, officers=_officer_rows(formset),
                                                         seen=form.seen(), **form.record_data()),
        formset,
    )
    if done:
        messages.success(request, "修改已保存。")
        return redirect("branches:detail", org.pk)
    return render(request, "branches/form.html", {
        "form": form, "formset": formset, "org": org, "title": f"编辑：{org.name}",
    })


def org_move(request, pk):
    org = get_object_or_404(_visible(request), pk=pk)
    if not permissions.can_restructure_org(request.user, org) or org.is_dissolved:
        raise PermissionDenied
    form = MoveForm(request.POST or None, org=org, parents=permissions.restructure_parents(request.user))
    done, _ = form.perform(request, lambda cd: services.move_organization(request.user, org, cd["parent"], cd["reason"],
                                                                          seen=form.seen()))
    if done:
        messages.success(request, f"已将“{org.name}”调整到“{form.cleaned_data['parent'].name}”之下。")
        return redirect("branches:detail", org.pk)
    return render(request, "branches/action.html", {
        "form": form, "org": org, "title": f"调整隶属关系：{org.name}", "submit": "确认调整",
    })


def org_dissolve(request, pk):
    org = get_object_or_404(_visible(request), pk=pk)
    if not permissions.can_restructure_org(request.user, org) or org.is_dissolved:
        raise PermissionDenied
    form = DissolveForm(request.POST or None, org=org)
    done, _ = form.perform(
        request, lambda cd: services.dissolve_organization(request.user, org, cd["dissolved_on"], cd["reason"],
                                                           seen=form.seen())
    )
    if done:
        messages.success(request, f"“{org.name}”已撤销，历史记录保留。")
        return redirect("branches:detail", org.pk)
    return render(request, "branches/action.html", {
        "form": form, "org": org, "title": f"撤销党组织：{org.name}", "submit": "确认撤销", "danger": True,
        "dependents": services.dependents(org),
        "sections": services.sections(request, org),
    })
