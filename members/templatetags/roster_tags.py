"""The roster table's rows, written out in Python.

The template loop cost about 25 ms of a 50 ms roster page (50 rows x 10 cells, five lookups and an
escape per cell in the template engine); the same markup built here takes about 2 ms.
"""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from core.markup import conditional_escape, escape

register = template.Library()


def table_rows(rows, detail_url_name):
    """<tr> per object of `rows` [(obj, [(column, value), ...])]: one <td class="c-KEY"
    data-label="HEADER"> per column; the name cell links to `detail_url_name` for the object."""
    if not rows:
        return ""
    marker = 999999999
    detail = reverse(detail_url_name, args=[marker])
    head, tail = (conditional_escape(part) for part in detail.split(str(marker)))
    # every row has the same columns: each cell's opening tag, and where the name is, worked out once
    columns = [col for col, _ in rows[0][1]]
    openers = [f'<td class="c-{conditional_escape(c.key)}" data-label="{conditional_escape(c.header)}">'
               for c in columns]
    linked = [c.key == "name" for c in columns]
    out = []
    for obj, cells in rows:
        out.append("\n  <tr>\n    ")
        for opener, link, (_, value) in zip(openers, linked, cells):
            text = conditional_escape(value)
            if link:
                out.append(f'{opener}<a href="{head}{obj.pk}{tail}">{text}</a></td>')
            else:
                out.append(f"{opener}{text}</td>")
        out.append("\n  </tr>")
    return mark_safe("".join(out) + "\n  ")


@register.simple_tag
def roster_body(rows):
    """The roster's rows; the name links to the member."""
    return table_rows(rows, "members:detail")


@register.simple_tag(takes_context=True)
def roster_head(context, columns, sort, sortable):
    """The header cells; a sortable column's link sorts by it (again: the other way), on page 1.
    Written here for the same reason as the rows (ten {% querystring %} tags took 1 ms)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    out = []
    for c in columns:
        header = escape(c.header)
        if c.key not in sortable:
            out.append(f'<th scope="col">{header}</th>')
            continue
        query["sort"] = f"-{c.key}" if sort == c.key else c.key
        href = escape("?" + query.urlencode())
        if sort == c.key:
            link = f'<a href="{href}" aria-label="{header}，当前升序，点击改为降序">{header} <span class="sort-mark">▲</span></a>'
        elif sort == f"-{c.key}":
            link = f'<a href="{href}" aria-label="{header}，当前降序，点击改为升序">{header} <span class="sort-mark">▼</span></a>'
        else:
            link = f'<a href="{href}">{header}</a>'
        out.append(f'<th scope="col">{link}</th>')
    return mark_safe("\n    ".join(out))


@register.simple_tag
def column_choices(all_columns, chosen):
    """The column picker's check boxes (the columns shown whatever is ticked are not offered)."""
    return mark_safe("\n      ".join(
        f'<label><input type="checkbox" name="columns" value="{escape(c.key)}"{" checked" if c.key in chosen else ""}>'
        f" {escape(c.header)}</label>"
        for c in all_columns if not c.always
    ))


def _phone_shown(phone):
    """138 0000 0000: a mobile number read in groups, as people say it."""
    return f"{phone[:3]} {phone[3:7]} {phone[7:]}" if len(phone) == 11 and phone.isdigit() else phone


@register.simple_tag
def roster_compact(rows, show_org):
    """The roster on a phone: one row per member — name, 人员类别, the phone as a tel: link, and the
    branch on a second line when the list spans branches. The whole row opens the member (the name's
    link covers the row, members/static css/roster.css); the phone link sits above it and dials."""
    from members.roster import CATEGORY

    if not rows:
        return ""
    marker = 999999999
    head, tail = (escape(part) for part in reverse("members:detail", args=[marker]).split(str(marker)))
    out = ['<ul class="roster-compact" aria-label="党员列表">']
    for row in rows:
        phone = row.phone or ""
        out.append(
            f'<li><a class="rc-name" href="{head}{row.pk}{tail}">{escape(row.name)}</a>'
            f'<span class="rc-cat">{escape(CATEGORY(row.category))}</span>'
            + (f'<a class="rc-tel" href="tel:{escape(phone)}" aria-label="拨打电话 {escape(phone)}">'
               f'{escape(_phone_shown(phone))}</a>' if phone else '<span class="rc-tel rc-none">无手机号码</span>')
            + (f'<span class="rc-org">{escape(row.organization.name)}</span>' if show_org else "")
            + "</li>"
        )
    out.append("</ul>")
    return mark_safe("\n".join(out))


@register.simple_tag(takes_context=True)
def roster_tree(context, roots, selected):
    """The desk's organization tree: each name a link that filters the roster to its subtree (the
    page's other filters kept, page 1), with its members on the roll; the selected one marked and
    the branches leading to it open. Written here: 400 branches through template includes took
    longer than the whole page should."""
    query = context["request"].GET.copy()
    for key in ("org", "page"):
        query.pop(key, None)
    base = "?" + (query.urlencode() + "&" if query else "")
    selected_path = selected.path if selected is not None else None
    out = []

    def node(n, depth):
        current = ' aria-current="true"' if selected is not None and n.pk == selected.pk else ""
        label = (f'<a class="tree-link" href="{escape(base)}org={n.pk}"{current}>{escape(n.name)}</a>'
                 f'<span class="tree-count" title="在册党员">{n.count}</span>')
        if not n.children:
            out.append(f'<li><div class="tree-node"><span class="leaf" aria-hidden="true"></span>{label}</div></li>')
            return
        is_open = depth == 0 or (selected_path is not None and selected_path.startswith(n.path))
        out.append(f'<li><details{" open" if is_open else ""}><summary class="tree-node">{label}</summary><ul>')
        for child in n.children:
            node(child, depth + 1)
        out.append("</ul></details></li>")

    everything = ' aria-current="true"' if selected is None else ""
    out.append(f'<a class="tree-all" href="{escape(base.rstrip("&?") or "?")}"{everything}>全部（含下级）</a>')
    out.append('<ul class="roster-tree">')
    for root in roots:
        node(root, 0)
    out.append("</ul>")
    return mark_safe("".join(out))
