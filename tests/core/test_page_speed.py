"""What the load case found (members/loadtest.py): the speed-ups keep the pages' markup and scoping.

- QuickSelect writes a select in Python with the markup of Django's template;
- the roster's rows are written by a template tag, escaped, the name linking to the record;
- the organization select reads its options as three columns and still refuses a choice out of scope;
- a subtree scope lets SQLite use the path index (its LIKE cannot), bounded on both sides;
- the page frame's links are reversed once per process ({% link %}).
"""

import re
from types import SimpleNamespace

import pytest
from django import forms
from django.db import connection
from django.urls import reverse

from core.documents import Column
from core.forms import QuickSelect, quick_selects
from members.models import Member
from members.roster import RosterFilterForm
from members.templatetags.roster_tags import roster_body


def _django_markup(html):
    return re.sub(r"\n\s*\n", "\n", html)  # Django's option template ends with a blank line


class Choices(forms.Form):
    one = forms.ChoiceField(choices=[("", "全部"), ("a", "甲 & <乙>"), ("b", "丙")], required=False)
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")], required=False,
                                     widget=forms.SelectMultiple)


@pytest.mark.parametrize("data", [{}, {"one": "a"}, {"one": "b", "many": ["x", "z"]}])
def test_quick_select_writes_the_same_markup_as_djangos_template(data):
    plain, quick = Choices(data or None), Choices(data or None)
    quick_selects(quick)
    assert type(quick.fields["one"].widget) is QuickSelect
    assert type(quick.fields["many"].widget) is forms.SelectMultiple  # only plain selects change
    assert str(quick["one"]) == _django_markup(str(plain["one"]))
    assert "甲 &amp; &lt;乙&gt;" in str(quick["one"])


def test_quick_select_marks_an_invalid_choice_like_django():
    form = Choices({"one": "<bad>"})
    quick_selects(form)
    assert not form.is_valid()
    html = str(form["one"])
    assert 'aria-invalid="true"' in html and " selected" not in html and "<bad>" not in html


def test_roster_rows_are_escaped_and_link_to_the_record():
    name = Column("name", "姓名", lambda m: m.name)
    notes = Column("notes", "备注<", lambda m: m.notes)
    member = SimpleNamespace(pk=42, name="<script>x</script>", notes='"引号" & 符号')
    html = roster_body([(member, [(name, member.name), (notes, member.notes)])])
    assert f'<td class="c-name" data-label="姓名"><a href="{reverse("members:detail", args=[42])}">' \
           "&lt;script&gt;x&lt;/script&gt;</a></td>" in html
    assert '<td class="c-notes" data-label="备注&lt;">&quot;引号&quot; &amp; 符号</td>' in html
    assert "<script>" not in html
    assert roster_body([]) == ""


def test_organization_select_lists_the_scope_as_a_tree_and_refuses_the_rest(county):
    form = RosterFilterForm(county.committee, {"org": str(county.east.pk)})
    html = str(form["org"])
    assert f'<option value="{county.east.pk}" selected>\u3000\u3000东街村党支部</option>' in html
    assert "青山乡党委" not in html and "X县委" not in html
    assert form.is_valid() and form.cleaned_data["org"] == county.east
    outside = RosterFilterForm(county.committee, {"org": str(county.hill.pk)})
    assert not outside.is_valid() and "不在您的管理范围内" in str(outside.errors["org"])


def test_organization_select_reads_its_options_in_one_query(county, django_assert_num_queries):
    form = RosterFilterForm(county.committee, None)
    county.committee.grant_list  # (the scope is read with the user, once per request)
    with django_assert_num_queries(1):  # ModelChoiceIterator's __len__ would add a COUNT
        html = str(form["org"])
    assert html.count("<option") == 1 + 4  # 全部 + 城关镇党委, 东街村, its group, 西街村


