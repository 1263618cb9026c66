"""Relationship investigation (组织关系排查, plan 3 of the source; DOMAIN.md). The flow is in
investigation/services.py; the models:

    Campaign            one county campaign: its four stages with dates and its deadlines
    BranchCheck         one branch's 双查 in a campaign: 自查中 → 已提交 → (退回补查 ↔ 已提交) → 已核查 → 已签署
    Case                one member in a branch's scope: the self-check's classification, the key
                        groups, the roll check, where a found member is now, the working group's verdict
    SearchAttempt       one attempt to reach a member (date, channel, who, result, found or not)
    VerificationReport  the working group's report on one branch, with its four proposals
    CommitteeOpinion    one committee's meeting, initial handling and sign-off (signed forms are
                        frozen with core/versions.py on the opinion, kind SIGNED_KIND)
    Disposition         整改规范: one disposition of a member proposed from its case with its evidence;
                        the Party decisions among them are core Decisions (rectify.py)
    Acceptance          总结巩固: the committee's check and acceptance (验收) of its branches' work,
                        once every branch is signed (services.accept); one per committee and campaign

Everything below the campaign is scoped through an organization path (`visible_to(user)`): cases,
attempts, checks and reports through the branch, opinions and acceptances through the committee.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Role
from core import concurrency
from core.scoping import ScopedQuerySet, scope_paths
from core.validators import LINE_MAX, NAME_MAX, NOTE_MAX

from .choices import (
    BRANCH_EDITABLE,
    DECISION_KINDS,
    STAGE_FIELDS,
    CheckState,
    Classification,
    DisposalProposal,
    DispositionKind,
    DispositionState,
    LostContactReason,
    PreReview,
    ScopeReason,
    SearchChannel,
    Verdict,
)

TEXT_MAX = 2000  # a proposal, a handling text: a few paragraphs

# Who takes part in the investigation (DOMAIN.md): the county, the committees, the branch secretaries.
# A tracking cadre follows pilot units and sees nothing of it, even there: the data is confidential.
INVESTIGATION_ROLES = (Role.COUNTY_ADMIN, Role.COMMITTEE, Role.BRANCH_SECRETARY)


def investigation_paths(user):
    """The path prefixes under which `user` sees investigation data: those of its grants of the
    investigation's roles ([] for an inactive or anonymous user)."""
    if not scope_paths(user):
        return []
    return user.paths_for(INVESTIGATION_ROLES)


class InvestigationQuerySet(ScopedQuerySet):
    """Scoped like every record, but only through the grants of INVESTIGATION_ROLES."""

    def visible_to(self, user):
        return self.within(investigation_paths(user))


