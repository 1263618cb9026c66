import datetime

import pytest
from django.urls import reverse

from conftest import letter_out
from members import services, transfers


@pytest.fixture
def changes(county):
    services.move_member(county.committee, county.east2, county.west, "工作调动")
    services.change_roll_state(county.admin, county.hill1, "deceased", datetime.date.today(), "病故")


def _objects(response):
    return [e.object_repr for e, _ in response.context["rows"]]


def test_log_is_scoped_and_links_to_the_object(client, county, changes):
    client.force_login(county.other_committee)
    response = client.get(reverse("audit_log"))
    objects = _objects(response)
    assert "王山一" in objects and "张东二" not in objects and "东街村党支部" not in objects
    page = response.content.decode()
    assert "病故" in page and f'href="{reverse("members:detail", args=[county.hill1.pk])}"' in page
    client.force_login(county.sibling_secretary)
    objects = _objects(client.get(reverse("audit_log")))
    assert "张东二" in objects  # moved into its branch: the move is recorded where it landed
    assert "王山一" not in objects and "张东一" not in objects


def test_filters(client, county, changes):
    client.force_login(county.admin)
    url = reverse("audit_log")
    assert _objects(client.get(url, {"action": "move"})) == ["张东二"]
    assert _objects(client.get(url, {"q": "county", "action": "state"})) == ["王山一"]
    assert set(_objects(client.get(url, {"kind": "members.member", "action": "create"}))) == {
        "张东一", "张东二", "李西一", "王山一"}
    today = datetime.date.today()
    assert len(_objects(client.get(url, {"since": today.isoformat(), "until": today.isoformat()}))) >= 2
    assert _objects(client.get(url, {"until": (today - datetime.timedelta(days=1)).isoformat()})) == []
    response = client.get(url, {"since": "2026-02-30"})
    assert "日期格式应为" in response.content.decode() and _objects(response) == []
    response = client.get(url, {"since": "2026-03-02", "until": "2026-03-01"})
    assert "截止日期不能早于起始日期" in response.content.decode()


@pytest.mark.parametrize("extra", [2, 30])
def test_log_query_count_is_constant(client, county, extra, django_assert_max_num_queries):
    letter = None
    for i in range(extra):
        if i % 2 == 0:
            letter = letter_out(county.admin, county.east1)
        else:
            transfers.cancel_letter(county.admin, letter, f"第{i}次")
    client.force_login(county.admin)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("audit_log")).status_code == 200


def test_id_numbers_in_histories_are_masked_for_read_only_roles(client, county):
    from conftest import make_id
    from members import idcard
    from members.models import Member

    old = county.east1.id_number
    corrected = Member.objects.get(pk=county.east1.pk)
    corrected.id_number = make_id(corrected.birth_date)
    services.update_member(county.secretary, corrected, "身份证号录入有误")
    for url in (reverse("audit_log") + "?action=update", reverse("members:detail", args=[corrected.pk])):
        client.force_login(county.cadre)
        page = client.get(url).content.decode()
        assert idcard.mask(old) in page and idcard.mask(corrected.id_number) in page
        assert old not in page and corrected.id_number not in page
        client.force_login(county.secretary)
        page = client.get(url).content.decode()
        assert old in page and corrected.id_number in page
