"""The investigation's pages as each role uses them: the secretary's list and case page, the
working group's verdicts, the committee's sign-off; out of scope answers 404."""

import datetime
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import bulk_members, letter_out, make_member, seen
from investigation import services
from investigation.choices import CheckState
from investigation.models import CommitteeOpinion

from .helpers import case_of, open_campaign, search, submitted


@pytest.fixture
def campaign(county):
    return open_campaign(county)


def test_secretary_sees_its_branch_and_progress(client, county, campaign):
    client.force_login(county.secretary)
    text = client.get(reverse("investigation:index")).content.decode()
    assert "东街村党支部" in text and "西街村党支部" not in text and "山口村党支部" not in text
    check = campaign.checks.get(branch=county.east)
    text = client.get(reverse("investigation:check", args=[check.pk])).content.decode()
    assert "已分类 0/2" in text and "张东一" in text and "提交自查" in text


def test_out_of_scope_answers_404(client, county, campaign):
    east = campaign.checks.get(branch=county.east)
    case = case_of(campaign, county.east1)
    opinion = CommitteeOpinion.objects.get(campaign=campaign, committee=county.town)
    client.force_login(county.sibling_secretary)
    for url in (reverse("investigation:check", args=[east.pk]), reverse("investigation:case", args=[case.pk]),
                reverse("investigation:opinion", args=[opinion.pk])):
        assert client.get(url).status_code == 404
    client.force_login(county.other_committee)
    assert client.get(reverse("investigation:case", args=[case.pk])).status_code == 404
    assert client.post(reverse("investigation:case_verdict", args=[case.pk]), {"verdict": "agree"}).status_code == 404


def test_a_tracking_cadre_sees_nothing_of_the_investigation(client, county, campaign):
    """Confidential (DOMAIN.md): by role as well as by scope. The cadre follows 东街村 as a pilot unit;
    two_grants is 东街村's secretary and 山口村's cadre: 东街村 only."""
    client.force_login(county.cadre)
    text = client.get(reverse("investigation:index")).content.decode()
    assert "您的范围内没有参加排查的党支部" in text
    # no way in that ends on a refusal: neither the menu entry nor the forms button
    assert reverse("investigation:forms") not in text and 'href="/investigation/"' not in text
    case = case_of(campaign, county.east1)
    assert client.get(reverse("investigation:case", args=[case.pk])).status_code == 404
    client.force_login(county.two_grants)
    text = client.get(reverse("investigation:index")).content.decode()
    east, hill_check = (campaign.checks.get(branch=b) for b in (county.east, county.hill))
    assert reverse("investigation:check", args=[east.pk]) in text
    assert reverse("investigation:check", args=[hill_check.pk]) not in text
    hill = case_of(campaign, county.hill1)
    assert client.get(reverse("investigation:case", args=[hill.pk])).status_code == 404


def test_classify_through_the_page_and_lost_refused_without_search(client, county, campaign):
    client.force_login(county.secretary)
    case = case_of(campaign, county.east1)
    url = reverse("investigation:case", args=[case.pk])
    page = client.get(url).content.decode()
    assert "最近联系日期" in page and "党费交至" in page and "登记一次查找" in page
    post = {"classification": "lost", "lost_reason": "1", "lost_since": "2024-01-01", **seen(case)}
    response = client.post(url, post)
    assert response.status_code == 200 and services.LOST_NEEDS_SEARCH in response.content.decode()
    response = client.post(reverse("investigation:case_search", args=[case.pk]), {
        "searched_on": datetime.date.today().isoformat(), "channel": "relatives", "searcher": "张书记",
        "result": "其父称已去外地务工，无联系方式"})
    assert response.status_code == 302
    response = client.post(url, {**post, **seen(case)})
    assert response.status_code == 302
    nxt = case_of(campaign, county.east2)
    assert response.url == reverse("investigation:case", args=[nxt.pk])  # on to the next unclassified
    case.refresh_from_db()
    assert case.classification == "lost" and case.search_count == 1


def test_submit_refused_in_chinese_then_accepted(client, county, campaign):
    client.force_login(county.secretary)
    check = campaign.checks.get(branch=county.east)
    response = client.post(reverse("investigation:submit", args=[check.pk]), follow=True)
    assert "还有2名党员未分类" in response.content.decode()
    for m in (county.east1, county.east2):
        services.classify(county.secretary, case_of(campaign, m), {"classification": "normal"})
    client.post(reverse("investigation:submit", args=[check.pk]))
    check.refresh_from_db()
    assert check.state == CheckState.SUBMITTED


