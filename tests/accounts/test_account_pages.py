"""账号管理 in the app and in the Django admin: who may manage whom, what may be granted, and an
audit entry for every change wherever it is made."""

import pytest
from django.urls import reverse

from accounts.models import Grant, Role, User
from conftest import PASSWORD, make_user
from core.models import AuditEntry

NEW_PASSWORD = "Hq7!zhibu2026"


def entries(user):
    return list(AuditEntry.objects.for_object(user).order_by("pk"))


def create_post(org, role=Role.BRANCH_SECRETARY, **overrides):
    data = {"username": "newsec", "display_name": "周新", "phone": "13900000001", "role": role,
            "organization": org.pk, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "reason": ""}
    data.update(overrides)
    return data


def test_county_admin_creates_an_account_with_its_first_grant_audited(client, county):
    client.force_login(county.admin)
    response = client.post(reverse("accounts:create"), create_post(county.west))
    account = User.objects.get(username="newsec")
    assert response.status_code == 302 and response.url == reverse("accounts:detail", args=[account.pk])
    assert [(g.role, g.organization) for g in account.grant_list] == [(Role.BRANCH_SECRETARY, county.west)]
    assert account.check_password(NEW_PASSWORD)
    (entry,) = entries(account)
    assert entry.action == "create" and entry.actor == county.admin
    assert entry.changes["grants"] == ["", "西街村党支部·党支部书记"]
    assert entry.scope_path == county.west.path
    page = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert "西街村党支部" in page and "授权" in page and "周新" in page


@pytest.mark.parametrize("overrides, message", [
    ({"organization": "town"}, "“党支部书记”只能授予党支部、联合党支部、临时党支部"),
    ({"role": Role.COUNTY_ADMIN, "organization": "town"}, "“组织部管理员”只能授予县委"),
    ({"password2": "other"}, "两次输入的密码不一致"),
    ({"password1": "123", "password2": "123"}, "密码"),
    ({"username": "secretary"}, "该用户名已被使用"),
    ({"username": "bad name!"}, "用户名只能由字母、数字"),
])
def test_create_refuses_bad_input_in_chinese_and_saves_nothing(client, county, overrides, message):
    client.force_login(county.admin)
    if "organization" in overrides:
        overrides["organization"] = getattr(county, overrides["organization"]).pk
    before = (User.objects.count(), Grant.objects.count(), AuditEntry.objects.count())
    page = client.post(reverse("accounts:create"), create_post(county.west, **overrides)).content.decode()
    assert message in page
    assert (User.objects.count(), Grant.objects.count(), AuditEntry.objects.count()) == before


def test_grant_revoke_disable_enable_and_reset_are_each_audited(client, county):
    client.force_login(county.admin)
    cadre = county.cadre
    client.post(reverse("accounts:grant", args=[cadre.pk]), {"role": Role.TRACKING_CADRE, "organization": county.hill.pk})
    assert {g.organization for g in User.objects.get(pk=cadre.pk).grant_list} == {county.east, county.hill}
    # Kind rule in the in-app grant form.
    page = client.post(reverse("accounts:grant", args=[cadre.pk]),
                       {"role": Role.COMMITTEE, "organization": county.hill.pk}).content.decode()
    assert "“党(工)委”只能授予党委、党工委、党总支" in page
    hill_grant = Grant.objects.get(user=cadre, organization=county.hill)
    client.post(reverse("accounts:revoke", args=[hill_grant.pk]))
    assert not Grant.objects.filter(pk=hill_grant.pk).exists()
    client.post(reverse("accounts:active", args=[cadre.pk]), {"active": "0"})
    assert not User.objects.get(pk=cadre.pk).is_active
    client.post(reverse("accounts:active", args=[cadre.pk]), {"active": "1"})
    client.post(reverse("accounts:reset_password", args=[cadre.pk]), {"password1": NEW_PASSWORD,
                                                                     "password2": NEW_PASSWORD})
    assert User.objects.get(pk=cadre.pk).check_password(NEW_PASSWORD)
    client.post(reverse("accounts:edit", args=[cadre.pk]), {"display_name": "赵文斌", "phone": "13900000002"})
    changes = [e.changes for e in entries(cadre)]
    assert changes == [
        {"grants": ["东街村党支部·跟踪指导责任人", "东街村党支部·跟踪指导责任人；山口村党支部·跟踪指导责任人"]},
        {"grants": ["东街村党支部·跟踪指导责任人；山口村党支部·跟踪指导责任人", "东街村党支部·跟踪指导责任人"]},
        {"is_active": ["是", "否"]},
        {"is_active": ["否", "是"]},
        {"password": ["", "已重置"]},
        {"display_name": ["cadre", "赵文斌"], "phone": ["", "13900000002"]},
    ]
    assert all(e.actor == county.admin for e in entries(cadre))
    # The last grant is not revoked (an unused account is disabled instead), nor is one's own account disabled.
    last = Grant.objects.get(user=cadre)
    client.post(reverse("accounts:revoke", args=[last.pk]))
    assert Grant.objects.filter(pk=last.pk).exists()
    client.post(reverse("accounts:active", args=[county.admin.pk]), {"active": "0"})
    assert User.objects.get(pk=county.admin.pk).is_active
    assert len(entries(cadre)) == 6 and not entries(county.admin)


def test_a_disabled_account_cannot_log_in(client, county):
    client.force_login(county.admin)
    client.post(reverse("accounts:active", args=[county.secretary.pk]), {"active": "0"})
    client.logout()
    page = client.post(reverse("login"), {"username": "secretary", "password": PASSWORD}).content.decode()
    assert "用户名或密码不正确" in page or "已停用" in page
    assert "_auth_user_id" not in client.session


