"""One cell of a roster file as people really fill it in, turned into a member field's value.

Every parser takes the cell as the reader gives it (str, int, float, datetime, date or None) and
returns the value, or raises CellError with the Chinese message for that cell:

    parse_date("2001.07") -> date(2001, 7, 1)      parse_date("2001年7月") -> date(2001, 7, 1)
    parse_date("20010701") -> date(2001, 7, 1)     parse_date(37073.0) -> date(2001, 7, 1)  (Excel)
    parse_id("３２０９８１ｘ…") -> "320981…X"      parse_id(3.20981e17) -> CellError (digits lost)
"""

import datetime
import re
import unicodedata

from core.dates import split_date
from core.validators import check_text, normalize_phone

from .. import idcard


class CellError(ValueError):
    """The cell's value cannot be read; the message says why, in Chinese."""


SPACES = re.compile(r"[\s\u3000\u00a0\u2002\u2003\u2009\u202f]+")
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 = 1900-01-01 (after Excel's 1900 leap-year bug)


def is_blank(value):
    return value is None or (isinstance(value, str) and not SPACES.sub("", value))


def _number_text(value):
    """A number cell as the digits a person typed (13800000000.0 -> "13800000000")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def text(value):
    """A cell as text: full-width letters and digits as ASCII (NFKC), spaces at the ends removed."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = _number_text(value)
    elif isinstance(value, (datetime.date, datetime.datetime)):
        value = value.strftime("%Y-%m-%d")
    value = unicodedata.normalize("NFKC", str(value))
    value = SPACES.sub(" ", value).strip()
    problem = check_text(value)
    if problem:
        raise CellError(problem)
    return value


def name(value):
    """A person's name: spaces used to align two-character names (张　三) are dropped."""
    value = text(value)
    if not re.search(r"[A-Za-z]", value):
        value = value.replace(" ", "")
    return value


# -- citizen ID ---------------------------------------------------------------------------------

ID_AS_NUMBER = ("公民身份号码被Excel存成了数字，后几位已丢失（Excel只保留15位有效数字），无法还原；"
                "请把该列设置为“文本”格式后重新填写这个号码。")
_SCIENTIFIC = re.compile(r"^[0-9]+(\.[0-9]+)?E\+?[0-9]+$")


def parse_id(value):
    """The ID in its stored form, or CellError. A number cell is always refused: Excel keeps 15
    significant digits, so an 18-digit ID stored as a number has already lost its last digits (a
    number that happens to pass the check digit would be a silently wrong person)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(ID_AS_NUMBER)
    value = idcard.normalize(text(value))
    if _SCIENTIFIC.match(value):
        raise CellError(ID_AS_NUMBER)
    problem = idcard.validate(value)
    if problem:
        raise CellError(problem)
    return value


def parse_phone(value):
    return normalize_phone(text(value))


# -- dates --------------------------------------------------------------------------------------

DATE_HINT = "请写作 2001-07-01、2001.07、2001年7月 或 20010701。"


class MonthOnly(datetime.date):
    """A date written without its day (2001.07, 2001年7月, 200107): the month's first day, taken as
    "some day of that month" where a record already holds a day (members.importing.analysis)."""


def same_month(a, b):
    return a is not None and b is not None and (a.year, a.month) == (b.year, b.month)


def _date(y, m, d):
    try:
        return MonthOnly(int(y), int(m), 1) if d is None else datetime.date(int(y), int(m), int(d))
    except ValueError as exc:
        raise CellError(f"日期不存在（{y}年{m}月{d or 1}日），请核对。") from exc


def parse_date(value):
    """A date as written in real files; a month without a day is the month's first day."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value == int(value) and 19000101 <= value <= 21001231:  # 20010701 typed as a number
            return parse_date(str(int(value)))
        if value == int(value) and 190001 <= value <= 210012:  # 200107
            return parse_date(str(int(value)))
        if 1 <= value < 80000:  # an Excel date serial (up to the year 2118)
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(f"无法识别的日期“{_number_text(value)}”，{DATE_HINT}")
    raw = text(value)
    s = raw.replace(" ", "").replace("—", "-").replace("–", "-")  # text() made full-width ASCII
    parts = split_date(s)  # the shapes the forms take too (core/dates.py)
    if parts is not None:
        return _date(*parts)
    if re.fullmatch(r"\d+(\.0)?", s) and 1 <= float(s) < 80000:  # a serial that became text
        return parse_date(float(s))
    raise CellError(f"无法识别的日期“{raw}”，{DATE_HINT}")


# -- coded values -------------------------------------------------------------------------------

YES = {"是", "Y", "YES", "TRUE", "1", "√", "✓", "有"}
NO = {"否", "N", "NO", "FALSE", "0", "×", "无", "不是"}


def parse_bool(value):
    if isinstance(value, bool):
        return value
    s = text(value).upper()
    if s in YES:
        return True
    if s in NO:
        return False
    raise CellError(f"“{text(value)}”应填“是”或“否”。")


def choice_parser(choices, synonyms=None, what="该项"):
    """A parser for a coded field: the label (正式党员), the stored code, or a known synonym."""
    table = {}
    for code, label in choices:
        for key in (label, code):
            if key != "":
                table[_choice_key(key)] = code
    for key, code in (synonyms or {}).items():
        table[_choice_key(key)] = code
    allowed = "、".join(label for code, label in choices if label)

    def parse(value):
        s = text(value)
        try:
            return table[_choice_key(s)]
        except KeyError:
            raise CellError(f"“{s}”不是有效的{what}，应为：{allowed}。") from None

    parse.allowed = [label for code, label in choices if label]
    return parse


def _choice_key(s):
    return unicodedata.normalize("NFKC", str(s)).replace(" ", "").upper()
