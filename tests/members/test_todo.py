"""The six-month contact clock on the to-do page (待办事项): the five- and six-month boundaries (month
ends included), the sections within the user's scope, members without any contact kept apart, the
query count constant in the number of members and branches, and 登记联系."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches.choices import OrgKind
from conftest import bulk_members, make_org
from members import contacts, todo
from members.models import ContactRecord, Member

D = datetime.date


def _set(member, day):
    Member.objects.filter(pk=member.pk).update(last_contact_on=day)


def _names(qs):
    return {m.name for m in qs}


@pytest.mark.parametrize("last, today, months, older", [
    (D(2026, 3, 1), D(2026, 8, 30), 5, True),    # 5 months 29 days: older than five months …
    (D(2026, 3, 1), D(2026, 8, 30), 6, False),   # … not yet six
    (D(2026, 3, 1), D(2026, 9, 1), 6, False),    # exactly six months
    (D(2026, 3, 1), D(2026, 9, 2), 6, True),     # 6 months 1 day
    (D(2026, 8, 31), D(2027, 2, 28), 6, False),  # 31 August + 6 months = 28 February (2027 is no leap year)
    (D(2026, 8, 31), D(2027, 3, 1), 6, True),    # the day after: 6 months 1 day
    (D(2027, 8, 31), D(2028, 2, 29), 6, False),  # leap year: 29 February is the six-month day
    (D(2027, 8, 31), D(2028, 3, 1), 6, True),
    (D(2026, 8, 31), D(2027, 1, 31), 5, False),  # five months to the day
    (D(2026, 8, 31), D(2027, 2, 1), 5, True),
    (D(2026, 3, 31), D(2026, 9, 30), 6, False),  # 31 March + 6 = 30 September
    (D(2026, 3, 31), D(2026, 10, 1), 6, True),
])
def test_older_than_n_months_at_the_boundaries(last, today, months, older):
    assert contacts.is_older(last, today, months) is older
    # the indexed form the to-do page queries with says the same
    assert (last < contacts.threshold(today, months)) is older


def test_elapsed_reads_months_and_days():
    assert contacts.elapsed(D(2026, 3, 1), D(2026, 8, 30)) == (5, 29)
    assert contacts.elapsed(D(2026, 3, 1), D(2026, 9, 2)) == (6, 1)
    assert contacts.elapsed(D(2026, 8, 31), D(2027, 3, 1)) == (6, 1)
    assert contacts.elapsed_text(D(2026, 8, 31), D(2027, 2, 28)) == "6个月"


def test_members_at_five_months_29_days_and_six_months_one_day(county):
    today = D(2027, 3, 1)
    _set(county.east1, D(2026, 8, 31))     # 6 months 1 day: overdue
    _set(county.east2, D(2026, 9, 2))      # 5 months 27 days … warning
    _set(county.west1, D(2026, 9, 1))      # 6 months exactly (1 Sep + 6 = 1 Mar): warning, not overdue
    _set(county.hill1, D(2026, 10, 2))     # 4 months 27 days: nothing
    admin = county.admin
    assert _names(contacts.overdue(admin, today)) == {"张东一"}
    assert _names(contacts.warning(admin, today)) == {"张东二", "李西一"}
    # 5 months 29 days on a 31-day month's end: 2 Sep → 31 Jan is 4 months 29 days; 2 Sep → 2 Feb is 5
    assert _names(contacts.warning(admin, D(2027, 2, 28))) == {"张东一", "李西一", "张东二"}
    assert _names(contacts.overdue(admin, D(2027, 2, 28))) == set()  # 31 Aug + 6 months = 28 Feb: not older
    # the dashboard's one aggregate counts the same members as the page's lists
    for day in (today, D(2027, 2, 28)):
        assert contacts.counts(admin, day) == {
            "contact_overdue": contacts.overdue(admin, day).count(),
            "contact_warning": contacts.warning(admin, day).count(),
            "contact_never": contacts.never(admin).count(),
        }


def test_sections_stay_in_scope_and_the_never_contacted_are_kept_apart(client, county):
    long_ago = contacts.add_months(timezone.localdate(), -7)
    _set(county.east1, long_ago)
    _set(county.west1, long_ago)
    client.force_login(county.secretary)
    text = client.get(reverse("members:todo")).content.decode()
    assert "张东一" in text and "李西一" not in text
    # 张东二 has no contact at all: counted under 尚无联系记录, folded, not listed as overdue
    assert "尚无联系记录" in text and "张东二" not in text
    folded = client.get(reverse("members:todo"), {"section": "contact_never"}).content.decode()
    assert "张东二" in folded and "张东一" not in folded
    assert client.get(reverse("members:todo"), {"section": "nope"}).status_code == 404


def test_dashboard_counts_the_sections(client, county):
    _set(county.east1, contacts.add_months(timezone.localdate(), -7))
    client.force_login(county.secretary)
    text = client.get(reverse("dashboard")).content.decode()
    assert "待办事项" in text
    assert f'{reverse("members:todo")}?section=contact_overdue"><b>1</b>' in text


def _grow(county, extra_branches, members_each):
    for i in range(extra_branches):
        branch = make_org(f"新建村{i}党支部", OrgKind.BRANCH, county.town)
        made = bulk_members(branch, members_each, start=1000 * (i + 1))
        day = contacts.add_months(timezone.localdate(), -(5 + i % 3))
        Member.objects.filter(pk__in=[m.pk for m in made]).update(
            last_contact_on=day - datetime.timedelta(days=3))


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("user", ["admin", "committee", "secretary", "two_grants"])
def test_the_todo_page_costs_the_same_queries_for_more_members_and_branches(client, county, user,
                                                                            django_assert_max_num_queries):
    client.force_login(getattr(county, user))
    url = reverse("members:todo")
    today = timezone.localdate()
    _set(county.east1, contacts.add_months(today, -7))  # overdue; 张东二 has none; 王山一: warning
    _set(county.hill1, contacts.add_months(today, -5) - datetime.timedelta(days=2))
    _grow(county, 1, 5)
    small = _queries(client, url)
    _grow(county, 6, 40)
    with django_assert_max_num_queries(small):
        client.get(url)
    assert _queries(client, reverse("dashboard")) == _queries(client, reverse("dashboard"))
    # two per section (count, rows), the session and the user's grants: nothing per member or branch
    assert small <= 2 * len(todo.sections()) + 6


def test_recording_a_contact_starts_the_clock_and_is_audited(client, county):
    client.force_login(county.secretary)
    day = timezone.localdate() - datetime.timedelta(days=3)
    response = client.post(reverse("members:contact", args=[county.east2.pk]),
                           {"contacted_on": day.isoformat(), "method": "phone", "note": "电话联系，近况良好"})
    assert response.status_code == 302
    county.east2.refresh_from_db()
    assert county.east2.last_contact_on == day
    record = ContactRecord.objects.get(member=county.east2)
    assert record.recorded_by == county.secretary and record.get_method_display() == "电话"
    from core.models import AuditEntry
    entry = AuditEntry.objects.filter(object_id=str(county.east2.pk), action="contact").get()
    assert "电话联系，近况良好" in entry.changes["contact"][1]
    # an older contact recorded later never lowers the date
    client.post(reverse("members:contact", args=[county.east2.pk]),
                {"contacted_on": (day - datetime.timedelta(days=30)).isoformat(), "method": "visit"})
    county.east2.refresh_from_db()
    assert county.east2.last_contact_on == day


@pytest.mark.parametrize("post, message", [
    ({"contacted_on": "2099-01-01", "method": "phone"}, "联系日期不能晚于今天"),
    ({"contacted_on": "1999-01-01", "method": "phone"}, "联系日期不能早于该党员的入党日期"),
    ({"contacted_on": "2026-01-01", "method": "fax"}, "请选择联系方式"),
    ({"contacted_on": "2026-01-01", "method": "talk", "note": "长" * 501}, "最多500个字，当前为501个字"),
])
def test_a_bad_contact_is_refused_in_chinese_and_nothing_is_written(client, county, post, message):
    client.force_login(county.secretary)
    response = client.post(reverse("members:contact", args=[county.east1.pk]), post)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContactRecord.objects.exists()
    county.east1.refresh_from_db()
    assert county.east1.last_contact_on is None


def test_only_an_editor_of_the_branch_records_a_contact(client, county):
    client.force_login(county.cadre)  # reads 东街村, may not write
    url = reverse("members:contact", args=[county.east1.pk])
    assert client.get(url).status_code == 200
    assert "登记联系" not in client.get(url).content.decode().split("联系记录")[0]
    assert client.post(url, {"contacted_on": "2026-01-01", "method": "phone"}).status_code == 403
    client.force_login(county.sibling_secretary)
    assert client.get(url).status_code == 404
    assert client.post(url, {"contacted_on": "2026-01-01", "method": "phone"}).status_code == 404
    assert not ContactRecord.objects.exists()
