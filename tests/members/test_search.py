"""Finding a member at once (issue 9): the search box on the home page and the roster matches the
name, its pinyin initials (张红梅 by zhm) and full pinyin, the ID number and the phone — the ID only
for roles that see full IDs; the phone's compact list; the desk's organization tree with its
counts, which filters the list and never shows or counts what the user may not see."""

import datetime

import pytest
from django.urls import reverse

from branches.choices import OrgKind
from conftest import bulk_members, make_id, make_member, make_org
from members import services
from members.exports import roster as roster_export
from members.models import Member, name_keys
from members.roster import RosterFilterForm, after_prefix, filter_members, spelled


def _names(response):
    return [member.name for member, _ in response.context["rows"]]


@pytest.fixture
def hongmei(county):
    """张红梅 in 东街村, with a phone of her own."""
    member = make_member(county.east, "张红梅", female=True, birth=datetime.date(1972, 4, 9))
    Member.objects.filter(pk=member.pk).update(phone="13912345678")
    member.refresh_from_db()
    return member


def test_name_keys():
    assert name_keys("张红梅") == ("zhang hong mei", "zhm", "zhanghongmei")
    assert name_keys("吕丽") == ("lv li", "ll", "lvli")
    assert name_keys("阿依古丽·买买提") == ("a yi gu li · mai mai ti", "ayglmmt", "ayigulimaimaiti")
    assert name_keys("Tom李") == ("Tom li", "tl", "tomli")
    assert name_keys("") == ("", "", "")


def test_every_way_of_writing_a_member_keeps_the_keys(county, hongmei):
    m = Member.objects.get(pk=hongmei.pk)
    assert (m.name_initials, m.name_spelled) == ("zhm", "zhanghongmei")
    m.name = "李红梅"
    m.save(update_fields=["name"])  # a save of some fields keeps the keys with the name
    m = Member.objects.get(pk=hongmei.pk)
    assert (m.name_pinyin, m.name_initials, m.name_spelled) == ("li hong mei", "lhm", "lihongmei")
    # bulk paths: tests' and the demo's bulk_create, the roster import's create_members
    made = bulk_members(county.west, 2)
    for row in Member.objects.filter(pk__in=[x.pk for x in made]):
        assert (row.name_pinyin, row.name_initials, row.name_spelled) == name_keys(row.name)
    new = Member(**{f.attname: getattr(county.east1, f.attname) for f in Member._meta.concrete_fields
                    if f.attname not in ("id", "name", "id_number", "version")},
                 name="王小明", id_number=make_id(county.east1.birth_date))
    services.create_members(None, [new], [""])
    assert Member.objects.filter(name_initials="wxm", name_spelled="wangxiaoming").count() == 1


@pytest.mark.parametrize("q", ["zhm", "ZHM", "Zhm", "ｚｈｍ", "ＺＨＭ", "zh m", " zhm ", "z", "zh",
                               "zhanghongmei", "zhang hong mei", "Zhang Hongmei", "zhanghong", "zhang",
                               "ｚｈａｎｇ　ｈｏｎｇ", "红梅", "张红"])
def test_search_by_initials_pinyin_and_name(client, county, hongmei, q):
    client.force_login(county.secretary)
    assert "张红梅" in _names(client.get(reverse("members:roster"), {"q": q}))


def test_search_is_a_prefix_of_the_keys_not_any_letters(client, county, hongmei):
    client.force_login(county.secretary)
    url = reverse("members:roster")
    assert _names(client.get(url, {"q": "zhm"})) == ["张红梅"]
    assert _names(client.get(url, {"q": "zdy"})) == ["张东一"]
    assert sorted(_names(client.get(url, {"q": "zd"}))) == ["张东一", "张东二"]
    assert _names(client.get(url, {"q": "hm"})) == []
    assert _names(client.get(url, {"q": "zhmx"})) == []
    assert _names(client.get(url, {"q": "zz"})) == []


