"""Bounded input: every form of the project bounds its free text and checks its script and dates
(core.forms.CleanInputMixin); the models check the same for the import (core.validators)."""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.forms import CleanInputMixin
from core.validators import NOTE_MAX, check_text
from members.models import Member
from tests.members.test_member_views import valid_post

PROJECT_APPS = ["accounts", "branches", "core", "members", "ratings", "investigation"]


def project_forms():
    """Every form class defined in the project's apps (management commands and migrations aside)."""
    found = {}
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__.split(".")[0] in PROJECT_APPS:
                    found[f"{cls.__module__}.{cls.__name__}"] = cls
    return found


def test_the_walk_finds_the_forms():
    names = set(project_forms())
    assert {"members.forms.MemberForm", "branches.forms.OrganizationForm", "branches.forms.OfficerForm",
            "members.roster.RosterFilterForm", "accounts.forms.LoginForm"} <= names


@pytest.mark.parametrize("name, cls", sorted(project_forms().items()))
def test_every_free_text_field_is_bounded_and_checked(name, cls):
    assert issubclass(cls, CleanInputMixin), f"{name}: add core.forms.CleanInputMixin (or ServiceErrorsMixin)"
    for field_name, field in cls.base_fields.items():
        if isinstance(field, forms.CharField):
            assert field.max_length is not None, f"{name}.{field_name} has no max_length"
            assert field.max_length <= 2000, f"{name}.{field_name}: {field.max_length} is not a sensible maximum"


@pytest.mark.parametrize("text, ok", [
    ("城关镇红旗村\n二组", True),
    ("张\ufffd三", False),          # a broken encoding
    ("张三\x00", False),             # a control character
    ("张三\u202e", False),           # a bidi override
    ("张三\ue000", False),           # private use
    ("张三\U000e0001", False),       # a tag (format)
    ("张三\U0010fffe", False),       # a noncharacter (unassigned)
    ("Zhang San · 张三（小名）", True),
])
def test_text_outside_the_expected_script_is_refused(text, ok):
    assert (check_text(text, multiline=True) is None) == ok


def test_an_over_long_note_is_refused_in_chinese_and_nothing_is_saved(client, county):
    client.force_login(county.secretary)
    response = client.post(reverse("members:create"), valid_post(county, notes="备" * 750_000))
    page = response.content.decode()
    assert f"最多{NOTE_MAX}个字，当前为750000个字" in page
    assert not Member.objects.filter(name="陈新").exists()
    # the browser stops typing at the bound; the model (the import's way in) refuses it too
    form_page = client.get(reverse("members:edit", args=[county.east1.pk])).content.decode()
    assert f'maxlength="{NOTE_MAX}"' in form_page
    m = Member.objects.get(pk=county.east1.pk)
    m.notes = "备" * (NOTE_MAX + 1)
    with pytest.raises(ValidationError, match=f"最多{NOTE_MAX}个字"):
        m.full_clean()


@pytest.mark.parametrize("field, value, message", [
    ("notes", "已转入\ufffd\ufffd", "乱码"),
    ("work_unit", "县医院\x07", "控制字符"),
    ("name", "张\ue001", "无法识别"),
    ("joined_on", "0001-01-01", "1900-01-01"),  # (the birth date is read from the ID number)
])
def test_member_form_refuses_bad_text_and_dates(client, county, field, value, message):
    client.force_login(county.secretary)
    response = client.post(reverse("members:create"), valid_post(county, **{field: value}))
    assert message in response.content.decode()
    assert not Member.objects.filter(id_number=valid_post(county)["id_number"]).exists()


def test_a_state_change_dated_year_one_is_refused(client, county):
    client.force_login(county.secretary)
    url = reverse("members:state", args=[county.east2.pk])
    response = client.post(url, {"roll_state": "deceased", "on_date": "0001-01-01", "reason": "病故"})
    assert "不能早于1900-01-01" in response.content.decode()
    response = client.post(url, {"roll_state": "deceased", "on_date": "2000-01-01", "reason": "病故"})
    assert "不能早于入党日期" in response.content.decode()
    assert Member.objects.get(pk=county.east2.pk).roll_state == "on_roll"


def test_organization_dates_and_reasons_are_bounded(client, county):
    client.force_login(county.committee)
    url = reverse("branches:dissolve", args=[county.west.pk])
    response = client.post(url, {"dissolved_on": "0001-01-01", "reason": "x" * 501})
    page = response.content.decode()
    assert "不能早于1900-01-01" in page and "最多500个字" in page
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    assert "不能晚于今天" in client.post(url, {"dissolved_on": tomorrow, "reason": "合并"}).content.decode()


def test_roster_search_is_bounded(client, county):
    client.force_login(county.admin)
    response = client.get(reverse("members:roster"), {"q": "张" * 51})
    assert "最多50个字" in response.content.decode() and response.context["rows"] == []
