"""The five stars and the states of a rating sheet (plan 2 of the source; DOMAIN.md)."""

from django.db import models


class Star(models.TextChoices):
    """共产党员“五星”. The value is also the name of the entry's BooleanField."""

    STUDY = "study", "理论学习星"
    SERVICE = "service", "服务群众星"
    DEDICATION = "dedication", "爱岗敬业星"
    INNOVATION = "innovation", "求实创新星"
    INTEGRITY = "integrity", "清正廉洁星"


STAR_FIELDS = tuple(s.value for s in Star)


class SheetState(models.TextChoices):
    """草稿 → (submit) 公示中 → (after publicity ends) 已确认. A revision during publicity stays 公示中
    and restarts the seven days."""

    DRAFT = "draft", "草稿"
    PUBLICITY = "publicity", "公示中"
    CONFIRMED = "confirmed", "已确认"


class ObjectionSource(models.TextChoices):
    BRANCH = "branch", "支部记录（群众反映）"
    PUBLIC = "public", "公示栏提交"


class Audience(models.TextChoices):
    """Which criteria set fits a member ("根据党员岗位特点，各设置五颗星"): the plan's two annexes."""

    IN_POST = "in_post", "在职党员"
    RETIRED = "retired", "离退休、农村及年老体弱党员"