def test_prefix_bounds():
    assert after_prefix("zhm") == "zhn"
    assert after_prefix("az") == "b"
    assert after_prefix("zz") is None
    assert spelled("Ｚｈａｎｇ　Ｈｏｎｇ'mei") == "zhanghongmei"
    assert spelled("lü") == "lv"
    assert spelled("张红") is None and spelled("138") is None and spelled("") is None


def test_a_member_whose_initials_end_in_z_is_found(client, county):
    make_member(county.east, "赵子")
    client.force_login(county.secretary)
    assert _names(client.get(reverse("members:roster"), {"q": "zz"})) == ["赵子"]
    assert _names(client.get(reverse("members:roster"), {"q": "zhaozi"})) == ["赵子"]


def test_search_by_id_and_phone_as_typed(client, county, hongmei):
    client.force_login(county.secretary)  # an editor: sees full IDs, searches by them
    url = reverse("members:roster")
    full_width_id = hongmei.id_number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    for q in (hongmei.id_number, hongmei.id_number.lower(), full_width_id, hongmei.id_number[-6:],
              "13912345678", "139 1234 5678", "139-1234-5678", "１３９１２３４５６７８", "12345678"):
        assert _names(client.get(url, {"q": q})) == ["张红梅"], q


def test_read_only_role_finds_by_pinyin_and_phone_never_by_id(client, county, hongmei):
    client.force_login(county.cadre)
    url = reverse("members:roster")
    assert _names(client.get(url, {"q": "zhm"})) == ["张红梅"]
    assert _names(client.get(url, {"q": "139 1234 5678"})) == ["张红梅"]  # the phone: shown in full to it
    for q in (hongmei.id_number, "１" + hongmei.id_number[1:], hongmei.id_number[:17] + "x"):
        response = client.get(url, {"q": q})
        assert _names(response) == [], q
        assert RosterFilterForm.ID_SEARCH_REFUSED in response.content.decode()
    assert not roster_export(county.cadre, {"q": [hongmei.id_number]}).rows.exists()


def test_files_use_the_same_search(county, hongmei):
    assert [m.name for m in roster_export(county.secretary, {"q": ["zhm"]}).rows] == ["张红梅"]


def test_search_never_leaves_the_scope(client, county, hongmei):
    make_member(county.west, "张宏明")  # zhm too, in the sibling branch
    make_member(county.hill, "章红妹")  # zhm in the other committee
    url = reverse("members:roster")
    expected = {"secretary": ["张红梅"], "secretary2": ["张宏明"], "committee2": ["章红妹"],
                "committee": ["张宏明", "张红梅"], "two_grants": ["张红梅", "章红妹"],
                "county": ["张宏明", "张红梅", "章红妹"]}
    for user in (county.secretary, county.sibling_secretary, county.other_committee, county.committee,
                 county.two_grants, county.admin):
        client.force_login(user)
        for q in ("zhm", "zhanghongm"):
            assert sorted(_names(client.get(url, {"q": q}))) == sorted(expected[user.username]), (user, q)
    # the sibling's tree filter, tampered: the roster's own answer to an organization out of scope
    client.force_login(county.sibling_secretary)
    response = client.get(url, {"q": "zhm", "org": county.east.pk})
    assert response.status_code == 200 and _names(response) == []
    assert "所选党组织不存在或不在您的管理范围内" in response.content.decode()
    assert filter_members(county.sibling_secretary, {"org": str(county.east.pk)})[0].count() == 0


def test_home_page_search_box_goes_to_the_roster(client, county):
    client.force_login(county.cadre)
    page = client.get(reverse("dashboard")).content.decode()
    assert f'action="{reverse("members:roster")}"' in page and 'name="q"' in page
    assert "姓名、拼音首字母或手机号" in page and "身份证号" not in page.split('name="q"')[1].split(">")[0]
    client.force_login(county.secretary)
    assert "姓名、拼音、身份证或手机号" in client.get(reverse("dashboard")).content.decode()


