import datetime

from django import forms

from branches.choices import OrgKind
from branches.forms import tree_label
from branches.models import Organization
from core.concurrency import VersionFieldsMixin
from core.forms import DateInput, ServiceErrorsMixin
from core.validators import REASON_MAX, normalize_phone

from . import idcard
from .choices import MembershipStatus, RollState
from .models import Member
from .services import DUPLICATE_ID, REMOVED_BACK, ROLL_TRANSITIONS

FIELDSETS = [
    ("基本信息", ["name", "gender", "ethnicity", "birth_date", "id_number", "native_place", "education",
                  "degree"]),
    ("党籍信息", ["category", "joined_on", "full_member_on", "organization", "party_group",
                  "membership_status", "membership_status_on"]),
    ("工作与联系", ["job_category", "work_unit", "post", "tech_title", "new_social_stratum",
                    "is_migrant_worker", "phone", "household_registration", "residence"]),
    ("流动与失联", ["is_mobile", "is_lost_contact", "lost_contact_reason", "lost_contact_since"]),
    ("其他", ["notes", "reason"]),
]
DATE_FIELDS = ["birth_date", "joined_on", "full_member_on", "lost_contact_since", "membership_status_on"]
# Changed only by an approved decision (members/decisions.py): shown, not editable, once registered.
DECIDED_FIELDS = ["category", "membership_status", "membership_status_on"]


def visible_branches(user):
    """The branches a user may place members in: under its editor grants (accounts.permissions)."""
    return Organization.objects.within(user.editor_paths).active().branches()


def placeable_branches(user):
    """Branches a member's formal relationship may be placed in: not a 临时党支部."""
    return visible_branches(user).exclude(kind=OrgKind.TEMP_BRANCH)


def visible_groups(user):
    return Organization.objects.within(user.editor_paths).active().filter(kind=OrgKind.GROUP)


