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
    assert "请填写“用户名”。" in page
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
    assert "“人员类别”没有所选的这一项，请从列表中重新选择。" in page
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


# -- Django's stock messages, said plainly with the field's label (core.forms.plain_messages) --------

STOCK = ("这个字段是必填项", "选择一个有效的选项", "输入一个有效的日期", "输入整数", "请输入合法", "确保该值")


def _plain_form():
    from django import forms

    from core.forms import CleanInputMixin

    class Form(CleanInputMixin, forms.Form):
        name = forms.CharField(label="姓名", max_length=5)
        kind = forms.ChoiceField(label="人员类别", choices=[("a", "甲")])
        on = forms.DateField(label="入党日期")
        count = forms.IntegerField(label="征求意见人数", min_value=0, max_value=99)
        amount = forms.DecimalField(label="月交纳额", max_digits=6, decimal_places=2)
        agree = forms.BooleanField(label="本人已核对")
        own = forms.CharField(label="备注", max_length=5, error_messages={"required": "备注要写。"})

    return Form


def test_stock_messages_name_the_field_and_say_what_to_do():
    Form = _plain_form()
    empty = Form({}).errors
    assert empty["name"] == ["请填写“姓名”。"]
    assert empty["kind"] == ["请选择“人员类别”。"]
    assert empty["on"] == ["请填写“入党日期”，如 2026-11-27。"]
    assert empty["count"] == ["请填写“征求意见人数”。"]
    assert empty["agree"] == ["请勾选“本人已核对”。"]
    assert empty["own"] == ["备注要写。"]  # the form's own message is kept
    bad = Form({"name": "张三李四王五", "kind": "z", "on": "1985-13-45", "count": "-1", "amount": "1.234",
                "agree": "on", "own": "x"}).errors
    assert bad["name"] == ["“姓名”最多5个字，当前为6个字，请删减。"]
    assert bad["kind"] == ["“人员类别”没有所选的这一项，请从列表中重新选择。"]
    assert bad["on"] == ["“入党日期”不是有效的日期，请按 2026-11-27 的格式填写。"]
    assert bad["count"] == ["“征求意见人数”不能小于0。"]
    assert bad["amount"] == ["“月交纳额”最多保留2位小数。"]
    assert Form({"count": "abc", "amount": "x"}).errors["count"] == ["“征求意见人数”应填写数字。"]
    assert Form({"count": "100"}).errors["count"] == ["“征求意见人数”不能大于99。"]


def test_member_form_says_which_field(client, county):
    from tests.members.test_member_views import valid_post

    client.force_login(county.secretary)
    page = client.post(reverse("members:create"), valid_post(county, id_number="", name="", category="bogus",
                                                             joined_on="2010-02-30")).content.decode()
    assert "请填写“姓名”。" in page and "请填写“公民身份号码”。" in page
    assert "“人员类别”没有所选的这一项" in page
    assert 'href="#id_joined_on"' in page  # the date field says its own message (core/dates.py)
    # the summary at the top links each message, without saying the label twice
    assert "姓名</a>：请填写“姓名”" not in page and ">请填写“姓名”。</a>" in page
    for stock in STOCK:
        assert stock not in page, stock
    _no_english(page)


def test_login_errors_are_plain_and_helpful(client, county, settings):
    settings.LOGIN_FAILURE_DELAY = 0
    page = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert "请填写“用户名”。" in page and "请填写“密码”。" in page
    assert "未能登录" in page and "尚未保存" not in page
    for stock in STOCK:
        assert stock not in page, stock
    page = client.post(reverse("login"), {"username": "secretary", "password": "wrong"}).content.decode()
    assert "用户名或密码不正确" in page and "再输错" not in page  # one mistake: no warning yet
    client.post(reverse("login"), {"username": "secretary", "password": "wrong"})
    page = client.post(reverse("login"), {"username": "secretary", "password": "wrong"}).content.decode()
    left = settings.AXES_FAILURE_LIMIT - 3
    assert f"再输错{left}次，该账号将被暂时锁定" in page
    _no_english(page)
