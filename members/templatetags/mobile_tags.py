"""The mobile-member ledger's rows, written out in Python (as the roster's: members/templatetags/
roster_tags.py): 50 rows x 21 cells through the template engine took most of the page's time."""

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def ledger_body(rows):
    """<tr> per record: one <td class="c-KEY" data-label="HEADER"> per column; the name links to the record."""
    if not rows:
        return ""
    marker = 999999999
    head, tail = (conditional_escape(part) for part in reverse("members:mobile_detail", args=[marker]).split(str(marker)))
    labels = {}
    out = []
    for period, cells in rows:
        out.append("\n  <tr>")
        for col, value in cells:
            if col.key not in labels:
                labels[col.key] = f'<td class="c-{conditional_escape(col.key)}" data-label="{conditional_escape(col.header)}">'
            out.append(labels[col.key])
            if col.key == "name":
                out.append(f'<a href="{head}{period.pk}{tail}">{conditional_escape(value)}</a></td>')
            else:
                out.append(f"{conditional_escape(value)}</td>")
        out.append("</tr>")
    return mark_safe("".join(out) + "\n  ")
