"""The pilot plan's fixed lists: phases, the eleven aspects of management, problem stages."""

from django.db import models


class Step(models.TextChoices):
    """The plan's steps (四、工作步骤), in order; the first two make up 动员部署."""

    PLAN = "plan", "制定方案"
    DEPLOY = "deploy", "部署发动"
    IMPLEMENT = "implement", "组织实施"
    SUMMARIZE = "summarize", "总结提升"


STAGE_OF_STEP = {Step.PLAN: "动员部署", Step.DEPLOY: "动员部署", Step.IMPLEMENT: "组织实施", Step.SUMMARIZE: "总结提升"}


def step_label(step):
    """"动员部署·制定方案", "组织实施" …"""
    stage = STAGE_OF_STEP[Step(step)]
    label = Step(step).label
    return label if stage == label else f"{stage}·{label}"


# 一、总体要求 (一): the aspects each category's measures cover.
ASPECTS = [
    ("study", "学习教育"),
    ("tempering", "党性锻炼"),
    ("three_one", "三会一课"),
    ("org_life", "组织生活"),
    ("theme_day", "支部主题党日"),
    ("review", "民主评议"),
    ("transfer", "组织关系转接"),
    ("disposal", "组织处置"),
    ("dues", "交纳党费"),
    ("care", "激励关怀"),
    ("role", "发挥作用"),
]
ASPECT_LABELS = dict(ASPECTS)


class ProblemStage(models.TextChoices):
    """发现 → 分析 → 整改 → 解决."""

    FOUND = "found", "发现"
    ANALYZED = "analyzed", "分析"
    RECTIFYING = "rectifying", "整改"
    SOLVED = "solved", "解决"


NEXT_STAGE = {
    ProblemStage.FOUND: ProblemStage.ANALYZED,
    ProblemStage.ANALYZED: ProblemStage.RECTIFYING,
    ProblemStage.RECTIFYING: ProblemStage.SOLVED,
}

# The plan's rule (组织实施 ③): a unit with this many members or more sets up branches by member type.
SPLIT_THRESHOLD = 15

# Suggested categories (二、分类原则和标准 in the source's examples).
SUGGESTED_CATEGORIES = ["在职党员", "离退休党员", "流动党员", "年老体弱党员", "农村无职党员"]
