import pytest
from django.urls import reverse

from accounts.models import User
from conftest import PASSWORD


def test_anonymous_is_sent_to_login_everywhere(client, county):
    for url in [reverse("dashboard"), reverse("members:roster"), reverse("members:export_pdf"),
                reverse("branches:detail", args=[county.east.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_login_logout_in_chinese(client, county):
    page = client.post(reverse("login"), {"username": "secretary", "password": "wrong"}).content.decode()
    assert "用户名或密码不正确" in page
    response = client.post(reverse("login"), {"username": "secretary", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("dashboard")
    page = client.get(reverse("dashboard")).content.decode()
    assert "东街村党支部" in page and "党支部书记" in page and "在册党员" in page
    client.post(reverse("logout"))
    assert client.get(reverse("dashboard")).status_code == 302


def test_change_password(client, county):
    client.force_login(county.secretary)
    page = client.post(reverse("password_change"), {
        "old_password": "bad", "new_password1": "Xq7!partybranch", "new_password2": "Xq7!partybranch",
    }).content.decode()
    assert "你的旧密码不正确" in page
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Xq7!partybranch", "new_password2": "Xq7!partybranch",
    })
    assert response.status_code == 302
    assert User.objects.get(pk=county.secretary.pk).check_password("Xq7!partybranch")


@pytest.mark.parametrize("staff", [False, True])
def test_django_admin_is_for_superusers_only(client, county, staff):
    county.admin.is_staff = staff
    county.admin.save()
    client.force_login(county.admin)
    assert client.get(reverse("admin:index")).status_code == 302
    superuser = User.objects.create_superuser("root", password=PASSWORD)
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200


def test_user_without_role_sees_nothing(client, county):
    nobody = User.objects.create_user("nobody", password=PASSWORD)
    client.force_login(nobody)
    page = client.get(reverse("members:roster")).content.decode()
    assert "共 0 名党员" in page
    assert client.get(reverse("members:detail", args=[county.east1.pk])).status_code == 404


@pytest.mark.parametrize("role_user, org_attr, edit, restructure", [
    ("admin", "town", True, True),
    ("committee", "east", True, True),
    ("committee", "town", True, False),  # its own scope root: would leave its scope
    ("secretary", "east", True, False),
    ("secretary", "east_group", True, True),
    ("cadre", "east", False, False),
])
def test_permission_table(county, role_user, org_attr, edit, restructure):
    from accounts import permissions

    user, org = getattr(county, role_user), getattr(county, org_attr)
    assert permissions.can_edit_org(user, org) is edit
    assert permissions.can_restructure_org(user, org) is restructure
    assert permissions.can_restructure_org(user, county.root) is False  # the county committee stays
