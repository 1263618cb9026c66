from django import template

from core import audit

register = template.Library()


@register.filter
def shown_changes(entry, full):
    """{% for label, before, after in entry|shown_changes:full_ids %}"""
    return audit.shown_changes(entry, full)
