"""Dates typed the way people write them (core/dates.py, core.forms.TypedDateField), shared with the import."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core.dates import parse_typed_date
from core.forms import ServiceErrorsMixin, TypedDateField
from members.importing.values import CellError, MonthOnly, parse_date

D = datetime.date(1985, 3, 12)


@pytest.mark.parametrize("typed", [
    "1985-03-12", "1985-3-12", "19850312", "1985.3.12", "1985.03.12", "1985/3/12", "1985年3月12日", "1985年3月12",
    " 1985 - 3 - 12 ", "１９８５年３月１２日", "１９８５．０３．１２", "１９８５０３１２", "1985－3－12", "1985—3—12",
    "١٩٨٥-٣-١٢",
])
def test_each_typed_form_is_understood(typed):
    assert parse_typed_date(typed) == D


@pytest.mark.parametrize("typed, message", [
    ("1985.3", "缺少日"), ("198503", "缺少日"), ("1985年3月", "缺少日"),
    ("85.3.12", "无法识别"), ("3/12/1985", "无法识别"), ("昨天", "无法识别"), ("1985-3-12-1", "无法识别"),
    ("19850230", "日期不存在（1985年2月30日）"), ("１９８５年２月３０日", "日期不存在（1985年2月30日）"),
    ("1985-13-01", "日期不存在（1985年13月1日）"),
])
def test_a_bad_date_is_refused_in_chinese(typed, message):
    with pytest.raises(ValidationError) as refused:
        parse_typed_date(typed)
    text = refused.value.messages[0]
    assert message in text
    if "不存在" not in message:
        assert "19850312" in text and "1985年3月12日" in text  # says what is understood


class _Form(ServiceErrorsMixin, forms.Form):
    day = TypedDateField(label="日期")


def test_the_form_field_applies_the_project_range_and_shows_iso():
    assert _Form({"day": "1985年3月12日"}).is_valid()
    form = _Form({"day": "18991231"})
    assert not form.is_valid() and "不能早于1900-01-01" in form.errors["day"][0]
    assert 'value="1985-03-12"' in str(_Form(initial={"day": D})["day"])
    html = str(_Form()["day"])
    assert 'data-datefield' in html and 'inputmode="decimal"' in html and 'type="text"' in html


def test_the_import_reads_the_same_shapes_and_still_takes_a_month_alone():
    assert parse_date("1985年3月12日") == parse_date("19850312") == parse_date("1985.3.12") == D
    assert isinstance(parse_date("1985.03"), MonthOnly)
    with pytest.raises(CellError):
        parse_date("昨天")
