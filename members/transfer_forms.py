"""Forms of the relationship transfers (members/transfer_views.py)."""

import datetime
import re

from django import forms

from branches.forms import tree_label
from branches.models import Organization
from core.concurrency import VersionFieldsMixin
from core.forms import DateInput, ServiceErrorsMixin
from core.validators import LINE_MAX, NAME_MAX, REASON_MAX

from . import transfers
from .forms import MemberForm, visible_groups

DATE_ERRORS = {"required": "请填写日期。", "invalid": "日期格式应为 2026-11-27。"}
MONTH = re.compile(r"([12][0-9]{3})-(0[1-9]|1[0-2])")


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.CharField):
    """A month written 2026-10 (the browser's month picker): the first day of that month."""

    widget = MonthInput

    def __init__(self, **kwargs):
        super().__init__(max_length=7, **kwargs)

    def to_python(self, value):
        value = (super().to_python(value) or "").strip()
        if not value:
            return None
        found = MONTH.fullmatch(value)
        if not found:
            raise forms.ValidationError("月份格式应为 2026-10。")
        month = datetime.date(int(found[1]), int(found[2]), 1)
        if month > transfers.today():
            raise forms.ValidationError("党费交至的月份不能晚于本月。")
        return month

    def run_validators(self, value):
        pass  # a date, not text: the text checks of CleanInputMixin do not apply

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, datetime.date) else value


def _with_parent(org):
    """“城关镇党委 › 西街村党支部”: the county's branches, each under its parent."""
    return f"{org.parent.name} › {org.name}" if org.parent_id else org.name


def _text(label, max_length, required=True, **kw):
    return forms.CharField(label=label, max_length=max_length, required=required,
                           error_messages={"required": f"请填写{label.split('（')[0]}。"}, **kw)


class LetterOutForm(VersionFieldsMixin, ServiceErrorsMixin, forms.Form):
    addressee = _text("介绍信抬头（接收的基层党委）", LINE_MAX,
                      help_text="例如：中共某某县某某镇委员会。打印在介绍信第二联开头。")
    destination = _text("转往党组织", LINE_MAX, help_text="组织关系由原党支部“转到”的党组织全称。")
    issued_on = forms.DateField(label="开具日期", widget=DateInput(), initial=transfers.today,
                                error_messages=DATE_ERRORS)
    dues_paid_to = MonthField(label="党费交至（年月，选填）", required=False)
    reason = _text("转出原因（选填）", REASON_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_version_fields(member)


class InternalForm(VersionFieldsMixin, ServiceErrorsMixin, forms.Form):
    branch = forms.ModelChoiceField(
        label="接收党支部", queryset=Organization.objects.none(), empty_label="请选择党支部",
        error_messages={"invalid_choice": "所选接收党支部不存在、已撤销或不接转正式组织关系。",
                        "required": "请选择接收党支部。"},
        help_text="县内任一党支部（临时党支部不接转正式组织关系）。接收方确认后党员才转入。",
    )
    issued_on = forms.DateField(label="开具日期", widget=DateInput(), initial=transfers.today,
                                error_messages=DATE_ERRORS)
    dues_paid_to = MonthField(label="党费交至（年月，选填）", required=False)
    reason = _text("转接原因", REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_version_fields(member)
        self.fields["branch"].queryset = (
            transfers.receiving_branches().exclude(pk=member.organization_id).select_related("parent"))
        self.fields["branch"].label_from_instance = _with_parent


class ReceiptForm(ServiceErrorsMixin, forms.Form):
    receipt_on = forms.DateField(label="回执日期（接收方盖章之日）", widget=DateInput(), initial=transfers.today,
                                 error_messages=DATE_ERRORS)
    receipt_unit = _text("回执单位（选填，默认为转往党组织）", LINE_MAX, required=False)


class ConfirmForm(ServiceErrorsMixin, forms.Form):
    party_group = forms.ModelChoiceField(
        label="编入党小组（选填）", queryset=Organization.objects.none(), required=False, empty_label="不编入党小组",
        error_messages={"invalid_choice": "所选党小组不属于接收党支部。"},
    )

    def __init__(self, *args, letter, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_group"].queryset = visible_groups(user).filter(parent=letter.to_org_id)


class CancelForm(ServiceErrorsMixin, forms.Form):
    reason = _text("作废（退回）原因", REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class IncomingForm(MemberForm):
    """A member from outside the county: the member's record and its letter's details."""

    letter_number = _text("介绍信编号", NAME_MAX)
    from_org_name = _text("原所在党组织", LINE_MAX)
    letter_issued_on = forms.DateField(label="介绍信开具日期", widget=DateInput(), error_messages=DATE_ERRORS)
    valid_until = forms.DateField(label="介绍信有效期至（选填）", widget=DateInput(), required=False,
                                  error_messages=DATE_ERRORS)
    received_on = forms.DateField(label="报到日期", widget=DateInput(), initial=transfers.today,
                                  error_messages=DATE_ERRORS)
    LETTER_FIELDS = ["letter_number", "from_org_name", "letter_issued_on", "valid_until", "received_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].label = "接收党支部"
        self.fields["reason"].label = "说明（选填）"
        self.fields["organization"].label_from_instance = tree_label

    def fieldsets(self):
        letter = ("介绍信", [self[n] for n in self.LETTER_FIELDS])
        return [letter, *super().fieldsets()]
