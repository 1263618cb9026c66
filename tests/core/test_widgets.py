"""The organization tree picker (core.widgets.OrgTreeSelect, branches.forms.tree_picker): each form's
organization select carries the tree for static/js/orgpicker.js, its options are still the form's
scoped queryset, and a tampered post is still refused."""

from django.urls import reverse

from accounts.forms import GrantForm
from branches.choices import OrgKind
from branches.forms import MoveForm, OrganizationForm
from conftest import seen
from core.widgets import OrgTreeSelect, initials
from members.forms import MemberForm, MoveMemberForm, RollStateForm


def test_initials():
    assert initials("东街村党支部") == "djcdzb" and initials("城关镇党委") == "cgzdw"


def test_the_forms_choosing_an_organization_use_the_picker(county):
    user = county.admin
    fields = [
        MemberForm(user=user).fields["organization"],
        MoveMemberForm(user=user, exclude_branch=county.east, member=county.east1).fields["branch"],
        OrganizationForm(user=user, kinds=[OrgKind.BRANCH]).fields["parent"],
        MoveForm(org=county.east, parents=county.root.__class__.objects.all()).fields["parent"],
        GrantForm(granter=user).fields["organization"],
    ]
    for field in fields:
        assert isinstance(field.widget, OrgTreeSelect)


def test_options_carry_depth_initials_and_parent_and_stay_in_scope(county):
    html = str(GrantForm(granter=county.committee)["organization"])
    assert 'data-orgpicker=""' in html
    assert f'<option value="{county.town.pk}" data-depth="1" data-py="cgzdw" data-parent="X县委">' in html
    assert f'<option value="{county.east.pk}" data-depth="2" data-py="djcdzb" data-parent="城关镇党委">' in html
    assert "山口村党支部" not in html and "青山乡党委" not in html  # the committee's subtree only


def test_a_tampered_choice_is_still_refused(client, county):
    client.force_login(county.committee)
    form = GrantForm({"role": "branch_secretary", "organization": county.hill.pk}, granter=county.committee)
    assert not form.is_valid() and "不在您的管理范围内" in form.errors["organization"][0]
    response = client.post(reverse("members:move", args=[county.east1.pk]),
                           {"branch": county.hill.pk, "reason": "调动", **seen(county.east1)})
    assert "所选党支部不存在或不在您的管理范围内" in response.content.decode()
    form = RollStateForm(member=county.east1, user=county.committee)
    assert "branch" not in form.fields  # on the roll: only facts that leave it


def test_the_page_keeps_a_plain_select_for_browsers_without_script(client, county):
    client.force_login(county.admin)
    page = client.get(reverse("members:move", args=[county.east1.pk])).content.decode()
    select = page[page.index('<select name="branch"'):]
    assert 'data-orgpicker=""' in select[:select.index(">")] and f'<option value="{county.west.pk}"' in select
    assert "js/orgpicker.js" in page


def test_the_renderers_inputs_are_djangos_markup_character_for_character(county):
    """core.renderer writes the plain inputs in Python; Django's templates write the same text, for
    every kind of input, value and attribute (True, False, quotes, <, &, a safe string, a number)."""
    import datetime

    from django import forms
    from django.forms.renderers import DjangoTemplates
    from django.utils.safestring import mark_safe

    from core.renderer import FormRenderer

    class Every(forms.Form):
        text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": '姓名 "全称" <a> & b',
                                                             "autofocus": True, "hidden": False}))
        number = forms.IntegerField()
        email = forms.EmailField(required=False)
        url = forms.URLField(required=False, assume_scheme="https")
        password = forms.CharField(widget=forms.PasswordInput(render_value=True))
        hidden = forms.CharField(widget=forms.HiddenInput)
        search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}))
        date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        time = forms.TimeField(widget=forms.TimeInput)
        check = forms.BooleanField(required=False)
        file = forms.FileField(required=False, widget=forms.FileInput)
        safe = forms.CharField(initial=mark_safe("<b>安全</b>"))

    data = {"text": '张"三" <script>&amp;', "number": "12", "email": "a@b.cn", "password": "p<w>",
            "hidden": "x&y", "search": "zhm", "date": "2026-11-27", "time": "08:30", "check": "on"}
    initial = {"number": 3, "date": datetime.date(2026, 1, 2), "check": False}
    for args, kwargs in (((data,), {}), ((), {"initial": initial}), ((), {})):
        ours, django = Every(*args, renderer=FormRenderer(), **kwargs), Every(*args, renderer=DjangoTemplates(), **kwargs)
        for name in ours.fields:
            assert str(ours[name]) == str(django[name]), name
    assert 'value="张&quot;三&quot; &lt;script&gt;&amp;amp;"' in str(Every(data, renderer=FormRenderer())["text"])
    assert type(Every().renderer) is FormRenderer  # the setting's renderer is the one pages use
