"""Shared input rules, for every form (core.forms.CleanInputMixin applies them to each field)
and for the coming import (the models' clean() call model_input_errors):

    normalize_number("３２０９ ８１-１９８０")   -> "320981980"   (digits of any script, no separators)
    normalize_phone("+86 138-0000-0000")      -> "13800000000"
    check_text("备注…", multiline=True)        -> None, or a Chinese message (�, control characters…)
    check_date(d, not_after_today=True)        -> None, or a Chinese message (1900-01-01 … today)
"""

import datetime
import unicodedata

from django.core.exceptions import ValidationError

# Separators people type inside long numbers: spaces of every width, hyphens and dashes.
_SEPARATORS = {
    " ", "\u00a0", "\u3000", "\u2002", "\u2003", "\u2009", "\u202f", "\t",
    "-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\uff0d", "\ufe63",
}


def normalize_number(value):
    """A number as typed (ID, phone) in plain ASCII: every Unicode decimal digit (full-width,
    Arabic-Indic, Devanagari … — NFKC maps only the full-width ones, so each character goes
    through unicodedata.decimal) becomes 0-9, full-width letters become ASCII (NFKC), spaces
    and dashes are dropped. Letters are upper-cased (the X of an ID number). Anything else is
    kept, so that the caller's check still sees and refuses it."""
    out = []
    for ch in str(value or ""):
        if ch in _SEPARATORS:
            continue
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            out.append(str(digit))
            continue
        out.append(unicodedata.normalize("NFKC", ch))
    return "".join(out).upper()


def normalize_phone(value):
    """A mobile number as typed, in ASCII digits, without a leading +86 / 0086 country code."""
    value = normalize_number(value).replace("(", "").replace(")", "")
    for prefix in ("+86", "0086"):
        if value.startswith(prefix) and len(value) == len(prefix) + 11:
            return value[len(prefix):]
    return value


# -- text ---------------------------------------------------------------------------------------

# Sensible maxima for free text (characters). A field sets its own when these do not fit.
NAME_MAX = 50  # a person's or short name
LINE_MAX = 200  # an address, a unit, a one-line explanation
REASON_MAX = 500  # the reason of a move, a state change, a dissolution
NOTE_MAX = 500  # 备注: a printed roster cell, not a document
SEARCH_MAX = 50

_REPLACEMENT = "\ufffd"
_MULTILINE_CONTROLS = {"\n", "\r", "\t"}


def check_text(value, multiline=False):
    """None when `value` is text a person typed in the expected script; else a Chinese message.
    Refused: U+FFFD (what a broken encoding leaves behind), control characters (line breaks
    only where the field has several lines), format characters (invisible: zero-width, bidi
    overrides that reorder what is shown), private-use, surrogate and unassigned code points."""
    for ch in str(value or ""):
        if ch == _REPLACEMENT:
            return "含有乱码字符“\ufffd”（多为复制时编码出错），请删除后重新输入。"
        category = unicodedata.category(ch)
        if category == "Cc" and not (multiline and ch in _MULTILINE_CONTROLS):
            return "含有换行或不可见的控制字符，请删除后再输入。" if ch in _MULTILINE_CONTROLS else \
                "含有不可见的控制字符，请删除后再输入。"
        if category == "Cf":
            return f"含有不可见的格式字符（U+{ord(ch):04X}），请删除后再输入。"
        if category in ("Co", "Cs", "Cn"):
            return f"含有无法识别的字符（U+{ord(ch):04X}），请删除后再输入。"
    return None


def validate_text(value):
    """A single-line field's validator (see check_text)."""
    problem = check_text(value)
    if problem:
        raise ValidationError(problem, code="bad_text")


def validate_multiline_text(value):
    """A several-line field's validator: line breaks and tabs allowed (see check_text)."""
    problem = check_text(value, multiline=True)
    if problem:
        raise ValidationError(problem, code="bad_text")


def too_long(value, limit):
    """The Chinese message for text over `limit` characters, or None."""
    n = len(value or "")
    return f"最多{limit}个字，当前为{n}个字，请删减。" if n > limit else None


# Django's MaxLengthValidator message with its own parameters, in Chinese.
MAX_LENGTH_MESSAGE = "最多%(limit_value)d个字，当前为%(show_value)d个字，请删减。"


# -- dates --------------------------------------------------------------------------------------

MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2100, 12, 31)


def check_date(value, not_after_today=False):
    """None when the date is in range; else a Chinese message. Every date field is between
    1900-01-01 and 2100-12-31; one the rule says has happened is also not after today."""
    if value is None:
        return None
    if value < MIN_DATE:
        return "日期不能早于1900-01-01，请核对。"
    if not_after_today and value > datetime.date.today():
        return "日期不能晚于今天。"
    if value > MAX_DATE:
        return "日期不能晚于2100-12-31，请核对。"
    return None


def validate_date_range(value):
    problem = check_date(value)
    if problem:
        raise ValidationError(problem, code="date_range")


def validate_past_date(value):
    problem = check_date(value, not_after_today=True)
    if problem:
        raise ValidationError(problem, code="date_range")


def model_input_errors(instance, multiline=()):
    """{field name: message} for a model instance's text and dates, the same rules as the forms
    (for a model's clean(), so that the import gets them): clean script, a TextField's max_length
    (Django checks only a CharField's), dates in range."""
    from django.db import models

    errors = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname, None)
        if value in (None, ""):
            continue
        if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
            problem = check_text(value, multiline=isinstance(field, models.TextField))
            if not problem and isinstance(field, models.TextField) and field.max_length:
                problem = too_long(value, field.max_length)
            if problem:
                errors[field.name] = problem
        elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            problem = check_date(value)
            if problem:
                errors[field.name] = problem
    return errors