def test_roster_header_links_sort_each_way_and_keep_the_filters(client, county):
    client.force_login(county.secretary)
    html = client.get(reverse("members:roster"), {"sort": "name", "category": "full", "page": "1"}).content.decode()
    assert '<a href="?sort=-name&amp;category=full" aria-label="姓名，当前升序，点击改为降序">' in html
    assert '<a href="?sort=birth_date&amp;category=full">出生日期</a>' in html
    html = client.get(reverse("members:roster"), {"sort": "-name"}).content.decode()
    assert '<a href="?sort=name" aria-label="姓名，当前降序，点击改为升序">' in html
    assert '<th scope="col">公民身份号码</th>' in html  # not sortable: no link
    assert '<input type="checkbox" name="columns" value="notes"> 备注</label>' in html
    assert '<input type="checkbox" name="columns" value="phone" checked> 手机号码</label>' in html


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner")
def test_a_subtree_scope_walks_the_path_index(county):
    """Without the lower bound SQLite scanned every organization (and, for the roster, every member);
    without the upper one it walked the index from the branch to the county's last organization."""
    from branches.models import Organization

    qs = Organization.objects.visible_to(county.secretary)
    sql, params = qs.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert re.search(r"SEARCH branches_organization USING (COVERING )?INDEX \S+ \(path>\? AND path<\?\)", plan), plan
    assert set(qs) == {county.east, county.east_group}
    assert set(Member.objects.visible_to(county.secretary)) == {county.east1, county.east2}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics")
def test_migrate_refreshes_the_planner_statistics(county):
    """A migration that rebuilds a table drops its statistics; migrate puts them back."""
    from django.core.management.sql import emit_post_migrate_signal

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'members_member'")
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'members_member'")
        assert cursor.fetchone()[0] > 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner")
def test_the_county_roster_walks_the_branches_in_path_order(county):
    """The roster's default sort (by branch) reads one page through the path index instead of
    sorting every member of the county (80 ms on 30,000 members without the no-op path bound)."""
    from conftest import bulk_members
    from members.roster import filter_members

    for branch in (county.east, county.west, county.hill):
        bulk_members(branch, 60)
    qs, _ = filter_members(county.admin, {})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        sql, params = qs[:50].query.sql_with_params()
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "TEMP B-TREE" not in plan, plan
    assert re.search(r"SEARCH branches_organization USING (COVERING )?INDEX \S+ \(path>\?", plan), plan
    paths = [m.organization.path for m in qs]
    assert paths == sorted(paths) and len(paths) == Member.objects.on_roll().count()


def test_the_frame_links_are_the_views_urls(client, county):
    """{% link %} gives what {% url %} gave: the frame's menu still leads to each section."""
    client.force_login(county.admin)
    html = client.get(reverse("members:roster")).content.decode()
    for name in ("dashboard", "members:todo", "branches:tree", "members:roster", "ratings:index",
                 "investigation:index", "audit_log", "downloads", "accounts:list", "password_change", "logout"):
        assert f'"{reverse(name)}"' in html, name


def test_the_pager_keeps_the_filters_and_changes_the_page_only(client, county):
    """{% pager %} writes what the included template with four {% querystring %} tags wrote: each
    link the page's own query (escaped) with another page number; nothing when one page is all."""
    from conftest import bulk_members

    bulk_members(county.east, 120)
    client.force_login(county.secretary)
    url = reverse("members:roster")
    html = client.get(url, {"category": "full", "x": "a<b", "page": "2"}).content.decode()
    nav = re.search(r'<nav class="pager" aria-label="翻页">(.*?)</nav>', html, re.S).group(1)
    links = re.findall(r'<a class="btn" href="([^"]*)">([^<]*)</a>', nav)
    assert [text for _, text in links] == ["首页", "上一页", "下一页", "末页"]
    assert [href for href, _ in links] == [f"?category=full&amp;x=a%3Cb&amp;page={n}" for n in (1, 1, 3, 3)]
    assert "<span>第 2 / 3 页</span>" in nav
    html = client.get(url, {"page": "1"}).content.decode()
    nav = re.search(r'<nav class="pager" aria-label="翻页">(.*?)</nav>', html, re.S).group(1)
    assert [t for _, t in re.findall(r'<a class="btn" href="([^"]*)">([^<]*)</a>', nav)] == ["下一页", "末页"]
    html = client.get(url, {"category": "probationary"}).content.decode()
    assert 'class="pager"' not in html  # one page (the county has one probationary member here)


def _menu(html):
    """[(label, current)] of the frame's menu."""
    nav = re.search(r'<nav id="sidebar".*?</nav>', html, re.S).group(0)
    return [(label, bool(current)) for current, label in
            re.findall(r'<li><a href="[^"]*"\s*(aria-current="page")?>([^<]+)</a></li>', nav)]


