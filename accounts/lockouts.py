"""Login throttling on top of django-axes: the login page slows down after a failed login, a lock
answers on the login page in Chinese, and county administrators see and lift locks (账号锁定).

django-axes counts failures per username and, separately, per client address (settings: AXES_*).
Every lock and every lift is written to the app's audit, against the account name or the address.
"""

import ipaddress
import time

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Sum
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import audit

from .forms import LoginForm

ACCOUNT, ADDRESS = "username", "ip_address"
KIND_LABELS = {ACCOUNT: "账号", ADDRESS: "地址"}
LOCK = audit.register_action("login_lock", "登录锁定")
UNLOCK = audit.register_action("login_unlock", "解除锁定")
audit.register_label(AccessAttempt, "login", "登录")


def cooloff_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


# ---- what django-axes calls (settings.AXES_*_CALLABLE) ----

def client_ip(request):
    """The client's address: REMOTE_ADDR, or — when the request comes from one of the reverse
    proxies in FORWARDED_ALLOW_IPS — the nearest address in X-Forwarded-For that is not itself a
    trusted proxy (a client cannot forge its way past the proxy that appended the real one)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.FORWARDED_ALLOW_IPS)
    if remote not in trusted and "*" not in trusted:
        return remote or None
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a garbled header: count the proxy's own address
        if hop not in trusted:
            return hop
    return remote or None


def client_username(request, credentials):
    """The name tried, as the login form cleaned it (bounded: axes stores it)."""
    name = (credentials or {}).get("username")
    if name is None:
        name = request.POST.get("username", "")
    name = str(name).replace("\x00", "").strip()[:150]
    return name or None


# Said after a wrong password when few tries are left before the lock.
ATTEMPTS_LEFT = "再输错{remaining}次，该账号将被暂时锁定{minutes}分钟。忘记密码请联系县委组织部重置。"
LOCK_MESSAGE = "登录失败次数过多，该账号或本机已被暂时锁定。请{minutes}分钟后再试，或联系县委组织部解锁。"


def lockout_response(request, original_response=None, credentials=None):
    """A lock shows on the login page, in Chinese, with status 429 (too many requests)."""
    form = LoginForm(request, initial={"username": client_username(request, credentials) or ""})
    return render(request, "accounts/login.html", {
        "form": form, "locked": LOCK_MESSAGE.format(minutes=cooloff_minutes()),
        "next": request.POST.get("next", "") if request.method == "POST" else "",
    }, status=429)


# ---- the login page: each failure after the first waits a little longer ----

class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def form_invalid(self, form):
        failures = getattr(self.request, "axes_failures_since_start", None) or 0
        if failures > 1 and not getattr(self.request, "axes_locked_out", False):
            time.sleep(min(settings.LOGIN_FAILURE_DELAY * (failures - 1), settings.LOGIN_FAILURE_DELAY_MAX))
        remaining = settings.AXES_FAILURE_LIMIT - failures
        if failures and 0 < remaining <= 3 and form.has_error("__all__", "invalid_login"):
            form.add_error(None, ATTEMPTS_LEFT.format(remaining=remaining, minutes=cooloff_minutes()))
        return super().form_invalid(form)


# ---- audit ----

class LockTarget:
    """An account name or a client address, as an audited object (locks name no record of the
    app: the name tried may not even exist). County-wide: only the county sees these entries."""

    _meta = AccessAttempt._meta
    audit_scope_path = ""

    def __init__(self, kind, value):
        self.kind, self.value = kind, value
        self.pk = value[:40]

    def __str__(self):
        return f"{KIND_LABELS[self.kind]} {self.value}"


def _failures(kind, value, since):
    return AccessAttempt.objects.filter(**{kind: value, "attempt_time__gte": since}).aggregate(
        n=Sum("failures_since_start"))["n"] or 0


@receiver(user_locked_out)
def audit_lock(sender, request, username, ip_address, **kwargs):
    """Audit each new lock once: when the count for the account or the address reaches the limit
    (axes also sends this signal for every attempt refused while locked: those are not new)."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    with transaction.atomic():
        for kind, value in ((ACCOUNT, username), (ADDRESS, ip_address)):
            if value and _failures(kind, value, since) == settings.AXES_FAILURE_LIMIT:
                audit.record(
                    None, LockTarget(kind, value), LOCK, changes={"login": ["正常", "已锁定"]},
                    reason=f"连续{settings.AXES_FAILURE_LIMIT}次登录失败，锁定{cooloff_minutes()}分钟"
                           + (f"（来自地址 {ip_address}）" if kind == ACCOUNT and ip_address else ""),
                )


# ---- 账号锁定: county administrators see and lift locks ----

def can_manage_lockouts(user):
    return user.is_county_admin


def current_locks():
    """[(kind, value, failures, last failure, locked, unlocks at)] within the cool-off, locked first."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = []
    for kind in (ACCOUNT, ADDRESS):
        grouped = (AccessAttempt.objects.filter(attempt_time__gte=since).exclude(**{f"{kind}__isnull": True})
                   .values(kind).annotate(n=Sum("failures_since_start"), last=Max("attempt_time")))
        for g in grouped:
            locked = g["n"] >= settings.AXES_FAILURE_LIMIT
            rows.append({"kind": kind, "kind_label": KIND_LABELS[kind], "value": g[kind], "failures": g["n"],
                         "last": g["last"], "locked": locked, "until": g["last"] + settings.AXES_COOLOFF_TIME})
    rows.sort(key=lambda r: (not r["locked"], -r["last"].timestamp()))
    return rows


@transaction.atomic
def lift(user, kind, value):
    """Lift the lock on an account name or an address (its failures are forgotten), audited."""
    deleted, _ = AccessAttempt.objects.filter(**{kind: value}).delete()
    if deleted:
        audit.record(user, LockTarget(kind, value), UNLOCK, changes={"login": ["已锁定", "正常"]},
                     reason="组织部管理员解锁")
    return deleted


def lockouts(request):
    if not can_manage_lockouts(request.user):
        raise PermissionDenied
    return render(request, "accounts/lockouts.html", {
        "rows": current_locks(), "limit": settings.AXES_FAILURE_LIMIT, "minutes": cooloff_minutes(),
    })


@require_POST
def lockout_lift(request):
    if not can_manage_lockouts(request.user):
        raise PermissionDenied
    kind, value = request.POST.get("kind", ""), request.POST.get("value", "").replace("\x00", "")[:255]
    if kind == ADDRESS:
        try:
            value = str(ipaddress.ip_address(value))
        except ValueError:
            value = ""
    if kind not in KIND_LABELS or not value:
        messages.error(request, "请从列表中选择要解锁的账号或地址。")
    elif lift(request.user, kind, value):
        messages.success(request, f"已解锁{KIND_LABELS[kind]}“{value}”。")
    else:
        messages.warning(request, f"{KIND_LABELS[kind]}“{value}”当前没有锁定。")
    return redirect("lockouts")
