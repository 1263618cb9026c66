"""Relationship transfers (members/transfers.py): the letter out of the county and its receipt, the
one-month overdue rule, the internal transfer confirmed by the receiving side, cancelling, members
arriving from outside the county, and the refusals."""

import datetime
import re
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import seen
from core.models import AuditEntry
from members import services, transfers
from members.choices import RollState
from members.models import (
    IncomingTransfer,
    LetterCounter,
    LetterStatus,
    Member,
    Placement,
    PlacementReason,
    TransferLetter,
)

D = datetime.date


def _out(user, member, **kw):
    return transfers.issue_letter(user, member, addressee="中共某市某区委员会组织部",
                                  destination="某市某区某街道第一社区党支部", **kw)


def _entries(obj, action):
    return AuditEntry.objects.for_object(obj).filter(action=action)


def _pdf_text(content):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


# -- out of the county ----------------------------------------------------------------------------

def test_issuing_a_letter_transfers_the_member_out_and_keeps_it_with_the_old_branch(county):
    m = county.east2
    letter = _out(county.secretary, m, dues_paid_to=D(2026, 10, 1))
    m.refresh_from_db()
    today = transfers.today()
    assert letter.number == f"{today.year}-0001" and letter.status == LetterStatus.ISSUED
    assert m.roll_state == RollState.TRANSFERRED_OUT and m.roll_state_on == today
    assert m.organization == county.east  # still the old branch's until the receipt is back
    place = Placement.objects.get(member=m)
    assert place.ended_on == today and place.end_reason == PlacementReason.TRANSFER_OUT
    assert letter.valid_days == 30 and letter.receipt_due_on == transfers.add_months(today, 1)
    assert _entries(letter, transfers.ISSUE).count() == 1
    assert "开具组织关系介绍信第" in _entries(m, "state").get().reason
    # The investigation's scope of the old branch and the secretary's lists still hold it.
    assert list(transfers.members_awaiting_receipt([county.east.pk])) == [m]
    assert m in transfers.investigation_scope(county.east)
    assert list(transfers.awaiting_receipt(county.secretary)) == [letter]
    assert not transfers.awaiting_receipt(county.sibling_secretary).exists()
    assert Member.objects.visible_to(county.secretary).filter(pk=m.pk).exists()

    transfers.register_receipt(county.secretary, letter, today, "某街道第一社区党支部")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RECEIVED and letter.receipt_by == county.secretary
    assert not transfers.members_awaiting_receipt([county.east.pk]).exists()
    assert m not in transfers.investigation_scope(county.east)
    assert _entries(m, transfers.RECEIPT).count() == 1


def test_receipt_due_is_one_calendar_month_after_issue():
    assert transfers.receipt_due(D(2026, 10, 29)) == D(2026, 11, 29)
    assert transfers.receipt_due(D(2026, 1, 31)) == D(2026, 2, 28)
    assert transfers.receipt_due(D(2028, 1, 31)) == D(2028, 2, 29)
    assert transfers.receipt_due(D(2026, 12, 15)) == D(2027, 1, 15)


def test_a_receipt_is_overdue_from_the_day_after_one_month(county, client, settings):
    letter = _out(county.secretary, county.east2)
    due = letter.receipt_due_on
    assert due == transfers.add_months(letter.issued_on, 1)
    # On the last day it is still awaited, the day after it is overdue.
    assert list(transfers.awaiting_receipt(county.secretary, on=due)) == [letter]
    assert not transfers.overdue_receipts(county.secretary, on=due).exists()
    assert not transfers.awaiting_receipt(county.secretary, on=due + datetime.timedelta(days=1)).exists()
    assert list(transfers.overdue_receipts(county.secretary, on=due + datetime.timedelta(days=1))) == [letter]
    assert not letter.is_overdue(due) and letter.is_overdue(due + datetime.timedelta(days=1))
    assert not transfers.overdue_receipts(county.other_committee, on=due + datetime.timedelta(days=1)).exists()
    # A letter issued a month and a day ago shows as overdue on its page and in the list.
    TransferLetter.objects.filter(pk=letter.pk).update(receipt_due_on=transfers.today() - datetime.timedelta(days=1))
    client.force_login(county.secretary)
    assert "回执逾期" in client.get(reverse("members:transfers") + "?show=overdue").content.decode()
    assert "已逾期" in client.get(reverse("members:letter", args=[letter.pk])).content.decode()
    # The overdue period is a setting.
    settings.TRANSFER_RECEIPT_MONTHS = 2
    assert transfers.receipt_due(D(2026, 10, 29)) == D(2026, 12, 29)


