"""The grade a star count earns (DOMAIN.md): 5 stars 优秀党员; 3–4 合格党员; 2 or fewer 不合格党员.

The thresholds are settings (RATING_EXCELLENT_MIN_STARS, RATING_QUALIFIED_MIN_STARS) because the
source is silent on four stars and another county may draw the lines elsewhere."""

from django.conf import settings
from django.db import models


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀党员"
    QUALIFIED = "qualified", "合格党员"
    UNQUALIFIED = "unqualified", "不合格党员"


def thresholds():
    """(minimum stars for 优秀, minimum stars for 合格)."""
    return settings.RATING_EXCELLENT_MIN_STARS, settings.RATING_QUALIFIED_MIN_STARS


def grade(star_count):
    """The Grade of `star_count` stars (0–5)."""
    if star_count is None or not 0 <= star_count <= 5:
        raise ValueError("得星数应在 0–5 之间")
    excellent, qualified = thresholds()
    if star_count >= excellent:
        return Grade.EXCELLENT
    if star_count >= qualified:
        return Grade.QUALIFIED
    return Grade.UNQUALIFIED


def publicity_days():
    """How many days publicity lasts at the least (this county: 7; another county uses 5)."""
    return settings.PUBLICITY_DAYS
