"""The load case's browser stand-in (members/loadtest.py) submits forms as a browser would."""

from django.urls import reverse

from members.loadtest import post_form
from members.models import Member


def test_the_edit_form_read_from_the_page_saves_unchanged_but_for_the_note(client, county):
    client.force_login(county.secretary)
    url = reverse("members:edit", args=[county.east1.pk])
    form = post_form(client.get(url).content.decode())
    assert "csrfmiddlewaretoken" in form and form["name"] == "张东一"
    assert "logout" not in form  # the header's logout form is not the main one
    before = Member.objects.get(pk=county.east1.pk)
    form["notes"] = "基准测试第 1 次保存"
    response = client.post(url, form)
    assert response.status_code == 302 and response["Location"] == reverse("members:detail", args=[county.east1.pk])
    after = Member.objects.get(pk=county.east1.pk)
    assert after.notes == "基准测试第 1 次保存"
    for field in ("name", "birth_date", "id_number", "phone", "category", "party_group_id", "is_mobile"):
        assert getattr(after, field) == getattr(before, field)


def test_post_form_reads_selects_checkboxes_and_textareas():
    html = """<form method="post" action="/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="t"></form>
    <form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input name="a" value="1"><input type="checkbox" name="b" checked><input type="checkbox" name="c">
      <select name="s"><option value="">全部</option><option value="x" selected>X</option></select>
      <select name="t"><option value="first">F</option></select>
      <textarea name="n">
第一行 &amp; 二</textarea><button type="submit" name="go">保存</button></form>"""
    assert post_form(html) == {"csrfmiddlewaretoken": "t", "a": "1", "b": "on", "s": "x", "t": "first", "n": "第一行 & 二"}