def test_the_letter_pdf_is_the_three_part_form_on_one_a4_page(county, client):
    letter = _out(county.secretary, county.east2, dues_paid_to=D(2026, 10, 1))
    client.force_login(county.secretary)
    response = client.get(reverse("members:letter_pdf", args=[letter.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    flat = "".join(text.split())
    for part in ("中国共产党党员组织关系介绍信", "（存根）", "介绍信回执", "特此回执", "请接洽"):
        assert part in flat, part
    assert flat.count(f"第{letter.number}号") >= 5  # each part and both cut lines
    assert "张东二" in flat and "东街村党支部" in flat and "某市某区某街道第一社区党支部" in flat
    assert "中共某市某区委员会组织部：" in flat
    assert "系中共正式党员" in flat and "党费已交到2026年10月" in flat and "有效期30天" in flat
    assert county.east2.id_number in flat
    assert "城关镇党委（盖章）" in flat and "接收党组织（盖章）" in flat and "经办人（签字）" in flat
    info = subprocess.run(["pdfinfo", "-"], input=response.content, capture_output=True, check=True).stdout.decode()
    assert re.search(r"^Pages:\s+1$", info, re.M) and "595.276 x 841.89" in info  # one A4 page
    # A reader without an editor grant over the sending branch gets the number masked.
    client.force_login(county.cadre)
    flat = "".join(_pdf_text(client.get(reverse("members:letter_pdf", args=[letter.pk])).content).split())
    assert county.east2.id_number not in flat and county.east2.masked_id in flat


# -- within the county ----------------------------------------------------------------------------

def test_internal_transfer_end_to_end(client, county):
    m = county.east2
    client.force_login(county.secretary)
    detail = client.get(reverse("members:detail", args=[m.pk])).content.decode()
    assert "县内转接" in detail and reverse("members:move", args=[m.pk]) not in detail  # no move for a secretary
    response = client.post(reverse("members:transfer_start", args=[m.pk]), {
        "branch": county.west.pk, "issued_on": transfers.today().isoformat(), "reason": "随配偶迁居西街村", **seen(m)})
    assert response.status_code == 302
    letter = TransferLetter.objects.get(member=m)
    assert letter.status == LetterStatus.PENDING and letter.to_org == county.west
    assert letter.addressee == "城关镇党委" and letter.destination == "西街村党支部"
    m.refresh_from_db()
    assert m.organization == county.east and m.on_roll  # nothing moves before the receiving side confirms
    # The sending secretary cannot confirm its own transfer; the receiving secretary sees it to confirm.
    assert client.get(reverse("members:letter_confirm", args=[letter.pk])).status_code == 403
    client.force_login(county.sibling_secretary)
    assert list(transfers.awaiting_confirmation(county.sibling_secretary)) == [letter]
    page = client.get(reverse("members:letter", args=[letter.pk])).content.decode()
    assert "确认接收" in page and "张东二" in page
    assert "待本支部确认接收" in client.get(reverse("branches:detail", args=[county.west.pk])).content.decode()
    response = client.post(reverse("members:letter_confirm", args=[letter.pk]), {"party_group": ""})
    assert response.status_code == 302

    m.refresh_from_db()
    letter.refresh_from_db()
    today = transfers.today()
    assert m.organization == county.west and m.on_roll and m.party_group is None
    assert letter.status == LetterStatus.RECEIVED and letter.receipt_on == today
    assert letter.receipt_unit == "西街村党支部" and letter.receipt_by == county.sibling_secretary
    old, new = Placement.objects.filter(member=m).order_by("pk")
    assert (old.organization, old.ended_on, old.end_reason) == (county.east, today, PlacementReason.TRANSFER)
    assert (new.organization, new.started_on, new.start_reason, new.ended_on) == (
        county.west, today, PlacementReason.TRANSFER, None)
    assert _entries(letter, transfers.START).count() == 1 and _entries(letter, transfers.CONFIRM).count() == 1
    moved = _entries(m, transfers.CONFIRM).get()
    assert moved.actor == county.sibling_secretary and moved.changes["organization"] == ["东街村党支部", "西街村党支部"]
    assert _entries(m, transfers.START).count() == 1
    # The member now belongs to the receiving secretary; the sender keeps the letter, not the member.
    assert client.get(reverse("members:detail", args=[m.pk])).status_code == 200
    client.force_login(county.secretary)
    assert client.get(reverse("members:detail", args=[m.pk])).status_code == 404
    assert client.get(reverse("members:letter", args=[letter.pk])).status_code == 200
    assert not transfers.awaiting_receipt(county.secretary).exists()


def test_receiving_committee_confirms_into_a_party_group_and_the_side_may_decline(county):
    letter = transfers.start_internal(county.sibling_secretary, county.west1, county.east, reason="工作调动")
    transfers.confirm_internal(county.committee, letter, county.east_group)
    county.west1.refresh_from_db()
    assert county.west1.organization == county.east and county.west1.party_group == county.east_group

    other = transfers.start_internal(county.committee, county.east1, county.hill, reason="调往青山乡")
    with pytest.raises(ValidationError, match="只有接收党支部或其上级党组织可以确认接收"):
        transfers.confirm_internal(county.committee, other)
    transfers.cancel_letter(county.other_committee, other, "查无此人，退回")
    other.refresh_from_db()
    county.east1.refresh_from_db()
    assert other.status == LetterStatus.CANCELLED and county.east1.organization == county.east
    assert county.east1.on_roll


# -- numbers --------------------------------------------------------------------------------------

def test_cancelled_letters_keep_their_number_and_the_member_returns(county, client):
    first = _out(county.secretary, county.east2)
    client.force_login(county.secretary)
    response = client.post(reverse("members:letter_cancel", args=[first.pk]), {"reason": "对方党组织地址有误"})
    assert response.status_code == 302
    county.east2.refresh_from_db()
    assert county.east2.on_roll and county.east2.organization == county.east
    assert Placement.objects.filter(member=county.east2, ended_on=None).get().start_reason == (
        PlacementReason.LETTER_CANCELLED)
    second = _out(county.secretary, county.east2)
    first.refresh_from_db()
    assert (first.serial, first.status, first.cancel_reason) == (1, LetterStatus.CANCELLED, "对方党组织地址有误")
    assert second.serial == 2
    assert LetterCounter.objects.get(year=second.year).last == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_issuers_get_consecutive_numbers(county, monkeypatch, tmp_path):
    """Two issuers at once: the second waits for the first's counter row (SELECT … FOR UPDATE on
    PostgreSQL, the IMMEDIATE write lock on SQLite), so both letters get consecutive numbers."""
    import threading
    import time

    from django.db import connection, connections

    file_db = None
    if connection.vendor == "sqlite":  # threads need a file: the in-memory test database cannot wait on a lock
        file_db = str(tmp_path / "concurrent.sqlite3")
        import sqlite3

        target = sqlite3.connect(file_db)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()

    original = transfers.next_serial
    taken = []

    def slow_serial(year):
        n = original(year)
        taken.append(n)
        time.sleep(0.4)  # hold the counter while the other issuer tries
        return n

    monkeypatch.setattr(transfers, "next_serial", slow_serial)
    results, errors = {}, []

    def issue(member_pk, user):
        try:
            if file_db:
                connections["default"].settings_dict = {**connections["default"].settings_dict, "NAME": file_db}
            results[member_pk] = _out(user, Member.objects.get(pk=member_pk)).serial
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(county.east1.pk, county.secretary)),
               threading.Thread(target=issue, args=(county.hill1.pk, county.other_committee))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(results.values()) == [1, 2] and sorted(taken) == [1, 2]


# -- refusals -------------------------------------------------------------------------------------

def test_bad_input_is_refused_and_nothing_is_written(client, county):
    services.change_roll_state(county.admin, county.east1, RollState.DECEASED, transfers.today(), "去世")
    with pytest.raises(ValidationError, match="该党员不在册"):
        _out(county.secretary, county.east1)
    assert not TransferLetter.objects.exists() and not LetterCounter.objects.filter(last__gt=0).exists()

    letter = _out(county.secretary, county.east2)
    with pytest.raises(ValidationError, match="该党员不在册"):  # already out with its letter
        _out(county.secretary, county.east2)
    with pytest.raises(ValidationError, match="转出须开具组织关系介绍信"):
        services.change_roll_state(county.secretary, county.west1, RollState.TRANSFERRED_OUT, transfers.today(), "x")
    with pytest.raises(ValidationError, match="请作废该介绍信"):
        services.change_roll_state(county.secretary, county.east2, RollState.ON_ROLL, transfers.today(), "x")

    client.force_login(county.secretary)
    # A receipt for an unknown letter, a letter out of scope, another branch's member: 404.
    assert client.post(reverse("members:letter_receipt", args=[letter.pk + 99]),
                       {"receipt_on": transfers.today().isoformat()}).status_code == 404
    assert client.post(reverse("members:letter_out", args=[county.west1.pk]), {
        "addressee": "某党委", "destination": "某支部", "issued_on": transfers.today().isoformat(),
        **seen(county.west1)}).status_code == 404
    client.force_login(county.sibling_secretary)
    assert client.post(reverse("members:letter_receipt", args=[letter.pk]),
                       {"receipt_on": transfers.today().isoformat()}).status_code == 404
    assert client.post(reverse("members:letter_cancel", args=[letter.pk]), {"reason": "x"}).status_code == 404

    client.force_login(county.secretary)
    # A receipt dated before the letter, in the future; the form says so in Chinese.
    page = client.post(reverse("members:letter_receipt", args=[letter.pk]), {"receipt_on": "2020-01-01"})
    assert "回执日期不能早于开具日期" in page.content.decode()
    future = (transfers.today() + datetime.timedelta(days=2)).isoformat()
    assert "回执日期不能晚于今天" in client.post(reverse("members:letter_receipt", args=[letter.pk]),
                                             {"receipt_on": future}).content.decode()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED
    # A transfer to a party group, a dissolved or a temporary branch, or the member's own branch.
    client.force_login(county.committee)
    for target in (county.east_group.pk, county.west.pk, 999999):
        page = client.post(reverse("members:transfer_start", args=[county.west1.pk]), {
            "branch": target, "issued_on": transfers.today().isoformat(), "reason": "x", **seen(county.west1)})
        assert page.status_code == 200
        assert "所选接收党支部不存在、已撤销或不接转正式组织关系" in page.content.decode()
    # A receipt registered twice, a cancelled-after-receipt letter.
    transfers.register_receipt(county.secretary, letter, transfers.today())
    with pytest.raises(ValidationError, match="已回执，不能登记回执"):
        transfers.register_receipt(county.secretary, letter, transfers.today())
    with pytest.raises(ValidationError, match="已回执，不能作废"):
        transfers.cancel_letter(county.secretary, letter, "x")
    assert TransferLetter.objects.count() == 1 and LetterCounter.objects.get().last == 1


def test_empty_fields_and_a_stale_form_are_refused(client, county):
    client.force_login(county.secretary)
    url = reverse("members:letter_out", args=[county.east2.pk])
    page = client.post(url, {"addressee": "", "destination": "", "issued_on": "", **seen(county.east2)}).content.decode()
    assert "请填写介绍信抬头" in page and "请填写转往党组织" in page and "请填写日期" in page
    stale = seen(county.east2)
    services.update_member(county.committee, _edited(county.east2))
    page = client.post(url, {"addressee": "某党委", "destination": "某支部", "issued_on": transfers.today().isoformat(),
                             **stale}).content.decode()
    assert "已被" in page or "修改" in page
    assert not TransferLetter.objects.exists()


def _edited(member):
    member = Member.objects.get(pk=member.pk)
    member.phone = "13900000001"
    return member


# -- into the county ------------------------------------------------------------------------------

def test_registering_a_member_from_outside_the_county(client, county):
    from tests.members.test_member_views import valid_post

    client.force_login(county.secretary)
    today = transfers.today()
    data = {**valid_post(county, name="钱外来"), "letter_number": "某组转〔2026〕118号",
            "from_org_name": "某市某区某社区党支部", "letter_issued_on": (today - datetime.timedelta(days=5)).isoformat(),
            "valid_until": (today + datetime.timedelta(days=25)).isoformat(), "received_on": today.isoformat()}
    expired = {**data, "valid_until": (today - datetime.timedelta(days=1)).isoformat()}
    page = client.post(reverse("members:transfer_in"), expired).content.decode()
    assert "报到时介绍信已过有效期" in page
    assert not Member.objects.filter(name="钱外来").exists()
    assert client.post(reverse("members:transfer_in"), {**data, "organization": county.west.pk}).status_code == 200
    assert not Member.objects.filter(name="钱外来").exists()  # another branch: not the secretary's

    response = client.post(reverse("members:transfer_in"), data)
    assert response.status_code == 302
    m = Member.objects.get(name="钱外来")
    incoming = IncomingTransfer.objects.get(member=m)
    assert incoming.letter_number == "某组转〔2026〕118号" and incoming.to_org == county.east
    place = Placement.objects.get(member=m)
    assert place.start_reason == PlacementReason.TRANSFER_IN and place.started_on == today
    assert "某市某区某社区党支部" in _entries(m, transfers.INCOMING).get().reason
