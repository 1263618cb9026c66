"""No dead ends (issue 9): a button on the member and branch pages is shown only to a user who can
use it, and where an action belongs to another level the page says who does it."""

import re

import pytest
from django.urls import reverse

ACTIONS = re.compile(r'<div class="actions">(.*?)</div>', re.S)
HREF = re.compile(r'<a class="btn[^"]*" href="([^"]+)"')


def _buttons(page):
    block = ACTIONS.search(page)
    return [h.replace("&amp;", "&") for h in HREF.findall(block.group(1))] if block else []


@pytest.mark.parametrize("role", ["admin", "committee", "secretary", "cadre", "two_grants"])
@pytest.mark.parametrize("where", ["member", "branch"])
def test_every_button_shown_opens_for_that_user(client, county, role, where):
    client.force_login(getattr(county, role))
    url = (reverse("members:detail", args=[county.east1.pk]) if where == "member"
           else reverse("branches:detail", args=[county.east.pk]))
    buttons = _buttons(client.get(url).content.decode())
    for href in buttons:
        response = client.get(href)
        assert response.status_code == 200, (role, href, response.status_code)
        if "move" in href:  # a move offers somewhere to go
            assert response.content.decode().count("<option value=\"") >= 2, (role, href)


def test_a_reader_sees_no_change_buttons_and_whom_to_ask(client, county):
    client.force_login(county.cadre)
    page = client.get(reverse("members:detail", args=[county.east1.pk])).content.decode()
    assert _buttons(page) == []
    assert "您对该党员只有查看权限" in page and "请联系“东街村党支部”书记，或上级“城关镇党委”办理" in page
    assert "?field=" not in page


def test_a_secretary_is_told_who_moves_a_member_and_approves_a_removal(client, county):
    client.force_login(county.secretary)
    page = client.get(reverse("members:detail", args=[county.east1.pk])).content.decode()
    buttons = _buttons(page)
    assert reverse("members:move", args=[county.east1.pk]) not in buttons  # nowhere to move to in its grant
    assert reverse("members:transfer_start", args=[county.east1.pk]) in buttons
    assert "调整所在党支部：本支部用“县内转接”，直接调整由城关镇党委办理" in page
    assert "出党、停止党籍、转正：点“提出决定”，经城关镇党委批准" in page

    page = client.get(reverse("branches:detail", args=[county.east.pk])).content.decode()
    assert reverse("members:move_all", args=[county.east.pk]) not in _buttons(page)
    assert "整体转移党员" not in page.split('<div class="actions">')[1].split("</div>")[0]
    assert "由上级党组织（城关镇党委）办理" in page


def test_a_committee_moves_members_itself(client, county):
    client.force_login(county.committee)
    page = client.get(reverse("members:detail", args=[county.east1.pk])).content.decode()
    assert reverse("members:move", args=[county.east1.pk]) in _buttons(page)
    assert "直接调整由" not in page
    page = client.get(reverse("branches:detail", args=[county.east.pk])).content.decode()
    assert reverse("members:move_all", args=[county.east.pk]) in _buttons(page)


def test_no_edit_buttons_for_a_member_off_the_roll(client, county):
    from conftest import seen

    client.force_login(county.secretary)
    url = reverse("members:state", args=[county.east2.pk])
    client.post(url, {"roll_state": "deceased", "on_date": "2026-01-01", "reason": "病故", "confirmed": "1",
                      **seen(county.east2)})
    page = client.get(reverse("members:detail", args=[county.east2.pk])).content.decode()
    buttons = _buttons(page)
    assert not any(("/edit/" in b or "/state/" in b or "/move/" in b or "quick" in b) for b in buttons), buttons
    assert "?field=" not in page
