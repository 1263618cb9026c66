import pytest

from members import idcard

# Published GB 11643 examples and hand-checked numbers.
VALID = ["11010519491231002X", "440524188001010014", "320981198005010012"]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_pass(number):
    assert idcard.validate(number) is None


def test_check_digit_x_is_computed():
    assert idcard.check_digit("11010519491231002") == "X"


def test_lowercase_x_is_accepted_and_normalized():
    assert idcard.validate("11010519491231002x") is None
    assert idcard.normalize(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize("number, message", [
    ("110105194912310021", "校验位不正确"),
    ("11010519491231002", "应为18位"),
    ("1101051949123100211", "应为18位"),
    ("11010519491231A02X", "前17位应为数字"),
    ("110105194902300024", "出生日期不存在"),
    ("", "应为18位"),
])
def test_invalid_numbers_have_chinese_messages(number, message):
    assert message in idcard.validate(number)


def test_gender_birth_and_mask():
    assert idcard.gender("11010519491231002X") == "女"
    assert idcard.gender("440524188001010014") == "男"
    assert idcard.birth_date("440524188001010014").isoformat() == "1880-01-01"
    assert idcard.mask("320981198005010012") == "3209**************"
    assert idcard.screen_mask("320981198005010012") == "3209**********0012"
