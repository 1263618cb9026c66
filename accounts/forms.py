from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, UsernameField

from branches.forms import tree_label, tree_picker
from core.forms import CleanInputMixin, ServiceErrorsMixin

from . import permissions
from .models import Role


class LoginForm(CleanInputMixin, AuthenticationForm):
    username = UsernameField(label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(label="密码", strip=False, max_length=128,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入。注意密码区分大小写。",
        "inactive": "该账号已停用，请联系县委组织部。",
    }


OUT_OF_SCOPE = "所选党组织不存在或不在您的管理范围内。"


class GrantFields(CleanInputMixin, forms.Form):
    """A role on an organization, offered only as far as the granter may give (its subtree; no
    组织部管理员 for a committee). The kind of organization each role fits is checked by Grant.clean."""

    role = forms.ChoiceField(label="角色", error_messages={"required": "请选择角色。",
                                                           "invalid_choice": "您不能授予所选角色。"})
    organization = forms.ModelChoiceField(
        label="党组织", queryset=None, error_messages={"required": "请选择党组织。", "invalid_choice": OUT_OF_SCOPE},
    )

    def __init__(self, *args, granter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "请选择"), *((r.value, r.label) for r in permissions.grantable_roles(granter))]
        self.fields["organization"].queryset = permissions.grantable_orgs(granter)
        self.fields["organization"].label_from_instance = tree_label
        self.fields["organization"].empty_label = "请选择"
        tree_picker(self.fields["organization"])


class GrantForm(ServiceErrorsMixin, GrantFields):
    pass


class PasswordFields(CleanInputMixin, forms.Form):
    password1 = forms.CharField(label="密码", strip=False, max_length=128,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                error_messages={"required": "请填写密码。"})
    password2 = forms.CharField(label="再输入一次密码", strip=False, max_length=128,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                error_messages={"required": "请再输入一次密码。"})

    def password_user(self):
        return None

    def clean_password2(self):
        p1, p2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if p1 and p2 and p1 != p2:
            raise forms.ValidationError("两次输入的密码不一致。")
        if p2:
            password_validation.validate_password(p2, self.password_user())
        return p2


class PasswordResetForm(ServiceErrorsMixin, PasswordFields):
    def __init__(self, *args, account, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)

    def password_user(self):
        return self.account


class AccountCreateForm(ServiceErrorsMixin, GrantFields, PasswordFields):
    username = forms.RegexField(
        label="用户名", max_length=30, regex=r"^[A-Za-z0-9_.@+-]+$",
        help_text="登录用，字母、数字或 _ . @ + -，不超过 30 个字符。",
        error_messages={"required": "请填写用户名。", "invalid": "用户名只能由字母、数字和 _ . @ + - 组成。"},
    )
    display_name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写姓名。"})
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    reason = forms.CharField(label="说明（选填）", max_length=200, required=False)

    field_order = ["username", "display_name", "phone", "role", "organization", "password1", "password2", "reason"]


class AccountForm(ServiceErrorsMixin, forms.Form):
    display_name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写姓名。"})
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    reason = forms.CharField(label="说明（选填）", max_length=200, required=False)


class AccountSearchForm(CleanInputMixin, forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"placeholder": "用户名、姓名或党组织"}))
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部"), *Role.choices])
    active = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), ("yes", "启用"), ("no", "停用")])
