import pytest

from ratings.grades import Grade, grade


@pytest.mark.parametrize(("stars", "expected"), [
    (5, Grade.EXCELLENT), (4, Grade.QUALIFIED), (3, Grade.QUALIFIED),
    (2, Grade.UNQUALIFIED), (1, Grade.UNQUALIFIED), (0, Grade.UNQUALIFIED),
])
def test_grade_at_each_threshold(stars, expected):
    assert grade(stars) == expected


def test_thresholds_are_settings(settings):
    settings.RATING_EXCELLENT_MIN_STARS = 4
    settings.RATING_QUALIFIED_MIN_STARS = 2
    assert grade(4) == Grade.EXCELLENT
    assert grade(2) == Grade.QUALIFIED
    assert grade(1) == Grade.UNQUALIFIED


@pytest.mark.parametrize("bad", [-1, 6, None])
def test_grade_refuses_impossible_counts(bad):
    with pytest.raises(ValueError):
        grade(bad)
