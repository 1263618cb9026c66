"""Widgets of the project's forms (issue 9):

- DateTextInput: a text box for a date typed as people write it (core.forms.TypedDateField),
  with a calendar button added by static/js/datefield.js (without script: typing still works).
- OrgTreeSelect: a select over organizations that static/js/orgpicker.js turns into a searchable
  tree (filter by name or pinyin initials); without script it stays a plain select of the same options.
"""

import datetime
from functools import lru_cache

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from pypinyin import Style, lazy_pinyin


class DateTextInput(forms.TextInput):
    """A date as text (shown 1985-03-12), typed as 19850312, 1985.3.12, 1985年3月12日 … or picked."""

    def __init__(self, attrs=None):
        base = {"inputmode": "decimal", "autocomplete": "off", "placeholder": "如 19850312",
                "data-datefield": "", "maxlength": 20, "class": "date-text"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime("%Y-%m-%d")
        return super().format_value(value)


@lru_cache(maxsize=4096)
def initials(name):
    """张红梅村党支部 -> "zhmcdzb": the pinyin initials the picker's filter matches."""
    return "".join(p[:1] for p in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()


class OrgTreeSelect(forms.Select):
    """A select over organizations whose labels are indented by depth (branches.forms.tree_label:
    one ideographic space a level). Each option carries its depth and pinyin initials for the picker
    (static/js/orgpicker.js); the choices stay the field's queryset, so a tampered post is still refused."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-orgpicker": "", **(attrs or {})}, choices)

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        found = False
        parts = [format_html('<select name="{}"{}>', name,
                             forms.utils.flatatt(self.build_attrs(self.attrs, attrs)))]
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            name_only = str(label).lstrip("\u3000")
            depth = len(label) - len(name_only)
            selected = option_value in chosen and not found
            found = found or selected
            extra = ""
            if option_value:
                extra = f' data-depth="{depth}" data-py="{conditional_escape(initials(name_only))}"'
                parent = getattr(label, "parent", "")
                if parent:
                    extra += f' data-parent="{conditional_escape(parent)}"'
            parts.append(f'\n  <option value="{conditional_escape(option_value)}"{extra}'
                         f'{" selected" if selected else ""}>{conditional_escape(label)}</option>')
        parts.append("\n</select>")
        return mark_safe("".join(parts))
