import copy
import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from . import dates, validators
from .markup import conditional_escape
from .widgets import DateTextInput


class QuickSelect(forms.Select):
    """A select written out in Python, with the markup of Django's template (which includes one
    sub-template per option: the organization list's 300 options took half of the roster page's
    time, about 20 ms of 40). Grouped choices still go through the template."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen, found = set(self.format_value(value)), False
        parts = [format_html('<select name="{}"{}>', name, flatatt(self.build_attrs(self.attrs, attrs)))]
        for option_value, label in choices:
            option_value = "" if option_value is None else str(option_value)
            selected = option_value in chosen and (self.allow_multiple_selected or not found)
            found = found or selected
            parts.append(f'\n  <option value="{conditional_escape(option_value)}"{" selected" if selected else ""}>'
                         f"{conditional_escape(label)}</option>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))

    def __deepcopy__(self, memo):
        """Each form's copy shares the choices instead of copying and normalizing them again (a
        third of a filter form's construction): nothing changes a choice list in place, a form
        that needs other choices assigns a new list (which the field passes to its widget)."""
        obj = copy.copy(self)
        obj.attrs = self.attrs.copy()
        memo[id(self)] = obj
        return obj


class FixedChoiceField(forms.ChoiceField):
    """A ChoiceField whose choices are a code list fixed with the form class: a form's copy of the
    field shares them (Django deep-copies them for every form). Shown as a QuickSelect."""

    widget = QuickSelect

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = result.widget.choices
        return result


def _quicken(fields):
    for field in fields:
        if type(field.widget) is forms.Select:
            quick = QuickSelect(attrs=field.widget.attrs)
            quick.is_required, quick.choices = field.widget.is_required, field.widget.choices
            field.widget = quick


def quick_selects(form):
    """Give the form's plain selects the QuickSelect rendering (their choices follow the field).
    The form class's own fields are changed once, so that later forms copy QuickSelects; the
    form's fields are then checked for any its __init__ added or replaced."""
    cls = type(form)
    if not cls.__dict__.get("_quick_selects"):
        _quicken(cls.base_fields.values())
        cls._quick_selects = True
    _quicken(form.fields.values())


def _stock(field, key):
    """Django's own message for `key` on this field's class (None when the form set its own)."""
    message = field.error_messages.get(key)
    for cls in type(field).__mro__:
        default = cls.__dict__.get("default_error_messages", {}).get(key)
        if default is not None:  # a project field class's own default is its author's message
            return message is default and cls.__module__.startswith("django.")
    return message is None or message == validators.MAX_LENGTH_MESSAGE


def _required_message(field, label):
    if isinstance(field, forms.BooleanField):
        return f"请勾选“{label}”。"
    if isinstance(field, forms.FileField):
        return f"请选择要上传的{label}。"
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
        return f"请选择“{label}”。"
    if isinstance(field, forms.DateField):
        return f"请填写“{label}”，如 2026-11-27。"
    return f"请填写“{label}”。"


def _invalid_message(field, label):
    if isinstance(field, forms.DateField):
        return f"“{label}”不是有效的日期，请按 2026-11-27 的格式填写。"
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        return f"“{label}”应填写数字。"
    if isinstance(field, forms.EmailField):
        return f"“{label}”不是有效的电子邮箱地址，请检查。"
    return f"“{label}”的格式不对，请检查后重新填写。"


def plain_messages(field):
    """Django's stock messages (这个字段是必填项。选择一个有效的选项…) said plainly, with the field's
    label and what to do: 请填写“姓名”。A message the form set itself is kept. Placeholders are
    Django's own (%(limit_value)s …), filled in when the error is raised."""
    label = str(field.label or "").strip()
    if not label:
        return
    messages = {
        "required": lambda: _required_message(field, label),
        "invalid_choice": lambda: f"“{label}”没有所选的这一项，请从列表中重新选择。",
        "invalid_list": lambda: f"“{label}”请从列表中选择。",
        "invalid_pk_value": lambda: f"“{label}”没有所选的这一项，请从列表中重新选择。",
        "invalid": lambda: _invalid_message(field, label),
        "max_length": lambda: f"“{label}”{validators.MAX_LENGTH_MESSAGE}",
        "min_length": lambda: f"“{label}”至少%(limit_value)d个字，当前为%(show_value)d个字。",
        "min_value": lambda: f"“{label}”不能小于%(limit_value)s。",
        "max_value": lambda: f"“{label}”不能大于%(limit_value)s。",
        "max_digits": lambda: f"“{label}”最多%(max)s位数字。",
        "max_decimal_places": lambda: f"“{label}”最多保留%(max)s位小数。",
        "max_whole_digits": lambda: f"“{label}”的整数部分最多%(max)s位。",
        "step_size": lambda: f"“{label}”应为%(limit_value)s的整数倍。",
        "empty": lambda: f"上传的{label}是空文件，请检查后重新选择。",
    }
    numeric = isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField))
    # Keys a validator raises (MaxLengthValidator, MinValueValidator …): the field takes its own
    # message for them when it has one under the validator's code.
    by_validator = {"max_length": isinstance(field, forms.CharField), "min_length": isinstance(field, forms.CharField),
                    "min_value": numeric, "max_value": numeric, "step_size": numeric,
                    "max_digits": isinstance(field, forms.DecimalField),
                    "max_decimal_places": isinstance(field, forms.DecimalField),
                    "max_whole_digits": isinstance(field, forms.DecimalField)}
    for key, message in messages.items():
        if key in by_validator:
            if by_validator[key] and (key not in field.error_messages or _stock(field, key)):
                field.error_messages[key] = message()
        elif key in field.error_messages and _stock(field, key):
            field.error_messages[key] = message()


