"""Login throttling (django-axes): failures slow the login down, then lock the account or the
address for a while, with a Chinese message; a county administrator sees and lifts locks; both are
audited."""

import pytest
from django.conf import settings
from django.urls import reverse

from conftest import PASSWORD
from core.models import AuditEntry

LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def sleeps(monkeypatch):
    """The delays the login page waited (recorded, not slept)."""
    done = []
    monkeypatch.setattr("accounts.lockouts.time.sleep", done.append)
    return done


def _login(client, username, password, ip="127.0.0.1", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def _locks(action="login_lock"):
    return sorted(AuditEntry.objects.filter(action=action).values_list("object_repr", flat=True))


def test_failures_slow_down_then_lock_the_account(client, county, sleeps):
    for i in range(LIMIT - 1):
        response = _login(client, "secretary", "wrong")
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    assert sleeps == [1.0, 2.0, 3.0][: LIMIT - 2]  # the first failure (a typo) waits nothing

    response = _login(client, "secretary", "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多" in page and "30分钟后再试" in page and 'name="password"' in page
    # Locked: even the right password is refused, and saying so is not a new lock.
    response = _login(client, "secretary", PASSWORD)
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert _locks() == ["地址 127.0.0.1", "账号 secretary"]
    entry = AuditEntry.objects.get(action="login_lock", object_repr="账号 secretary")
    assert entry.actor_name == "系统" and f"连续{LIMIT}次登录失败" in entry.reason


def test_the_account_is_locked_whatever_the_address(client, county, sleeps):
    for i in range(LIMIT):
        _login(client, "secretary", "wrong", ip=f"10.0.0.{i + 1}")
    assert _login(client, "secretary", PASSWORD, ip="10.9.9.9").status_code == 429
    assert _locks() == ["账号 secretary"]
    # Other accounts from those addresses are not affected.
    response = _login(client, "committee", PASSWORD, ip="10.0.0.1")
    assert response.status_code == 302


def test_the_address_is_locked_whatever_the_account(client, county, sleeps):
    for i in range(LIMIT):
        _login(client, f"guess{i}", "wrong", ip="10.0.0.7")
    assert _login(client, "committee", PASSWORD, ip="10.0.0.7").status_code == 429
    assert _locks() == ["地址 10.0.0.7"]
    assert _login(client, "committee", PASSWORD, ip="10.0.0.8").status_code == 302


def test_address_behind_a_trusted_proxy(client, county, sleeps):
    # From the proxy (127.0.0.1 is trusted by default), X-Forwarded-For names the client.
    for i in range(LIMIT):
        _login(client, f"guess{i}", "wrong", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="10.2.2.2")
    assert _locks() == ["地址 10.2.2.2"]
    # A client that is not a proxy cannot choose its address by sending the header.
    for i in range(LIMIT):
        _login(client, f"other{i}", "wrong", ip="10.3.3.3", HTTP_X_FORWARDED_FOR="10.4.4.4")
    assert _locks() == ["地址 10.2.2.2", "地址 10.3.3.3"]


def test_county_admin_sees_and_lifts_a_lock(client, county, sleeps):
    for i in range(LIMIT):
        _login(client, "secretary", "wrong", ip="10.0.0.5")
    client.force_login(county.admin)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("lockouts") in page  # in the menu
    page = client.get(reverse("lockouts")).content.decode()
    assert "secretary" in page and "10.0.0.5" in page and "已锁定" in page

    response = client.post(reverse("lockout_lift"), {"kind": "username", "value": "secretary"}, follow=True)
    assert "已解锁账号“secretary”" in response.content.decode()
    entry = AuditEntry.objects.get(action="login_unlock")
    assert entry.object_repr == "账号 secretary" and entry.actor_id == county.admin.pk
    client.logout()
    assert _login(client, "secretary", PASSWORD, ip="10.0.0.6").status_code == 302
    # 操作记录 shows the lock and the lift to the county.
    client.force_login(county.admin)
    log = client.get(reverse("audit_log"), {"q": "secretary"}).content.decode()
    assert "登录锁定" in log and "解除锁定" in log


def test_lift_refuses_garbage(client, county):
    client.force_login(county.admin)
    for data in ({"kind": "ip_address", "value": "not-an-ip"}, {"kind": "evil", "value": "x"}, {}):
        response = client.post(reverse("lockout_lift"), data, follow=True)
        assert response.status_code == 200 and "请从列表中选择" in response.content.decode()
    response = client.post(reverse("lockout_lift"), {"kind": "username", "value": "nobody"}, follow=True)
    assert "当前没有锁定" in response.content.decode()
    assert not AuditEntry.objects.filter(action="login_unlock").exists()


@pytest.mark.parametrize("who", ["committee", "secretary", "cadre"])
def test_only_the_county_manages_locks(client, county, who):
    client.force_login(getattr(county, who))
    assert client.get(reverse("lockouts")).status_code == 403
    assert client.post(reverse("lockout_lift"), {"kind": "username", "value": "secretary"}).status_code == 403
    assert reverse("lockouts") not in client.get(reverse("dashboard")).content.decode()
