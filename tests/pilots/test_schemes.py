from django.urls import reverse

from conftest import bulk_members, make_member
from core.models import AuditEntry
from pilots.models import Assignment, Category
from pilots.services import schemes

from .helpers import make_program, make_unit


def _category_post(name, **measures):
    data = {"name": name, "rule": f"{name}的标准"}
    data.update({f"m_{k}": v for k, v in measures.items()})
    return data


def test_secretary_defines_categories_with_measures_and_no_two_of_a_name(client, county):
    unit = make_unit(county.admin, make_program(county.admin), county.east, county.cadre)
    client.force_login(county.secretary)  # the unit's own branch secretary
    url = reverse("pilots:category_create", args=[unit.pk])
    response = client.post(url, _category_post("在职党员", study="每月集中学习一次", dues="按月交纳"))
    assert response.status_code == 302
    c = Category.objects.get(unit=unit)
    assert c.measures == {"study": "每月集中学习一次", "dues": "按月交纳"}
    assert [label for label, _ in c.measure_rows()] == ["学习教育", "交纳党费"]
    entries = AuditEntry.objects.filter(action="create", content_type__model="category").count()

    response = client.post(url, _category_post("在职党员"))
    assert response.status_code == 200
    assert "本单位已有名为“在职党员”的党员类别，类别名称不能重复" in response.content.decode()
    assert Category.objects.filter(unit=unit).count() == 1
    assert AuditEntry.objects.filter(action="create", content_type__model="category").count() == entries


def test_tracking_cadre_reads_the_scheme_but_does_not_change_it(client, county):
    unit = make_unit(county.admin, make_program(county.admin), county.east, county.cadre)
    client.force_login(county.cadre)
    assert client.get(reverse("pilots:unit", args=[unit.pk])).status_code == 200
    assert client.post(reverse("pilots:category_create", args=[unit.pk]), _category_post("在职")).status_code == 403
    assert not Category.objects.exists()


def test_template_copies_and_stays_independent(client, county):
    program = make_program(county.admin)
    source = make_unit(county.admin, program, county.east, county.cadre)
    target = make_unit(county.admin, program, county.west, county.cadre)
    schemes.save_category(county.admin, Category(unit=source, name="在职党员", rule="在职", measures={"study": "集中学习"}))
    schemes.save_category(county.admin, Category(unit=source, name="流动党员", rule="外出", measures={"care": "走访"}))
    client.force_login(county.committee)  # 城关镇: both units in its subtree
    response = client.post(reverse("pilots:scheme_copy", args=[target.pk]), {"source": source.pk})
    assert response.status_code == 302
    copied = {c.name: c for c in target.categories.all()}
    assert set(copied) == {"在职党员", "流动党员"} and copied["在职党员"].measures == {"study": "集中学习"}

    # Independent: editing the copy leaves the template alone, and the other way round.
    copy = copied["在职党员"]
    copy.measures = {"study": "线上学习"}
    schemes.save_category(county.admin, copy)
    original = source.categories.get(name="在职党员")
    assert original.measures == {"study": "集中学习"}
    original.name = "在职在岗党员"
    schemes.save_category(county.admin, original)
    assert set(target.categories.values_list("name", flat=True)) == {"在职党员", "流动党员"}

    # A unit that has its scheme does not start again from a template.
    response = client.post(reverse("pilots:scheme_copy", args=[target.pk]), {"source": source.pk})
    assert "本单位已有分类方案" in response.content.decode()
    assert target.categories.count() == 2


def test_template_from_a_unit_out_of_scope_is_refused(client, county):
    program = make_program(county.admin)
    hidden = make_unit(county.admin, program, county.hill, county.two_grants)
    target = make_unit(county.admin, program, county.east, county.cadre)
    schemes.save_category(county.admin, Category(unit=hidden, name="在职党员", rule="在职"))
    client.force_login(county.secretary)
    page = client.get(reverse("pilots:scheme_copy", args=[target.pk])).content.decode()
    assert "山口村" not in page
    response = client.post(reverse("pilots:scheme_copy", args=[target.pk]), {"source": hidden.pk})
    assert "所选模板不存在或不在您的范围内" in response.content.decode()
    assert not target.categories.exists()


def test_rolled_out_schemes_are_templates_for_any_unit(county):
    first = make_program(county.admin, name="第一批")
    hill = make_unit(county.admin, first, county.hill, county.two_grants)
    schemes.save_category(county.admin, Category(unit=hill, name="在职党员", rule="在职"))
    second = make_program(county.admin, name="第二批")
    east = make_unit(county.admin, second, county.east, county.cadre)
    assert list(schemes.template_units(county.secretary, east)) == []
    from pilots.services import programs

    programs.roll_out(county.admin, first)
    assert list(schemes.template_units(county.secretary, east)) == [hill]


def test_assignment_one_at_a_time_and_in_bulk_with_coverage_counts(client, county):
    unit = make_unit(county.admin, make_program(county.admin), county.east, county.cadre)
    extra = bulk_members(county.east, 5)
    working = schemes.save_category(county.admin, Category(unit=unit, name="在职党员", rule="在职"))
    retired = schemes.save_category(county.admin, Category(unit=unit, name="离退休党员", rule="离退休"))
    client.force_login(county.secretary)
    url = reverse("pilots:unit_members", args=[unit.pk])
    assert client.post(url, {"category": working.pk, "member": [county.east1.pk]}).status_code == 302
    assert client.post(url, {"category": retired.pk, "member": [m.pk for m in extra[:3]]}).status_code == 302
    total, counts, unassigned = schemes.coverage(unit)
    assert total == 7 and [(c.name, n) for c, n in counts] == [("在职党员", 1), ("离退休党员", 3)] and unassigned == 3
    # moving one member to another category keeps one assignment per member
    client.post(url, {"category": working.pk, "member": [extra[0].pk]})
    total, counts, unassigned = schemes.coverage(unit)
    assert [n for _, n in counts] == [2, 2] and unassigned == 3
    assert Assignment.objects.filter(member=extra[0]).count() == 1

    page = client.get(url, {"show": "unassigned"}).content.decode()
    assert "未分类（3）" in page and county.east2.name in page and county.east1.name not in page
    # a category in use cannot be deleted
    client.post(reverse("pilots:category_delete", args=[working.pk]))
    assert Category.objects.filter(pk=working.pk).exists()


def test_assigning_a_member_of_another_unit_is_refused_and_nothing_changes(client, county):
    unit = make_unit(county.admin, make_program(county.admin), county.east, county.cadre)
    working = schemes.save_category(county.admin, Category(unit=unit, name="在职党员", rule="在职"))
    stranger = make_member(county.west, "赵外人")
    client.force_login(county.committee)  # sees both branches
    response = client.post(reverse("pilots:unit_members", args=[unit.pk]),
                           {"category": working.pk, "member": [county.east1.pk, stranger.pk]})
    assert response.status_code == 200
    assert "所选党员中有 1 名不是本单位的在册党员，未做任何调整" in response.content.decode()
    assert not Assignment.objects.exists()


def test_category_of_another_unit_is_refused(client, county):
    program = make_program(county.admin)
    unit = make_unit(county.admin, program, county.east, county.cadre)
    other = make_unit(county.admin, program, county.west, county.cadre)
    foreign = schemes.save_category(county.admin, Category(unit=other, name="在职党员", rule="在职"))
    client.force_login(county.committee)
    response = client.post(reverse("pilots:unit_members", args=[unit.pk]),
                           {"category": foreign.pk, "member": [county.east1.pk]})
    assert "所选类别不属于本单位的分类方案" in response.content.decode()
    assert not Assignment.objects.exists()
