"""Forms of what follows a quarter: the rectification, its progress notes, the year and quarter pickers."""

from django import forms

from core.concurrency import VersionFieldsMixin
from core.forms import DateInput, ServiceErrorsMixin
from core.validators import validate_past_date

from . import followup
from .models import TEXT_MAX, Rectification, RectificationNote

DATE_ERRORS = {"invalid": "日期格式应为 2026-11-27。"}


class RectificationForm(VersionFieldsMixin, ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Rectification
        fields = followup.EDIT_FIELDS
        widgets = {
            "education_on": DateInput(), "deadline": DateInput(),
            "education": forms.Textarea(attrs={"rows": 3}), "measures": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "education": "党小组对该党员进行批评教育的情况。",
            "mentor": "本支部评为优秀党员（五星）的在册党员。",
        }
        error_messages = {"education_on": DATE_ERRORS, "deadline": DATE_ERRORS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["education"].max_length = TEXT_MAX
        self.fields["measures"].max_length = TEXT_MAX
        self.fields["deadline"].required = True
        self.fields["mentor"].queryset = followup.mentor_choices(self.instance)
        self.fields["mentor"].empty_label = "暂不安排"
        self.fields["mentor"].error_messages["invalid_choice"] = "帮带党员应是本支部评为优秀党员（五星）的在册党员。"
        self.add_version_fields(self.instance)


class NoteForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = RectificationNote
        fields = ["noted_on", "text"]
        widgets = {"noted_on": DateInput(), "text": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"noted_on": DATE_ERRORS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].max_length = TEXT_MAX
        self.fields["noted_on"].validators.append(validate_past_date)


class StatusFilter(ServiceErrorsMixin, forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=[
        ("", "全部"), ("open", "整改中"), ("overdue", "逾期未整改"), ("closed", "已整改合格")])
    q = forms.CharField(label="姓名", required=False, max_length=20)


class YearForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2099,
                              error_messages={"invalid": "年度应为四位数字，如 2026。",
                                              "min_value": "年度应在 2000–2099 之间。",
                                              "max_value": "年度应在 2000–2099 之间。"})
