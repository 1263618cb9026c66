"""How values look on screen and in printed documents."""

import datetime

CJK_FONTS = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", sans-serif'


def format_value(v):
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, datetime.date):
        return v.isoformat()
    return "" if v is None else str(v)


def chinese_date(d):
    return f"{d.year}年{d.month}月{d.day}日"


def document_value(v):
    """A value as a printed document shows it: dates as 2026年11月27日 (UI.md)."""
    if isinstance(v, datetime.date):
        return chinese_date(v)
    return format_value(v)


def text_width_em(text):
    """The printed width of `text` in em of the CJK font (Noto Sans CJK: digits 0.555, other ASCII
    up to about 0.6, CJK 1)."""
    return sum(0.56 if ch.isdigit() and ch.isascii() else 0.6 if ord(ch) < 0x2E80 else 1.0 for ch in text)
