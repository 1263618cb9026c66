import datetime

import pytest
from django.urls import reverse

from accounts.models import Grant, Role
from core.models import AuditEntry
from pilots.models import PilotUnit, Program

from .helpers import make_program, make_unit, phase_dates


def _program_post(name="试点", dates=None):
    data = {"name": name, "group_leader": "县委书记", "group_deputies": "组织部部长", "group_members": "",
            "office": "设在县委组织部组织科"}
    for step, (start, end) in (dates or phase_dates()).items():
        data[f"{step}_start"], data[f"{step}_end"] = start.isoformat(), end.isoformat()
    return data


def test_county_creates_a_program_with_phases_and_sees_where_it_stands(client, county):
    client.force_login(county.admin)
    response = client.post(reverse("pilots:program_create"), _program_post("X县党员分类管理试点"))
    program = Program.objects.get()
    assert response.status_code == 302
    assert [p.step for p in program.phase_list()] == ["plan", "deploy", "implement", "summarize"]
    page = client.get(reverse("pilots:program", args=[program.pk])).content.decode()
    assert "组织实施（" in page  # today is inside 组织实施 (helpers.phase_dates)
    assert "动员部署·制定方案" in page and "设在县委组织部组织科" in page
    assert AuditEntry.objects.filter(object_id=str(program.pk), action="create").exists()


def test_phases_out_of_order_are_refused_and_nothing_saved(client, county):
    client.force_login(county.admin)
    dates = phase_dates()
    start, end = dates["implement"]
    dates["implement"] = (dates["plan"][0], end)  # starts before 制定方案 ends
    response = client.post(reverse("pilots:program_create"), _program_post(dates=dates))
    assert response.status_code == 200
    assert "应在“部署发动”结束之后开始" in response.content.decode()
    assert not Program.objects.exists()


def test_only_county_staff_create_programs(client, county):
    client.force_login(county.committee)
    assert client.get(reverse("pilots:program_create")).status_code == 403
    assert client.post(reverse("pilots:program_create"), _program_post()).status_code == 403
    assert not Program.objects.exists()


def test_unit_gets_its_cadre_a_grant_and_one_cadre_follows_several(client, county):
    program = make_program(county.admin)
    cadre = county.cadre  # tracking cadre of 东街村 only
    client.force_login(county.admin)
    for org in (county.west, county.hill):
        response = client.post(reverse("pilots:unit_create", args=[program.pk]), {
            "organization": org.pk, "sector": "rural", "tracking_cadre": cadre.pk, "leader_name": "王书记",
            "group_members": "张三、李四"})
        assert response.status_code == 302, response.content.decode()
    assert set(Grant.objects.filter(user=cadre, role=Role.TRACKING_CADRE).values_list("organization__name", flat=True)) \
        == {"东街村党支部", "西街村党支部", "山口村党支部"}
    # the same organization twice in one program
    response = client.post(reverse("pilots:unit_create", args=[program.pk]), {
        "organization": county.west.pk, "sector": "rural", "tracking_cadre": cadre.pk, "leader_name": "王"})
    assert "该党组织已是本试点工作的试点单位" in response.content.decode()
    assert PilotUnit.objects.count() == 2


def test_a_party_group_cannot_be_a_unit(county):
    from django.core.exceptions import ValidationError

    program = make_program(county.admin)
    with pytest.raises(ValidationError):
        make_unit(county.admin, program, county.east_group, county.cadre)


def test_tracking_cadre_sees_only_its_units(client, county):
    program = make_program(county.admin)
    mine = make_unit(county.admin, program, county.east, county.cadre)
    other = make_unit(county.admin, program, county.hill, county.two_grants)
    client.force_login(county.cadre)
    page = client.get(reverse("pilots:program", args=[program.pk])).content.decode()
    assert "东街村党支部" in page and "山口村党支部" not in page
    response = client.get(reverse("pilots:unit", args=[other.pk]))
    assert response.status_code == 404
    assert "不在您的管理范围内" in response.content.decode()
    assert client.get(reverse("pilots:unit", args=[mine.pk])).status_code == 200


def test_roll_out_needs_a_scheme_and_happens_once(client, county):
    from pilots.models import Category

    program = make_program(county.admin)
    unit = make_unit(county.admin, program, county.east, county.cadre)
    client.force_login(county.admin)
    client.post(reverse("pilots:rollout", args=[program.pk]))
    program.refresh_from_db()
    assert program.rolled_out_on is None
    Category.objects.create(unit=unit, name="在职党员", rule="在职")
    client.post(reverse("pilots:rollout", args=[program.pk]))
    program.refresh_from_db()
    assert program.rolled_out_on == datetime.date.today()
    page = client.get(reverse("pilots:program", args=[program.pk])).content.decode()
    assert "已全面推开" in page


def test_a_new_cadre_takes_over_and_the_former_one_no_longer_sees_the_unit(client, county):
    program = make_program(county.admin)
    unit = make_unit(county.admin, program, county.hill, county.cadre)  # cadre: 东街村, now also 山口村
    client.force_login(county.admin)
    response = client.post(reverse("pilots:unit_edit", args=[unit.pk]), {
        "sector": "rural", "tracking_cadre": county.two_grants.pk, "leader_name": "王书记"})
    assert response.status_code == 302
    assert not Grant.objects.filter(user=county.cadre, organization=county.hill).exists()
    assert Grant.objects.filter(user=county.cadre, organization=county.east).exists()  # its own stays
    client.force_login(county.cadre)
    assert client.get(reverse("pilots:unit", args=[unit.pk])).status_code == 404
