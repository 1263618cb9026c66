"""The mobile-member ledger's rows, written out in Python (as the roster's: members/templatetags/
roster_tags.py): 50 rows x 21 cells through the template engine took most of the page's time."""

from django import template

from .roster_tags import table_rows

register = template.Library()


@register.simple_tag
def ledger_body(rows):
    """The ledger's rows; the name links to the mobile record."""
    return table_rows(rows, "members:mobile_detail")