def test_roster_search_box_is_outside_the_collapsed_filters(client, county):
    client.force_login(county.secretary)
    page = client.get(reverse("members:roster"), {"q": "zhm"}).content.decode()
    search = page.index('class="search-row"')
    assert search < page.index('data-filter-toggle') < page.index('class="filter-row"')
    assert search < page.index('name="q"') < page.index('data-filter-toggle')
    assert "筛选条件（已设置）" not in page  # the query is in view: nothing hidden is set


def test_phone_list_has_a_line_per_member_with_a_dialling_phone(client, county, hongmei):
    client.force_login(county.secretary)
    page = client.get(reverse("members:roster")).content.decode()
    compact = page.split('<ul class="roster-compact"')[1].split("</ul>")[0]
    assert compact.count("<li>") == 3
    assert f'href="{reverse("members:detail", args=[hongmei.pk])}">张红梅</a>' in compact
    assert 'href="tel:13912345678"' in compact and ">139 1234 5678</a>" in compact
    assert "正式党员" in compact
    assert "东街村党支部" not in compact  # one branch: no line naming it
    client.force_login(county.committee)
    page = client.get(reverse("members:roster")).content.decode()
    assert '<span class="rc-org">东街村党支部</span>' in page


def _tree(page):
    return page.split('class="roster-tree-box"')[1].split("</details>\n")[0] if "roster-tree-box" in page else ""


def test_the_tree_shows_what_the_user_sees_with_counts(client, county, hongmei):
    url = reverse("members:roster")
    client.force_login(county.admin)
    tree = _tree(client.get(url).content.decode())
    for org, n in ((county.root, 5), (county.town, 4), (county.east, 3), (county.west, 1), (county.other_town, 1),
                   (county.hill, 1)):
        assert f'org={org.pk}">{org.name}</a><span class="tree-count" title="在册党员">{n}</span>' in tree, org
    assert "东街村第一党小组" not in tree  # a branch is a leaf
    client.force_login(county.committee)
    tree = _tree(client.get(url).content.decode())
    assert "城关镇党委" in tree and "东街村党支部" in tree and "西街村党支部" in tree
    assert "青山乡" not in tree and "山口村" not in tree and "X县委" not in tree
    client.force_login(county.two_grants)
    tree = _tree(client.get(url).content.decode())
    assert "东街村党支部" in tree and "山口村党支部" in tree and "西街村" not in tree and "城关镇" not in tree
    client.force_login(county.secretary)  # one branch: nothing to choose, no tree
    assert _tree(client.get(url).content.decode()) == ""


def test_clicking_a_node_filters_to_its_subtree_keeping_the_search(client, county, hongmei):
    client.force_login(county.admin)
    url = reverse("members:roster")
    tree = _tree(client.get(url, {"q": "zh", "page": "1"}).content.decode())
    assert f'href="?q=zh&amp;org={county.town.pk}"' in tree
    assert sorted(_names(client.get(url, {"q": "zh", "org": county.town.pk}))) == ["张东一", "张东二", "张红梅"]
    page = client.get(url, {"org": county.west.pk}).content.decode()
    assert _names(client.get(url, {"org": county.west.pk})) == ["李西一"]
    assert f'org={county.west.pk}" aria-current="true">西街村党支部' in _tree(page)


@pytest.mark.parametrize("branches, members", [(2, 3), (40, 120)])
def test_tree_and_search_queries_are_constant(client, county, django_assert_max_num_queries, branches, members):
    for i in range(branches):
        branch = make_org(f"新建村{i}党支部", OrgKind.BRANCH, county.other_town)
        bulk_members(branch, members // branches, start=i * 100)
    client.force_login(county.admin)
    for params in ({}, {"q": "zhm"}, {"q": "zhao wei"}, {"org": county.other_town.pk, "q": "z"}):
        # test_roster's eight (with the tree's two), and the chosen organization's when there is one
        with django_assert_max_num_queries(8 + ("org" in params)):
            response = client.get(reverse("members:roster"), params)
        assert response.status_code == 200
    assert response.content.decode().count('class="tree-count"') == 6 + branches
