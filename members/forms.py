import datetime

from django import forms

from branches.choices import OrgKind
from branches.forms import tree_label, tree_picker
from branches.models import Organization
from core.concurrency import VersionFieldsMixin
from core.forms import ServiceErrorsMixin, TypedDateField, typed_dates
from core.validators import REASON_MAX, normalize_phone

from . import idcard
from .choices import MembershipStatus, RollState
from .models import Member
from .services import DUPLICATE_ID, REMOVED_BACK, ROLL_TRANSITIONS

FIELDSETS = [
    ("基本信息", ["name", "id_number", "ethnicity", "native_place", "education", "degree"]),
    ("党籍信息", ["category", "joined_on", "full_member_on", "organization", "party_group",
                  "membership_status", "membership_status_on"]),
    ("工作与联系", ["job_category", "work_unit", "post", "tech_title", "new_social_stratum",
                    "is_migrant_worker", "phone", "household_registration", "residence"]),
    ("流动与失联", ["is_mobile", "is_lost_contact", "lost_contact_reason", "lost_contact_since"]),
    ("其他", ["notes", "reason"]),
]
# What a secretary knows when registering someone: asked first; the rest is folded away as 选填.
ESSENTIAL = ["name", "id_number", "category", "joined_on", "full_member_on", "job_category", "organization", "phone"]
DATE_FIELDS = ["joined_on", "full_member_on", "lost_contact_since", "membership_status_on"]
# Read from the ID number (members/idcard.py), shown beside it, never typed.
DERIVED_FIELDS = ["birth_date", "gender"]
# Changed only by an approved decision (members/decisions.py): shown, not editable, once registered.
DECIDED_FIELDS = ["category", "membership_status", "membership_status_on"]
OPTIONAL = "（选填）"


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
            "notes": forms.Textarea(attrs={"rows": 3}),
            "category": forms.RadioSelect(attrs={"class": "choice-chips"}),
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
        tree_picker(self.fields["organization"])
        self.fields["party_group"].queryset = visible_groups(user)
        if self.instance.pk:
            self.add_version_fields(self.instance)
            # Moving to another branch is its own action, with a reason.
            del self.fields["organization"]
            self.fields["party_group"].queryset = visible_groups(user).filter(parent=self.instance.organization_id)
            for name in DECIDED_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = "由经上级批准的决定变更（党员页面“提出决定”）。"
        typed_dates(self, DATE_FIELDS)  # 19850312, 1985.3.12, 1985年3月12日 … or picked
        self.fields["category"].choices = [c for c in self.fields["category"].choices if c[0]]  # no "请选择"
        self.fields["id_number"].help_text = "出生日期和性别由公民身份号码自动得出，不必填写。"
        self.fields["full_member_on"].label = "转正日期（正式党员填写）"
        # Kept by the mobile-member records (members/mobile.py): an open out-flow period or none.
        self.fields["is_mobile"].disabled = True
        self.fields["is_mobile"].help_text = "由流动党员登记维护：在党员页面“登记流出”，返回时“登记返回”。"
        for name, field in self.fields.items():  # the rest: clearly 选填 (a tick box is optional anyway)
            if not (field.required or field.disabled or isinstance(field, forms.BooleanField)
                    or name == "full_member_on" or OPTIONAL in field.label):
                field.label = f"{field.label}{OPTIONAL}"

    def clean(self):
        cd = super().clean()
        number = cd.get("id_number")
        if number:  # valid (clean_id_number): the birth date and sex it holds
            self.instance.birth_date = idcard.birth_date(number)
            self.instance.gender = idcard.gender(number)
        status = cd.get("membership_status")
        if not self.instance.pk and status and status != MembershipStatus.NORMAL and not cd.get("membership_status_on"):
            self.add_error("membership_status_on", "请填写停止党籍或保留组织关系的日期。")
        return cd

    def fieldsets(self):
        return [(title, [self[n] for n in names if n in self.fields]) for title, names in FIELDSETS]

    def sections(self):
        """(legend, fields, folded): a new member's form asks the ESSENTIAL facts first and folds the
        rest (all optional) away, opened when one of them has an error; an edit shows the fieldsets."""
        sets = self.fieldsets()
        if self.instance.pk:
            return [(title, fields, False) for title, fields in sets]
        member_names = {n for _, names in FIELDSETS for n in names}
        # a subclass's own fieldsets (the incoming letter of members/transfer_forms.py) stay as they are
        own = [(title, fields, False) for title, fields in sets if not any(bf.name in member_names for bf in fields)]
        first = [self[n] for n in ESSENTIAL if n in self.fields]
        rest = [bf for title, fields in sets for bf in fields if bf.name in member_names and bf.name not in ESSENTIAL]
        return [*own, ("必填信息", first, False),
                ("更多信息（选填，或已有默认值）", rest, not any(bf.errors for bf in rest))]

    def derived(self):
        """“出生日期 1985-03-12 · 性别 男”: what the ID number (as entered, else as saved) holds."""
        number = self.cleaned_data.get("id_number") if self.is_bound and hasattr(self, "cleaned_data") else None
        number = number or (None if self.is_bound else self.instance.id_number)
        if not number or idcard.validate(number):
            return ""
        return f"出生日期 {idcard.birth_date(number):%Y-%m-%d} · 性别 {idcard.gender(number)}"

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
        if field == "phone":  # a new number is typed whole: an empty box, the old number shown above it
            self.initial["phone"] = ""
            self.fields["phone"].label = "新的手机号码"
            self.fields["phone"].required = True
            self.fields["phone"].error_messages["required"] = "请填写新的手机号码（11位）。"
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
        tree_picker(self.fields["branch"])


