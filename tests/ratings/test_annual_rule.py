"""The annual rule (ratings/annual.py): the average star count rounded down, at its boundaries."""

import pytest

from ratings import annual


@pytest.mark.parametrize("quarters, stars", [
    ({1: 5, 2: 5, 3: 5, 4: 5}, 5),
    ({1: 5, 2: 5, 3: 5, 4: 4}, 4),   # 4.75: one quarter short of five is not 优秀
    ({1: 3, 2: 3, 3: 3, 4: 2}, 2),   # 2.75 → 2: 不合格
    ({1: 3, 2: 3, 3: 3, 4: 3}, 3),   # exactly 3
    ({1: 4, 2: 2, 3: 3, 4: 3}, 3),   # 12 / 4 = 3.0 exactly: no float error rounds it to 2
    ({1: 0, 2: 0, 3: 0, 4: 0}, 0),
])
def test_average_rounded_down(quarters, stars):
    assert annual.annual_stars(quarters, "average_floor") == stars


def test_quarters_not_rated_do_not_count_as_zero():
    # rated in Q1, Q2 and Q4 only (Q3 not rated): (5 + 5 + 4) / 3 = 4.67 → 4, not (14 / 4 = 3.5 → 3)
    assert annual.annual_stars({1: 5, 2: 5, 3: None, 4: 4}) == 4
    # a quarter missing from the mapping is the same as not rated
    assert annual.annual_stars({1: 5, 4: 5}) == 5
    # joined in the fourth quarter: that quarter alone
    assert annual.annual_stars({4: 2}) == 2


def test_no_rated_quarter_has_no_result():
    assert annual.annual_stars({1: None, 2: None}) is None
    assert annual.annual_stars({}) is None
    year = annual.summarize("m", {})
    assert year.stars is None and year.grade is None and year.rated_count == 0 and year.average is None


def test_other_rules_and_the_setting(settings):
    q = {1: 4, 2: 3, 3: 4, 4: 3}  # 3.5
    assert annual.annual_stars(q, "average_floor") == 3
    assert annual.annual_stars(q, "average_round") == 4
    assert annual.annual_stars({1: 5, 2: 2, 3: 5, 4: 5}, "lowest") == 2
    settings.RATING_ANNUAL_RULE = "average_round"
    assert annual.annual_stars(q) == 4
    assert annual.rule_label() == "各季度平均得星数（四舍五入）"
    settings.RATING_ANNUAL_RULE = "nonsense"
    with pytest.raises(ValueError):
        annual.annual_stars(q)