class CleanInputMixin:
    """The input rules of every form of the project (tests/core/test_inputs.py walks them all):
    each text field refuses text outside the expected script (core.validators.check_text) and
    says its maximum length in Chinese; each date field is between 1900-01-01 and 2100-12-31.
    A text field without max_length fails that test: set one (core.validators has the usual
    sizes). Password fields are bounded but not checked for script."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.error_messages.setdefault("max_length", validators.MAX_LENGTH_MESSAGE)
                if not isinstance(field.widget, forms.PasswordInput):
                    multiline = isinstance(field.widget, forms.Textarea)
                    field.validators.append(
                        validators.validate_multiline_text if multiline else validators.validate_text
                    )
            elif isinstance(field, forms.DateField) and validators.validate_past_date not in field.validators:
                field.validators.append(validators.validate_date_range)
        for field in self.fields.values():
            plain_messages(field)


class ServiceErrorsMixin(CleanInputMixin):
    """Lets a form take a model's or a service's ValidationError whole: errors for fields the form
    shows go next to them, errors for fields it does not show go to the summary at the top.
    Also labels the empty choice of a select "请选择" instead of Django's dashes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quick_selects(self)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label == "---------":
                    field.empty_label = "请选择"
            elif isinstance(field, forms.ChoiceField):
                choices = list(field.choices)
                if choices and choices[0][0] == "" and choices[0][1] == "---------":
                    field.choices = [("", "请选择"), *choices[1:]]

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            remapped = {}
            for name, errors in error.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                remapped.setdefault(key, []).extend(errors)
            error = remapped
        super().add_error(field, error)

    def add_service_error(self, exc):
        self.add_error(None, exc if hasattr(exc, "error_dict") else ValidationError(exc.messages))

    def perform(self, request, action, *other_forms):
        """The POST half of a form view: when the request is a POST and this form (and
        `other_forms`) are valid, run `action(cleaned_data)`; a ValidationError it raises goes on
        the form. Returns (True, the action's result) when it ran, else (False, None)."""
        if request.method != "POST" or not all([self.is_valid(), *(f.is_valid() for f in other_forms)]):
            return False, None
        try:
            return True, action(self.cleaned_data)
        except ValidationError as exc:
            self.add_service_error(exc)
            return False, None


class DateInput(forms.DateInput):
    """A native date picker; the value shows as 2026-11-27."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


_OUT_OF_RANGE = "日期超出范围，应在 2000-01-01 至 2099-12-31 之间。"
AUDIT_DATE_RANGE = [
    MinValueValidator(datetime.date(2000, 1, 1), _OUT_OF_RANGE),
    MaxValueValidator(datetime.date(2099, 12, 31), _OUT_OF_RANGE),
]


class AuditFilterForm(ServiceErrorsMixin, forms.Form):
    q = forms.CharField(label="对象或操作人", required=False, max_length=50)
    kind = forms.ChoiceField(label="类别", required=False)
    action = forms.ChoiceField(label="操作", required=False)
    since = forms.DateField(label="起始日期", required=False, widget=DateInput(),
                            error_messages={"invalid": "日期格式应为 2026-11-27。"}, validators=AUDIT_DATE_RANGE)
    until = forms.DateField(label="截止日期", required=False, widget=DateInput(),
                            error_messages={"invalid": "日期格式应为 2026-11-27。"}, validators=AUDIT_DATE_RANGE)

    def __init__(self, *args, kinds, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部"), *kinds]
        self.fields["action"].choices = [("", "全部"), *actions]

    def clean(self):
        cd = super().clean()
        if cd.get("since") and cd.get("until") and cd["since"] > cd["until"]:
            self.add_error("until", "截止日期不能早于起始日期。")
        return cd


class TypedDateField(forms.DateField):
    """A date typed the way people write it (core.dates: 1985-03-12, 1985-3-12, 1985.3.12,
    19850312, 1985年3月12日, full-width digits too) or picked from the calendar that
    static/js/datefield.js puts beside the text box (core.widgets.DateTextInput). A bad date
    gets a Chinese message saying which forms are understood."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DateTextInput())
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return dates.parse_typed_date(value)


def typed_dates(form, names=None):
    """Give a ModelForm's date fields (or those `names`) the typed-date rules and widget, keeping
    each field's label, required flag, initial value and validators."""
    for name, field in form.fields.items():
        if (names is None or name in names) and type(field) is forms.DateField:
            typed = TypedDateField(
                label=field.label, required=field.required, initial=field.initial, help_text=field.help_text,
                validators=field.validators, disabled=field.disabled,
                error_messages={k: v for k, v in field.error_messages.items() if k != "invalid"},
            )
            form.fields[name] = typed
