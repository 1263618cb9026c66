"""Forms of the mobile-member pages. They read and bound the input; the rules are the services'
(members/mobile.py), whose errors the forms show next to their fields."""

from django import forms

from core.forms import DateInput, ServiceErrorsMixin
from core.validators import REASON_MAX

from . import mobile
from .models import MobilePeriod, MobileReport
from .models.mobile import REASONS

OUT_LABELS = {
    "started_on": "外出时间", "place": "流入地（省/市/县）", "reason": "流出原因",
    "contact_person": "流入地联系人（务工单位或社区）", "contact_phone": "联系人电话",
}
IN_LABELS = {
    "started_on": "流入时间", "place": "流出地（来自何地，省/市/县）", "reason": "流入原因",
    "contact_person": "本地联系人（务工单位或社区）", "contact_phone": "联系人电话",
    "ended_on": "离开时间",
}
OUT_FIELDSETS = [
    ("流出情况", ["started_on", "reason", "place", "reach", "employer", "host_org", "original_job"]),
    ("联系方式", ["contact_person", "contact_phone", "card_number"]),
    ("其他", ["ended_on", "notes", "change_reason"]),
]
IN_FIELDSETS = [
    ("流入人员", ["name", "gender", "id_number", "joined_on", "category", "phone", "home_org", "original_job"]),
    ("流入情况", ["organization", "started_on", "reason", "place", "reach", "employer"]),
    ("联系方式", ["contact_person", "contact_phone", "card_number"]),
    ("其他", ["ended_on", "notes", "change_reason"]),
]


class PeriodForm(ServiceErrorsMixin, forms.ModelForm):
    """Out-flow or in-flow, new or corrected (`correcting`: a reason is required; an ended period
    shows its return date). Model validation is left to the service."""

    # room for the spaces, dashes and +86 people type; normalized by the service
    contact_phone = forms.CharField(label="联系人电话", max_length=30, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "maxlength": 30}))
    phone = forms.CharField(label="本人联系电话", max_length=30, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "maxlength": 30}))
    id_number = forms.CharField(label="公民身份号码", max_length=30, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": 30}))
    change_reason = forms.CharField(label="更正理由", max_length=REASON_MAX, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = MobilePeriod
        fields = sorted(set(mobile.IN_FIELDS) | set(mobile.OUT_FIELDS))
        widgets = {"started_on": DateInput(), "joined_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3}),
                   "reason": forms.TextInput(attrs={"list": "mobile-reasons"})}

    def __init__(self, *args, user, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        period = self.instance
        names = mobile.OUT_FIELDS if period.is_out else mobile.IN_FIELDS
        for name in list(self.fields):
            if name not in names and name != "change_reason":
                del self.fields[name]
        for name, label in (OUT_LABELS if period.is_out else IN_LABELS).items():
            if name in self.fields:
                self.fields[name].label = label
        if correcting and period.ended_on:
            self.fields["ended_on"] = forms.DateField(label="返回时间" if period.is_out else "离开时间",
                                                      widget=DateInput(), initial=period.ended_on)
        if correcting:
            self.fields["change_reason"].required = True
            self.fields["change_reason"].error_messages["required"] = "请填写更正理由。"
        else:
            del self.fields["change_reason"]
        if "organization" in self.fields:
            self.fields["organization"].queryset = mobile.managing_branches(user)
            self.fields["organization"].error_messages["invalid_choice"] = "所选党支部不存在或不在您的管理范围内。"
            if user.home_branch is not None and not period.pk:
                self.fields["organization"].initial = user.home_branch
        self.fields["started_on"].required = True
        self.fields["started_on"].error_messages["required"] = f"请填写{self.fields['started_on'].label}。"
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = "日期格式应为 2026-11-27。"
        if "original_job" in self.fields:
            self.fields["original_job"].help_text = "外出（流入）前的职业。"

    def _post_clean(self):
        """No model validation here: the service checks the record with its neighbours."""

    def fieldsets(self):
        sets = OUT_FIELDSETS if self.instance.is_out else IN_FIELDSETS
        return [(t, [self[n] for n in names if n in self.fields]) for t, names in sets
                if any(n in self.fields for n in names)]

    def data_for_service(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "change_reason"}

    reasons = REASONS


class ReportForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = MobileReport
        fields = ["reported_on", "channel", "content"]
        widgets = {"reported_on": DateInput(), "content": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"reported_on": {"required": "请填写汇报日期。", "invalid": "日期格式应为 2026-11-27。"},
                          "channel": {"required": "请选择汇报方式。", "invalid_choice": "请选择汇报方式。"}}

    def _post_clean(self):
        """The service checks the date against the period."""


class EndForm(ServiceErrorsMixin, forms.Form):
    ended_on = forms.DateField(label="返回时间", widget=DateInput(),
                               error_messages={"required": "请填写日期。", "invalid": "日期格式应为 2026-11-27。"})
    reason = forms.CharField(label="说明（选填）", max_length=REASON_MAX, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        if not period.is_out:
            self.fields["ended_on"].label = "离开时间"