MENU_ALL = ["首页", "待办事项", "党组织", "党员名册", "组织生活", "组织关系转接", "流动党员", "党费", "星级评定",
            "分类管理试点"]


@pytest.mark.parametrize("user, entries", [
    ("admin", [*MENU_ALL, "组织关系排查", "决定审批", "操作记录", "我的下载", "账号管理", "账号锁定", "修改密码"]),
    ("committee", [*MENU_ALL, "组织关系排查", "决定审批", "操作记录", "我的下载", "账号管理", "修改密码"]),
    ("secretary", [*MENU_ALL, "组织关系排查", "决定审批", "操作记录", "我的下载", "修改密码"]),
    ("cadre", [*MENU_ALL, "操作记录", "我的下载", "修改密码"]),
])
def test_the_menu_offers_each_role_its_sections(client, county, user, entries):
    client.force_login(getattr(county, user))
    html = client.get(reverse("dashboard")).content.decode()
    assert [label for label, _ in _menu(html)] == entries
    assert html.count('<button type="submit" class="linklike">退出登录</button>') == 1
    assert 'name="csrfmiddlewaretoken"' in re.search(r'<nav id="sidebar".*?</nav>', html, re.S).group(0)
    assert ("系统后台" in html) is False


@pytest.mark.parametrize("url, current", [
    ("dashboard", "首页"), ("members:todo", "待办事项"), ("branches:tree", "党组织"), ("members:roster", "党员名册"),
    ("members:create", "党员名册"), ("members:meetings", "组织生活"), ("members:transfers", "组织关系转接"),
    ("members:mobile_ledger", "流动党员"), ("members:dues_index", "党费"), ("ratings:index", "星级评定"),
    ("pilots:programs", "分类管理试点"), ("investigation:index", "组织关系排查"), ("decisions", "决定审批"),
    ("audit_log", "操作记录"), ("downloads", "我的下载"), ("accounts:list", "账号管理"), ("lockouts", "账号锁定"),
    ("password_change", "修改密码"),
])
def test_the_menu_marks_the_section_of_the_page(client, county, url, current):
    client.force_login(county.admin)
    response = client.get(reverse(url))
    assert response.status_code == 200
    assert [label for label, on in _menu(response.content.decode()) if on] == [current]


def test_a_member_page_is_in_the_roster_and_the_superuser_has_the_back_office(client, county):
    from accounts.models import User

    client.force_login(county.admin)
    html = client.get(reverse("members:detail", args=[county.east1.pk])).content.decode()
    assert [label for label, on in _menu(html) if on] == ["党员名册"]
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    html = client.get(reverse("dashboard")).content.decode()
    assert f'<a href="{reverse("admin:index")}">系统后台</a>' in html


def test_asset_gives_the_static_url_on_every_frame(client, county):
    """{% asset %} writes what {% static %} wrote, on the logged-in frame and the public board."""
    from django.templatetags.static import static

    client.force_login(county.secretary)
    html = client.get(reverse("members:roster")).content.decode()
    for path in ("css/app.css", "js/app.js", "css/forms.css", "css/roster.css", "js/roster.js"):
        assert f'"{static(path)}"' in html, path
    client.logout()
    assert f'"{static("css/ratings.css")}"' in client.get(reverse("public:board")).content.decode()


def test_forms_share_code_lists_but_never_each_others_changes(county):
    """A form's copy of a code-list select shares its choices (not copied per form); a form that
    assigns other choices changes only itself, and the class's own field keeps its list."""
    first, second = RosterFilterForm(county.secretary, None), RosterFilterForm(county.secretary, None)
    assert first.fields["category"].choices is second.fields["category"].choices
    assert first.fields["category"].widget.choices is first.fields["category"].choices
    original = list(second.fields["category"].choices)
    first.fields["category"].choices = [("", "全部"), ("x", "只此一项")]
    assert 'value="x"' in str(first["category"]) and 'value="x"' not in str(second["category"])
    assert list(second.fields["category"].choices) == original
    assert list(RosterFilterForm(county.secretary, None).fields["category"].choices) == original
    first.fields["category"].widget.attrs["data-x"] = "1"
    assert "data-x" not in str(second["category"])