class _Versioned(models.Model):
    """A record edited through a form: its version counter refuses a stale save (core/concurrency.py)."""

    version = models.PositiveIntegerField("版本", default=1, db_default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        concurrency.bump_on_save(self, kwargs)
        super().save(*args, **kwargs)
        concurrency.after_save(self)


class Campaign(models.Model):
    """排查工作: opened by the county; every active branch then has a BranchCheck."""

    name = models.CharField("名称", max_length=LINE_MAX)
    mobilize_start = models.DateField("动员部署开始")
    mobilize_end = models.DateField("动员部署结束")
    investigate_start = models.DateField("集中排查开始")
    investigate_end = models.DateField("集中排查结束")
    rectify_start = models.DateField("整改规范开始")
    rectify_end = models.DateField("整改规范结束")
    conclude_start = models.DateField("总结巩固开始")
    conclude_end = models.DateField("总结巩固结束")
    self_check_due = models.DateField("党支部自查提交期限")
    forms_due = models.DateField("登记表上报期限")  # 附件1–3 and the mobile table, signed by the committee
    report_due = models.DateField("综合报告上报期限")  # 附件4 and the summary
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="开展人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField("开展时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "组织关系排查"
        ordering = ["-mobilize_start", "-pk"]

    audit_scope_path = ""  # the county's

    def __str__(self):
        return self.name

    def stages(self):
        """[(Stage, start, end)] in order."""
        return [(stage, getattr(self, start), getattr(self, end)) for stage, start, end in STAGE_FIELDS]

    def stage_on(self, day):
        """The stage `day` falls in (None: before the first or after the last)."""
        for stage, start, end in self.stages():
            if start <= day <= end:
                return stage
        return None


class BranchCheckQuerySet(InvestigationQuerySet):
    scope_path_lookup = "branch__path"


class BranchCheck(models.Model):
    """One branch's check in a campaign (党支部自查, then 党(工)委工作组核查)."""

    campaign = models.ForeignKey(Campaign, verbose_name="排查工作", on_delete=models.CASCADE,
                                 related_name="checks")
    branch = models.ForeignKey("branches.Organization", verbose_name="党支部", on_delete=models.PROTECT,
                               related_name="investigation_checks")
    # the basic-level committee (基层党委) that verifies and signs: members.transfers.basic_committee
    committee = models.ForeignKey("branches.Organization", verbose_name="所属党(工)委", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=20, choices=CheckState.choices, default=CheckState.SELF_CHECK)
    cases_built_at = models.DateTimeField("排查对象生成时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submissions = models.PositiveSmallIntegerField("提交次数", default=0)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    verified_at = models.DateTimeField("核查完成时间", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核查人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    signed_at = models.DateTimeField("签署时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = BranchCheckQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党支部排查"
        ordering = ["campaign", "branch__path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "branch"], name="inv_check_once")]
        indexes = [models.Index(fields=["campaign", "state"], name="inv_check_state")]

    def __str__(self):
        return f"{self.branch.name} · {self.campaign.name}"

    @property
    def audit_scope_path(self):
        return self.branch.path

    @property
    def branch_editable(self):
        return self.state in BRANCH_EDITABLE


class CaseQuerySet(InvestigationQuerySet):
    scope_path_lookup = "branch__path"

    def unclassified(self):
        return self.filter(classification="")


class Case(_Versioned):
    """One member in a branch's scope for a campaign (排查对象)."""

    campaign = models.ForeignKey(Campaign, verbose_name="排查工作", on_delete=models.CASCADE, related_name="cases")
    branch_check = models.ForeignKey(BranchCheck, verbose_name="党支部排查", on_delete=models.CASCADE, related_name="cases")
    branch = models.ForeignKey("branches.Organization", verbose_name="党支部", on_delete=models.PROTECT,
                               related_name="+")
    member = models.ForeignKey("members.Member", verbose_name="党员", on_delete=models.PROTECT,
                               related_name="investigation_cases")
    scope_reason = models.CharField("列入原因", max_length=20, choices=ScopeReason.choices,
                                    default=ScopeReason.ON_ROLL)
    # -- the roll entry (在册情况) ------------------------------------------------------------------
    roll_confirmed = models.BooleanField("名册信息已核对", default=False)
    roll_correction = models.CharField("名册更正说明", max_length=LINE_MAX, blank=True)
    # -- the six key groups (重点人群), pre-flagged from the data where it allows -------------------
    kg_separated = models.BooleanField("人户分离", default=False)
    kg_elsewhere = models.BooleanField("异地居住", default=False)
    kg_unemployed = models.BooleanField("解除劳动关系", default=False)
    kg_graduate = models.BooleanField("返乡毕业生", default=False)
    kg_talent_agency = models.BooleanField("人才机构托管", default=False)
    kg_non_public = models.BooleanField("非公企业/社会组织", default=False)
    is_key = models.BooleanField("重点人群", default=False)  # any of the six: the list sorts by it
    # -- the classification (自查结论) -------------------------------------------------------------
    classification = models.CharField("排查结论", max_length=20, choices=Classification.choices, blank=True)
    lost_reason = models.CharField("失去联系情形", max_length=2, choices=LostContactReason.choices, blank=True)
    # 与党组织失去联系时间 starts here: the contact clock (Member.last_contact_on) when the case was built
    lost_since = models.DateField("失去联系起始日期", null=True, blank=True)
    contact_found_on = models.DateField("取得联系日期", null=True, blank=True)
    whereabouts = models.CharField("现工作单位或居住地", max_length=LINE_MAX, blank=True)
    current_phone = models.CharField("现联系电话", max_length=30, blank=True)
    disposal_proposal = models.CharField("处置意见", max_length=20, choices=DisposalProposal.choices, blank=True)
    branch_opinion = models.CharField("党支部意见", max_length=LINE_MAX, blank=True)
    note = models.CharField("备注", max_length=NOTE_MAX, blank=True)
    classified_at = models.DateTimeField("分类时间", null=True, blank=True)
    classified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="分类人", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    # -- the working group's verification (工作组核查) ----------------------------------------------
    verdict = models.CharField("核查意见", max_length=10, choices=Verdict.choices, blank=True)
    verdict_comment = models.CharField("核查说明", max_length=LINE_MAX, blank=True)
    verdict_at = models.DateTimeField("核查时间", null=True, blank=True)
    verdict_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核查人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    committee_opinion = models.CharField("基层党委意见", max_length=LINE_MAX, blank=True)
    search_count = models.PositiveSmallIntegerField("查找次数", default=0)  # kept by services.log_search
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "排查对象"
        ordering = ["branch_check", "-is_key", "member__name_pinyin", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="inv_case_once"),
            # 失去联系情形 belongs to the lost, and to the found (附件1 keeps the code of a member found)
            models.CheckConstraint(condition=Q(classification="lost") | Q(lost_reason="")
                                   | Q(contact_found_on__isnull=False), name="inv_case_reason_lost_or_found"),
        ]
        indexes = [models.Index(fields=["branch_check", "classification"], name="inv_case_class")]

    def __str__(self):
        return f"{self.member.name}（{self.campaign.name}）"

    @property
    def audit_scope_path(self):
        return self.branch.path

    @property
    def key_groups(self):
        """The labels of the key groups flagged on this case."""
        from .choices import KeyGroup

        return [k.label for k in KeyGroup if getattr(self, k.value)]

    @property
    def is_classified(self):
        return bool(self.classification)

    @property
    def sent_back(self):
        return self.verdict == Verdict.RETURN

    def open_to_branch(self, check=None):
        """May the branch still change this case? In self-check any case; once sent back, only
        the cases sent back (`check`: the case's BranchCheck already read)."""
        state = (check or self.branch_check).state
        return state == CheckState.SELF_CHECK or (state == CheckState.RETURNED and self.sent_back)


class SearchAttemptQuerySet(InvestigationQuerySet):
    scope_path_lookup = "case__branch__path"


class SearchAttempt(models.Model):
    """查找记录: one attempt to reach a member. Never edited: a mistake is a new attempt's note."""

    case = models.ForeignKey(Case, verbose_name="排查对象", on_delete=models.CASCADE, related_name="attempts")
    searched_on = models.DateField("查找日期")
    channel = models.CharField("查找方式", max_length=20, choices=SearchChannel.choices)
    searcher = models.CharField("查找人", max_length=NAME_MAX)
    result = models.CharField("查找结果", max_length=LINE_MAX)
    found = models.BooleanField("取得联系", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = SearchAttemptQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "查找记录"
        ordering = ["case", "searched_on", "pk"]

    def __str__(self):
        return f"{self.searched_on:%Y-%m-%d} {self.get_channel_display()}"

    @property
    def audit_scope_path(self):
        return self.case.branch.path


class VerificationReportQuerySet(InvestigationQuerySet):
    scope_path_lookup = "branch_check__branch__path"


class VerificationReport(_Versioned):
    """党(工)委工作组 核查情况报告 on one branch, with its four proposals (plan 3, 集中排查 2)."""

    branch_check = models.OneToOneField(BranchCheck, verbose_name="党支部排查", on_delete=models.CASCADE,
                                 related_name="report")
    summary = models.TextField("核查情况", max_length=TEXT_MAX, blank=True)
    mobile_measures = models.TextField("落实流动党员管理措施", max_length=TEXT_MAX, blank=True)
    hanging_fixes = models.TextField("理顺“空挂”党员组织关系", max_length=TEXT_MAX, blank=True)
    search_methods = models.TextField("寻找“失联”党员的途径办法", max_length=TEXT_MAX, blank=True)
    disposal_proposals = models.TextField("处理“失联”党员的初步建议", max_length=TEXT_MAX, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撰写人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = VerificationReportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "核查情况报告"

    def __str__(self):
        return f"{self.branch_check.branch.name}核查情况报告"

    @property
    def audit_scope_path(self):
        return self.branch_check.branch.path


class CommitteeOpinionQuerySet(InvestigationQuerySet):
    scope_path_lookup = "committee__path"


class CommitteeOpinion(_Versioned):
    """党(工)委 初步意见: the committee's meeting on the working group's report, its initial handling,
    and the secretary's sign-off. Each sign-off freezes the forms (core/versions.py, SIGNED_KIND);
    a change after signing makes the next version, visibly."""

    SIGNED_KIND = "investigation_signed"

    campaign = models.ForeignKey(Campaign, verbose_name="排查工作", on_delete=models.CASCADE,
                                 related_name="opinions")
    committee = models.ForeignKey("branches.Organization", verbose_name="党(工)委", on_delete=models.PROTECT,
                                  related_name="+")
    meeting_on = models.DateField("专题会议日期", null=True, blank=True)
    meeting_host = models.CharField("会议主持人", max_length=NAME_MAX, blank=True)
    initial_handling = models.TextField("初步处理意见", max_length=TEXT_MAX, blank=True)
    report = models.TextField("排查工作情况报告及处理建议", max_length=TEXT_MAX, blank=True)
    signer_name = models.CharField("签字党(工)委书记", max_length=NAME_MAX, blank=True)
    signed_at = models.DateTimeField("签署时间", null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签署操作人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    signed_version = models.PositiveIntegerField("已签署版本", default=0)  # 0: never signed
    changed_since_signing = models.BooleanField("签署后有改动", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CommitteeOpinionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党(工)委初步意见"
        ordering = ["campaign", "committee__path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "committee"], name="inv_opinion_once")]

    def __str__(self):
        return f"{self.committee.name}初步意见 · {self.campaign.name}"

    @property
    def audit_scope_path(self):
        return self.committee.path

    @property
    def is_signed(self):
        return self.signed_version > 0


class DispositionQuerySet(InvestigationQuerySet):
    scope_path_lookup = "branch__path"

    def in_state(self, state):
        from .rectify import STATE_Q

        return self.filter(STATE_Q[state])


class Disposition(_Versioned):
    """整改规范: one disposition of one member in a campaign, proposed from its case with the
    evidence it rests on (the search record and the dates, copied when proposed).

    The five Party decisions (DECISION_KINDS: 停止党籍, 自行脱党除名, 取消预备党员资格, 保留组织关系,
    退党除名) are the member decisions of members/decisions.py, proposed with the branch meeting's
    date: `decision` is that proposal, its state the disposition's; the committee's pre-review
    (预审) is recorded here and must agree before the level above approves (investigation/rectify.py).
    The other kinds are records the branch keeps: 办理中 → 已办结 with the outcome."""

    case = models.ForeignKey(Case, verbose_name="排查对象", on_delete=models.CASCADE, related_name="dispositions")
    branch = models.ForeignKey("branches.Organization", verbose_name="党支部", on_delete=models.PROTECT,
                               related_name="+")
    kind = models.CharField("处置方式", max_length=20, choices=DispositionKind.choices)
    meeting_on = models.DateField("支部大会日期", null=True, blank=True)
    detail = models.CharField("具体内容", max_length=LINE_MAX, blank=True)  # 转往的党组织, 处分种类 …
    due_on = models.DateField("改正期限", null=True, blank=True)
    grounds = models.TextField("事实和依据", max_length=TEXT_MAX)
    # -- the evidence, as it stood when proposed (the case page shows the live search record) -----
    evidence_searches = models.PositiveSmallIntegerField("查找次数", default=0)
    evidence_first_search_on = models.DateField("首次查找日期", null=True, blank=True)
    evidence_last_search_on = models.DateField("最近查找日期", null=True, blank=True)
    evidence_lost_since = models.DateField("失去联系起始日期", null=True, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField("提出时间", auto_now_add=True)
    # -- the committee's pre-review (预审), for the decisions ------------------------------------
    prereview = models.CharField("党(工)委预审", max_length=10, choices=PreReview.choices, blank=True)
    prereview_opinion = models.CharField("预审意见", max_length=LINE_MAX, blank=True)
    prereview_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="预审人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    prereview_at = models.DateTimeField("预审时间", null=True, blank=True)
    decision = models.OneToOneField("core.Decision", verbose_name="党员决定", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="disposition")
    # -- the other kinds: recorded by the branch ---------------------------------------------------
    record_state = models.CharField("办理状态", max_length=12, choices=DispositionState.choices, blank=True)
    outcome = models.CharField("办理结果", max_length=LINE_MAX, blank=True)
    done_on = models.DateField("办结日期", null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办结登记人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = DispositionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "整改处置"
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["case", "kind"], name="inv_disp_case_kind")]

    def __str__(self):
        return f"{self.case.member.name}：{self.get_kind_display()}"

    @property
    def audit_scope_path(self):
        return self.branch.path

    @property
    def is_decision(self):
        return self.kind in DECISION_KINDS

    @property
    def state(self):
        """The disposition's state: a decision's read from its Decision (select_related it)."""
        if self.decision_id is None:
            return self.record_state
        d = self.decision.state
        if d == "pending":
            return DispositionState.IN_APPROVAL if self.prereview == PreReview.AGREE else DispositionState.PRE_REVIEW
        return {"approved": DispositionState.DONE, "refused": DispositionState.REFUSED,
                "withdrawn": DispositionState.WITHDRAWN}[d]

    @property
    def state_label(self):
        return DispositionState(self.state).label if self.state else ""

    @property
    def is_active(self):
        return self.state not in (DispositionState.REFUSED, DispositionState.WITHDRAWN)


class AcceptanceQuerySet(InvestigationQuerySet):
    scope_path_lookup = "committee__path"


class Acceptance(models.Model):
    """总结巩固 自查验收: the committee has checked its branches' work one by one and accepts it
    (plan 3, 总结巩固 1). Made once, when every branch's check is signed; never edited."""

    campaign = models.ForeignKey(Campaign, verbose_name="排查工作", on_delete=models.CASCADE,
                                 related_name="acceptances")
    committee = models.ForeignKey("branches.Organization", verbose_name="党(工)委", on_delete=models.PROTECT,
                                  related_name="+")
    accepter_name = models.CharField("验收人", max_length=NAME_MAX)
    opinion = models.TextField("验收意见", max_length=TEXT_MAX)
    accepted_at = models.DateTimeField("验收时间")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="验收操作人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = AcceptanceQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党(工)委验收"
        ordering = ["campaign", "committee__path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "committee"], name="inv_acceptance_once")]

    def __str__(self):
        return f"{self.committee.name}验收 · {self.campaign.name}"

    @property
    def audit_scope_path(self):
        return self.committee.path
