"""Every message a person reads is Chinese: Django's own form messages (LANGUAGE_CODE zh-hans),
the login and password forms, and the error pages (400, 403 for an expired form, 500)."""

import re

from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from conftest import PASSWORD

# Three or more English words in a row, in the text a person reads (not in tags or attributes).
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,.'()-]+[A-Za-z]{2,}){2,}")


def _visible(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"<[^>]+>", " ", html)


def _no_english(html):
    found = ENGLISH.findall(_visible(html))
    assert found == [], found


def test_login_form_messages(client, county):
    page = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert "这个字段是必填项" in page
    _no_english(page)
    page = client.post(reverse("login"), {"username": "secretary", "password": "wrong"}).content.decode()
    assert "用户名或密码不正确" in page
    _no_english(page)


def test_password_form_messages(client, county):
    client.force_login(county.secretary)
    url = reverse("password_change")
    page = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678",
                             "new_password2": "12345678"}).content.decode()
    assert "这个密码太常见了" in page and "密码只包含数字" in page
    page += client.post(url, {"old_password": PASSWORD, "new_password1": "Xq7!partybranch",
                              "new_password2": "Xq7!partybranchX"}).content.decode()
    assert "输入的两个密码不一致" in page
    page += client.post(url, {"old_password": PASSWORD, "new_password1": "secretary1",
                              "new_password2": "secretary1"}).content.decode()
    _no_english(page)


def test_filter_messages(client, county):
    client.force_login(county.admin)
    page = client.get(reverse("members:roster"), {"category": "bogus", "org": "x"}).content.decode()
    assert "选择一个有效的选项" in page
    _no_english(page)
    page = client.get(reverse("audit_log"), {"since": "0001-01-01", "action": "bogus"}).content.decode()
    assert "日期超出范围" in page
    _no_english(page)


def test_expired_form_is_explained_in_chinese(county):
    client = Client(enforce_csrf_checks=True)
    client.force_login(county.secretary)
    response = client.post(reverse("members:edit", args=[county.east1.pk]), {"name": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page
    _no_english(page)


def test_bad_request_and_server_error_pages(client, county):
    client.force_login(county.secretary)
    # A multipart body without its boundary: Django answers 400 with the app's page.
    response = client.generic("POST", reverse("members:create"), b"--x\r\n\xff\xfe",
                              content_type="multipart/form-data; boundary=")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()
    _no_english(response.content.decode())
    # An unknown host name is refused before anything else runs (no user yet): a 400 page too.
    response = client.get(reverse("dashboard"), HTTP_HOST="evil.example")
    assert response.status_code == 400 and "请求有误" in response.content.decode()
    request = RequestFactory().get("/")
    for view, status, text in ((defaults.bad_request, 400, "请求有误"), (defaults.server_error, 500, "系统出错")):
        response = view(request, Exception()) if status == 400 else view(request)
        assert response.status_code == status and text in response.content.decode()
        _no_english(response.content.decode())
