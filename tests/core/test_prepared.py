"""core.prepared: a query compiled once per connection gives what the queryset gives."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import GRANTS, Grant, Role
from core.prepared import Prepared


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_grants_are_the_querysets_objects_with_their_organizations(county, django_assert_num_queries):
    Grant.objects.create(user=county.secretary, role=Role.TRACKING_CADRE, organization=county.west)
    expected = list(Grant.objects.filter(user=county.secretary).select_related("organization")
                    .order_by("organization__path", "role"))
    assert len(expected) == 2
    with django_assert_num_queries(1):  # the organizations come in the same query
        got = GRANTS(county.secretary.pk)
        assert [g.organization.name for g in got] == [g.organization.name for g in expected]
    assert [_fields(g) for g in got] == [_fields(g) for g in expected]
    assert [_fields(g.organization) for g in got] == [_fields(g.organization) for g in expected]
    # converted as the ORM converts: aware datetimes, dates, booleans
    assert got[0].created_at.tzinfo is not None and isinstance(got[0].organization.is_dissolved, bool)
    assert all(isinstance(g.organization.established_on, (datetime.date, type(None))) for g in got)
    assert not got[0]._state.adding and got[0]._state.db == "default"
    got[0].save()  # a normal model instance: saved as an update, not a second row
    assert Grant.objects.filter(user=county.secretary).count() == 2


def test_one_compilation_then_only_the_value_changes(county):
    calls = []

    def build(user_id):
        calls.append(user_id)
        return Grant.objects.filter(user_id=user_id).order_by("pk")

    prepared = Prepared(build, sentinel=-5)
    with CaptureQueriesContext(connection) as ctx:
        a, b = prepared(county.secretary.pk), prepared(county.admin.pk)
    assert [g.user_id for g in a] == [county.secretary.pk] and [g.user_id for g in b] == [county.admin.pk]
    assert calls == [-5, -5]  # once for the router's database, once compiled; never per call
    assert ctx.captured_queries[0]["sql"].split("WHERE")[0] == ctx.captured_queries[1]["sql"].split("WHERE")[0]
    assert prepared(0) == []


def test_a_sentinel_missing_from_the_parameters_is_refused(county):
    with pytest.raises(ValueError, match="sentinel"):
        Prepared(lambda user_id: Grant.objects.filter(user_id__in=[user_id + 1]), sentinel=-5)(1)


def test_the_session_and_the_user_are_read_as_django_reads_them(client, county):
    """core.sessions and accounts.backends give the logged-in user of each page as the stock ones
    did; an expired session, a deactivated user and an unknown key still mean the login page."""
    from django.contrib.sessions.models import Session
    from django.urls import reverse
    from django.utils import timezone

    from accounts.backends import BY_PK

    client.force_login(county.secretary)
    roster = reverse("members:roster")
    response = client.get(roster)
    assert response.status_code == 200 and response.wsgi_request.user == county.secretary
    user = BY_PK(county.secretary.pk)[0]
    assert _fields(user) == _fields(type(user).objects.get(pk=county.secretary.pk))
    assert user.date_joined.tzinfo is not None and user.is_active is True

    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(roster).status_code == 302  # expired: the login page

    client.force_login(county.secretary)
    type(county.secretary).objects.filter(pk=county.secretary.pk).update(is_active=False)
    assert client.get(roster).status_code == 302  # deactivated: out at the next page

    client.cookies["sessionid"] = "x" * 32
    assert client.get(roster).status_code == 302


# core.prepared.Compiled: the SQL kept per key, the rows read afresh.

def _compiled(calls, **kw):
    from core.prepared import Compiled

    def build(user_ids, kind):
        calls.append((user_ids, kind))
        qs = Grant.objects.filter(user_id__in=user_ids).select_related("organization").order_by("pk")
        if kind == "values":
            return qs.values_list("pk", "organization__name")
        return qs.none() if kind == "none" else qs
    return Compiled(build, **kw)


def test_compiled_reads_what_the_queryset_reads(county, django_assert_num_queries):
    calls = []
    compiled = _compiled(calls)
    Grant.objects.create(user=county.secretary, role=Role.TRACKING_CADRE, organization=county.west)
    for key in [((county.secretary.pk,), "objects"), ((county.secretary.pk, county.admin.pk), "objects"),
                ((county.admin.pk,), "values")]:
        expected = list(compiled.build(*key))
        for start, stop in [(None, None), (0, 1), (1, 3)]:
            with django_assert_num_queries(1):
                got = compiled.rows(key, start, stop)
            assert got == expected[start:stop] and len(got) == len(expected[start:stop])
            if key[1] == "objects":  # model instances with their organizations, converted
                assert [_fields(g) for g in got] == [_fields(g) for g in expected[start:stop]]
                assert [_fields(g.organization) for g in got] == [_fields(g.organization) for g in expected[start:stop]]
                assert all(g.created_at.tzinfo is not None for g in got)
        with django_assert_num_queries(1):
            assert compiled.count(key) == len(expected)
    assert compiled.rows(((county.secretary.pk,), "objects")) != compiled.rows(((county.admin.pk,), "objects"))


def test_compiled_keeps_the_sql_never_the_rows(county, django_assert_num_queries):
    calls = []
    compiled = _compiled(calls)
    key = ((county.secretary.pk,), "values")
    assert compiled.rows(key) == [(g.pk, "东街村党支部") for g in Grant.objects.filter(user=county.secretary)]
    assert compiled.count(key) == 1
    Grant.objects.create(user=county.secretary, role=Role.TRACKING_CADRE, organization=county.hill)
    county.east.name = "东街村第一党支部"
    county.east.save()
    with django_assert_num_queries(2):  # read again, with what changed
        assert sorted(name for _, name in compiled.rows(key)) == ["东街村第一党支部", "山口村党支部"]
        assert compiled.count(key) == 2
    compiled.rows(key)
    compiled.count(key)
    assert calls == [key, key]  # built once for the rows, once for the count: never per call
    compiled.rows(key, 0, 1)
    assert calls == [key, key, key]  # another slice is another SQL


def test_compiled_none_is_empty_without_a_query(county, django_assert_num_queries):
    compiled = _compiled([])
    with django_assert_num_queries(0):
        assert compiled.rows(((county.secretary.pk,), "none")) == []
        assert compiled.count(((county.secretary.pk,), "none")) == 0
        assert compiled.rows(((county.secretary.pk,), "none")) == []
        assert compiled.count(((county.secretary.pk,), "none")) == 0


def test_compiled_keeps_the_newest_keys_only(county):
    calls = []
    compiled = _compiled(calls, size=2)
    a, b, c = (((user.pk,), "objects") for user in (county.secretary, county.admin, county.cadre))
    for key in (a, b, a, c):  # c pushes out b, the oldest used
        compiled.rows(key)
    assert calls == [a, b, c]
    compiled.rows(a)
    compiled.rows(b)
    assert calls == [a, b, c, b]
    from django.db import connections

    assert len(connections["default"].__dict__["_compiled"][compiled]) == 2


def test_compiled_refuses_what_its_sql_cannot_hold(county):
    from core.prepared import Compiled

    compiled = Compiled(lambda pk: Grant.objects.filter(user_id=pk).prefetch_related("user"))
    with pytest.raises(ValueError, match="prefetch_related"):
        compiled.rows((county.secretary.pk,))


def test_a_compiled_source_pages_like_the_queryset(county, django_assert_num_queries):
    from django.core.paginator import Paginator

    for user in (county.admin, county.committee, county.cadre):
        Grant.objects.create(user=user, role=Role.TRACKING_CADRE, organization=county.hill)
    compiled = _compiled([])
    users = tuple(u.pk for u in (county.admin, county.committee, county.cadre, county.secretary))
    expected = Paginator(Grant.objects.filter(user_id__in=users).order_by("pk"), 2)
    second, fourth = list(expected.page(2).object_list), list(expected.page(4).object_list)
    assert expected.count == 7 and len(fourth) == 1
    with django_assert_num_queries(3):  # one count, then one query per page
        pages = Paginator(compiled.source((users, "objects")), 2)
        assert pages.count == 7 and pages.num_pages == 4
        assert list(pages.page(2).object_list) == second
        assert list(pages.page(4).object_list) == fourth
    with pytest.raises(TypeError, match="slices"):
        compiled.source((users, "objects"))[0]
