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
