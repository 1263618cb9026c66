"""附件2's 基层党委意见 per member, in the browser's pages (views.case_committee_opinion): the
committee of the branch writes it on the case page once the branch has submitted; nobody else can;
bad or stale input is refused in Chinese with nothing saved; after the committee has signed, the
signed version stays as it was and the change asks for a new signature (as the opinion and report)."""

import datetime

import pytest
from django.urls import reverse

from core import versions
from core.concurrency import newest_entry_id
from core.models import AuditEntry
from investigation import documents, services
from investigation.models import Case, CommitteeOpinion

from .helpers import case_of, open_campaign, search, submitted

pytestmark = pytest.mark.django_db
FORM_TITLE = "基层党委意见"


@pytest.fixture
def campaign(county):
    return open_campaign(county)


def _url(case):
    return reverse("investigation:case_committee_opinion", args=[case.pk])


def _post(client, case, text, **over):
    case.refresh_from_db()
    return client.post(_url(case), {"committee_opinion": text, "version": case.version,
                                    "seen_entry": newest_entry_id(case), **over}, follow=True)


def _page(client, case):
    return client.get(reverse("investigation:case", args=[case.pk])).content.decode()


def test_the_committee_writes_it_once_the_branch_has_submitted(client, county, campaign):
    case = case_of(campaign, county.east1)
    client.force_login(county.committee)
    assert _url(case) not in _page(client, case)  # still in self-check: no form
    response = _post(client, case, "同意停止党籍")
    assert "党支部尚未提交自查，还不能填写基层党委意见。" in response.content.decode()
    assert Case.objects.get(pk=case.pk).committee_opinion == ""

    search(county.secretary, case)
    services.classify(county.secretary, case, {"classification": "lost", "lost_reason": "1",
                                               "lost_since": datetime.date(2024, 1, 1)})
    submitted(county, campaign, county.east, county.secretary)
    page = _page(client, case)
    assert _url(case) in page and "保存基层党委意见" in page
    response = _post(client, case, "  同意党支部意见，停止党籍  ")
    assert "张东一：基层党委意见已保存。" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("#committee")
    assert Case.objects.get(pk=case.pk).committee_opinion == "同意党支部意见，停止党籍"
    entry = AuditEntry.objects.filter(object_id=str(case.pk)).order_by("-pk").first()
    assert entry.actor == county.committee and "同意党支部意见，停止党籍" in str(entry.changes)
    # it is what 附件2 prints in the 基层党委意见 column
    doc, rows = documents.register("annex2", None, county.town, campaign)
    col = next(c for c in doc.columns if c.key == "committee_opinion")
    assert [col.value(r) for r in rows] == ["同意党支部意见，停止党籍"]


def test_nobody_else_writes_it(client, county, campaign):
    submitted(county, campaign, county.east, county.secretary)
    case = case_of(campaign, county.east1)
    client.force_login(county.secretary)  # the branch itself: no form, the POST forbidden
    assert _url(case) not in _page(client, case)
    assert client.post(_url(case), {"committee_opinion": "同意"}).status_code == 403
    for user in (county.other_committee, county.sibling_secretary, county.cadre):
        client.force_login(user)
        assert client.post(_url(case), {"committee_opinion": "同意"}).status_code == 404
    client.logout()
    assert client.post(_url(case), {"committee_opinion": "同意"}).status_code == 302  # to the login
    client.force_login(county.committee)
    assert client.get(_url(case)).status_code == 405
    assert Case.objects.get(pk=case.pk).committee_opinion == ""


def test_bad_or_stale_input_is_refused_and_nothing_saved(client, county, campaign):
    submitted(county, campaign, county.east, county.secretary)
    case = case_of(campaign, county.east1)
    client.force_login(county.committee)
    page = _post(client, case, "很长" * 101).content.decode()
    assert "尚未保存" in page and "200" in page
    page = _post(client, case, "同意", version=0).content.decode()  # another user changed it meanwhile
    assert "尚未保存" in page
    assert Case.objects.get(pk=case.pk).committee_opinion == ""


def _sign(county, campaign):
    for branch in (county.east, county.west):
        check = submitted(county, campaign, branch)
        services.agree_rest(county.committee, check)
        services.finish_verification(county.committee, check)
    opinion = CommitteeOpinion.objects.get(campaign=campaign, committee=county.town)
    services.save_opinion(county.committee, opinion, {"meeting_on": datetime.date.today(),
                                                      "initial_handling": "对失联党员继续查找"})
    services.sign(county.committee, opinion, "王书记")
    return opinion


def test_after_signing_the_signed_version_stays_and_a_new_signature_is_asked(client, county, campaign):
    opinion = _sign(county, campaign)
    case = case_of(campaign, county.east1)
    client.force_login(county.committee)
    assert "党(工)委已签署第1版。在此修改不会改动已签署的版本" in _page(client, case)
    response = _post(client, case, "同意")
    assert "已签署的第1版不变，请重新签署生成新的版本。" in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.changed_since_signing and opinion.signed_version == 1
    v1 = versions.history(opinion, CommitteeOpinion.SIGNED_KIND).get(number=1)
    assert v1.is_current
    assert services.sign(county.committee, opinion, "王书记", reason="补填基层党委意见").number == 2