def test_committee_manages_only_accounts_inside_its_subtree(client, county):
    client.force_login(county.committee)
    page = client.get(reverse("accounts:list")).content.decode()
    for inside in ("secretary", "secretary2", "cadre"):
        assert f"<td data-label=\"用户名\">{inside}" in page
    for outside in ("committee2", "two_grants", "county"):
        assert f"<td data-label=\"用户名\">{outside}<" not in page
    assert client.get(reverse("accounts:detail", args=[county.two_grants.pk])).status_code == 404
    # It grants inside its subtree...
    client.post(reverse("accounts:grant", args=[county.cadre.pk]),
                {"role": Role.BRANCH_SECRETARY, "organization": county.west.pk})
    assert Grant.objects.filter(user=county.cadre, organization=county.west).exists()
    # ...never beyond it, nor 组织部管理员 (tampered posts), and nothing is saved.
    before = (Grant.objects.count(), AuditEntry.objects.count())
    page = client.post(reverse("accounts:grant", args=[county.cadre.pk]),
                       {"role": Role.TRACKING_CADRE, "organization": county.hill.pk}).content.decode()
    assert "所选党组织不存在或不在您的管理范围内" in page
    page = client.post(reverse("accounts:grant", args=[county.cadre.pk]),
                       {"role": Role.COUNTY_ADMIN, "organization": county.root.pk}).content.decode()
    assert "您不能授予所选角色" in page
    page = client.post(reverse("accounts:create"), create_post(county.root, role=Role.COUNTY_ADMIN)).content.decode()
    assert "您不能授予所选角色" in page
    assert (Grant.objects.count(), AuditEntry.objects.count()) == before
    assert not User.objects.filter(username="newsec").exists()
    # A secretary or a tracking cadre manages no account.
    client.force_login(county.secretary)
    assert client.get(reverse("accounts:list")).status_code == 403
    assert "账号管理" not in client.get(reverse("dashboard")).content.decode()


def test_the_service_refuses_a_grant_beyond_the_granter_even_without_the_form(county):
    from django.core.exceptions import ValidationError

    from accounts import permissions

    with pytest.raises(ValidationError):
        permissions.check_grant(county.committee, Role.TRACKING_CADRE, county.hill)
    with pytest.raises(ValidationError):
        permissions.check_grant(county.committee, Role.COUNTY_ADMIN, county.root)
    permissions.check_grant(county.committee, Role.TRACKING_CADRE, county.west)


def test_only_a_superuser_manages_a_superuser(client, county):
    root = make_user("root", Role.COUNTY_ADMIN, county.root, is_superuser=True, is_staff=True)
    client.force_login(county.admin)
    assert client.get(reverse("accounts:detail", args=[root.pk])).status_code == 404
    assert client.post(reverse("accounts:reset_password", args=[root.pk]),
                       {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 404
    client.force_login(root)
    assert client.get(reverse("accounts:detail", args=[root.pk])).status_code == 200


def _admin_post(user, grants, **overrides):
    data = {
        "username": user.username, "first_name": "", "last_name": "", "email": "",
        "is_active": "on", "display_name": user.display_name, "phone": user.phone,
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-11-01", "date_joined_1": "08:00:00",
        "grants-TOTAL_FORMS": str(len(grants)), "grants-INITIAL_FORMS": str(sum(1 for g in grants if g.get("id"))),
        "grants-MIN_NUM_FORMS": "0", "grants-MAX_NUM_FORMS": "1000",
    }
    for i, g in enumerate(grants):
        for key, value in g.items():
            data[f"grants-{i}-{key}"] = value
        data[f"grants-{i}-user"] = user.pk
    data.update(overrides)
    return data


def test_django_admin_changes_are_audited_and_kind_rules_hold(client, county):
    root = make_user("root", Role.COUNTY_ADMIN, county.root, is_superuser=True, is_staff=True)
    client.force_login(root)
    user = county.cadre
    existing = Grant.objects.get(user=user)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    # A role on the wrong kind of organization is refused in Chinese, nothing saved.
    page = client.post(url, _admin_post(user, [
        {"id": existing.pk, "role": existing.role, "organization": county.east.pk},
        {"role": Role.BRANCH_SECRETARY, "organization": county.town.pk},
    ])).content.decode()
    assert "“党支部书记”只能授予党支部" in page
    assert Grant.objects.filter(user=user).count() == 1 and not entries(user)
    # A valid change: a field and a grant, both audited with the admin as the actor.
    response = client.post(url, _admin_post(user, [
        {"id": existing.pk, "role": existing.role, "organization": county.east.pk},
        {"role": Role.TRACKING_CADRE, "organization": county.hill.pk},
    ], phone="13700000000"))
    assert response.status_code == 302
    changes = {k: v for e in entries(user) for k, v in e.changes.items()}
    assert changes["phone"] == ["", "13700000000"]
    assert changes["grants"] == ["东街村党支部·跟踪指导责任人", "东街村党支部·跟踪指导责任人；山口村党支部·跟踪指导责任人"]
    assert all(e.actor == root for e in entries(user))
    # The admin's password form and deletion are audited too.
    n = len(entries(user))
    client.post(reverse("admin:auth_user_password_change", args=[user.pk]),
                {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert entries(user)[n].changes == {"password": ["", "已重置"]}
    pk = user.pk
    client.post(reverse("admin:accounts_user_delete", args=[pk]), {"post": "yes"})
    assert not User.objects.filter(pk=pk).exists()
    last = AuditEntry.objects.filter(object_id=str(pk), content_type__model="user").order_by("pk").last()
    assert last.changes["deleted"] == ["", "是"] and last.actor == root