def test_working_group_sends_back_and_committee_signs(client, county, campaign):
    check = submitted(county, campaign, county.east, county.secretary)
    one = case_of(campaign, county.east1)
    client.force_login(county.committee)
    client.post(reverse("investigation:case_verdict", args=[one.pk]), {"verdict": "return", "verdict_comment": "请核实"})
    client.post(reverse("investigation:agree_rest", args=[check.pk]))
    client.post(reverse("investigation:finish", args=[check.pk]))
    check.refresh_from_db()
    assert check.state == CheckState.RETURNED
    client.force_login(county.secretary)
    text = client.get(reverse("investigation:check", args=[check.pk])).content.decode()
    assert "重新提交" in text and "请核实" in text
    two = case_of(campaign, county.east2)
    assert 'name="classification"' not in client.get(reverse("investigation:case", args=[two.pk])).content.decode()
    assert 'name="classification"' in client.get(reverse("investigation:case", args=[one.pk])).content.decode()
    # the report and the sign-off
    services.submit(county.secretary, check)
    services.set_verdict(county.committee, one, "agree")
    services.finish_verification(county.committee, check)
    west = submitted(county, campaign, county.west)
    services.agree_rest(county.committee, west)
    services.finish_verification(county.committee, west)
    client.force_login(county.committee)
    response = client.post(reverse("investigation:report", args=[check.pk]), {
        "summary": "逐一核查", "mobile_measures": "", "hanging_fixes": "", "search_methods": "", "disposal_proposals": "",
        **seen(services.report_for(check))})
    assert response.status_code == 302
    opinion = CommitteeOpinion.objects.get(campaign=campaign, committee=county.town)
    client.post(reverse("investigation:opinion", args=[opinion.pk]), {
        "meeting_on": datetime.date.today().isoformat(), "meeting_host": "王书记", "initial_handling": "继续查找",
        "report": "", **seen(opinion)})
    client.post(reverse("investigation:sign", args=[opinion.pk]), {"signer_name": "王书记"})
    text = client.get(reverse("investigation:opinion", args=[opinion.pk])).content.decode()
    assert "已签署第1版" in text and "下载签署件" in text
    response = client.get(reverse("investigation:signed_file", args=[opinion.pk]) + "?v=1")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")  # 附件1–3, the mobile table
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    assert "经查找仍然无法取得联系党员登记表" in text and "党委（盖章）：城关镇党委" in text
    client.post(reverse("investigation:opinion", args=[opinion.pk]), {
        "meeting_on": datetime.date.today().isoformat(), "meeting_host": "王书记", "initial_handling": "改为限期查找",
        "report": "", **seen(opinion)})
    text = client.get(reverse("investigation:opinion", args=[opinion.pk])).content.decode()
    assert "签署后有改动" in text


def test_county_opens_a_campaign_from_the_page(client, county):
    client.force_login(county.admin)
    page = client.get(reverse("investigation:index")).content.decode()
    assert "开展组织关系排查" in page and 'value="{}-02-14"'.format(datetime.date.today().year) in page
    year = datetime.date.today().year
    from investigation.forms import source_dates
    data = {"name": f"{year}年排查", **{k: v.isoformat() for k, v in source_dates(year).items()}}
    response = client.post(reverse("investigation:open"), data)
    assert response.status_code == 302
    client.force_login(county.secretary)
    assert client.post(reverse("investigation:open"), data).status_code == 403


@pytest.mark.parametrize("n", [3, 40])
def test_case_list_queries_constant(client, county, n, django_assert_max_num_queries):
    bulk_members(county.east, n)
    campaign = open_campaign(county)
    check = campaign.checks.get(branch=county.east)
    search(county.secretary, case_of(campaign, county.east1))
    client.force_login(county.secretary)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("investigation:check", args=[check.pk]))
    assert response.status_code == 200
    with django_assert_max_num_queries(14):
        client.get(reverse("investigation:index"))


def test_a_stale_classification_is_refused(client, county, campaign):
    case = case_of(campaign, county.east1)
    old = seen(case)
    services.classify(county.committee, case, {"classification": "mobile"})  # someone else meanwhile
    client.force_login(county.secretary)
    response = client.post(reverse("investigation:case", args=[case.pk]), {"classification": "normal", **old})
    assert "保存未成功" in response.content.decode()
    case.refresh_from_db()
    assert case.classification == "mobile"


def test_the_case_of_a_member_transferred_out_of_the_county_shows_its_letter(client, county):
    """A letter out of the county has a destination and no organization of ours: the case page
    names the destination (it failed with a template error on such a case)."""
    gone = make_member(county.east, "赵转出")
    letter = letter_out(county.admin, gone)
    campaign = open_campaign(county)
    client.force_login(county.secretary)
    response = client.get(reverse("investigation:case", args=[case_of(campaign, gone).pk]))
    assert response.status_code == 200
    assert f"第{letter.number}号" in response.content.decode() and letter.destination in response.content.decode()


def test_lost_needs_six_months_out_of_contact(county):
    """失联 is six months or more without contact: the classification refuses less, so 附件3's total
    (col 1) always equals its time ranges (cols 2–5)."""
    campaign = open_campaign(county)
    case = case_of(campaign, county.east1)
    today = services.today()
    search(county.secretary, case)
    recent = {"classification": "lost", "lost_reason": "1", "lost_since": today - datetime.timedelta(days=60)}
    with pytest.raises(ValidationError) as refused:
        services.classify(county.secretary, case, recent)
    assert "不满六个月" in str(refused.value)
    case.refresh_from_db()
    assert case.classification == ""
    services.classify(county.secretary, case, {**recent, "lost_since": today - datetime.timedelta(days=200)})
    case.refresh_from_db()
    assert case.classification == "lost"