class MoveAllForm(MoveMemberForm):
    """Move all members of a branch (a merge); the same fields as moving one member."""


class RollStateForm(VersionFieldsMixin, ServiceErrorsMixin, forms.Form):
    """A fact about the member's roll state. No choice is preselected (radio buttons, none checked),
    and the page shows the change's consequence (`consequence`) to be confirmed before it is saved."""

    roll_state = forms.ChoiceField(label="新的在册状态", widget=forms.RadioSelect(attrs={"class": "choice-chips"}),
                                   error_messages={"invalid_choice": "不能变更为所选状态。",
                                                   "required": "请选择新的在册状态。"})
    on_date = TypedDateField(label="变更日期", initial=datetime.date.today,
                             error_messages={"required": "请填写变更日期。"})
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
            tree_picker(self.fields["branch"])

    def consequence(self):
        """What saving the valid form will do, in plain words, for the confirmation step."""
        cd, m = self.cleaned_data, self.member
        state = RollState(cd["roll_state"])
        when = f"{cd['on_date']:%Y年%-m月%-d日}"
        if state == RollState.ON_ROLL:
            branch = cd.get("branch") or m.organization
            group = cd.get("party_group")
            return [
                f"{m.name}自{when}起恢复在册，列入“{branch.name}”的党员名册" + (f"，编入“{group.name}”。" if group else "。"),
                "党费、组织生活和统计自该日起重新计算。",
                "此变更记入该党员的修改记录。",
            ]
        return [
            f"{m.name}的在册状态将变为“{state.label}”，日期{when}：不再列入在册党员名册和统计"
            "（名册中选择“全部状态”仍可查到）。",
            f"在“{m.organization.name}”的在册记录于该日结束，此后不能再编辑该党员的信息。",
            "此变更不能在本系统中撤回；如登记有误，请联系县委组织部。请核实后再确认。",
        ]

    def clean_on_date(self):
        d = self.cleaned_data["on_date"]
        if d > datetime.date.today():
            raise forms.ValidationError("变更日期不能晚于今天。")
        if d < self.member.joined_on:
            raise forms.ValidationError(f"变更日期不能早于入党日期（{self.member.joined_on.isoformat()}）。")
        return d
