"""Dates as people write them, shared by the forms (core.forms.TypedDateField) and the roster
import (members.importing.values.parse_date):

    split_date("1985-3-12") -> ("1985", "3", "12")     split_date("1985.03") -> ("1985", "03", None)
    split_date("19850312")  -> ("1985", "03", "12")    split_date("1985年3月12日") -> ("1985", "3", "12")
    parse_typed_date("１９８５.３.１２") -> date(1985, 3, 12)   (a form: a whole date, else a Chinese message)
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError

YMD = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
YM = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?$")
COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "‐": "-", "‑": "-", "−": "-", "／": "/"})

TYPED_HINT = "请写作 1985-03-12、1985.3.12、19850312 或 1985年3月12日，也可以点“日历”选择。"


def split_date(s):
    """(year, month, day) as written, day None for a month alone (2001.07, 200107); None when
    `s` (spaces and dashes as the caller normalized them) is not a date's shape."""
    for pattern in (YMD, YM):
        m = pattern.match(s)
        if m:
            return (*m.groups(), *([None] if pattern is YM else []))
    m = COMPACT.match(s)
    return m.groups() if m else None


def typed_text(value):
    """A date as typed, in ASCII: digits of any script as 0-9 (full-width １９８５ too), full-width
    punctuation as ASCII, spaces dropped, dashes of every kind as "-"."""
    out = []
    for ch in str(value or ""):
        digit = unicodedata.decimal(ch, None)
        out.append(str(digit) if digit is not None else unicodedata.normalize("NFKC", ch))
    return re.sub(r"\s+", "", "".join(out).translate(_DASHES))


def parse_typed_date(value):
    """A whole date typed into a form, or ValidationError in Chinese."""
    s = typed_text(value)
    parts = split_date(s)
    if parts is None or parts[2] is None:
        shown = str(value).strip()
        why = "缺少日" if parts is not None else "无法识别"
        raise ValidationError(f"日期“{shown}”{why}，{TYPED_HINT}", code="invalid")
    y, m, d = parts
    try:
        return datetime.date(int(y), int(m), int(d))
    except ValueError as exc:
        raise ValidationError(f"日期不存在（{int(y)}年{int(m)}月{int(d)}日），请核对。", code="invalid") from exc