class MemberForm(VersionFieldsMixin, ServiceErrorsMixin, forms.ModelForm):
    reason = forms.CharField(label="修改说明（选填）", required=False, max_length=200)
    # Room for the spaces and dashes people type; normalized to 18 / 11 characters in clean_*.
    id_number = forms.CharField(label="公民身份号码", max_length=30,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": 30}))
    phone = forms.CharField(label="手机号码", max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 20}))

    class Meta:
        model = Member
        fields = [f for _, names in FIELDSETS for f in names if f != "reason"]
        widgets = {
            **{name: DateInput() for name in DATE_FIELDS},
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "organization": {"invalid_choice": "所选党支部不存在或不在您的管理范围内。"},
            "party_group": {"invalid_choice": "所选党小组不存在或不在您的管理范围内。"},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = placeable_branches(user)
        self.fields["organization"].empty_label = "请选择党支部"
        if user.home_branch is not None:
            self.fields["organization"].initial = user.home_branch  # a secretary's own branch
        self.fields["party_group"].queryset = visible_groups(user)
        if self.instance.pk:
            self.add_version_fields(self.instance)
            # Moving to another branch is its own action, with a reason.
            del self.fields["organization"]
            self.fields["party_group"].queryset = visible_groups(user).filter(parent=self.instance.organization_id)
            for name in DECIDED_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = "由经上级批准的决定变更（党员页面“提出决定”）。"
        for name in DATE_FIELDS:
            self.fields[name].error_messages["invalid"] = "日期格式应为 2026-11-27。"
        # Kept by the mobile-member records (members/mobile.py): an open out-flow period or none.
        self.fields["is_mobile"].disabled = True
        self.fields["is_mobile"].help_text = "由流动党员登记维护：在党员页面“登记流出”，返回时“登记返回”。"

    def clean(self):
        cd = super().clean()
        status = cd.get("membership_status")
        if not self.instance.pk and status and status != MembershipStatus.NORMAL and not cd.get("membership_status_on"):
            self.add_error("membership_status_on", "请填写停止党籍或保留组织关系的日期。")
        return cd

    def fieldsets(self):
        return [(title, [self[n] for n in names if n in self.fields]) for title, names in FIELDSETS]

    def clean_id_number(self):
        value = idcard.normalize(self.cleaned_data.get("id_number"))
        problem = idcard.validate(value)
        if problem:
            raise forms.ValidationError(problem)
        clash = Member.objects.on_roll().filter(id_number=value).exclude(pk=self.instance.pk)
        if self.instance.roll_state == RollState.ON_ROLL and clash.exists():
            raise forms.ValidationError(DUPLICATE_ID)
        return value

    def clean_phone(self):
        return normalize_phone(self.cleaned_data.get("phone"))


# The commonest changes, each one field on its own page (members:quick): what the page calls them.
QUICK_FIELDS = {"phone": "手机号码", "residence": "现居住地", "work_unit": "工作单位", "party_group": "所在党小组"}
GROUP_OUT_OF_SCOPE = "所选党小组不存在或不在您的管理范围内。"


class QuickEditForm(VersionFieldsMixin, ServiceErrorsMixin, forms.ModelForm):
    """One field of a member (QUICK_FIELDS), saved through the member service like the whole form:
    audited, a stale page refused, the phone normalized. A party group only of the member's own branch."""

    phone = forms.CharField(label="手机号码", max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 20,
                                                          "autocomplete": "off"}))

    class Meta:
        model = Member
        fields = list(QUICK_FIELDS)
        error_messages = {"party_group": {"invalid_choice": GROUP_OUT_OF_SCOPE}}

    def __init__(self, *args, field, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name != field:
                del self.fields[name]
        self.name = field
        self.fields[field].label = QUICK_FIELDS[field]
        self.fields[field].widget.attrs["autofocus"] = True
        if field == "party_group":
            self.fields[field].queryset = visible_groups(user).filter(parent=self.instance.organization_id)
            self.fields[field].empty_label = "不编入党小组"
        self.add_version_fields(self.instance)

    def clean_phone(self):
        return normalize_phone(self.cleaned_data.get("phone"))


class MoveMemberForm(VersionFieldsMixin, ServiceErrorsMixin, forms.Form):
    branch = forms.ModelChoiceField(
        label="转入党支部", queryset=Organization.objects.none(), empty_label="请选择党支部",
        error_messages={"invalid_choice": "所选党支部不存在或不在您的管理范围内。",
                        "required": "请选择转入的党支部。"},
        help_text="转入后不在原党小组；需要时在“编辑”中选择新党支部的党小组。",
    )
    reason = forms.CharField(label="转移理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX,
                             error_messages={"required": "请填写转移理由。"})

    def __init__(self, *args, user, exclude_branch, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        if member is not None:  # one member's move; a whole branch's has no single version
            self.add_version_fields(member)
        self.fields["branch"].queryset = placeable_branches(user).exclude(pk=exclude_branch.pk)


class MoveAllForm(MoveMemberForm):
    """Move all members of a branch (a merge); the same fields as moving one member."""


class RollStateForm(VersionFieldsMixin, ServiceErrorsMixin, forms.Form):
    roll_state = forms.ChoiceField(label="新的在册状态", error_messages={"invalid_choice": "不能变更为所选状态。"})
    on_date = forms.DateField(label="变更日期", widget=DateInput(), initial=datetime.date.today,
                              error_messages={"required": "请填写变更日期。", "invalid": "日期格式应为 2026-11-27。"})
    reason = forms.CharField(label="变更理由（如去世证明）", max_length=REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写变更理由。"})

    def __init__(self, *args, member, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.add_version_fields(member)
        allowed = ROLL_TRANSITIONS[RollState(member.roll_state)]
        self.fields["roll_state"].choices = [(s.value, s.label) for s in allowed]
        self.fields["roll_state"].help_text = (
            REMOVED_BACK if member.roll_state == RollState.REMOVED else
            "这里只登记事实（去世；早年登记为已转出的党员转回在册）。转出请开具组织关系介绍信（党员页面“转出县外”“县内转接”）；"
            "出党、停止党籍、转正等须由党支部提出、上级审批：请在党员页面“提出决定”。"
        )
        if RollState.ON_ROLL in allowed:  # coming back onto the roll: where to (a dissolved branch cannot take it)
            self.fields["branch"] = forms.ModelChoiceField(
                label="恢复在册后所在党支部", queryset=placeable_branches(user), required=False,
                initial=member.organization_id, empty_label="原党支部",
                error_messages={"invalid_choice": "所选党支部不存在、已撤销或不在您的管理范围内。"},
            )
            self.fields["party_group"] = forms.ModelChoiceField(
                label="所在党小组（选填，须属于上面的党支部）", queryset=visible_groups(user), required=False,
                initial=member.party_group_id, empty_label="不编入党小组",
                error_messages={"invalid_choice": "所选党小组不存在、已撤销或不在您的管理范围内。"},
            )
            for name in ("branch", "party_group"):
                self.fields[name].label_from_instance = tree_label

    def clean_on_date(self):
        d = self.cleaned_data["on_date"]
        if d > datetime.date.today():
            raise forms.ValidationError("变更日期不能晚于今天。")
        if d < self.member.joined_on:
            raise forms.ValidationError(f"变更日期不能早于入党日期（{self.member.joined_on.isoformat()}）。")
        return d
