"""公民身份号码 (GB 11643-1999): 18 characters, the last a check digit over the first 17."""

import datetime
import re

from core.validators import normalize_number

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CODES = "10X98765432"
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII only: normalize first


def check_digit(first17):
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CODES[total % 11]


def normalize(value):
    """The one stored form of an ID number as typed: ASCII digits (full-width, Arabic-Indic and
    other Unicode digits converted), no spaces or dashes, an upper-case X. Used before every
    check, save, comparison and search, and by the import."""
    return normalize_number(value)


def validate(value):
    """Return the error message for an invalid ID, or None when it is valid."""
    value = normalize(value)
    if len(value) != 18:
        return f"公民身份号码应为18位，当前为{len(value)}位。"
    if not _SHAPE.fullmatch(value):
        return "公民身份号码前17位应为数字，最后一位为数字或X。"
    try:
        birth_date(value)
    except ValueError:
        return "公民身份号码中的出生日期不存在。"
    if check_digit(value[:17]) != value[17]:
        return "公民身份号码校验位不正确，请核对。"
    return None


def birth_date(value):
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender(value):
    """男 for an odd 17th digit, 女 for an even one."""
    return "男" if int(value[16]) % 2 else "女"


def mask(value):
    """3209**************: what a role that may not see full numbers sees, everywhere (pages,
    files, histories). Only the first four digits (the city, shared by the whole county) stay:
    the birth date and gender are shown beside it in other columns, so leaving the sequence
    digits and the check digit visible as well would give away all but a guessable region code
    (see members/roster.py, "Masked means masked")."""
    if not value or len(value) < 8:
        return "*" * len(value or "")
    return value[:4] + "*" * (len(value) - 4)


def screen_mask(value):
    """3209**********0012: the roster on screen for a role that may see full numbers anyway (it
    only keeps them from an onlooker); the tail helps tell two people apart."""
    if not value or len(value) < 8:
        return "*" * len(value or "")
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
