import datetime

from django import forms

from core.forms import CleanInputMixin


def _default_quarter():
    """The quarter just ended: ratings are made after a quarter closes."""
    today = datetime.date.today()
    q = (today.month - 1) // 3 + 1
    return (today.year - 1, 4) if q == 1 else (today.year, q - 1)


class OpenQuarterForm(CleanInputMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100,
                              error_messages={"required": "请填写年度。", "invalid": "年度应为数字。",
                                              "min_value": "请填写正确的年度。", "max_value": "请填写正确的年度。"})
    quarter = forms.TypedChoiceField(label="季度", coerce=int, choices=[(i, f"第{i}季度") for i in range(1, 5)],
                                     error_messages={"required": "请选择季度。", "invalid_choice": "季度应为1–4。"})
    opens_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"required": "请填写开始日期。", "invalid": "开始日期格式不正确。"})
    due_on = forms.DateField(label="完成期限", widget=forms.DateInput(attrs={"type": "date"}),
                             error_messages={"required": "请填写完成期限。", "invalid": "完成期限格式不正确。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year, quarter = _default_quarter()
        today = datetime.date.today()
        self.fields["year"].initial = year
        self.fields["quarter"].initial = quarter
        self.fields["opens_on"].initial = today
        self.fields["due_on"].initial = today + datetime.timedelta(days=20)


