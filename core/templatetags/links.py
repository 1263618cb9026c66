"""{% link 'name' %}: the URL of a view that takes no arguments, reversed once per process.

The page frame (base.html) names about twenty such URLs on every page; Django's {% url %} reverses
each on every request (about 25 µs apiece, a tenth of a branch secretary's roster page). These never
change while the process runs; the script prefix is part of the key, so a site served under a path
still gets its own."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()


@lru_cache(maxsize=256)
def _reversed(prefix, name):
    return reverse(name)


@register.simple_tag
def link(name):
    return _reversed(get_script_prefix(), name)
