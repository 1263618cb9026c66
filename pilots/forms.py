from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Grant, Role, User
from branches.choices import OrgKind, Sector
from branches.models import Organization
from core.forms import DateInput, ServiceErrorsMixin
from core.validators import NAME_MAX, NOTE_MAX

from .choices import ASPECTS, Step
from .models import TEXT_MAX, Category, PilotUnit, Program
from .services.dispatch import parse_month

DATE_ERRORS = {"invalid": "日期格式应为 2026-11-27。"}
PROBLEM_SLOTS = 3


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class ProgramForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Program
        fields = ["name", "group_leader", "group_deputies", "group_members", "office"]
        widgets = {"group_members": _textarea(2), "office": _textarea(2)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        phases = {p.step: p for p in self.instance.phases.all()} if self.instance.pk else {}
        for step in Step:
            p = phases.get(step)
            for end, label in (("start", "开始"), ("end", "结束")):
                self.fields[f"{step}_{end}"] = forms.DateField(
                    label=f"{step_label_short(step)}{label}", widget=DateInput(), error_messages=DATE_ERRORS,
                    initial=(p.starts_on if end == "start" else p.ends_on) if p else None)

    def phase_dates(self):
        return {step: (self.cleaned_data.get(f"{step}_start"), self.cleaned_data.get(f"{step}_end")) for step in Step}

    def phase_fields(self):
        return [(step_label_short(s), self[f"{s}_start"], self[f"{s}_end"]) for s in Step]

    def group_fields(self):
        return [self[n] for n in self.Meta.fields]


def step_label_short(step):
    from .choices import step_label

    return step_label(step)


def cadre_choices():
    """The accounts that follow pilot units: active, holding a tracking_cadre grant somewhere."""
    ids = Grant.objects.filter(role=Role.TRACKING_CADRE).values("user_id")
    return User.objects.filter(is_active=True, pk__in=ids).order_by("display_name", "username")


class UnitForm(ServiceErrorsMixin, forms.ModelForm):
    organization = forms.ModelChoiceField(
        label="党组织", queryset=Organization.objects.none(),
        error_messages={"invalid_choice": "所选党组织不存在或已撤销。"})
    sector = forms.ChoiceField(label="领域", choices=Sector.choices)
    tracking_cadre = forms.ModelChoiceField(
        label="跟踪指导责任人", queryset=User.objects.none(),
        help_text="组织部负责跟踪指导的干部（持有跟踪指导责任人授权的账号）；一人可跟踪多个单位，保存时自动授权到本单位。",
        error_messages={"invalid_choice": "所选账号不存在或不是跟踪指导责任人。"})

    class Meta:
        model = PilotUnit
        fields = ["organization", "sector", "tracking_cadre", "leader_name", "group_members"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.active().exclude(kind=OrgKind.GROUP)
        self.fields["tracking_cadre"].queryset = cadre_choices()
        self.fields["leader_name"].help_text = "由单位党组织主要负责人担任"
        if self.instance.pk:
            self.fields["organization"].disabled = True
        from core.forms import quick_selects

        quick_selects(self)


class CategoryForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "rule"]
        widgets = {"rule": _textarea(2)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        measures = self.instance.measures or {}
        for key, label in ASPECTS:
            self.fields[f"m_{key}"] = forms.CharField(label=label, required=False, max_length=NOTE_MAX,
                                                      widget=_textarea(2), initial=measures.get(key, ""))
        from core import validators  # fields added after CleanInputMixin ran: the same input rules

        for key, _ in ASPECTS:
            f = self.fields[f"m_{key}"]
            f.error_messages.setdefault("max_length", validators.MAX_LENGTH_MESSAGE)
            f.validators.append(validators.validate_multiline_text)

    def measure_fields(self):
        return [self[f"m_{k}"] for k, _ in ASPECTS]

    def main_fields(self):
        return [self["name"], self["rule"]]

    def measures(self):
        return {k: self.cleaned_data.get(f"m_{k}", "") for k, _ in ASPECTS}


class CopyForm(ServiceErrorsMixin, forms.Form):
    source = forms.ModelChoiceField(label="模板（另一试点单位的分类方案）", queryset=PilotUnit.objects.none(),
                                    error_messages={"invalid_choice": "所选模板不存在或不在您的范围内。"})

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = templates
        self.fields["source"].label_from_instance = lambda u: f"{u.organization.name}（{u.program.name}）"


class AssignForm(ServiceErrorsMixin, forms.Form):
    category = forms.ModelChoiceField(label="归入类别", queryset=Category.objects.none(),
                                      error_messages={"invalid_choice": "所选类别不属于本单位的分类方案。"})

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = unit.categories.all()
        self.member_ids = []

    def clean(self):
        cd = super().clean()
        raw = self.data.getlist("member") if hasattr(self.data, "getlist") else []
        if len(raw) > 5000:
            raise ValidationError("一次最多调整 5,000 名党员。")
        try:
            self.member_ids = [int(x) for x in raw if 0 < int(x) < 2**63]
        except ValueError:
            raise ValidationError("所选党员有误，请刷新页面后重试。") from None
        if not self.member_ids:
            raise ValidationError("请至少勾选一名党员。")
        return cd


class ReportForm(ServiceErrorsMixin, forms.Form):
    month = forms.CharField(label="月份", max_length=7, widget=forms.TextInput(attrs={"type": "month"}),
                            help_text="格式：2026-11")
    progress = forms.CharField(label="工作进展", max_length=TEXT_MAX, widget=_textarea(4))
    opinions = forms.CharField(label="党员意见建议", max_length=TEXT_MAX, required=False, widget=_textarea(3))
    next_steps = forms.CharField(label="下一步打算", max_length=TEXT_MAX, required=False, widget=_textarea(3))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, PROBLEM_SLOTS + 1):
            self.fields[f"problem_{i}"] = forms.CharField(label=f"发现的问题{i}", max_length=NOTE_MAX,
                                                          required=False, widget=_textarea(2))
            self.fields[f"owner_{i}"] = forms.CharField(label="责任人", max_length=NAME_MAX, required=False)
            self.fields[f"due_{i}"] = forms.DateField(label="整改时限", required=False, widget=DateInput(),
                                                      error_messages=DATE_ERRORS)
        from core import validators

        for name, f in self.fields.items():
            if isinstance(f, forms.CharField) and validators.validate_text not in f.validators \
                    and validators.validate_multiline_text not in f.validators:
                f.validators.append(validators.validate_multiline_text if isinstance(f.widget, forms.Textarea)
                                    else validators.validate_text)

    def clean_month(self):
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise ValidationError("月份格式应为 2026-11。")
        return month

    def clean(self):
        cd = super().clean()
        for i in range(1, PROBLEM_SLOTS + 1):
            text, owner = (cd.get(f"problem_{i}") or "").strip(), (cd.get(f"owner_{i}") or "").strip()
            if text and not owner:
                self.add_error(f"owner_{i}", "请填写这个问题的责任人。")
            if owner and not text:
                self.add_error(f"problem_{i}", "填写了责任人，请同时填写问题。")
        return cd

    def problems(self):
        cd = self.cleaned_data
        return [{"description": cd[f"problem_{i}"].strip(), "owner": cd[f"owner_{i}"].strip(),
                 "due_on": cd.get(f"due_{i}")}
                for i in range(1, PROBLEM_SLOTS + 1) if (cd.get(f"problem_{i}") or "").strip()]

    def problem_slots(self):
        return [(self[f"problem_{i}"], self[f"owner_{i}"], self[f"due_{i}"]) for i in range(1, PROBLEM_SLOTS + 1)]


class AdvanceForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label="说明", max_length=NOTE_MAX, required=False, widget=_textarea(3))
    on = forms.DateField(label="日期", required=False, widget=DateInput(), error_messages=DATE_ERRORS)

    def __init__(self, *args, note_label="说明", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = note_label


class SummaryForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = PilotUnit
        fields = ["summary"]
        widgets = {"summary": _textarea(16)}
