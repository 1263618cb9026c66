
import pytest
from django.urls import reverse

from conftest import bulk_members, letter_out
from members.choices import Category
from members.models import Member


def _names(response):
    return [member.name for member, _ in response.context["rows"]]


@pytest.fixture
def admin_client(client, county):
    client.force_login(county.admin)
    return client


def test_search_by_name_id_and_phone(admin_client, county):
    url = reverse("members:roster")
    assert _names(admin_client.get(url, {"q": "东"})) == ["张东一", "张东二"]
    assert _names(admin_client.get(url, {"q": county.west1.id_number[-6:]})) == ["李西一"]
    Member.objects.filter(pk=county.hill1.pk).update(phone="13655556666")
    assert _names(admin_client.get(url, {"q": "5555666"})) == ["王山一"]


def test_filters(admin_client, county):
    url = reverse("members:roster")
    Member.objects.filter(pk=county.east2.pk).update(category=Category.PROBATIONARY, full_member_on=None,
                                                     is_mobile=True)
    Member.objects.filter(pk=county.west1.pk).update(is_lost_contact=True, job_category="student")
    assert _names(admin_client.get(url, {"org": county.town.pk})) == ["张东一", "张东二", "李西一"]
    assert _names(admin_client.get(url, {"category": "probationary"})) == ["张东二"]
    assert _names(admin_client.get(url, {"mobile": "yes"})) == ["张东二"]
    assert set(_names(admin_client.get(url, {"mobile": "no"}))) == {"张东一", "李西一", "王山一"}
    assert _names(admin_client.get(url, {"lost": "yes"})) == ["李西一"]
    assert _names(admin_client.get(url, {"job": "student"})) == ["李西一"]
    assert _names(admin_client.get(url, {"org_category": "3", "org": county.other_town.pk})) == ["王山一"]
    assert _names(admin_client.get(url, {"org_category": "7"})) == []


def test_sort_is_whitelisted_and_stable(admin_client, county):
    url = reverse("members:roster")
    assert _names(admin_client.get(url, {"sort": "name"})) == ["李西一", "王山一", "张东二", "张东一"]
    assert _names(admin_client.get(url, {"sort": "-name"})) == ["张东一", "张东二", "王山一", "李西一"]
    # An unknown or dangerous key falls back to the default order instead of failing.
    default = _names(admin_client.get(url))
    assert _names(admin_client.get(url, {"sort": "id_number"})) == default
    assert _names(admin_client.get(url, {"sort": "organization__users__password"})) == default


def test_pagination_never_repeats_or_skips(admin_client, county):
    bulk_members(county.east, 120)
    url = reverse("members:roster")
    seen = []
    for page in (1, 2, 3):
        seen += [m.pk for m, _ in admin_client.get(url, {"sort": "joined_on", "page": page}).context["rows"]]
    assert len(seen) == len(set(seen)) == 124


@pytest.mark.parametrize("page, message, shown", [
    ("abc", "不是数字，已显示第1页", 1),
    ("999999999999999999999", "页码超出范围（共3页），已显示第3页", 3),
    ("-1", "页码超出范围", 3),
])
def test_bad_page_numbers_answer_in_chinese(admin_client, county, page, message, shown):
    bulk_members(county.east, 120)
    response = admin_client.get(reverse("members:roster"), {"page": page})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["page"].number == shown


def test_columns_are_chosen_from_the_whitelist(admin_client, county):
    response = admin_client.get(reverse("members:roster"), {"columns": ["name", "residence", "bogus"]})
    assert [c.key for c in response.context["columns"]] == ["seq", "name", "residence"]
    page = response.content.decode()
    assert "现居住地" in page and "公民身份号码</th>" not in page


def test_empty_state_says_what_to_do(admin_client):
    page = admin_client.get(reverse("members:roster"), {"q": "不存在的人"}).content.decode()
    assert "没有符合条件的党员" in page and "登记党员" in page


