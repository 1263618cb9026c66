"""Registering a member with less typing (issue 9): birth date and sex from the ID number, pasted
numbers cleaned, dates typed as people write them, the rest marked 选填."""

import datetime

import pytest
from django.urls import reverse

from conftest import make_id
from members.models import Member

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _post(county, **overrides):
    data = {"name": "陈新", "id_number": make_id(datetime.date(1985, 3, 12), female=True), "category": "full",
            "joined_on": "2010-07-01", "full_member_on": "2011-07-01", "job_category": "farmer",
            "organization": county.east.pk, "ethnicity": "汉族", "membership_status": "normal"}
    data.update(overrides)
    return data


def test_the_form_asks_the_facts_first_and_marks_the_rest_optional(client, county):
    client.force_login(county.secretary)
    page = client.get(reverse("members:create")).content.decode()
    assert 'name="birth_date"' not in page and 'name="gender"' not in page  # read from the ID number
    assert "出生日期和性别由公民身份号码自动得出" in page
    facts, rest = page.split('<details class="more-fields">')
    for name in ("name", "id_number", "category", "joined_on", "full_member_on", "job_category", "organization",
                 "phone"):
        assert f'name="{name}"' in facts, name
    assert "手机号码（选填）" in facts
    for label in ("籍贯（选填）", "工作单位（选填）", "现居住地（选填）", "备注（选填）", "所在党小组（选填）"):
        assert label in rest, label
    own = f'<option value="{county.east.pk}" data-depth="2" data-py="djcdzb" data-parent="城关镇党委" selected>'
    assert own in facts  # the secretary's own branch, chosen
    assert 'type="radio" name="category"' in facts and "checked" not in facts.split('name="category"')[0][-300:]


def test_birth_date_and_sex_come_from_the_id_number(client, county):
    client.force_login(county.secretary)
    data = _post(county)
    response = client.post(reverse("members:create"), data)
    assert response.status_code == 302
    m = Member.objects.get(name="陈新")
    assert (m.birth_date, m.gender) == (datetime.date(1985, 3, 12), "女")
    page = client.get(response.url).content.decode()
    assert "1985-03-12" in page


def test_the_derived_facts_are_shown_beside_the_number_after_an_error(client, county):
    client.force_login(county.secretary)
    data = _post(county, name="")
    page = client.post(reverse("members:create"), data).content.decode()
    assert "出生日期 1985-03-12 · 性别 女（由公民身份号码得出）" in page
    assert '<details class="more-fields">' in page  # the folded part stays closed: its fields have no error
    page = client.post(reverse("members:create"), _post(county, notes="\x07")).content.decode()
    assert "控制字符" in page and '<details class="more-fields">' not in page  # an error there: unfolded


def test_pasted_numbers_are_cleaned(client, county):
    client.force_login(county.secretary)
    number = make_id(datetime.date(1979, 11, 30))
    pasted = f"{number[:6]} {number[6:14]}-{number[14:]}".translate(FULL_WIDTH)
    response = client.post(reverse("members:create"), _post(county, id_number=pasted, phone="１３９ 1234－5678"))
    assert response.status_code == 302
    m = Member.objects.get(name="陈新")
    assert (m.id_number, m.phone, m.birth_date, m.gender) == (number, "13912345678", datetime.date(1979, 11, 30), "男")


@pytest.mark.parametrize("typed", ["20100701", "2010.7.1", "2010-7-1", "2010年7月1日", "２０１０年７月１日"])
def test_dates_typed_as_people_write_them(client, county, typed):
    client.force_login(county.secretary)
    response = client.post(reverse("members:create"), _post(county, joined_on=typed, full_member_on="2011.7.1"))
    assert response.status_code == 302
    m = Member.objects.get(name="陈新")
    assert (m.joined_on, m.full_member_on) == (datetime.date(2010, 7, 1), datetime.date(2011, 7, 1))


@pytest.mark.parametrize("typed, message", [
    ("2010.7", "缺少日"), ("10.7.1", "无法识别"), ("20100231", "日期不存在（2010年2月31日）"),
    ("２０１０年２月３１日", "日期不存在（2010年2月31日）"),
])
def test_bad_dates_are_refused_in_chinese_and_nothing_is_saved(client, county, typed, message):
    client.force_login(county.secretary)
    response = client.post(reverse("members:create"), _post(county, joined_on=typed))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Member.objects.filter(name="陈新").exists()


def test_editing_the_id_number_updates_birth_date_and_sex(client, county):
    from conftest import seen

    m = county.east1
    client.force_login(county.secretary)
    page = client.get(reverse("members:edit", args=[m.pk])).content.decode()
    assert "出生日期 1980-05-01 · 性别 男" in page and 'name="birth_date"' not in page
    number = make_id(datetime.date(1981, 6, 2), female=True)
    data = {**_post(county), "name": m.name, "id_number": number, "category": "full", **seen(m)}
    data.pop("organization")
    response = client.post(reverse("members:edit", args=[m.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    m.refresh_from_db()
    assert (m.birth_date, m.gender) == (datetime.date(1981, 6, 2), "女")


def test_the_incoming_registration_keeps_its_letter_fields_unfolded(client, county):
    client.force_login(county.secretary)
    page = client.get(reverse("members:transfer_in")).content.decode()
    unfolded = page.split('<details class="more-fields">')[0]
    for name in ("letter_number", "from_org_name", "letter_issued_on", "received_on", "name", "id_number"):
        assert f'name="{name}"' in unfolded, name
