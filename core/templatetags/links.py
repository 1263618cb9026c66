"""The page frame's links. {% link 'name' %}: the URL of a view that takes no arguments, reversed
once per process; {% pager page %}: a list's page links.

The page frame (base.html) names about twenty such URLs on every page; Django's {% url %} reverses
each on every request (about 25 µs apiece, a tenth of a branch secretary's roster page). These never
change while the process runs; the script prefix is part of the key, so a site served under a path
still gets its own."""

from functools import lru_cache

from django import template
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe

from core.markup import escape

register = template.Library()


@lru_cache(maxsize=256)
def _reversed(prefix, name):
    return reverse(name)


@register.simple_tag
def link(name):
    return _reversed(get_script_prefix(), name)


@register.simple_tag(takes_context=True)
def pager(context, page):
    """The list pages' 首页 / 上一页 / 第 n / m 页 / 下一页 / 末页, each link the page's query with
    another page number (what four {% querystring %} tags in an included template wrote, at a
    tenth of the cost: a branch secretary's roster is drawn on every visit). Nothing for one page."""
    if not page.has_other_pages():
        return ""
    query = context["request"].GET.copy()

    def button(number, text):
        query["page"] = number
        return f'<a class="btn" href="?{escape(query.urlencode())}">{text}</a>'

    last = page.paginator.num_pages
    out = ['<nav class="pager" aria-label="翻页">\n  ']
    if page.has_previous():
        out += [button(1, "首页"), button(page.number - 1, "上一页")]
    out.append(f"\n  <span>第 {page.number} / {last} 页</span>\n  ")
    if page.has_next():
        out += [button(page.number + 1, "下一页"), button(last, "末页")]
    out.append("\n</nav>")
    return mark_safe("".join(out))


def _in_roster(ns, name):
    return ns == "members" and name != "todo" and not any(
        word in name for word in ("dues", "mobile", "letter", "transfer", "meeting", "orglife"))


# The menu: (URL name, label, the user property that shows it (None: everyone), is it the section
# of the page (namespace, URL name)).
MENU = [
    ("dashboard", "首页", None, lambda ns, name: name == "dashboard"),
    ("members:todo", "待办事项", None, lambda ns, name: name == "todo"),
    ("branches:tree", "党组织", None, lambda ns, name: ns == "branches"),
    ("members:roster", "党员名册", None, _in_roster),
    ("members:meetings", "组织生活", None, lambda ns, name: "meeting" in name or "orglife" in name),
    ("members:transfers", "组织关系转接", None,
     lambda ns, name: ns == "members" and ("letter" in name or "transfer" in name)),
    ("members:mobile_ledger", "流动党员", None, lambda ns, name: ns == "members" and "mobile" in name),
    ("members:dues_index", "党费", None, lambda ns, name: ns == "members" and "dues" in name),
    ("ratings:index", "星级评定", None, lambda ns, name: ns == "ratings"),
    ("pilots:programs", "分类管理试点", None, lambda ns, name: ns == "pilots"),
    ("investigation:index", "组织关系排查", "can_edit", lambda ns, name: ns == "investigation"),
    ("decisions", "决定审批", "can_edit", lambda ns, name: name in ("decisions", "decision_detail")),
    ("audit_log", "操作记录", None, lambda ns, name: name == "audit_log"),
    ("downloads", "我的下载", None, lambda ns, name: name == "downloads"),
    ("accounts:list", "账号管理", "can_manage_accounts", lambda ns, name: ns == "accounts"),
    ("lockouts", "账号锁定", "is_county_admin", lambda ns, name: name == "lockouts"),
]


@register.simple_tag(takes_context=True)
def sidebar(context):
    """The frame's menu for the logged-in user, its page's section marked (written here rather than
    as twenty {% if %}s around {% link %}s in base.html: a third of the frame's time)."""
    request, user = context["request"], context["user"]
    match = request.resolver_match
    ns, name = (match.namespace, match.url_name or "") if match else ("", "")
    prefix = get_script_prefix()

    def item(url_name, label, current):
        mark = ' aria-current="page"' if current else ""
        return f'<li><a href="{escape(_reversed(prefix, url_name))}"{mark}>{label}</a></li>'

    main = [item(url_name, label, current(ns, name)) for url_name, label, shown, current in MENU
            if shown is None or getattr(user, shown)]
    foot = [item("password_change", "修改密码", name == "password_change")]
    if user.is_superuser:
        foot.append(f'<li><a href="{escape(_reversed(prefix, "admin:index"))}">系统后台</a></li>')
    token = escape(str(context.get("csrf_token", "")))
    foot.append(f'<li>\n        <form method="post" action="{escape(_reversed(prefix, "logout"))}">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">\n'
                '          <button type="submit" class="linklike">退出登录</button>\n        </form>\n      </li>')
    return mark_safe('<ul>\n      ' + "\n      ".join(main) + '\n    </ul>\n    <ul class="sidebar-foot">\n      '
                     + "\n      ".join(foot) + "\n    </ul>")


@lru_cache(maxsize=256)
def _asset(prefix, path):
    return static(path)


@register.simple_tag
def asset(path):
    """{% static %} for the app's own CSS and JS, worked out once per process (the frame names
    five on every page)."""
    return _asset(get_script_prefix(), path)
