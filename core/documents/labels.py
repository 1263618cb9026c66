"""Who seals and who signs a document, by the level of the organization it speaks for.

The keys are the organization kinds' codes (branches.choices.OrgKind); core names no domain app,
so the codes are spelled here and a test checks that every kind has its labels."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Signatory:
    unit: str  # the unit line above the table: "党支部（盖章）："
    signer: str  # the signature in the sign-off line: "党支部书记（签字）："


BRANCH = Signatory("党支部（盖章）：", "党支部书记（签字）：")
UNIT = Signatory("填报单位（盖章）：", "负责人（签字）：")  # a list that no one organization speaks for
BY_KIND = {
    "county": Signatory("县委组织部（盖章）：", "负责人（签字）："),
    "committee": Signatory("党委（盖章）：", "党委书记（签字）："),
    "working": Signatory("党工委（盖章）：", "党工委书记（签字）："),
    "general": Signatory("党总支（盖章）：", "党总支书记（签字）："),
    "branch": BRANCH,
    "joint": BRANCH,
    "temp": BRANCH,
    "group": Signatory("党小组：", "党小组组长（签字）："),  # a party group has no seal
}


def signatory(kind):
    """The labels for an organization of `kind` (a branch's when the kind is unknown or empty)."""
    return BY_KIND.get(kind or "", BRANCH)


def filter_line(filters):
    """`[(label, value), ...]` as printed under a title: 筛选条件：人员类别＝正式党员；是否流动党员＝是."""
    if not filters:
        return ""
    return "筛选条件：" + "；".join(f"{label}＝{value}" for label, value in filters)
