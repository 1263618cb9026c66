"""账号管理: county administrators manage every account; a committee manages the accounts whose
grants all lie in its subtree, and never grants beyond it or grants 组织部管理员. Each change goes
through accounts/services.py, audited in its transaction."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render

from core import audit
from core.pagination import page_of

from . import permissions, services
from .forms import AccountCreateForm, AccountForm, AccountSearchForm, GrantForm, PasswordResetForm
from .models import Grant

PAGE_SIZE = 50


def _manageable_ids(request):
    qs = permissions.manageable_users(request.user)
    if not request.user.is_superuser:
        qs = qs.exclude(is_superuser=True)  # only a superuser touches a superuser's account
    return qs


def _manageable(request):
    grants = Grant.objects.select_related("organization").order_by("organization__path", "role")
    return _manageable_ids(request).prefetch_related(Prefetch("grants", queryset=grants))


def _account(request, pk):
    return get_object_or_404(_manageable(request), pk=pk)


def _require_manager(request):
    if not permissions.can_manage_accounts(request.user):
        raise PermissionDenied


def account_list(request):
    _require_manager(request)
    form = AccountSearchForm(request.GET or None)
    users = _manageable(request).order_by("username")
    if form.is_bound and form.is_valid():
        cd = form.cleaned_data
        if cd["q"]:
            users = users.filter(Q(username__icontains=cd["q"]) | Q(display_name__contains=cd["q"])
                                 | Q(grants__organization__name__contains=cd["q"])).distinct()
        if cd["role"]:
            users = users.filter(grants__role=cd["role"]).distinct()
        if cd["active"]:
            users = users.filter(is_active=cd["active"] == "yes")
    page = page_of(request, users, PAGE_SIZE)
    return render(request, "accounts/list.html", {"form": form, "page": page})


def account_create(request):
    _require_manager(request)
    form = AccountCreateForm(request.POST or None, granter=request.user)

    def create(cd):
        return services.create_account(
            request.user, username=cd["username"], display_name=cd["display_name"], phone=cd["phone"],
            password=cd["password1"], role=cd["role"], organization=cd["organization"], reason=cd["reason"],
        )

    done, account = form.perform(request, create)
    if done:
        messages.success(request, f"已新建账号“{account.username}”。请把初始密码当面告知本人，登录后修改。")
        return redirect("accounts:detail", account.pk)
    return render(request, "accounts/form.html", {"form": form, "title": "新建账号", "submit": "新建账号"})


def account_detail(request, pk):
    account = _account(request, pk)
    return render(request, "accounts/detail.html", {
        "account": account,
        "grants": list(account.grants.all()),
        "grant_form": GrantForm(granter=request.user),
        "history": audit.history(account)[:100],
        "is_self": account.pk == request.user.pk,
    })


def account_edit(request, pk):
    account = _account(request, pk)
    form = AccountForm(request.POST or None, initial={"display_name": account.display_name, "phone": account.phone})
    done, _ = form.perform(request, lambda cd: services.update_account(
        request.user, account, display_name=cd["display_name"], phone=cd["phone"], reason=cd["reason"]))
    if done:
        messages.success(request, "修改已保存。")
        return redirect("accounts:detail", account.pk)
    return render(request, "accounts/form.html", {"form": form, "account": account,
                                                  "title": f"编辑账号：{account}", "submit": "保存"})


def account_password(request, pk):
    account = _account(request, pk)
    form = PasswordResetForm(request.POST or None, account=account)
    done, _ = form.perform(request, lambda cd: services.reset_password(request.user, account, cd["password1"]))
    if done:
        messages.success(request, f"已重置“{account}”的密码。请把新密码当面告知本人，登录后修改。")
        return redirect("accounts:detail", account.pk)
    return render(request, "accounts/form.html", {"form": form, "account": account,
                                                  "title": f"重置密码：{account}", "submit": "重置密码"})


def account_active(request, pk):
    account = _account(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    active = request.POST.get("active") == "1"
    try:
        services.set_active(request.user, account, active)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已{'启用' if active else '停用'}账号“{account}”。")
    return redirect("accounts:detail", account.pk)


def account_grant(request, pk):
    account = _account(request, pk)
    form = GrantForm(request.POST or None, granter=request.user)

    done, new = form.perform(request, lambda cd: services.grant(request.user, account, cd["role"], cd["organization"]))
    if done:
        messages.success(request, f"已授予“{new.label}”。")
        return redirect("accounts:detail", account.pk)
    return render(request, "accounts/form.html", {"form": form, "account": account,
                                                  "title": f"授权：{account}", "submit": "授权"})


def grant_revoke(request, pk):
    grant = get_object_or_404(Grant.objects.select_related("organization", "user"), pk=pk,
                              user__in=_manageable_ids(request))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    account = grant.user
    try:
        services.revoke(request.user, account, grant)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已撤销“{grant.label}”。")
    return redirect("accounts:detail", account.pk)
