"""core.markup gives what html.escape and Django's conditional_escape give."""

import html

import pytest
from django.utils import html as django_html
from django.utils.functional import lazystr
from django.utils.safestring import mark_safe

from core.markup import conditional_escape, escape

TEXTS = ["", "张东一", "2026-11-27", "320102199001011234", "a & b", "<script>", '"引号"', "it's", "&amp;", "混合<b>&\"'"]


@pytest.mark.parametrize("text", TEXTS)
def test_escape_is_html_escape(text):
    assert escape(text) == html.escape(text)


@pytest.mark.parametrize("value", [*TEXTS, 12, 0, None, 3.5, True, lazystr("懒<字>"), mark_safe("<b>安全</b>")])
def test_conditional_escape_is_djangos(value):
    assert conditional_escape(value) == str(django_html.conditional_escape(value))


def test_a_safe_string_passes_unescaped_and_others_never_do():
    assert conditional_escape(mark_safe("<b>")) == "<b>"
    assert conditional_escape("<b>") == "&lt;b&gt;"
