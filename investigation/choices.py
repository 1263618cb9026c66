"""Code lists of the relationship investigation (组织关系排查). The national codes (FORMS.md) are
defined once where the member record already uses them and re-exported here, so 附件1–4 and the
case page read the same list:

    LostContactReason  失去联系情形 ①–⑦ (members.choices)
    OrgCategory        党组织类别 ①–⑨ (branches.choices)
"""

from django.db import models

from branches.choices import OrgCategory  # noqa: F401  (re-exported: the forms' row axis)
from members.choices import LostContactReason  # noqa: F401  (re-exported: 失去联系情形)


class Stage(models.TextChoices):
    """The campaign's four stages (plan 3 of the source, 二、程序要求)."""

    MOBILIZE = "mobilize", "动员部署"
    INVESTIGATE = "investigate", "集中排查"
    RECTIFY = "rectify", "整改规范"
    CONCLUDE = "conclude", "总结巩固"


# (stage, start field, end field) on Campaign, in order
STAGE_FIELDS = (
    (Stage.MOBILIZE, "mobilize_start", "mobilize_end"),
    (Stage.INVESTIGATE, "investigate_start", "investigate_end"),
    (Stage.RECTIFY, "rectify_start", "rectify_end"),
    (Stage.CONCLUDE, "conclude_start", "conclude_end"),
)


class CheckState(models.TextChoices):
    """A branch's check (双查): the branch self-checks, submits; the working group verifies (agrees
    or sends cases back); the committee signs its forms."""

    SELF_CHECK = "self_check", "自查中"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "退回补查"
    VERIFIED = "verified", "已核查"
    SIGNED = "signed", "已签署"


# States in which the branch secretary may change its cases (a returned branch: only the cases sent back).
BRANCH_EDITABLE = (CheckState.SELF_CHECK, CheckState.RETURNED)


class Classification(models.TextChoices):
    """The self-check's verdict on one member (blank: not yet classified)."""

    NORMAL = "normal", "正常"
    MOBILE = "mobile", "流动"
    HANGING = "hanging", "空挂"
    LOST = "lost", "失联"
    OTHER = "other", "其他"


class ScopeReason(models.TextChoices):
    """Why a member is in a branch's scope (DOMAIN.md: the roll, plus transfers out with no receipt)."""

    ON_ROLL = "on_roll", "在册"
    AWAITING_RECEIPT = "awaiting_receipt", "转出未回执"


class KeyGroup(models.TextChoices):
    """The plan's key groups (重点, ①–⑥ of the source, as the county groups them): each a boolean
    field of Case named by the value."""

    SEPARATED = "kg_separated", "人户分离"
    ELSEWHERE = "kg_elsewhere", "异地居住"
    UNEMPLOYED = "kg_unemployed", "解除劳动关系"
    GRADUATE = "kg_graduate", "返乡毕业生"
    TALENT_AGENCY = "kg_talent_agency", "人才机构托管"
    NON_PUBLIC = "kg_non_public", "非公企业/社会组织"


KEY_GROUP_FIELDS = tuple(k.value for k in KeyGroup)


class SearchChannel(models.TextChoices):
    """查找方式 (plan 3, 集中排查 1: the channels the self-check must try)."""

    ORIGINAL = "original", "原联系方式"
    RELATIVES = "relatives", "询问亲友"
    POLICE = "police", "公安部门查询"
    HR = "hr", "人社部门查询"
    CIVIL = "civil", "民政部门查询"
    MEMBERS = "members", "党员多途径联系"
    OTHER = "other", "其他"


class Verdict(models.TextChoices):
    """The working group's verdict on one case (blank: not yet verified)."""

    AGREE = "agree", "同意"
    RETURN = "return", "退回"


class DisposalProposal(models.TextChoices):
    """附件2 处置意见 for a member still unreachable (proposed; decided in 整改规范)."""

    SUSPEND = "suspend", "停止党籍"
    DISQUALIFY = "disqualify", "取消预备党员资格"


class DispositionKind(models.TextChoices):
    """整改规范's dispositions of one member (plan 3, 整改规范 1–2; DOMAIN.md). The last five are the
    member decisions of members/decisions.py (DECISION_KINDS), approved by the level above."""

    TRANSFER_OUT = "transfer_out", "转出组织关系"
    COMPLETE_TRANSFER = "complete_transfer", "补办组织关系转接手续"
    IMPROPER = "improper", "违反规定吸收入党的处理"
    IDENTITY = "identity", "无法认定党员身份的处理"
    SETTLED = "settled", "出国（境）定居的处理"
    DISCIPLINE = "discipline", "纪律处分"
    CORRECT = "correct", "限期改正"
    RETAIN = "retain", "保留组织关系（出国（境））"
    QUIT = "quit", "本人要求退党（退党除名）"
    SUSPEND = "suspend", "停止党籍"
    LAPSE = "lapse", "自行脱党除名"
    DISQUALIFY = "disqualify", "取消预备党员资格"


# DispositionKind → the members/decisions.py kind proposed from the case (same codes)
DECISION_KINDS = {
    DispositionKind.RETAIN: "retain",
    DispositionKind.QUIT: "quit",
    DispositionKind.SUSPEND: "suspend",
    DispositionKind.LAPSE: "lapse",
    DispositionKind.DISQUALIFY: "disqualify",
}


class DispositionState(models.TextChoices):
    """Where a disposition stands. A decision's is read from its Decision (core/models.py), never
    stored: 待预审 / 待审批 while pending (before / after the committee's pre-review), then 已办结,
    不予批准 or 已撤回. Any other kind is recorded (办理中 → 已办结, or 已撤回)."""

    PRE_REVIEW = "pre_review", "待党(工)委预审"
    IN_APPROVAL = "in_approval", "待上级审批"
    OPEN = "open", "办理中"
    DONE = "done", "已办结"
    REFUSED = "refused", "不予批准"
    WITHDRAWN = "withdrawn", "已撤回"


class PreReview(models.TextChoices):
    AGREE = "agree", "同意"
    DISAGREE = "disagree", "不同意"