def test_deceased_and_transferred_are_off_the_default_roster(admin_client, county):
    letter_out(county.admin, county.hill1)
    url = reverse("members:roster")
    assert "王山一" not in _names(admin_client.get(url))
    assert _names(admin_client.get(url, {"state": "transferred_out"})) == ["王山一"]


@pytest.mark.parametrize("extra", [5, 80])
def test_roster_query_count_is_constant(admin_client, county, extra, django_assert_max_num_queries):
    bulk_members(county.east, extra)
    # session, user, grants, count, page, the filter's organizations, and the desk's tree: its
    # organizations and one grouped count (tests/members/test_search.py)
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("members:roster"), {"sort": "name", "category": "full",
                                                                 "columns": [c for c in ("name", "branch", "phone")]})
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(50, extra + 4)


@pytest.mark.parametrize("extra", [5, 80])
def test_branch_secretary_roster_needs_no_tree_query(client, county, extra, django_assert_num_queries):
    """A secretary's grant is on one branch: no tree to choose from, known from the grant without
    reading the organizations again. Session, user, grants, count, page, the filter's organizations."""
    bulk_members(county.east, extra)
    client.force_login(county.secretary)
    with django_assert_num_queries(6):
        response = client.get(reverse("members:roster"))
    assert response.context["tree"] == []
    assert len(response.context["rows"]) == min(50, extra + 2)
    assert "roster-tree-box" not in response.content.decode()


def test_phone_filter_button_tells_when_filters_are_set(admin_client):
    url = reverse("members:roster")
    assert "筛选条件（已设置）" not in admin_client.get(url, {"page": 1, "sort": "name"}).content.decode()
    assert "筛选条件（已设置）" in admin_client.get(url, {"lost": "yes"}).content.decode()


def test_organization_filter_reads_as_a_tree(admin_client, county):
    page = admin_client.get(reverse("members:roster")).content.decode()
    assert ">\u3000城关镇党委<" in page and ">\u3000\u3000东街村党支部<" in page


def _options(response):
    field = response.context["form"]["org"]
    return [label.strip("\u3000") for value, label in field.field.choices if value != ""]


def test_sibling_secretaries_in_turn_see_only_their_own_branch(client, county):
    """The roster keeps the SQL it compiled per scope and filter (members.roster.ROSTER_ROWS): two
    secretaries of sibling branches asking the same pages in turn, in one process, each get their
    own branch's rows, count and organizations, never the other's."""
    url = reverse("members:roster")
    other = client.__class__()
    client.force_login(county.secretary)
    other.force_login(county.sibling_secretary)
    for params in ({}, {"sort": "name"}, {"q": "一"}, {"page": 1, "columns": ["name", "phone"]}, {}):
        mine, theirs = client.get(url, params), other.get(url, params)
        expected = ["张东一"] if params.get("q") else ["张东一", "张东二"]
        assert sorted(_names(mine)) == sorted(expected) and mine.context["page"].paginator.count == len(expected)
        assert _names(theirs) == ["李西一"] and theirs.context["page"].paginator.count == 1
        assert _options(mine) == ["东街村党支部", "东街村第一党小组"] and _options(theirs) == ["西街村党支部"]
        assert "李西一" not in mine.content.decode() and "张东" not in theirs.content.decode()


def test_the_roster_shows_what_changed_since_it_was_last_read(admin_client, county):
    """What is kept is SQL, not rows: a rename, a new member, a new organization show at once."""
    from branches.choices import OrgKind
    from conftest import make_member, make_org

    url = reverse("members:roster")
    assert admin_client.get(url, {"org": county.west.pk}).context["page"].paginator.count == 1
    Member.objects.filter(pk=county.west1.pk).update(name="李西新")
    make_member(county.west, "李西二")
    make_org("西街村第一党小组", OrgKind.GROUP, county.west)
    response = admin_client.get(url, {"org": county.west.pk})
    assert _names(response) == ["李西新", "李西二"] and response.context["page"].paginator.count == 2
    assert "西街村第一党小组" in _options(response)
